"""The handover PDF benchmark as a long test: `pytest bench -m long` (CI runs it explicitly).

Fewer rounds than the script's default; the same target: one export within 2x the bare PDF
floor of comparable length, measured in the same run.
"""

import pytest

from bench_pdf import Row, run, table

pytestmark = pytest.mark.long


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    rows = run(rounds=15, recipient="crisis_team", folder=tmp_path_factory.mktemp("pdf"))
    print("\n" + table(rows))
    return rows


def test_an_export_within_2x_the_bare_pdf(results: list[Row]) -> None:
    row = results[0]
    assert row.measure.startswith("export")
    assert row.passed, f"{row.ratio:.2f}x the floor (target {row.target}x)\n" + table(results)
