"""The bundles' benchmarks as long tests (`pytest bench -m long`; CI runs them): a
200,000-event database bundled and imported into a throwaway PostgreSQL, against the same
floors and targets as the script's."""

import pytest
from bench_bundles import Row, run

from bench_storage import table
from generate import generate

pytestmark = pytest.mark.long

EVENTS = 200_000


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    folder = tmp_path_factory.mktemp("bench-bundles")
    db = folder / "records.sqlite3"
    generate(db, EVENTS)
    rows = run(db, rounds=3, scratch=folder)
    print("\n" + table(rows))
    return rows


@pytest.mark.parametrize("measure", ["bundle export", "bundle import"])
def test_within_target_of_the_floor(results: list[Row], measure: str) -> None:
    row = next(row for row in results if row.measure.startswith(measure))
    assert row.passed, f"{row.measure}: {row.ratio:.2f}x (target {row.target}x)\n" + table(results)
