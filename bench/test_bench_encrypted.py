"""The encrypted store's benchmarks as long tests (`pytest bench -m long`; CI runs them): a
200,000-event database encrypted, fewer rounds than the script's, the same targets."""

import pytest
from bench_encrypted import Row, run

from bench_storage import table
from generate import generate

pytestmark = pytest.mark.long

EVENTS = 200_000


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    folder = tmp_path_factory.mktemp("bench-encrypted")
    db = folder / "records.sqlite3"
    generate(db, EVENTS)
    rows = run(db, rounds=500, calls=10, scratch=folder)
    print("\n" + table(rows))
    return rows


@pytest.mark.parametrize(
    "measure",
    [
        pytest.param("whole answer p50, encrypted to plain store", id="encryption-cost"),
        pytest.param("answer's commit p50 (its transaction), to bare SQLCipher", id="to-cipher"),
        pytest.param("answer's commit p50 (its transaction), to bare plain", id="to-plain"),
        pytest.param("encrypted recent(50)", id="recent"),
        pytest.param("encrypted events(record", id="history"),
    ],
)
def test_within_target_of_the_floor(results: list[Row], measure: str) -> None:
    row = next(row for row in results if row.measure.startswith(measure))
    assert row.passed, f"{row.measure}: {row.ratio:.2f}x (target {row.target}x)\n" + table(results)


def test_signing_in_and_opening_is_reported(results: list[Row]) -> None:
    row = next(row for row in results if row.measure.startswith("sign in and open"))
    assert row.target is None
    assert row.ours_ns > row.floor_ns  # Argon2 at the force's cost, then the open
