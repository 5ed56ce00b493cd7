"""The claims module: each verdict from constructed data, the interval against hand computations,
the narrowing with seeds and test items, and the validation of claim records."""

import math

import numpy as np
import pytest
from scipy import stats

from vira.book.claims import (Evidence, check_record, claim, evidence, evidence_over, from_values, interval, make_claim, mde,
                              paper_se, scale_to_decide, verdict)
from vira.metrics import srcc


def test_interval_by_hand_seeds_only():
    # values 1, 2, 3: mean 2, sample variance 1, se = sqrt(1/3), df = 2, t(0.975, 2) = 4.3027
    est, lo, hi, se, df = interval(from_values([1.0, 2.0, 3.0], n_test=10))
    assert (est, df) == (2.0, pytest.approx(2.0))
    assert se == pytest.approx(math.sqrt(1 / 3))
    assert hi - est == pytest.approx(4.302653 * math.sqrt(1 / 3), rel=1e-6)
    assert est - lo == pytest.approx(hi - est)


def test_interval_adds_the_test_set_term_with_satterthwaite_df():
    est, lo, hi, se, df = interval(Evidence((1.0, 3.0), se_test=1.0, n_test=10))
    # seed term: var 2 / 2 seeds = 1; total se^2 = 2; df = 2^2 / (1^2 / 1 + 1^2 / 9) = 3.6
    assert se == pytest.approx(math.sqrt(2)) and df == pytest.approx(3.6)
    assert hi - est == pytest.approx(stats.t.ppf(0.975, 3.6) * math.sqrt(2))


def test_one_seed_on_few_test_items_gets_a_t_interval_with_n_minus_1_df():
    # four items: t(0.975, 3) = 3.182, not the normal 1.96
    est, lo, hi, se, df = interval(Evidence((0.0,), se_test=0.1, n_test=4))
    assert df == pytest.approx(3.0) and hi == pytest.approx(0.31824, rel=1e-4)


def test_one_seed_without_test_error_is_refused():
    with pytest.raises(ValueError, match="one seed"):
        interval(from_values([0.3], n_test=10))


@pytest.mark.parametrize("low, high, direction, paper, expected", [
    (0.1, 0.3, 1, 0.2, "reproduced"),
    (-0.3, -0.1, 1, 0.2, "contradicted"),
    (-0.3, -0.1, -1, -0.2, "reproduced"),
    (0.1, 0.3, -1, -0.2, "contradicted"),
    (-0.05, 0.05, 1, 0.2, "absent"),         # holds 0, rules out the paper's 0.2
    (-0.05, 0.25, 1, 0.2, "inconclusive"),   # holds both
    (-0.05, 0.05, 1, None, "inconclusive"),  # no paper value: cannot be absent
    (0.0, 0.3, 1, 0.2, "inconclusive"),      # touching the null is not beyond it
])
def test_the_four_verdicts_from_the_interval(low, high, direction, paper, expected):
    assert verdict(low, high, 0.0, direction, paper) == expected


def test_the_four_verdicts_from_constructed_seed_values():
    def decide(values, paper, direction=1):
        est, lo, hi, _, _ = interval(from_values(values, n_test=100))
        return verdict(lo, hi, 0.0, direction, paper)

    assert decide([0.20, 0.21, 0.19, 0.20], 0.2) == "reproduced"
    assert decide([-0.20, -0.21, -0.19, -0.20], 0.2) == "contradicted"
    assert decide([0.01, -0.01, 0.0, 0.005], 0.2) == "absent"
    assert decide([0.3, -0.2, 0.25, -0.1], 0.2) == "inconclusive"


def test_the_interval_narrows_with_more_seeds_and_more_test_items():
    rng = np.random.default_rng(0)
    widths = []
    for k in (2, 4, 16):
        z = rng.standard_normal(k)
        values = 0.1 + 0.05 * (z - z.mean()) / z.std(ddof=1)  # the same seed spread, more seeds
        _, lo, hi, _, _ = interval(Evidence(tuple(values), se_test=0.02, n_test=100))
        widths.append(hi - lo)
    assert widths[0] > widths[1] > widths[2]
    # more test items: the bootstrap standard error of an SRC shrinks
    y = rng.standard_normal(4000)
    pred = y + 2 * rng.standard_normal(4000)
    se = [evidence(srcc, pred[:n], y[:n], n_resamples=300).se_test for n in (100, 400, 1600)]
    assert se[0] > se[1] > se[2]
    assert se[0] / se[2] == pytest.approx(4.0, rel=0.35)  # ~ 1 / sqrt(n)


def test_a_paired_difference_constant_across_seeds_is_decided():
    # each arm moves a lot from seed to seed; the difference does not: s = 0, only the test set counts
    rng = np.random.default_rng(1)
    y = rng.standard_normal(300)
    quality = [0.2, 1.0, 3.0]  # the arms' skill changes with the seed ...
    a = np.stack([y * q + rng.standard_normal(300) for q in quality])
    b = a + 0.8 * rng.standard_normal((1, 300))  # ... b is always a plus the same extra noise
    unpaired = [srcc(a[s], y) for s in range(3)]
    assert np.ptp(unpaired) > 0.3
    ev = evidence(srcc, a, y, b, n_resamples=300)
    est, lo, hi, _, _ = interval(ev)
    assert lo > 0, (est, lo, hi)
    # the same per-arm values read unpaired (arm a's spread alone) are not decided
    _, lo_a, _, _, _ = interval(from_values(unpaired, n_test=300))
    assert lo_a < 0


def test_evidence_values_are_the_per_seed_metric_differences():
    y = np.arange(10.0)
    a = np.stack([y, -y])
    b = np.stack([y[::-1], y])
    ev = evidence(srcc, a, y, b, n_resamples=50)
    assert ev.values == pytest.approx((2.0, -2.0)) and ev.n_test == 10


def test_a_degenerate_bootstrap_falls_back_to_the_widest_error_of_bounded_scores():
    hits = np.ones(4)  # four items, all hits: every resample scores 1

    def hit_rate(pred, target):
        return float(np.mean(pred))

    assert evidence(hit_rate, hits, np.zeros(4), n_resamples=50).se_test == 0
    assert evidence(hit_rate, hits, np.zeros(4), n_resamples=50, span=1.0).se_test == pytest.approx(0.25)


def test_mde_and_scale_to_decide_by_hand():
    assert mde(0.1, math.inf) == pytest.approx((1.959964 + 0.841621) * 0.1, rel=1e-5)
    # an effect half the mde needs 4x the data (se shrinks by sqrt(4))
    assert scale_to_decide(0.1, math.inf, mde(0.1, math.inf) / 2) == pytest.approx(4.0)
    assert scale_to_decide(0.1, math.inf, 0.0) is None


def test_paper_se_by_hand():
    # Pearson r = 0 at n = 103: se_z = 0.1, se_r = 0.1
    assert paper_se("pearson", 0.0, 103) == pytest.approx(0.1)
    # Spearman adds (1 + r^2/2): r = 0.5, n = 103 -> (0.75)^2 * 1.125 / 100
    assert paper_se("spearman", 0.5, 103) == pytest.approx(math.sqrt(0.5625 * 1.125 / 100))
    assert paper_se("proportion", 0.5, 100, 0.5) == pytest.approx(math.sqrt(0.005))
    with pytest.raises(ValueError, match="kind"):
        paper_se("kendall", 0.1, 100)


class _Session:
    def __init__(self, preset):
        self.preset = type("P", (), {"name": preset})()
        self.results = []


def _kwargs(values, **kw):
    return dict(paper="VDV", statement="PSGCN above ST-GCN", metric="SRC difference",
                ev=from_values(values, n_test=100), paper_estimate=0.02, **kw)


def test_claim_asserts_the_expectation_outside_smoke(monkeypatch):
    monkeypatch.setattr("vira.book.glue.glue", lambda *a, **k: None)
    rec = claim(_Session("small"), **_kwargs([0.2, 0.21, 0.19], expect="reproduced"))
    assert rec["asserted"] and rec["verdict"] == "reproduced" and rec["sentence"].endswith("Verdict: reproduced.")
    with pytest.raises(AssertionError, match="expected contradicted"):
        claim(_Session("small"), **_kwargs([0.2, 0.21, 0.19], expect="contradicted"))


def test_claim_at_smoke_fails_only_on_an_unexpected_decision(monkeypatch):
    monkeypatch.setattr("vira.book.glue.glue", lambda *a, **k: None)
    rec = claim(_Session("smoke"), **_kwargs([0.3, -0.2], expect="reproduced"))
    assert rec["verdict"] == "inconclusive" and not rec["asserted"]
    assert "detects effects of" in rec["sentence"] and "the seeds and test items" in rec["sentence"]
    with pytest.raises(AssertionError, match="even at smoke"):
        claim(_Session("smoke"), **_kwargs([-0.2, -0.21, -0.19], expect="reproduced"))


def test_claim_refuses_a_duplicate_and_an_unknown_verdict(monkeypatch):
    monkeypatch.setattr("vira.book.glue.glue", lambda *a, **k: None)
    session = _Session("small")
    claim(session, **_kwargs([0.2, 0.21]))
    with pytest.raises(ValueError, match="twice"):
        claim(session, **_kwargs([0.2, 0.21]))
    with pytest.raises(ValueError, match="unknown expected verdict"):
        make_claim(**_kwargs([0.2, 0.21], expect="holds"))


def test_check_record_rejects_inconsistent_claims():
    rec = make_claim(**_kwargs([0.2, 0.21, 0.19]))
    check_record(rec)
    for change in ({"verdict": "contradicted"}, {"n_seeds": 2}, {"ci_low": float("nan")},
                   {"values": [0.2, float("nan"), 0.19]}, {"estimate": 5.0}):
        with pytest.raises(ValueError):
            check_record({**rec, **change})


def test_a_claim_sentence_begins_with_a_capital_even_when_its_statement_does_not():
    rec = make_claim(paper="VDV", statement="the trunk ranks videos", metric="SRC", ev=from_values([0.5, 0.6], n_test=80))
    assert rec["sentence"].startswith("The trunk ranks videos (SRC): ours")
    assert rec["statement"] == "the trunk ranks videos"  # the record keeps the chapter's own words


def test_evidence_over_positions_is_paired_across_seeds_and_matches_a_hand_bootstrap():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 60)) + np.array([[0.0], [0.5], [1.0]])
    ev = evidence_over(lambda s, idx: float(x[s, idx].mean()), 3, 60, n_resamples=2000, seed=1)
    assert np.allclose(ev.values, x.mean(axis=1)) and ev.n_test == 60
    # the mean over seeds of per-seed means is the mean of the per-item seed averages: its error is
    # that of a mean of 60 numbers, std / sqrt(60)
    assert ev.se_test == pytest.approx(x.mean(axis=0).std(ddof=1) / math.sqrt(60), rel=0.1)
    one = evidence_over(lambda _, idx: float(x[0, idx].mean()), 1, 60, seed=1)
    assert one.values == (pytest.approx(x[0].mean()),)
