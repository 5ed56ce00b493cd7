"""Claims as data: one statistical rule for every verdict of the book.

A *claim* is one sentence of a paper (or of a chapter) that a number can decide: "PSGCN ranks
clips better than ST-GCN", "the learned weights beat fixed weights", "SRC above chance". A chapter
states it once, with the verdict it expects, by calling :func:`claim`; that one call

1. computes the 95 % interval of the claimed quantity (:func:`interval`),
2. reads the verdict off the interval alone (:func:`verdict`),
3. writes the sentence the page shows (glued under ``name``) and the record that chapter 9 reads,
4. asserts the expected verdict whenever the preset is not ``smoke``; at ``smoke`` it still fails
   when the run decides the *opposite* way (a decisive verdict that was not expected).

The interval
------------
The quantity is a mean over ``k`` training seeds of a per-seed value ``d_s`` (one arm's metric, or
the paired difference of two arms' metrics, on the same test items). Two things make it uncertain:

* **the finite test set**: :func:`evidence` resamples the test items with
  ``scipy.stats.bootstrap`` (one index resample shared by every seed and both arms, so the
  comparison stays paired) and takes the standard error ``se_test`` of the seed mean;
* **the seeds**: the sample variance ``s**2`` of the ``d_s`` over ``k`` seeds gives ``s**2 / k``.

The interval is ``mean ± t(0.975, df) * sqrt(se_test**2 + s**2 / k)``: a Student t interval
whose degrees of freedom come from the Welch-Satterthwaite formula, with ``k - 1`` degrees of
freedom for the seed term and ``n - 1`` for the test-set term (a standard error estimated from
``n`` items), ``df = se**4 / ((s**2/k)**2 / (k - 1) + se_test**4 / (n - 1))``. One seed relies on
the test-set term alone, with ``n - 1`` degrees of freedom, so a handful of test items gives a
wide interval rather than a normal one. It narrows as seeds are added (``s**2/k``
and a larger ``df``) and as test items are added (``se_test``). The per-seed spread on one fixed
test set also contains a little test-set noise, so the sum counts that part twice: the interval
errs on the wide side. Pairing matters: a difference that is constant across seeds has ``s = 0``
however much each arm moves, and the interval is as narrow as the test set allows.

The verdict (:func:`verdict`), with ``direction`` the claimed side of ``null``:

* ``reproduced`` -- the interval lies entirely on the claimed side of the null;
* ``contradicted`` -- entirely on the other side;
* ``absent`` -- it contains the null and excludes the paper's value: an effect as large as the
  paper's is ruled out;
* ``inconclusive`` -- it contains the null and the paper's value (or the paper gives none). The
  record then carries the minimum detectable effect (:func:`mde`, 80 % power) and the factor by
  which seeds and test items would have to grow to decide an effect of the paper's size
  (:func:`scale_to_decide`).

The paper's own resolution (:func:`paper_se`): the standard error of a quoted difference at the
paper's own test size, from the Fisher z approximation of a correlation (Bonett and Wright's
variance for Spearman's rho) or the binomial variance of a proportion, treating the two arms as
independent. The paper's arms share their test clips, so the true paired error is smaller: this is
an upper bound, documented as such in chapter 9.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from scipy import stats

__all__ = ["VERDICTS", "Evidence", "evidence", "from_values", "interval", "verdict", "mde",
           "scale_to_decide", "paper_se", "make_claim", "claim", "findings", "check_record"]

VERDICTS = ("reproduced", "contradicted", "absent", "inconclusive")
CONFIDENCE, POWER = 0.95, 0.80


@dataclass(frozen=True)
class Evidence:
    """What a claim is decided from: per-seed ``values`` of the claimed quantity (paired by seed),
    the standard error ``se_test`` of their mean that the finite test set adds, and ``n_test``."""

    values: tuple
    se_test: float
    n_test: int

    def __post_init__(self):
        if not self.values:
            raise ValueError("evidence: no values")
        bad = [k for k, v in enumerate(self.values) if not math.isfinite(v)]
        if bad:
            raise ValueError(f"evidence: value(s) at seed index {bad} are not finite: {self.values}")
        if not (math.isfinite(self.se_test) and self.se_test >= 0):
            raise ValueError(f"evidence: se_test must be finite and >= 0, got {self.se_test}")
        if self.n_test < 1:
            raise ValueError(f"evidence: n_test must be >= 1, got {self.n_test}")


def _per_seed(x, k: int, what: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 1:
        arr = np.broadcast_to(arr, (k, arr.shape[0]))
    if arr.ndim != 2 or arr.shape[0] != k:
        raise ValueError(f"evidence: {what} must have shape (N,) or (seeds={k}, N), got {arr.shape}")
    return arr


def evidence(metric: Callable, a, target, b=None, *, n_resamples: int = 1000, seed: int = 0,
             span: float | None = None) -> Evidence:
    """Per-seed values and the test-set standard error of one arm, or of arm ``a`` minus arm ``b``.

    Args:
        metric: ``metric(pred, target) -> float`` on ``(N,)`` arrays, e.g. :func:`vira.metrics.srcc`.
        a, b: predictions, shape ``(S, N)`` (one row per seed; the same N test items), or ``(N,)``
            for a deterministic arm used by every seed.
        target: shape ``(N,)``, or ``(S, N)`` when each seed has its own targets on the same items.
        n_resamples: bootstrap resamples of the test items (``scipy.stats.bootstrap``, percentile
            method, fixed ``rng`` seed: deterministic). Resamples on which the metric is undefined
            (a constant resample) are left out of the standard error.
        span: the range of the per-item scores (1 for a hit rate, 2 for a difference of two) when
            the metric is a mean of bounded per-item scores. Only used when every resample gives
            the same value (a handful of items that all score alike), where the bootstrap measures
            nothing: the test-set error is then the largest a mean of n such scores can have,
            ``span / (2 sqrt(n))`` (Popoviciu's inequality), so the interval errs wide. Without
            ``span`` such evidence keeps ``se_test = 0``.

    Returns:
        :class:`Evidence` with ``values[s] = metric(a[s], y[s]) - metric(b[s], y[s])``.
    """
    rows = [np.asarray(x) for x in (a, b, target) if x is not None]
    k = max(x.shape[0] if x.ndim == 2 else 1 for x in rows)
    A, Y = _per_seed(a, k, "a"), _per_seed(target, k, "target")
    B = None if b is None else _per_seed(b, k, "b")
    n = Y.shape[1]
    if A.shape[1] != n or (B is not None and B.shape[1] != n):
        raise ValueError(f"evidence: a, b and target must cover the same {n} test items")

    def per_seed(idx):
        return np.array([metric(A[s, idx], Y[s, idx]) - (0.0 if B is None else metric(B[s, idx], Y[s, idx]))
                         for s in range(k)])

    values = per_seed(np.arange(n))
    res = stats.bootstrap((np.arange(n),), lambda idx: float(np.mean(per_seed(idx))), vectorized=False,
                          n_resamples=n_resamples, method="percentile", rng=np.random.default_rng(seed))
    dist = res.bootstrap_distribution
    se = float(np.nanstd(dist, ddof=1)) if np.isfinite(dist).sum() > 1 else float("nan")
    if span is not None and not se > 1e-12:
        se = span / (2 * math.sqrt(n))
    return Evidence(tuple(float(v) for v in values), se, n)


def evidence_over(quantity: Callable[[int, np.ndarray], float], n_seeds: int, n_items: int, *,
                  n_resamples: int = 1000, seed: int = 0) -> Evidence:
    """:func:`evidence` for a quantity that needs more per test item than one prediction and one
    target (two targets, groups of items, a seed's own attention map).

    ``quantity(s, idx)`` is seed ``s``'s value on the items at positions ``idx`` (an int array);
    the bootstrap resamples the positions ``0 .. n_items - 1``, the same resample for every seed,
    so a difference computed inside ``quantity`` stays paired. Used by chapters 3 (over joints)
    and 6 (over test videos)."""
    rows = np.repeat(np.arange(n_seeds, dtype=float)[:, None], n_items, axis=1)
    return evidence(lambda s, idx: quantity(int(s[0]), idx.astype(int)), rows, np.arange(n_items, dtype=float),
                    n_resamples=n_resamples, seed=seed)


def from_values(values: Sequence[float], n_test: int, se_test: float = 0.0) -> Evidence:
    """Evidence from per-seed values alone, for a quantity whose test set is redrawn with every
    seed (its seed spread then already contains the test-set noise) or has no test set."""
    return Evidence(tuple(float(v) for v in np.atleast_1d(np.asarray(values, dtype=float))), float(se_test), int(n_test))


def interval(ev: Evidence, confidence: float = CONFIDENCE) -> tuple[float, float, float, float, float]:
    """``(estimate, low, high, se, df)``: the t interval of the module docstring."""
    v = np.asarray(ev.values)
    k = len(v)
    seed_var = float(np.var(v, ddof=1)) / k if k > 1 else 0.0
    se = math.sqrt(ev.se_test ** 2 + seed_var)
    if k == 1 and ev.se_test == 0:
        raise ValueError("interval: one seed and no test-set error: nothing measures the uncertainty")
    parts = (seed_var ** 2 / (k - 1) if k > 1 else 0.0) + \
        (ev.se_test ** 4 / (ev.n_test - 1) if ev.n_test > 1 else 0.0)
    df = math.inf if parts == 0 else se ** 4 / parts
    q = float(stats.t.ppf(0.5 + confidence / 2, df))
    est = float(v.mean())
    return est, est - q * se, est + q * se, se, df


def verdict(low: float, high: float, null: float, direction: int, paper_estimate: float | None) -> str:
    """The verdict of the module docstring, from the interval ``[low, high]`` alone."""
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {direction}")
    above, below = low > null, high < null
    if above or below:
        return "reproduced" if (above and direction == 1) or (below and direction == -1) else "contradicted"
    if paper_estimate is not None and not low <= paper_estimate <= high:
        return "absent"
    return "inconclusive"


def mde(se: float, df: float, confidence: float = CONFIDENCE, power: float = POWER) -> float:
    """Minimum detectable effect: the smallest true effect this run finds with probability
    ``power`` at level ``1 - confidence``, ``(t_{1-alpha/2} + t_{power}) * se``."""
    return float((stats.t.ppf(0.5 + confidence / 2, df) + stats.t.ppf(power, df)) * se)


def scale_to_decide(se: float, df: float, effect: float) -> float | None:
    """How many times more seeds *and* test items (both scaled together, so ``se`` shrinks by
    the square root of the factor) would make ``effect`` detectable with 80 % power; None when
    ``effect`` is 0."""
    if effect == 0:
        return None
    return float((mde(se, df) / abs(effect)) ** 2)


def paper_se(kind: str, a: float, n: int, b: float | None = None) -> float:
    """Standard error of a paper's value ``a`` (or of ``a - b``) at its own test size ``n``.

    ``kind`` is ``"spearman"`` (Fisher z with Bonett and Wright's variance ``(1 + r**2/2)/(n-3)``),
    ``"pearson"`` (``1/(n-3)``) or ``"proportion"`` (``p(1-p)/n``). Correlations are mapped back
    by the delta method, ``se_r = (1 - r**2) * se_z``. A difference treats the arms as independent
    (an upper bound: the paper's arms share their test items)."""
    def one(x):
        if kind == "proportion":
            return x * (1 - x) / n
        if kind not in ("spearman", "pearson"):
            raise ValueError(f"paper_se: unknown kind {kind!r}")
        if n <= 3:
            raise ValueError(f"paper_se: need n > 3 test items, got {n}")
        var_z = (1 + x * x / 2 if kind == "spearman" else 1.0) / (n - 3)
        return (1 - x * x) ** 2 * var_z

    return math.sqrt(one(a) + (0.0 if b is None else one(b)))


def _fmt(x: float | None, signed: bool) -> str:
    return "—" if x is None else (f"{x:+.3f}" if signed else f"{x:.3f}")


def make_claim(*, paper: str, statement: str, metric: str, ev: Evidence, null: float = 0.0,
               direction: int = 1, paper_estimate: float | None = None, paper_se: float | None = None,
               central: bool = False, expect=None, section: str | None = None) -> dict:
    """The claim record (see :data:`vira.book.results.CLAIM_SCHEMA`) with its sentence."""
    est, lo, hi, se, df = interval(ev)
    word = verdict(lo, hi, null, direction, paper_estimate)
    signed = null == 0
    k, n = len(ev.values), ev.n_test
    lead = statement[:1].upper() + statement[1:]  # a sentence of its own, also where glued after one
    text = (f"{lead} ({metric}): ours {_fmt(est, signed)}, 95 % interval "
            f"[{_fmt(lo, signed)}, {_fmt(hi, signed)}] over {k} seed{'s' * (k > 1)} and {n} test items")
    if paper_estimate is not None:
        text += f"; the paper {_fmt(paper_estimate, signed)}"
        if paper_se is not None:
            text += f" (± {paper_se:.3f} at its own test size)"
    text += f". Verdict: {word}"
    factor = None
    if word == "inconclusive":
        effect = (paper_estimate if paper_estimate is not None else est) - null
        factor = scale_to_decide(se, df, effect)
        text += f": this run detects effects of {mde(se, df):.3f} or more (80 % power)"
        if factor is not None:
            text += (f"; {'the paper' if paper_estimate is not None else 'our estimate'}'s effect would "
                     f"need about {factor:.1f}× the seeds and test items")
    text += "."
    expected = None if expect is None else ([expect] if isinstance(expect, str) else list(expect))
    for e in expected or []:
        if e not in VERDICTS:
            raise ValueError(f"claim {statement!r}: unknown expected verdict {e!r}; choose from {VERDICTS}")
    return {"kind": "claim", "paper": paper, "central": bool(central), "statement": statement, "metric": metric,
            "estimate": est, "ci_low": lo, "ci_high": hi, "null": float(null), "direction": int(direction),
            "paper_estimate": None if paper_estimate is None else float(paper_estimate),
            "paper_se": None if paper_se is None else float(paper_se), "verdict": word, "expected": expected,
            "mde": mde(se, df), "scale_to_decide": factor, "n_seeds": k, "n_test": n,
            "values": list(ev.values), "se_test": ev.se_test, "asserted": False, "section": section,
            "sentence": text}


def claim(session, name: str | None = None, **kwargs) -> dict:
    """Decide one claim (:func:`make_claim`), record it on ``session`` and glue its sentence.

    ``expect`` (a verdict or a tuple of acceptable ones) is the chapter's one statement of what it
    expects: asserted when the preset is not ``smoke``; at ``smoke`` the run only fails when it
    decides a way that was not expected (``reproduced`` or ``contradicted``). The sentence is glued
    as ``name`` when given. Used by chapters 1-8 and appendix A1; chapter 9 reads the records.
    """
    from vira.book.glue import glue

    rec = make_claim(**kwargs)
    key = (rec["paper"], rec["statement"], rec["metric"])
    if any((r.get("paper"), r.get("statement"), r.get("metric")) == key for r in session.results):
        raise ValueError(f"claim recorded twice: {key}")
    expected = rec["expected"]
    if expected is not None:
        if session.preset.name != "smoke":
            assert rec["verdict"] in expected, f"expected {' or '.join(expected)}: {rec['sentence']}"
            rec["asserted"] = True
        elif rec["verdict"] in ("reproduced", "contradicted"):
            assert rec["verdict"] in expected, f"decided against the expectation even at smoke: {rec['sentence']}"
    session.results.append(rec)
    if name is not None:
        glue(name, rec["sentence"])
    print(rec["sentence"])
    return rec


def findings(session, papers: Sequence[str] | None = None):
    """Markdown list of the chapter's claim sentences ("What we found"), generated so that no
    sentence can disagree with the numbers; for ``display``."""
    from IPython.display import Markdown

    lines = [f"- {r['sentence'].replace('Verdict: ' + r['verdict'], 'Verdict: **' + r['verdict'] + '**')}"
             + ("" if r["asserted"] else " *(not asserted at this preset)*")
             for r in session.results if r.get("kind") == "claim" and (papers is None or r["paper"] in papers)]
    return Markdown("\n".join(lines) or "*(no claims)*")


def check_record(rec: dict) -> None:
    """Raise ``ValueError`` when a stored claim record is inconsistent: NaN, ``n_seeds`` not the
    number of values, an interval that does not hold its estimate, or a verdict that does not
    follow from the interval. Used by :func:`vira.book.results.validate_file`."""
    where = f"claim {rec.get('statement')!r}"
    for key in ("estimate", "ci_low", "ci_high", "null", "mde", "se_test"):
        if not math.isfinite(rec[key]):
            raise ValueError(f"{where}: {key} is {rec[key]}")
    if not all(math.isfinite(v) for v in rec["values"]):
        raise ValueError(f"{where}: a value is not finite: {rec['values']}")
    if rec["n_seeds"] != len(rec["values"]):
        raise ValueError(f"{where}: n_seeds {rec['n_seeds']} but {len(rec['values'])} values")
    if not rec["ci_low"] <= rec["estimate"] <= rec["ci_high"]:
        raise ValueError(f"{where}: the interval does not hold the estimate")
    due = verdict(rec["ci_low"], rec["ci_high"], rec["null"], rec["direction"], rec["paper_estimate"])
    if rec["verdict"] != due:
        raise ValueError(f"{where}: verdict {rec['verdict']!r} does not follow from its interval ({due!r})")
