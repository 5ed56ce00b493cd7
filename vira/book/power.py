"""Power plan: how many seeds and test items would decide a claim (issue 24).

Every claim's interval (:mod:`vira.book.claims`) has two parts in its squared standard error: the
seed term ``s**2 / k`` (``s`` the standard deviation of the per-seed values over ``k`` seeds) and the
test-set term ``se_test**2`` (the bootstrap standard error on ``n`` test items). :func:`projected`
carries both to ``k'`` seeds and ``n'`` test items, assuming the per-seed spread ``s`` stays and the
test-set error shrinks as ``1/sqrt(n')``::

    se'**2 = s**2 / k' + se_test**2 * n / n'

and asks :func:`vira.book.claims.interval` itself for the degrees of freedom (Welch-Satterthwaite),
the half-width and the minimum detectable effect (80 % power). :func:`smallest_size` searches a
grid (seeds k, 3, 5, 10; test items x1, x2, ... x64) for the cheapest size that detects a given
effect: fewer seeds count as cheaper first (each seed trains every model again), then fewer test
items (evaluating costs a fraction of training on the book's generators).

:func:`plan_table` is the short table a chapter prints under its claims: what the preset spent, the
MDE it bought, and the size that would decide what is still undecided. It is a plan, not a result:
``s`` from two seeds is itself uncertain, so a plan is checked by running it.

Used by chapters 2, 3, 4, 8 and 9 and by ``scripts/power_plan.py`` (every claim of the book).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from vira.book.claims import Evidence, interval, mde

MULTIPLIERS = (1, 2, 4, 8, 16, 32, 64)
SEEDS = (3, 5, 10)


def projected(values, se_test: float, n_test: int, seeds: int, n_new: int) -> dict:
    """The interval's standard error, degrees of freedom, half-width and MDE at ``seeds`` seeds and
    ``n_new`` test items, from per-seed ``values`` measured with ``se_test`` on ``n_test`` items.

    It asks :func:`vira.book.claims.interval` on a stand-in run: ``seeds`` values with the same mean
    and sample variance as ``values``, and the test-set error scaled to ``n_new`` items."""
    v = np.asarray(values, dtype=float)
    z = np.arange(seeds) - (seeds - 1) / 2  # a pattern with sample variance 1 after scaling
    spread = v.std(ddof=1) if len(v) > 1 else 0.0
    stand_in = v.mean() + (spread * z / z.std(ddof=1) if seeds > 1 else np.zeros(1))
    ev = Evidence(tuple(stand_in), se_test * math.sqrt(n_test / n_new), n_new)
    _, low, high, se, df = interval(ev)
    return {"se": se, "df": df, "half_width": (high - low) / 2, "mde": mde(se, df)}


def smallest_size(values, se_test: float, n_test: int, effect: float | None) -> dict | None:
    """The cheapest size in the grid whose MDE (80 % power) is at most ``|effect|``: fewest seeds
    first, then fewest test items. None if none is, or if there is no effect to detect. One seed
    stays one (its plan grows the test set only)."""
    if effect is None or effect == 0 or (isinstance(effect, float) and math.isnan(effect)):
        return None
    k = len(values)
    for seeds in ([1] if k == 1 else sorted({k, *(s for s in SEEDS if s > k)})):
        for m in MULTIPLIERS:
            p = projected(values, se_test, n_test, seeds, n_test * m)
            if p["mde"] <= abs(effect):
                return {"seeds": seeds, "items": n_test * m, "mde": p["mde"]}
    return None


def plan(record: dict) -> dict:
    """One claim's plan: today's half-width, MDE and the seed share of the variance, and the
    cheapest size that detects (80 % power) an effect as large as today's estimate, and one as
    large as the paper's (which, if the truth is null, also rules the paper's effect out)."""
    values = record["values"]
    k, n, se_test = len(values), int(record["n_test"]), float(record["se_test"])
    now = projected(values, se_test, n, k, n)
    paper = record.get("paper_estimate")
    paper = None if paper is None or (isinstance(paper, float) and math.isnan(paper)) else float(paper)

    def size(effect):
        best = smallest_size(values, se_test, n, effect)
        return None if best is None else f"{best['seeds']} x {best['items']}"

    return {"half-width now": now["half_width"], "mde now": now["mde"],
            "seed share": (now["se"] ** 2 - se_test ** 2) / now["se"] ** 2 if now["se"] > 0 else float("nan"),
            "for today's effect": size(record["estimate"] - record["null"]),
            "for the paper's effect": None if paper is None else size(paper - record["null"])}


def plan_table(records, central_only: bool = False) -> pd.DataFrame:
    """The chapter's power plan: one row per claim record (dicts as made by
    :func:`vira.book.claims.claim`, e.g. ``session.results``) with what the run spent (seeds x
    test items), its MDE, the share of the variance due to seeds, and, where the claim is still
    undecided, the cheapest size in the grid that would decide today's effect or the paper's
    ("beyond the grid": no size up to 10 seeds and 64 times the test items; "no number in the
    paper" where the paper gives no value to compare with, missing or NaN)."""
    rows = []
    for r in records:
        if r.get("kind") != "claim" or (central_only and not r.get("central")):
            continue
        p = plan(r)
        undecided = r["verdict"] == "inconclusive"

        def need(size, effect):
            if not undecided:
                return "—"
            if effect is None:
                return "no number in the paper"
            return size or "beyond the grid"

        paper = r.get("paper_estimate")
        paper = None if paper is None or (isinstance(paper, float) and math.isnan(paper)) else paper
        rows.append({"claim": r["statement"], "verdict": r["verdict"],
                     "spent (seeds x test items)": f"{len(r['values'])} x {int(r['n_test'])}",
                     "MDE (80 % power)": f"{p['mde now']:.3f}",
                     "seed share of the variance": f"{p['seed share']:.2f}",
                     "would decide our effect at": need(p["for today's effect"], r["estimate"]),
                     "would decide the paper's at": need(p["for the paper's effect"], paper)})
    return pd.DataFrame(rows).set_index("claim") if rows else pd.DataFrame()
