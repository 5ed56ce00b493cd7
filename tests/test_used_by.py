"""Every "Used by chapter N" note in vira's docstrings is true.

A public function, class or module of ``vira`` says which chapters use it (the guide's rule), and a
note that outlives a move is worse than none. This test reads every docstring's "Used by ..."
sentence, takes the chapters it names (``chapter 2``, ``chapters 2-5``, ``chapters 7 and 8``,
``appendix A1``, ``every chapter``), and checks that each named chapter reaches the object: the
chapter's source names it, or names a ``vira`` object whose body names it, and so on (a name-level
call graph over ``vira``, followed to any depth). A module is reached when the chapter reaches any of
its objects or imports it. Sentences that name no chapter (scripts, tests) are not checked here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIRA = ROOT / "vira"
CHAPTERS = {p.stem.split("_")[0]: p for p in sorted((ROOT / "notebooks").glob("[0-9A-Z][0-9]_*.py"))}
USED_BY = re.compile(r"Used\s+by\s+(.*?)(?:\.\s|\.$|:\s|;\s)", re.S)  # a ";" ends the list too


def chapters_named(sentence: str) -> set[str]:
    """The chapter keys (``"02"``, ``"A1"``) a "Used by" sentence names."""
    text = " ".join(sentence.split())
    if re.search(r"\bevery chapter\b", text):
        return set(CHAPTERS)
    found: set[str] = set()
    found |= {f"A{n}" for n in re.findall(r"\bA(\d)\b", text)}
    for m in re.finditer(r"\bchapters?\s+((?:\d+(?:\s*-\s*\d+)?(?:\s*,\s*|\s+and\s+|\s*)?)+)", text):
        for part in re.findall(r"\d+\s*-\s*\d+|\d+", m.group(1)):
            if "-" in part:
                a, b = (int(x) for x in part.split("-"))
                found |= {f"{n:02d}" for n in range(a, b + 1)}
            else:
                found.add(f"{int(part):02d}")
    for m in re.finditer(r"from chapter (\d+) on", text):
        found |= {k for k in CHAPTERS if k[0].isdigit() and int(k) >= int(m.group(1)) and int(k) <= 8}
    return found


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | \
        {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def _vira_objects():
    """(module name, object name or None for the module, docstring, names its body uses)."""
    for path in sorted(VIRA.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield module, None, ast.get_docstring(tree) or "", _names(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield module, node.name, ast.get_docstring(node) or "", _names(node)


OBJECTS = list(_vira_objects())


def _reach(chapter_source: str) -> set[str]:
    """Every vira object name a chapter reaches through the name-level call graph."""
    body: dict[str, set[str]] = {}
    for _, name, _, used in OBJECTS:
        if name:
            body.setdefault(name, set()).update(used)
    tree = ast.parse(chapter_source)
    frontier = _names(tree) & set(body)
    reached = set(frontier)
    while frontier:
        nxt = set().union(*(body[n] for n in frontier)) & set(body)
        frontier = nxt - reached
        reached |= frontier
    return reached


REACH = {key: _reach(path.read_text(encoding="utf-8")) for key, path in CHAPTERS.items()}
IMPORTS = {key: path.read_text(encoding="utf-8") for key, path in CHAPTERS.items()}
NOTES = [(m, n, s) for m, n, doc, _ in OBJECTS for s in USED_BY.findall(doc + " ") if chapters_named(s)]


def test_the_note_parser_by_hand():
    assert chapters_named("chapters 2-4 and appendix A1") == {"02", "03", "04", "A1"}
    assert chapters_named("chapter 6 (the SnapUGC clips) and chapters 7 and 8") == {"06", "07", "08"}
    assert chapters_named("scripts/bench_video.py") == set()


def test_there_are_notes_to_check():
    assert len(NOTES) > 20


@pytest.mark.parametrize("module, name, sentence", NOTES, ids=[f"{m}.{n or ''}" for m, n, _ in NOTES])
def test_used_by_note_is_true(module, name, sentence):
    named = chapters_named(sentence)
    unknown = sorted(c for c in named if c not in CHAPTERS)
    assert not unknown, f"{module}.{name}: the note names chapters that do not exist: {unknown}"
    if name is None:  # a module: some object of it is reached, or the chapter imports it
        members = {n for m, n, _, _ in OBJECTS if m == module and n}
        wrong = [c for c in named if not (members & REACH[c]) and module not in IMPORTS[c]]
    else:
        wrong = [c for c in named if name not in REACH[c]]
    assert not wrong, (f"{module}.{name or '(module)'} says 'Used by {' '.join(sentence.split())}', "
                       f"but chapter(s) {sorted(wrong)} never reach it")
