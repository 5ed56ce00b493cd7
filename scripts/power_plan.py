"""Power plan: for each claim of the book, how many seeds and test items would decide it.

    .venv/bin/python scripts/power_plan.py                  # central claims of the committed runs
    .venv/bin/python scripts/power_plan.py --all            # every claim
    .venv/bin/python scripts/power_plan.py --csv plan.csv   # also write the table

Reads ``book/results/records.csv`` (written by chapter 9) and, for each claim decided at
``small`` or ``full``, splits the squared standard error of its interval into its two parts
(:mod:`vira.book.claims`): the seed term ``s**2 / k`` (``s`` the standard deviation of the
per-seed values over ``k`` seeds) and the test-set term ``se_test**2`` (the bootstrap standard
error on ``n`` test items). It then projects both to ``k'`` seeds and ``n'`` test items, assuming
the per-seed spread ``s`` stays and the test-set error shrinks as ``1/sqrt(n')``:

    se'**2 = s**2 / k' + se_test**2 * n / n'

with Welch-Satterthwaite degrees of freedom as in ``vira.book.claims.interval``, and reports

* which term dominates today;
* the minimum detectable effect (80 % power) at the projected size;
* the cheapest size in a grid (seeds k, 3, 5, 10; test items x 1, 2, 4, ... 64) whose MDE is at
  most today's effect (so a true effect that large is found with 80 % power), and the same for
  the paper's effect (which, when the truth is null, makes an "absent" verdict likely). Fewer
  seeds count as cheaper first (every seed trains every model again), then fewer test items
  (evaluation costs a fraction of training on the book's generators). One seed stays one: its
  plan grows the test set only.

This is a plan, not a result: ``s`` from 2 seeds is itself uncertain (1 degree of freedom), so a
claim's plan is re-checked by running it. Issue 24 (presets that decide) uses this table.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from vira.book.claims import Evidence, interval, mde

ROOT = Path(__file__).resolve().parent.parent
MULTIPLIERS = (1, 2, 4, 8, 16, 32, 64)
SEEDS = (3, 5, 10)


def projected(values, se_test: float, n_test: int, seeds: int, n_new: int) -> dict:
    """The interval's standard error, degrees of freedom, half-width and MDE at ``seeds`` seeds and
    ``n_new`` test items, from per-seed ``values`` measured with ``se_test`` on ``n_test`` items.

    It asks :func:`vira.book.claims.interval` itself, on a stand-in run: ``seeds`` values with the
    same mean and sample variance as ``values``, and the test-set error scaled to ``n_new`` items."""
    v = np.asarray(values, dtype=float)
    z = np.arange(seeds) - (seeds - 1) / 2  # a pattern with sample variance 1 after scaling
    spread = v.std(ddof=1) if len(v) > 1 else 0.0
    stand_in = v.mean() + (spread * z / z.std(ddof=1) if seeds > 1 else np.zeros(1))
    ev = Evidence(tuple(stand_in), se_test * math.sqrt(n_test / n_new), n_new)
    _, low, high, se, df = interval(ev)
    return {"se": se, "df": df, "half_width": (high - low) / 2, "mde": mde(se, df)}


def smallest_size(values, se_test: float, n_test: int, effect: float | None) -> dict | None:
    """The cheapest size in the grid whose MDE (80 % power) is at most ``|effect|``: fewest seeds
    first (each seed trains every model again), then fewest test items. None if none is, or if
    there is no effect to detect."""
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


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=Path, default=ROOT / "book" / "results" / "records.csv")
    parser.add_argument("--all", action="store_true", help="every claim, not only the central ones")
    parser.add_argument("--csv", type=Path, help="also write the plan to this CSV file")
    args = parser.parse_args(argv)
    if not args.records.exists():
        raise SystemExit(f"{args.records}: no records file (run chapter 9 first)")
    records = pd.read_csv(args.records)
    claims = records[(records.kind == "claim") & (records.preset != "smoke")]
    if not args.all:
        claims = claims[claims.central.astype(str) == "True"]
    rows = []
    for _, r in claims.iterrows():
        rec = {"values": json.loads(r["values"]), "n_test": r.n_test, "se_test": r.se_test,
               "estimate": r.estimate, "null": r.null,
               "paper_estimate": None if pd.isna(r.paper_estimate) else r.paper_estimate}
        rows.append({"chapter": r.chapter, "claim": r.statement[:60], "verdict": r.verdict,
                     "estimate": r.estimate - r.null, "paper": rec["paper_estimate"] - r.null
                     if rec["paper_estimate"] is not None else None,
                     "seeds x items": f"{len(rec['values'])} x {int(r.n_test)}", **plan(rec)})
    table = pd.DataFrame(rows)
    with pd.option_context("display.max_rows", 500, "display.width", 250, "display.max_colwidth", 70):
        print(table.round(3).to_string(index=False))
    if args.csv:
        table.to_csv(args.csv, index=False)
    return table


if __name__ == "__main__":
    main()
