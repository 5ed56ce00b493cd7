"""The book's machinery: everything that makes the chapters a reproducible book, and nothing of
the science. The science (``vira.graph``, ``vira.models`` ...) never imports this package;
chapters and ``scripts/`` do.

* :mod:`~vira.book.runner` -- ``python -m vira``: executes chapters with papermill into ``book/``.
* :mod:`~vira.book.provenance` -- ``vira.start``: preset, device, seed, versions, revision.
* :mod:`~vira.book.presets` -- ``smoke`` / ``small`` / ``full`` and ``Preset.pick``.
* :mod:`~vira.book.offline` -- the guard that refuses any network access in tests.
* :mod:`~vira.book.glue` -- ``vira.glue``: numbers from executed cells into the prose.
* :mod:`~vira.book.plots` -- the shared figure style.
* :mod:`~vira.book.results` -- ``vira.results.record``: the chapters' results files.
* :mod:`~vira.book.claims` -- one rule for every verdict: a claim's 95 % interval over seeds and
  test items, its verdict, its sentence and its assert.
* :mod:`~vira.book.report` -- the reproduction report (chapter 9): forest plot, verdict tables,
  paper grids, the records CSV.
* :mod:`~vira.book.bench` -- benchmark timing, the schema of bench files, their one writer and
  their one reader (chapters 2, 4, 10 and A1).
* :mod:`~vira.book.bookcheck` -- the Sphinx extension that fails the build on error outputs.
"""

from vira.book import glue, plots, presets, provenance, results  # noqa: F401  (vira.book.plots.HEATMAP ...)
