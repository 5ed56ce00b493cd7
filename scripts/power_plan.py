"""Power plan: for each claim of the book, how many seeds and test items would decide it.

    .venv/bin/python scripts/power_plan.py                  # central claims of the committed runs
    .venv/bin/python scripts/power_plan.py --all            # every claim
    .venv/bin/python scripts/power_plan.py --csv plan.csv   # also write the table

Reads ``book/results/records.csv`` (written by chapter 9) and prints, for each claim decided at
``small`` or ``full``, the plan of :mod:`vira.book.power`: the share of today's variance due to the
seeds, the MDE now, and the cheapest size (seeds x test items) that detects today's effect and the
paper's. Issue 24 (presets that decide) uses this table; each chapter prints its own rows
(:func:`vira.book.power.plan_table`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from vira.book.power import plan

ROOT = Path(__file__).resolve().parent.parent


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
