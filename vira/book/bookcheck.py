"""A Sphinx extension that makes the Jupyter Book build fail on executed chapters with errors.

MyST-NB renders a stored traceback like any other output and says nothing. Listed in
``_config.yml`` (``sphinx: extra_extensions``), this extension warns for every error output of a
notebook page and for a chapter that records no preset; the book is built with ``-W``, so either
fails the build, naming the notebook and the cell.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def notebook_problems(nb: dict) -> list[str]:
    """Problems that must stop the book from being published (used by the build and the tests)."""
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {index} has an error output: "
                                f"{out.get('ename')}: {out.get('evalue')}")
    params = nb.get("metadata", {}).get("papermill", {}).get("parameters", {})
    if "preset" not in params:
        problems.append("no preset recorded (metadata.papermill.parameters.preset): "
                        "was it executed by `python -m vira`?")
    return problems


def _check(app, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    for problem in notebook_problems(json.loads(path.read_text(encoding="utf-8"))):
        logger.warning(f"{path.name}: {problem}", location=docname)


def setup(app):
    app.connect("source-read", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
