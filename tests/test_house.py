"""The house rules of ``vira``, as tests that fail when a rule is broken (issue 22, one house).

The package has one house and its rooms:

* **the science** at the root of ``vira/``: one module per idea of the papers (``graph``,
  ``losses``, ``metrics``, ``labels``, ``skeleton`` ...), and ``_version``;
* ``data/`` (real loaders, synthetic generators, the clip layout and data sets) and ``models/``
  (networks: ``nn.Module`` s only) build on the science;
* ``training/`` (the loops that fit the models on the data) and ``explain/`` (explanations of
  models) build on the science, the data and the models;
* ``book/``, the book's machinery (runner, provenance, presets, results, report, bench ...), may use
  everything; ``vira/__init__.py`` and ``vira/__main__.py`` are the entry points into it.

The rules: (a) the science -- every module outside ``book/`` except the two entry points -- never
imports ``vira.book``; (b) no import cycles among ``vira`` modules; (c) no upward or sideways
import between rooms (:data:`MAY_IMPORT`); (d) ``models/`` holds no optimiser, no ``backward`` and
no optimiser step, and ``data/`` no ``SIZES`` table and no preset; (e) no module over
:data:`MAX_LINES` lines; (f) the tests mirror ``vira/``: the tests of ``vira/<path>/<module>.py``
are ``tests/<path>/test_<module>.py``. Imports are read with ``ast``, inside functions too, each
resolved to the most specific module (``from vira import graph`` imports ``vira.graph``). Every
rule is also run on a planted tree that breaks it (:func:`test_every_rule_catches_a_planted_break`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400

#: The rooms, lowest first, and the rooms each may import (its own included).
MAY_IMPORT = {
    "science": {"science"},
    "data": {"science", "data"},
    "models": {"science", "models"},
    "training": {"science", "data", "models", "training"},
    "explain": {"science", "data", "models", "explain"},
    "book": {"science", "data", "models", "training", "explain", "book"},
    "entry": {"science", "book"},  # vira/__init__.py (the chapters' names) and vira/__main__.py (the runner)
}
ENTRY_POINTS = {"vira", "vira.__main__"}

#: Test files that test the book as a whole, not one module (rule f).
WHOLE_BOOK_TESTS = {
    "tests/test_house.py": "these rules",
    "tests/test_chapters.py": "every chapter: pairing, smoke execution, nbval",
    "tests/test_book.py": "the committed executed chapters and the Jupyter Book build",
    "tests/test_used_by.py": "every \"Used by chapter N\" note in vira's docstrings is true",
    "tests/test_scripts.py": "the scripts in scripts/ end to end (the power plan)",
}
#: Modules allowed to have no test file of their own (rule f), each with its reason.
MODULES_WITHOUT_TESTS = {
    "__init__": "a package's docstring and re-exports; its few functions are tested where used",
    "__main__": "`python -m vira`: two lines that call vira.book.runner.main (tests/book/test_runner.py)",
    "_version": "the version string (tests/book/test_provenance.py reads it)",
}


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of ``root/vira`` by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / "vira").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(root: Path = ROOT) -> list[tuple[str, str, int]]:
    """``(importer, imported, line)`` for every import of a ``vira`` module by a ``vira`` module."""
    mods = modules(root)
    edges = []
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolve against the importer's package
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in mods]
                targets = subs + ([base] if len(subs) < len(node.names) else [])
            for target in targets:
                while target and target not in mods:  # `import vira.x.f` style: the nearest module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.append((name, target, node.lineno))
    return edges


def room(name: str) -> str:
    """The room of a module (a key of :data:`MAY_IMPORT`)."""
    if name in ENTRY_POINTS:
        return "entry"
    parts = name.split(".")  # vira.<room>[...] for a room's modules, vira.<module> for the science
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT.keys() - {"science", "entry"} else "science"


def _where(root: Path, name: str, line: int | None = None) -> str:
    path = modules(root)[name].relative_to(root).as_posix()
    return f"{path}:{line}" if line else path


# -- the rules, each returning its breaches (empty: kept) ---------------------------------------
def science_importing_book(root: Path = ROOT) -> list[str]:
    return [f"{_where(root, a, line)} imports {b}" for a, b, line in imports(root)
            if room(a) not in ("book", "entry") and room(b) == "book"]


def import_cycles(root: Path = ROOT) -> list[str]:
    """Each cycle once, as ``a -> b -> ... -> a``."""
    graph: dict[str, set[str]] = {}
    for a, b, _ in imports(root):
        graph.setdefault(a, set()).add(b)
    cycles, state = set(), {}  # state: 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):]
                k = cycle.index(min(cycle))
                cycles.add(" -> ".join(cycle[k:] + cycle[:k] + [min(cycle)]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return sorted(cycles)


def upward_imports(root: Path = ROOT) -> list[str]:
    return [f"{_where(root, a, line)} ({room(a)}) imports {b} ({room(b)})" for a, b, line in imports(root)
            if room(b) not in MAY_IMPORT[room(a)]]


_TRAINING_CALLS = {"backward", "zero_grad", "step"}


def training_in_models(root: Path = ROOT) -> list[str]:
    """Calls of ``.backward()``, ``.zero_grad()``, ``.step()`` and any use of ``torch.optim``
    (import, attribute, optimiser construction) in ``vira/models/``."""
    found = []
    for path in sorted((root / "vira" / "models").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            what = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in _TRAINING_CALLS:
                what = f".{node.func.attr}()"
            elif isinstance(node, ast.Attribute) and node.attr == "optim":
                what = "torch.optim"
            elif isinstance(node, ast.Import) and any(a.name.startswith("torch.optim") for a in node.names):
                what = "import torch.optim"
            elif isinstance(node, ast.ImportFrom) and ((node.module or "").startswith("torch.optim") or (
                    node.module == "torch" and any(a.name == "optim" for a in node.names))):
                what = "import of torch.optim"
            if what:
                found.append((path.relative_to(root).as_posix(), node.lineno, what))
    return [f"{path}:{line}: {what}" for path, line, what in sorted(found)]


def presets_in_data(root: Path = ROOT) -> list[str]:
    """``SIZES`` (a size table) or the word "preset" (any case) anywhere in ``vira/data/``."""
    found = []
    for path in sorted((root / "vira" / "data").rglob("*.py")):
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for word in re.findall(r"\bSIZES\b|preset", line, flags=re.I):
                if word == "SIZES" or word.lower() == "preset":
                    found.append(f"{path.relative_to(root).as_posix()}:{k}: {word}")
    return found


def long_modules(root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    return [f"{path.relative_to(root).as_posix()}: {n} lines" for path in modules(root).values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > limit]


def mirror_breaches(root: Path = ROOT) -> list[str]:
    """Test files named after no module at their path, and modules without a test file."""
    found = []
    for test in sorted((root / "tests").rglob("test_*.py")):
        rel = test.relative_to(root).as_posix()
        module = root / "vira" / test.parent.relative_to(root / "tests") / f"{test.stem[len('test_'):]}.py"
        if rel not in WHOLE_BOOK_TESTS and not module.exists():
            found.append(f"{rel}: no module {module.relative_to(root).as_posix()}")
    for path in modules(root).values():
        test = root / "tests" / path.parent.relative_to(root / "vira") / f"test_{path.stem}.py"
        if path.stem not in MODULES_WITHOUT_TESTS and not test.exists():
            found.append(f"{path.relative_to(root).as_posix()}: no {test.relative_to(root).as_posix()}")
    return found


# -- the rules on this repository ---------------------------------------------------------------
def test_a_the_science_never_imports_the_book():
    breaches = science_importing_book()
    assert not breaches, "the science imports vira.book:\n" + "\n".join(breaches)


def test_b_no_import_cycles():
    cycles = import_cycles()
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_c_no_upward_imports():
    breaches = upward_imports()
    assert not breaches, "imports against the rooms' order (MAY_IMPORT):\n" + "\n".join(breaches)


def test_d_models_hold_no_training_and_data_no_presets():
    breaches = training_in_models() + presets_in_data()
    assert not breaches, "training in vira/models or presets in vira/data:\n" + "\n".join(breaches)


def test_e_no_module_over_the_limit():
    breaches = long_modules()
    assert not breaches, f"modules over {MAX_LINES} lines:\n" + "\n".join(breaches)


def test_f_tests_mirror_the_package():
    breaches = mirror_breaches()
    assert not breaches, "tests/ does not mirror vira/:\n" + "\n".join(breaches)


# -- each rule catches what it is for ----------------------------------------------------------
def test_every_rule_catches_a_planted_break(tmp_path):
    files = {
        "vira/__init__.py": "from vira._version import v\n",
        "vira/_version.py": "v = 1\n",
        "vira/graph.py": "def f():\n    from vira.book import glue\n",  # (a), (c), inside a function
        "vira/book/__init__.py": "",
        "vira/book/glue.py": "from vira import graph\n",  # with graph: a cycle (b)
        "vira/data/__init__.py": "",
        "vira/data/sizes.py": "SIZES = {'smoke': 1}\n# by preset\nsizes = 2\n",  # (d) twice, not `sizes`
        "vira/data/reader.py": "from ..models import net\n",  # (c), relative
        "vira/models/__init__.py": "",
        "vira/models/net.py": "import torch\nopt = torch.optim.Adam([])\nloss.backward()\nopt.step()\n",  # (d)
        "vira/long.py": "x = 1\n" * (MAX_LINES + 1),  # (e)
        "tests/test_graph.py": "", "tests/book/test_glue.py": "", "tests/data/test_sizes.py": "",
        "tests/data/test_reader.py": "", "tests/models/test_net.py": "", "tests/test_long.py": "",
        "tests/test_nothing.py": "",  # (f) no such module; and vira/_version is allowed untested
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert science_importing_book(tmp_path) == ["vira/graph.py:2 imports vira.book.glue"]
    assert import_cycles(tmp_path) == ["vira.book.glue -> vira.graph -> vira.book.glue"]
    assert upward_imports(tmp_path) == ["vira/data/reader.py:1 (data) imports vira.models.net (models)",
                                        "vira/graph.py:2 (science) imports vira.book.glue (book)"]
    assert training_in_models(tmp_path) == ["vira/models/net.py:2: torch.optim", "vira/models/net.py:3: .backward()",
                                            "vira/models/net.py:4: .step()"]
    assert presets_in_data(tmp_path) == ["vira/data/sizes.py:1: SIZES", "vira/data/sizes.py:2: preset"]
    assert long_modules(tmp_path) == [f"vira/long.py: {MAX_LINES + 1} lines"]
    assert mirror_breaches(tmp_path) == ["tests/test_nothing.py: no module vira/nothing.py"]
    (tmp_path / "tests/test_long.py").unlink()
    assert mirror_breaches(tmp_path)[-1] == "vira/long.py: no tests/test_long.py"


def test_room_of_each_kind_of_module():
    assert [room(m) for m in ("vira", "vira.__main__", "vira._version", "vira.graph", "vira.data",
                              "vira.data.real.tiktok", "vira.models.rtcn", "vira.training", "vira.explain.grad_cam",
                              "vira.book.runner")] == \
        ["entry", "entry", "science", "science", "data", "data", "models", "training", "explain", "book"]
