"""The logic of the command-line scripts in scripts/ that is not a vira module: the power plan
(scripts/power_plan.py), which projects a claim's interval to more seeds and test items."""

import importlib.util
import math
from pathlib import Path

import pytest
from scipy import stats

from vira.book.claims import Evidence, interval, mde

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "power_plan.py"
spec = importlib.util.spec_from_file_location("power_plan", SCRIPT)
power_plan = importlib.util.module_from_spec(spec)
spec.loader.exec_module(power_plan)


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
