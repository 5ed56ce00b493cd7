"""Is an executed page current? What a chapter depends on, hashed, and the parameters at which its
committed page stands.

A chapter's page is current when the SHA-256 of everything it depends on -- its source (``.py``
and ``.ipynb``), the ``vira`` modules it imports (directly or through other ``vira`` modules, read
statically by :func:`vira_modules`), the pins (``requirements.txt``) and its parameters -- equals
the one stored in the page (``metadata.vira.input_hash``), and so do the data, weight and results
files its source names (:mod:`vira.book.data_inputs`, stored as ``metadata.vira.data_inputs``).
A change to a module that a chapter never imports leaves its page current.

Used by the runner (:mod:`vira.book.runner`, ``python -m vira``) and by ``tests/test_book.py``,
which fails on a committed page that is not current.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

from vira.book import data_inputs
from vira.book.provenance import REPO_ROOT
from vira.book.publish import stored_hash
from vira.book.sources import chapter_code


def _module_file(name: str, root: Path) -> Path | None:
    """The source file of module ``name`` (``vira.a.b``) under ``root``, or None."""
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imported_names(tree: ast.AST, package: str) -> set[str]:
    """Every ``vira`` module a parsed source may import: ``import`` and ``from ... import``
    statements anywhere (also inside functions, where ``vira`` imports lazily), relative imports
    resolved against ``package``, and string constants that name a module (``importlib`` targets
    such as ``vira.__init__``'s lazy entry points)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)  # a submodule, if it is one
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if re.fullmatch(r"vira(\.\w+)*", node.value):
                names.add(node.value)
    return {n for n in names if n == "vira" or n.startswith("vira.")}


def vira_modules(chapter: Path, root: Path = REPO_ROOT) -> list[Path]:
    """The ``vira`` source files a chapter depends on, sorted: the modules it imports, the
    packages above them, and so on through every ``vira`` module they import in turn.

    Conservative where it cannot see: a chapter whose code does not parse (a cell magic, say)
    depends on every ``vira`` file."""
    every = sorted((root / "vira").rglob("*.py"))
    try:
        trees = [ast.parse(src) for src in chapter_code(chapter)]
    except (SyntaxError, ValueError, OSError):
        return every
    todo = set().union(*(_imported_names(t, "") for t in trees)) if trees else set()
    seen: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # importing vira.a.b runs vira/__init__ and vira/a/__init__
            sub = ".".join(parts[:k])
            if sub in seen:
                continue
            path = _module_file(sub, root)
            if path is None:
                continue  # an attribute (``from vira.x import f``), not a module
            seen[sub] = path
            package = sub if path.name == "__init__.py" else sub.rpartition(".")[0]
            try:
                todo |= _imported_names(ast.parse(path.read_text(encoding="utf-8")), package) - set(seen)
            except SyntaxError:
                return every
    return sorted(set(seen.values()))


def input_hash(chapter: Path, parameters: dict, root: Path = REPO_ROOT) -> str:
    """SHA-256 over everything an executed chapter depends on (see the module docstring)."""
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    for path in (chapter, chapter.with_suffix(".py")):
        if path.exists():
            add(path.name, path.read_bytes())
    for path in vira_modules(chapter, root):
        add(path.relative_to(root).as_posix(), path.read_bytes())
    pins = root / "requirements.txt"
    if pins.exists():
        add("requirements.txt", pins.read_bytes())
    add("parameters", json.dumps(parameters, sort_keys=True).encode())
    return h.hexdigest()


def stored_data_inputs(executed: Path) -> dict | None:
    """The data, weight and results inputs recorded in an executed chapter
    (:mod:`vira.book.data_inputs`), or None for a page executed before they were recorded."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return nb.get("metadata", {}).get("vira", {}).get("data_inputs")


def stored_parameters(executed: Path) -> dict | None:
    """The parameters an executed chapter ran with (``metadata.vira.parameters``), or None."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = nb.get("metadata", {}).get("vira", {}).get("parameters")
    return found if isinstance(found, dict) and isinstance(found.get("preset"), str) else None


def current_parameters(chapter: Path, out: Path, params: dict, *, keep_committed_preset: bool) -> dict | None:
    """The parameters at which the executed page ``out`` is current (its stored input hash and data
    inputs equal those of ``chapter`` now), or None when it must be executed.

    ``params`` is what was asked for. With ``keep_committed_preset`` (the preset was left at
    ``auto``), a page that is current at the preset it was committed with, with the same other
    parameters, counts as current too: chapters cheap enough for ``full`` on a CPU (00, 01, A1) are
    committed at ``full``, and ``make book`` on a laptop keeps them instead of re-executing them at
    ``small``. A stale page is executed at the asked-for preset."""
    stored = stored_hash(out)
    if stored is None:
        return None
    stored_reads = stored_data_inputs(out)
    if stored_reads is not None and stored_reads != data_inputs.inputs(chapter):
        return None
    candidates = [params]
    committed = stored_parameters(out) if keep_committed_preset else None
    if committed and committed != params and \
            {k: v for k, v in committed.items() if k != "preset"} == {k: v for k, v in params.items() if k != "preset"}:
        candidates.append(committed)
    return next((c for c in candidates if input_hash(chapter, c) == stored), None)
