"""Put chapters executed on a lent GPU machine (scripts/gpu_machine.sh) into book/, after checking
that they came from the commit the machine's tree was copied from.

    .venv/bin/python scripts/land_device_pages.py --from /tmp/gpu/book/gpu --revision 0915489cc734 02 04 08

The machine receives a copy of the working tree, not a faithful checkout: the page's provenance
cell then shows whatever git revision that copy carried (or "unknown"). For each chapter NN this
script

1. checks the page's stored input hash (:func:`vira.book.freshness.input_hash`: the chapter's source,
   the ``vira`` modules it imports, the pins, its parameters) against the chapter at ``--revision``
   (a temporary worktree) and against the chapter in this checkout, so the page is the code of that
   commit and is current on this one; and that what it read (:mod:`vira.book.data_inputs`) is what
   ``VIRA_DATA`` holds here;
2. rewrites the git revision in its provenance (the printed table and the record chapter 9 reads)
   as ``<revision> (tree copied to a GPU machine; input hash checked on landing)``, nothing else;
3. writes its results file from the notebook (as the runner does) and copies both into book/.

Anything that does not match stops the script, naming the chapter and what differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vira.book import data_inputs  # noqa: E402
from vira.book.publish import write_results  # noqa: E402
from vira.book.results import validate_file  # noqa: E402
from vira.book.freshness import input_hash, stored_data_inputs  # noqa: E402
from vira.book.publish import stored_hash  # noqa: E402
from vira.book.runner import _command  # noqa: E402


def restamp(page: Path, revision: str) -> str:
    """Replace the git revision in ``page``'s provenance (its printed table and its results record);
    return the new text of the notebook. Raises ValueError when the page records none."""
    text = page.read_text(encoding="utf-8")
    nb = json.loads(text)
    old = None
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for line in "".join(out.get("text", "")).splitlines():
                if line.startswith("git revision "):
                    old = line[len("git revision "):].strip()
                    break
    if old is None:
        raise ValueError(f"{page}: no 'git revision' line in its provenance")
    new = f"{revision} (tree copied to a GPU machine; input hash checked on landing)"
    return text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="source", type=Path, required=True,
                        help="the unpacked book/gpu folder (one NN/ folder per chapter)")
    parser.add_argument("--revision", required=True, help="the commit the machine's tree was copied from")
    parser.add_argument("chapters", nargs="+", help="chapter numbers, e.g. 02 04")
    args = parser.parse_args(argv)
    revision = subprocess.run(["git", "rev-parse", "--short=12", args.revision], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(tree), revision], cwd=ROOT, check=True)
        try:
            for n in args.chapters:
                pages = sorted((args.source / n).glob(f"{n}_*.ipynb"))
                if len(pages) != 1:
                    raise SystemExit(f"chapter {n}: expected one page in {args.source / n}, found {len(pages)}")
                page = pages[0]
                params = json.loads(page.read_text(encoding="utf-8"))["metadata"]["vira"]["parameters"]
                got = stored_hash(page)
                at_rev = input_hash(tree / "notebooks" / page.name, params, tree)
                here = input_hash(ROOT / "notebooks" / page.name, params, ROOT)
                if got != at_rev:
                    raise SystemExit(f"chapter {n}: its page was not executed from {revision} (input hash differs)")
                if got != here:
                    raise SystemExit(f"chapter {n}: its page is stale on this checkout (input hash differs)")
                moved = data_inputs.changed(stored_data_inputs(page) or {},
                                            data_inputs.inputs(ROOT / "notebooks" / page.name))
                if moved:
                    raise SystemExit(f"chapter {n}: it read other data than VIRA_DATA holds here: {', '.join(moved)}")
                out = ROOT / "book" / page.name
                out.write_text(restamp(page, revision), encoding="utf-8")
                results = ROOT / "book" / "results" / f"{page.stem}.json"
                written = write_results(out, results, _command(ROOT / "notebooks" / page.name, params))
                if written is not None:
                    validate_file(written)
                print(f"chapter {n}: landed from {revision}" + (f" with {written.relative_to(ROOT)}" if written else ""))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


if __name__ == "__main__":
    os.environ.setdefault("VIRA_DATA", str(ROOT.parent / "shared" / "data"))
    main()
