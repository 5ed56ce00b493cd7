"""vira.book.bench: the timing summary the benchmark scripts write."""

import pytest

from vira.book.bench import measure, summary


def test_summary_by_hand():
    s = summary([30.0, 10.0, 20.0, 40.0], items_per_call=2)
    assert (s["min_ms"], s["median_ms"], s["max_ms"], s["repeats"]) == (10.0, 25.0, 40.0, 4)
    assert s["items_per_s"] == pytest.approx(2 * 1000 / 25.0)


def test_measure_calls_warmup_then_repeats():
    calls = []
    times = measure(lambda: calls.append(1), repeats=3, warmup=2)
    assert len(calls) == 5 and len(times) == 3 and all(t >= 0 for t in times)
