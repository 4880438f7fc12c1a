"""The figures' benchmark as a long test (`pytest bench -m long`; CI runs it): 200,000 events,
the whole view with the facts kept held to one second, each figure's query to 2x the same SQL
run bare; the first view, which keeps the facts, reported."""

import pytest
from bench_figures import Row, measure

from bench_storage import table
from generate import generate

pytestmark = pytest.mark.long

EVENTS = 200_000


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    db = tmp_path_factory.mktemp("bench-figures") / "records.sqlite3"
    generate(db, EVENTS)
    rows = measure(db, rounds=5)
    print("\n" + table(rows))
    return rows


def test_the_view_and_each_figure_within_target(results: list[Row]) -> None:
    held = [row for row in results if row.target is not None]
    assert len(held) >= 12
    missed = [f"{row.measure}: {row.ratio:.2f}x" for row in held if not row.passed]
    assert not missed, "\n".join(missed) + "\n" + table(results)


def test_the_first_view_is_reported(results: list[Row]) -> None:
    view = next(row for row in results if row.measure.startswith("first view"))
    assert view.target is None
    assert view.ours_ns > 0
