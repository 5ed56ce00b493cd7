"""vira.book.power: projecting a claim's interval to more seeds and test items, and the plan table."""

import math

import pytest
from scipy import stats

from vira.book.claims import Evidence, interval, mde

from vira.book import power as power_plan
from vira.book.claims import make_claim


def test_at_todays_size_the_projection_is_the_claims_interval():
    values, se_test, n = (0.11, 0.14, 0.02), 0.07, 88
    est, lo, hi, se, df = interval(Evidence(values, se_test, n))
    p = power_plan.projected(values, se_test, n, seeds=3, n_new=n)
    assert p["se"] == pytest.approx(se) and p["df"] == pytest.approx(df)
    assert p["half_width"] == pytest.approx((hi - lo) / 2)
    assert p["mde"] == pytest.approx(mde(se, df))


def test_projection_by_hand():
    # values 0 and 2: s**2 = 2; at 4 seeds the seed term is 0.5. se_test 0.3 on 100 items, at 400
    # items 0.3**2 / 4 = 0.0225. se**2 = 0.5225; df = 0.5225**2 / (0.5**2/3 + 0.0225**2/399)
    p = power_plan.projected((0.0, 2.0), 0.3, 100, seeds=4, n_new=400)
    assert p["se"] == pytest.approx(math.sqrt(0.5225))
    df = 0.5225 ** 2 / (0.25 / 3 + 0.0225 ** 2 / 399)
    assert p["df"] == pytest.approx(df)
    assert p["half_width"] == pytest.approx(stats.t.ppf(0.975, df) * math.sqrt(0.5225))


def test_the_plan_grows_what_dominates():
    # the test set dominates (two equal seeds): more items decide, the seeds stay two
    test_bound = power_plan.smallest_size((0.1, 0.1), 0.08, 88, 0.1)
    assert test_bound["seeds"] == 2 and test_bound["items"] > 88
    # the seeds dominate: no number of items decides at two seeds, so the plan adds seeds (10; with
    # twice the spread not even 10 seeds reach an MDE of 0.1)
    assert power_plan.smallest_size((0.0, 0.1), 0.001, 88, 0.1)["seeds"] == 10
    assert power_plan.smallest_size((0.0, 0.2), 0.001, 88, 0.1) is None
    # nothing to detect
    assert power_plan.smallest_size((0.1, 0.1), 0.08, 88, 0.0) is None


def test_one_seed_plans_test_items_only():
    best = power_plan.smallest_size((0.2,), 0.1, 50, 0.2)
    assert best["seeds"] == 1 and best["items"] >= 50


def test_plan_table_names_what_would_decide_the_undecided():
    ev = Evidence((0.10, 0.12), 0.08, 88)
    open_ = make_claim(paper="P", statement="A beats B", metric="SRC", ev=ev, paper_estimate=0.1)
    decided = make_claim(paper="P", statement="A beats chance", metric="SRC",
                         ev=Evidence((0.5, 0.52), 0.01, 88))
    table = power_plan.plan_table([open_, decided, {"kind": "value"}])
    assert list(table.index) == ["A beats B", "A beats chance"]
    assert table.loc["A beats B", "verdict"] == "inconclusive"
    assert table.loc["A beats B", "spent (seeds x test items)"] == "2 x 88"
    size = power_plan.smallest_size((0.10, 0.12), 0.08, 88, 0.11)
    assert table.loc["A beats B", "would decide our effect at"] == f"{size['seeds']} x {size['items']}"
    assert table.loc["A beats chance", "would decide our effect at"] == "—"  # decided already
    assert float(table.loc["A beats B", "MDE (80 % power)"]) == pytest.approx(open_["mde"], abs=5e-4)
    assert power_plan.plan_table([decided], central_only=True).empty


@pytest.mark.parametrize("paper", [None, float("nan")])
def test_plan_table_says_when_the_paper_has_no_number(paper):
    ev = Evidence((0.10, 0.12), 0.08, 88)
    open_ = {**make_claim(paper="P", statement="A beats B", metric="SRC", ev=ev),
             "paper_estimate": paper}  # NaN: as read back from chapter 9's records.csv
    row = power_plan.plan_table([open_]).loc["A beats B"]
    assert row["would decide the paper's at"] == "no number in the paper"  # not "beyond the grid"
    assert row["would decide our effect at"] not in ("—", "no number in the paper")
