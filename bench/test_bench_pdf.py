"""The handover PDF benchmark as a long test: `pytest bench -m long` (CI runs it explicitly).

Fewer rounds than the script's default; the same target: one export within 2x the bare PDF
floor of comparable length, measured in the same run.
"""

import time
from pathlib import Path

import pytest

from rcrp_desktop.calls.exports import export_handover
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.limits import TEXT_LIMIT
from rcrp_desktop.domain.pack.loader import load_pack
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.export.source import shipped_pack_finder
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage.repository import Store

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


# A record whose texts are all at the one limit (domain/limits.py): it must still print in
# seconds (before the limit, a 1 MB rationale took two minutes and 1,219 pages). Absolute,
# not a ratio: this guards against a hang, not for speed.
AT_THE_LIMIT_S = 10.0


def test_a_record_at_the_text_limit_exports_in_seconds(tmp_path: Path) -> None:
    pack = load_pack(forms_dir() / "england" / "rcrp-england.toml")
    words = [
        "the",
        "neighbour",
        "heard",
        "shouting",
        "and",
        "glass",
        "breaking",
        "then",
        "quiet",
        "no",
        "reply",
    ]
    text = " ".join(words[n % len(words)] for n in range(TEXT_LIMIT // 4))[:TEXT_LIMIT]
    store = Store.open(tmp_path / "records.sqlite3", "live")
    try:
        recorder = CallRecorder.start(store, pack, incident_ref="LIMIT-1", user="PC 1")
        recorder.answer("ctx_location", text, "")
        recorder.answer("ctx_callback", "07700 900123", "x" * TEXT_LIMIT)  # one long word
        started = time.perf_counter()
        export_handover(
            store,
            recorder.record_id,
            HandoverRequest("crisis_team", prepared_by="PC 1"),
            tmp_path / "limit.pdf",
            find_pack=shipped_pack_finder(forms_dir()),
        )
        took = time.perf_counter() - started
    finally:
        store.close()
    print(f"\nrecord at the text limit exported in {took:.1f} s")
    assert took <= AT_THE_LIMIT_S
