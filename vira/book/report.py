"""The reproduction report, built from results files (chapter 9).

Every chapter writes its numbers to ``book/results/<chapter>.json`` (:mod:`vira.book.results`):
*value* records (a number a paper's table also reports) and *claim* records (a verdict of
:mod:`vira.book.claims` with its interval). This module reads them, so that the report contains no
typed number:

* :func:`load_results` -- every record of every chapter, one row each, with its chapter's preset,
  device, git revision and command;
* :func:`forest_plot` -- the central claims at a glance: our estimate with its 95 % interval, the
  paper's value and the null, all on the claimed side of the null, coloured by verdict;
* :func:`verdict_table` -- one short row per claim;
* :func:`paper_reading` -- what each paper's own number says on its own test set: beyond its own
  noise, within it, or no number to read;
* :func:`paper_grid` -- one paper's table as a compact grid (rows x metrics), each cell
  "ours ± half-width of the 95 % interval over seeds · paper", with the oracle as the last row;
* :func:`write_csv` -- every record as one downloadable CSV (``results/records.csv``).

Missing values show as "—", never NaN.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from vira.book.claims import CONFIDENCE
from vira.book.results import validate_file

__all__ = ["load_results", "claims_of", "forest_plot", "verdict_table", "paper_reading", "paper_grid",
           "reading_quantile", "write_csv", "VERDICT_COLOURS", "DASH", "CSV_NAME", "READINGS"]

DASH = "—"
CSV_NAME = "records.csv"
#: One colour per verdict (colour-blind-safe: blue, vermilion, grey-green, grey).
VERDICT_COLOURS = {"reproduced": "#0072B2", "contradicted": "#D55E00", "absent": "#009E73",
                   "inconclusive": "#999999"}


def load_results(folder) -> pd.DataFrame:
    """All records of ``folder/*.json`` except ``bench_*`` (each file validated; an invalid one
    raises naming it): one row per record plus ``chapter``, ``preset``, ``device``,
    ``git_revision`` and ``command``."""
    rows = []
    for path in sorted(Path(folder).glob("*.json")):
        if path.name.startswith("bench_"):
            continue
        content = validate_file(path)
        meta = {k: content[k] for k in ("chapter", "preset", "device", "git_revision", "command")}
        rows += [{**meta, **rec} for rec in content["records"]]
    return pd.DataFrame(rows)


def claims_of(records: pd.DataFrame, central: bool | None = None) -> pd.DataFrame:
    """The claim records (all, or only the central / non-central ones), in chapter order."""
    out = records[records.kind == "claim"]
    if central is not None:
        out = out[out.central.astype(bool) == central]
    return out.reset_index(drop=True)


def _num(x, digits=3, signed=False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return DASH
    return f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"


def forest_plot(claims: pd.DataFrame, ax=None):
    """One row per claim: our estimate and 95 % interval (a bar coloured by verdict), the paper's
    value (a black diamond), on the axis "effect on the claimed side of the null", so that every
    claim's null is the vertical line at 0 and the claim holds to its right. Returns the axes."""
    import matplotlib.pyplot as plt

    n = len(claims)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.42 * n + 1.2))
    y = np.arange(n)[::-1]
    centre = [c.direction * (c.estimate - c.null) for _, c in claims.iterrows()]
    paper = [np.nan if c.paper_estimate is None or pd.isna(c.paper_estimate)
             else c.direction * (c.paper_estimate - c.null) for _, c in claims.iterrows()]
    # an interval far wider than every estimate would squash the others: clip it, with an arrow
    limit = 1.3 * max([0.05, *np.abs(centre), *np.nan_to_num(np.abs(paper))])
    for yi, (_, c), x, p in zip(y, claims.iterrows(), centre, paper):
        lo, hi = sorted((c.direction * (c.ci_low - c.null), c.direction * (c.ci_high - c.null)))
        colour = VERDICT_COLOURS[c.verdict]
        ax.plot([max(lo, -limit), min(hi, limit)], [yi, yi], color=colour, lw=3, solid_capstyle="butt")
        for end, marker in ((lo, "<"), (hi, ">")):
            if abs(end) > limit:
                ax.plot(math.copysign(limit, end), yi, marker, color=colour, ms=7)
        ax.plot(x, yi, "o", color=colour, ms=6)
        if not np.isnan(p):
            ax.plot(p, yi, "D", color="black", ms=5, mfc="white")
    ax.set_xlim(-1.08 * limit, 1.08 * limit)
    ax.axvline(0, color="0.3", lw=1)
    ax.set_yticks(y, [f"{c.paper}: {c.statement}" for _, c in claims.iterrows()], fontsize=8)
    ax.set_xlabel("effect on the claimed side of the null (metric units)")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=col, lw=3, label=v) for v, col in VERDICT_COLOURS.items()]
    handles.append(Line2D([], [], marker="D", color="black", mfc="white", ls="", label="the paper"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.4 / max(n, 1)),
              ncol=5, fontsize=8)
    ax.grid(axis="y", visible=False)
    return ax


def verdict_table(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: paper, claim (statement and metric), ours [95 % interval], the paper's
    value (± its standard error at its own test size), verdict, seeds × test items, chapter."""
    signed = [n == 0 for n in claims.null]
    return pd.DataFrame({
        "paper": claims.paper,
        "claim": [f"{s} ({m})" for s, m in zip(claims.statement, claims.metric)],
        "ours [95 % interval]": [f"{_num(e, signed=s)} [{_num(lo, signed=s)}, {_num(hi, signed=s)}]"
                                 for e, lo, hi, s in zip(claims.estimate, claims.ci_low, claims.ci_high, signed)],
        "the paper's value": [_num(p, signed=s) + ("" if pd.isna(se) else f" ± {se:.3f}")
                  for p, se, s in zip(claims.paper_estimate, claims.paper_se, signed)],
        "verdict": claims.verdict,
        "seeds × items": [f"{int(k)} × {int(n)}" for k, n in zip(claims.n_seeds, claims.n_test)],
        "chapter": [f"{c} ({p})" for c, p in zip(claims.chapter, claims.preset)],
    }).reset_index(drop=True)


#: What a paper's own number says about its claim (:func:`paper_reading`), in the report's order.
READINGS = ("beyond its own noise", "within its own noise", "against the claim", "no difference reported",
            "no error to read", "no value")


def reading_quantile(confidence: float = CONFIDENCE) -> float:
    """The normal quantile :func:`paper_reading` reads a paper's z score against: 1.96 at the
    book's 95 %. Chapter 9 glues it into its prose."""
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2))


def paper_reading(claims: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """What each claim's paper number says on the paper's own test set, next to our verdict.

    For a paper value :math:`p` with standard error :math:`s` at the paper's test size
    (:func:`vira.book.claims.paper_se`) and the claim's null :math:`\\theta_0` and side
    :math:`d = \\pm 1`, the paper's own z score is :math:`z = d\\,(p - \\theta_0) / s`, read
    against the normal quantile :math:`z_{0.975} = 1.96` (the papers test hundreds of items):

    * "beyond its own noise" -- :math:`z \\ge 1.96`: the paper's test set separates its
      difference from the null;
    * "within its own noise" -- :math:`|z| < 1.96`: its own test set cannot tell its difference
      from none, so only a run that finds the effect (reproduced) or one precise enough to rule
      out a difference that small (absent) decides the claim;
    * "against the claim" -- :math:`z \\le -1.96`;
    * "no difference reported" -- :math:`p` is the null itself (a claim that nothing happens);
    * "no error to read" -- a value without a standard error; "no value" -- the paper gives none.

    :math:`s` treats the paper's two arms as independent, an upper bound when they share test
    items (the paired error, which no paper reports, is smaller), so "within its own noise" means
    "at the error its report allows". Returns one row per claim: paper, claim (statement), the
    paper's value, its error, ``z``, ``the paper's own reading`` and ``our verdict``. Chapter 9."""
    q = reading_quantile(confidence)
    rows = []
    for _, c in claims.iterrows():
        p, se = c.paper_estimate, c.paper_se
        p = None if p is None or pd.isna(p) else float(p)
        se = None if se is None or pd.isna(se) else float(se)
        z = None
        if p is None:
            reading = "no value"
        elif math.isclose(p, c.null, abs_tol=1e-12):
            reading = "no difference reported"
        elif se is None or se <= 0:
            reading = "no error to read"
        else:
            z = c.direction * (p - c.null) / se
            reading = ("beyond its own noise" if z >= q else "against the claim" if z <= -q
                       else "within its own noise")
        rows.append({"paper": c.paper, "claim": c.statement, "the paper's value": _num(p, signed=c.null == 0),
                     "its error": _num(se), "z": np.nan if z is None else round(z, 2),
                     "the paper's own reading": reading, "our verdict": c.verdict})
    return pd.DataFrame(rows, columns=["paper", "claim", "the paper's value", "its error", "z",
                                       "the paper's own reading", "our verdict"])


def _half_width(values) -> float | None:
    from scipy import stats

    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return None
    return float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))


def paper_grid(records: pd.DataFrame, paper: str, table: str) -> pd.DataFrame:
    """One table of one paper as a grid: a row per model (``row``), a column per metric, each cell
    "ours ± h · paper p" (``h`` the half-width of the 95 % t interval over seeds; "(1 seed)" when
    there is one), and a last row "oracle" where the data's best possible score is known."""
    sub = records[(records.kind == "value") & (records.paper == paper) & (records.table == table)]
    cells: dict[str, dict[str, str]] = {}
    oracle: dict[str, str] = {}
    for _, r in sub.iterrows():
        h = _half_width(r["values"])
        ours = _num(r["mean"]) + (" (1 seed)" if h is None else f" ± {h:.3f}")
        paper_part = "" if pd.isna(r.paper_value) or r.paper_value is None else f" · {r.paper_value:.3f}"
        cells.setdefault(r.row, {})[r.metric] = ours + paper_part
        if r.oracle is not None and not pd.isna(r.oracle):
            oracle[r.metric] = _num(r.oracle)
    grid = pd.DataFrame.from_dict(cells, orient="index")
    if oracle:
        grid.loc["oracle"] = pd.Series(oracle)
    grid.columns.name = f"{table}: ours ± 95 % · paper"
    return grid.fillna(DASH)


def column_parts(grid: pd.DataFrame, most: int = 5) -> list[pd.DataFrame]:
    """``grid`` cut into tables of at most ``most`` columns each (the same rows, the columns in
    order, the columns' name kept), so that a grid of many metrics fits the page. Chapter 9."""
    if most < 1:
        raise ValueError(f"column_parts: most must be at least 1, got {most}")
    return [grid.iloc[:, i:i + most] for i in range(0, max(grid.shape[1], 1), most)]


def write_csv(folder) -> Path:
    """Write every record of ``folder/*.json`` to ``folder/records.csv`` (lists as JSON text);
    returns its path. Chapter 9 calls it, so the CSV is rewritten whenever the report is; the
    tests check that the committed CSV equals one written from the committed results files."""
    folder = Path(folder)
    records = load_results(folder)
    if "values" in records:
        records["values"] = [json.dumps(v) for v in records["values"]]
    if "expected" in records:
        records["expected"] = [None if not isinstance(v, list) else json.dumps(v) for v in records["expected"]]
    path = folder / CSV_NAME
    records.to_csv(path, index=False)
    return path
