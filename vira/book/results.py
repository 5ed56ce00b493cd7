"""A chapter's numbers as records: paper, table, row, metric, the paper's value and ours.

A chapter calls :func:`record` for every number that the reproduction report (chapter 9) puts
next to a paper's; the records are kept on the chapter's :class:`vira.book.provenance.Session`, and
``session.finish()`` stores them in the executed notebook as one hidden output (MyST-NB's glue
format, under the name ``vira_results``, so the rendered book shows nothing). After executing a
chapter, ``python -m vira`` copies them into ``<out>/results/<chapter>.json`` with the
chapter's input hash, git revision, preset, device and the command that reproduces them
(:func:`write_file`); a results file is therefore never typed and never older than its chapter.

Two kinds of record (see :data:`SCHEMA`): a *value* that a paper's table also reports, ::

    {"kind": "value", "paper": "VDV", "table": "Table 3", "row": "Integrated", "metric": "SRC, all challenges",
     "paper_value": 0.43, "mean": 0.31, "std": 0.02, "n": 2, "values": [0.29, 0.33],
     "oracle": 0.67, "section": "results", "note": null}

and a *claim* with its interval and verdict, written by :func:`vira.book.claims.claim`
(:data:`CLAIM_SCHEMA`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Sequence

#: The glue name under which ``session.finish()`` stores a chapter's records.
GLUE_NAME = "vira_results"
MIME = "application/papermill.record/application/vnd.vira.results+json"  # any JSON (nbformat)

_NUMBER = {"type": "number"}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
RECORD_SCHEMA = {
    "type": "object",
    "required": ["kind", "paper", "table", "row", "metric", "paper_value", "mean", "std", "n", "values",
                 "oracle", "section", "note"],
    "additionalProperties": False,
    "properties": {
        "kind": {"const": "value"},
        "paper": {"type": "string", "minLength": 1},
        "table": {"type": "string", "minLength": 1},
        "row": {"type": "string", "minLength": 1},
        "metric": {"type": "string", "minLength": 1},
        "paper_value": _NUMBER_OR_NULL,
        "mean": _NUMBER, "std": {"type": "number", "minimum": 0},
        "n": {"type": "integer", "minimum": 1},
        "values": {"type": "array", "items": _NUMBER, "minItems": 1},
        "oracle": _NUMBER_OR_NULL,
        "section": {"type": ["string", "null"]},
        "note": {"type": ["string", "null"]},
    },
}
_VERDICT = {"enum": ["reproduced", "contradicted", "absent", "inconclusive"]}
#: A claim record: one verdict of :mod:`vira.book.claims` with the interval it follows from.
CLAIM_SCHEMA = {
    "type": "object",
    "required": ["kind", "paper", "central", "statement", "metric", "estimate", "ci_low", "ci_high", "null",
                 "direction", "paper_estimate", "paper_se", "verdict", "expected", "mde", "scale_to_decide",
                 "n_seeds", "n_test", "values", "se_test", "asserted", "section", "sentence"],
    "additionalProperties": False,
    "properties": {
        "kind": {"const": "claim"}, "paper": {"type": "string", "minLength": 1}, "central": {"type": "boolean"},
        "statement": {"type": "string", "minLength": 1}, "metric": {"type": "string", "minLength": 1},
        "estimate": _NUMBER, "ci_low": _NUMBER, "ci_high": _NUMBER, "null": _NUMBER,
        "direction": {"enum": [1, -1]}, "paper_estimate": _NUMBER_OR_NULL,
        "paper_se": {"type": ["number", "null"], "minimum": 0}, "verdict": _VERDICT,
        "expected": {"type": ["array", "null"], "items": _VERDICT, "minItems": 1},
        "mde": {"type": "number", "minimum": 0}, "scale_to_decide": _NUMBER_OR_NULL,
        "n_seeds": {"type": "integer", "minimum": 1}, "n_test": {"type": "integer", "minimum": 1},
        "values": {"type": "array", "items": _NUMBER, "minItems": 1}, "se_test": {"type": "number", "minimum": 0},
        "asserted": {"type": "boolean"}, "section": {"type": ["string", "null"]},
        "sentence": {"type": "string", "minLength": 1},
    },
}
#: The JSON schema of ``book/results/<chapter>.json``.
SCHEMA = {
    "type": "object",
    "required": ["chapter", "input_hash", "git_revision", "preset", "device", "seed", "command",
                 "records"],
    "additionalProperties": False,
    "properties": {
        "chapter": {"type": "string", "minLength": 1},
        "input_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},  # a SHA-256
        "git_revision": {"type": "string"}, "preset": {"enum": ["smoke", "small", "full"]},
        "device": {"type": "string"}, "seed": {"type": "integer"}, "command": {"type": "string"},
        "records": {"type": "array", "items": {"oneOf": [RECORD_SCHEMA, CLAIM_SCHEMA]}},
    },
}


def make_record(paper: str, table: str, row: str, metric: str, ours: float | Sequence[float], *,
                paper_value: float | None = None, oracle: float | None = None,
                section: str | None = None, note: str | None = None) -> dict:
    """One record; ``ours`` is one number or one per seed (mean, sample std with ddof=1, n).

    Raises ``ValueError`` naming the row and metric for a non-finite value (a constant
    prediction's SRC is nan: say so in ``note`` and record something else, never average it).
    """
    import numpy as np

    from vira.metrics import mean_std  # imported here: `import vira` stays light

    values = [float(v) for v in np.atleast_1d(np.asarray(ours, dtype=float))]
    where = f"{paper} {table}, row {row!r}, metric {metric!r}"
    if not values:
        raise ValueError(f"{where}: no values")
    for k, v in enumerate(values):
        if not math.isfinite(v):
            raise ValueError(f"{where}: value {k} is {v}")
    for name, v in (("paper_value", paper_value), ("oracle", oracle)):
        if v is not None and not math.isfinite(float(v)):
            raise ValueError(f"{where}: {name} is {v}")
    mean, std, n = mean_std(values)
    return {"kind": "value", "paper": paper, "table": table, "row": row, "metric": metric,
            "paper_value": None if paper_value is None else float(paper_value),
            "mean": mean, "std": std, "n": n, "values": values,
            "oracle": None if oracle is None else float(oracle), "section": section, "note": note}


def record(session, paper: str, table: str, row: str, metric: str, ours, **kwargs) -> dict:
    """Add one record (:func:`make_record`) to ``session`` (from ``vira.start``); returns it.

    Used by chapters 0-8 and appendix A1. The reproduction report (chapter 9) reads what they record.
    """
    rec = make_record(paper, table, row, metric, ours, **kwargs)
    key = (paper, table, row, metric)
    if any((r["paper"], r.get("table"), r.get("row"), r["metric"]) == key for r in session.results):
        raise ValueError(f"results: {key} recorded twice")
    session.results.append(rec)
    return rec


def emit(session) -> None:
    """Store ``session``'s records and provenance in the executing notebook as one hidden glue output.

    Called by ``session.finish()`` when the chapter recorded anything."""
    from IPython.display import display

    payload = {"provenance": {k: str(v) for k, v in session.provenance.items()}, "records": session.results}
    display({MIME: payload}, raw=True,
            metadata={"scrapbook": {"name": GLUE_NAME, "mime_prefix": "application/papermill.record/"}})


def from_notebook(nb: dict) -> dict | None:
    """``{"provenance": ..., "records": [...]}`` stored by :func:`emit` in an executed notebook
    (``nb`` as a dict), or None when the chapter recorded nothing."""
    found = None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook", {})
            if scrap.get("name") == GLUE_NAME:
                if found is not None:
                    raise ValueError(f"{GLUE_NAME} stored twice in one notebook")
                found = output["data"][MIME]
    return found


def write_file(executed: Path, out: Path, command: str) -> Path | None:
    """Write ``out`` (``<dir>/results/<chapter>.json``) from the executed notebook ``executed``.

    Returns None (and writes nothing) when the chapter recorded no results. Used by ``vira.book.runner``.
    """
    nb = json.loads(Path(executed).read_text(encoding="utf-8"))
    stored = from_notebook(nb)
    if stored is None:
        return None
    prov = stored["provenance"]
    content = {"chapter": Path(executed).stem,
               "input_hash": nb.get("metadata", {}).get("vira", {}).get("input_hash", ""),
               "git_revision": prov.get("git revision", "unknown"), "preset": prov.get("preset", ""),
               "device": prov.get("device", ""), "seed": int(prov.get("seed", 0)),
               "command": command, "records": stored["records"]}
    try:
        check(content)
    except ValueError as err:
        raise ValueError(f"{executed}: its results do not validate: {err}") from None
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(content, indent=1) + "\n")
    return out


def validate_file(path: Path) -> dict:
    """Load and validate one results file (:func:`check`); raises naming the file, also for a
    file that is a folder, not one JSON object, names a key twice
    (:func:`vira.files.read_json_object`), or whose ``chapter`` is not its name."""
    from vira.files import read_json_object

    content = read_json_object(path, "results file")
    try:
        check(content)
        if content["chapter"] != Path(path).stem:
            raise ValueError(f"chapter {content['chapter']!r} is not the file's name")
    except ValueError as err:
        raise ValueError(f"{path}: not a valid results file: {err}") from None
    return content


def _key(rec: dict) -> tuple:
    if rec["kind"] == "claim":
        return ("claim", rec["paper"], rec["statement"], rec["metric"])
    return ("value", rec["paper"], rec["table"], rec["row"], rec["metric"])


def check(content: dict) -> None:
    """Validate a results file's content: the :data:`SCHEMA`, no NaN or infinity anywhere, no
    record twice, and every claim consistent with its interval (:func:`vira.book.claims.check_record`).
    Raises ``ValueError`` naming the first offending record."""
    import jsonschema

    from vira.book.claims import check_record

    def validate(part, schema, where: str) -> None:
        try:
            jsonschema.validate(part, schema)
        except jsonschema.ValidationError as err:
            at = "/".join(str(p) for p in err.absolute_path)
            raise ValueError(f"{where}{err.message}" + (f" (at {at})" if at else "")) from None

    # the file, then each record against the schema of its kind: oneOf would word an error in a
    # value record as a mismatch with the claim schema, without saying which record
    validate(content, {**SCHEMA, "properties": {**SCHEMA["properties"], "records": {
        "type": "array", "items": {"type": "object"}}}}, "")
    for k, rec in enumerate(content["records"]):
        schema = CLAIM_SCHEMA if rec.get("kind") == "claim" else RECORD_SCHEMA
        validate(rec, schema, f"record {k} ({rec.get('statement') or rec.get('row')!r}): ")
    seen = set()
    for k, rec in enumerate(content["records"]):
        where = f"record {k} ({rec.get('statement') or rec.get('row')!r})"
        numbers = [v for v in rec.values() if isinstance(v, float)] + [float(v) for v in rec["values"]]
        if not all(math.isfinite(v) for v in numbers):
            raise ValueError(f"{where}: holds a value that is not finite")
        if _key(rec) in seen:
            raise ValueError(f"{where}: recorded twice")
        seen.add(_key(rec))
        if rec["kind"] == "claim":
            try:
                check_record(rec)
            except ValueError as err:
                raise ValueError(f"{where}: {err}") from None
