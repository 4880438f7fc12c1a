"""The storage benchmarks as long tests: `pytest bench -m long` (CI runs them explicitly).

A smaller generated database (200,000 events) and fewer rounds than the script's defaults for
the answer, open and query measures; verify on the 1,000,000-event database the issue names.
The targets are the same ratios to the floor measured in the same run.
"""

from pathlib import Path

import pytest

from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify

from bench_storage import Row, run, table
from generate import generate

pytestmark = pytest.mark.long

EVENTS = 200_000
VERIFY_EVENTS = 1_000_000


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    folder = tmp_path_factory.mktemp("bench")
    db = folder / "records.sqlite3"
    generate(db, EVENTS)
    million = folder / "verify.sqlite3"
    generate(million, VERIFY_EVENTS)
    rows = run(db, rounds=500, calls=10, scratch=folder, verify_db=million)
    print("\n" + table(rows))
    return rows


def _row(rows: list[Row], prefix: str) -> Row:
    return next(row for row in rows if row.measure.startswith(prefix))


def test_generated_database_verifies(tmp_path: Path) -> None:
    path = tmp_path / "small.sqlite3"
    made = generate(path, 20_000, per_record=40)
    store = Store.open(path, "live", create=False, readonly=True)
    try:
        faults = verify(store)
        statuses = dict(store.db.execute("SELECT status, count(*) FROM records GROUP BY status"))
        events = store.db.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        store.close()
    assert faults == []
    assert events == made.events == 20_000
    assert statuses["closed"] == made.closed > 0.9 * made.records
    assert statuses["open"] == made.records - made.closed > 0


@pytest.mark.parametrize(
    "measure",
    [
        pytest.param("answer commit p50", id="answer"),
        pytest.param("open store p50", id="open"),
        pytest.param("recent(50) p50", id="recent"),
        pytest.param("events(record", id="history"),
        pytest.param("verify (whole database", id="verify"),
    ],
)
def test_within_target_of_the_floor(results: list[Row], measure: str) -> None:
    row = _row(results, measure)
    assert row.passed, f"{row.measure}: {row.ratio:.2f}x the floor (target {row.target}x)\n" + (
        table(results)
    )
