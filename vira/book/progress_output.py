"""What an executed page keeps of the progress bars its chapter drew: nothing.

A chapter draws tqdm progress bars (for a reader who runs it, on anything longer than a few
seconds); in a notebook run by papermill they land in the page as stderr blocks, one per
redraw, and ``tqdm.auto`` adds a warning that prints a path of the machine that built the page.
Neither is part of what the book shows, so the runner removes them from the executed notebook
before it is published (:func:`strip_progress`). Any other stderr text (a genuine warning) stays.
Used by ``python -m vira``.
"""

from __future__ import annotations

import re

#: one rendering of a tqdm bar: "desc:  50%|█████     | 5/10 [00:01<00:01,  4.2it/s]", or
#: without a total "desc: 5it [00:01, 4.20it/s]"
_BAR = re.compile(r"(\d+%\|.*\|\s*\S+/\S+\s*\[.*\]|\d+(\.\d+)?[kMG]?it\s*\[.*\])\s*$")
#: what nested bars write between their renderings: terminal cursor movements alone
_CURSOR_ONLY = re.compile(r"^(\x1b\[[0-9;]*[A-Za-z]|\s)*$")
#: tqdm.auto's warning when ipywidgets are missing, and the source line Python prints under it
_TQDM_WARNING = ("TqdmWarning: IProgress not found", "from .autonotebook import tqdm as notebook_tqdm")


def without_progress(text: str) -> str:
    """``text`` without its tqdm bar renderings, the cursor movements between nested bars and
    tqdm's widget warning (lines split at ``\\r`` and ``\\n``); what is left keeps its order, one
    line each, or ``""``."""
    kept = [line for line in re.split(r"[\r\n]", text)
            if not _CURSOR_ONLY.match(line) and not _BAR.search(line)
            and not any(w in line for w in _TQDM_WARNING)]
    return "".join(line + "\n" for line in kept)


def strip_progress(nb) -> int:
    """Remove progress bars from every stderr stream output of a notebook (an nbformat node or a
    dict, changed in place); an output left empty is dropped. Returns how many outputs changed."""
    changed = 0
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
                left = without_progress(text)
                if left != text:
                    changed += 1
                    if not left:
                        continue
                    out["text"] = left
            outputs.append(out)
        cell["outputs"] = outputs
    return changed
