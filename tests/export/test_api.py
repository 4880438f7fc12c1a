"""The export API as the window uses it: three steps, the slow one off the store's thread."""

import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rcrp_desktop.calls.exports import export_handover_text, record_export
from rcrp_desktop.calls.log_summary import log_summary
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.closure import Exported
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.export.handover import (
    Built,
    HandoverRequest,
    build_handover_pdf,
    build_handover_text,
)
from rcrp_desktop.export.source import ExportSource, load_source
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store

from .records import CASES, USER, make_record, pages


def plain_handover(source: ExportSource, request: HandoverRequest) -> str:
    """The plain-text handover, built but neither written nor recorded."""
    return build_handover_text(source, request).data.decode("utf-8")


def test_reportlab_is_loaded_only_when_a_pdf_is_made() -> None:
    """The window imports the export API at start: it must not pay for reportlab then."""
    probe = (
        "import sys, rcrp_desktop.export.handover, rcrp_desktop.cli.records; "
        "print(sorted(m for m in sys.modules if m.startswith('reportlab')))"
    )
    child = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert child.stdout.strip() == "[]"


def test_the_pdf_is_built_on_another_thread_and_recorded_on_this_one(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    record = make_record(store, packs, CASES["crisis_team"])
    source = load_source(store, record)  # the window's thread: reads the record
    built: list[Built] = []
    worker = threading.Thread(
        target=lambda: built.append(
            build_handover_pdf(source, HandoverRequest("crisis_team"), tmp_path / "h.pdf")
        )
    )
    worker.start()
    worker.join(timeout=60)
    assert built and built[0].path == tmp_path / "h.pdf"
    result = record_export(store, built[0], USER)  # back on the window's thread
    assert result.sha256 == hashlib.sha256((tmp_path / "h.pdf").read_bytes()).hexdigest()
    assert result.pages == len(pages(tmp_path / "h.pdf"))
    assert store.events(record)[-1].kind == "exported"


def test_a_closed_call_can_still_be_exported_and_its_recorder_keeps_the_note(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    record = make_record(store, packs, CASES["crisis_team"])
    recorder = CallRecorder.resume(store, record, lambda *_: packs["rcrp-england"], USER)
    recorder.close()
    built = build_handover_pdf(
        load_source(store, record), HandoverRequest("crisis_team"), tmp_path / "h.pdf"
    )
    result = record_export(store, built, USER, recorder)
    assert isinstance(recorder.notes[-1].note, Exported)
    assert result.event == store.events(recorder.record_id)[-1]
    summary = log_summary(store.record(record), recorder)
    assert "exported for Testshire and Sampleton NHS Foundation Trust" in summary
    assert store.record(record).status == "closed"


def test_the_plain_text_is_written_whole_and_recorded(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    record = make_record(store, packs, CASES["hospital"])
    out = tmp_path / "handover.txt"
    result = export_handover_text(store, record, HandoverRequest("hospital", prepared_by=USER), out)
    data = out.read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest() == result.note.sha256
    assert data.decode("utf-8") == result.text
    assert result.text.startswith("OFFICIAL-SENSITIVE\n")
    assert result.text.rstrip().endswith("OFFICIAL-SENSITIVE")
    assert (result.note.document, result.note.file) == ("handover_text", "handover.txt")
    assert out.stat().st_mode & 0o077 == 0 or sys.platform == "win32"  # owner only


def test_the_plain_text_shows_markup_and_controls_as_the_pdf_does(
    store: Store, packs: dict[str, Pack]
) -> None:
    hostile = '<b>&amp;</b> <img src="x"/> NUL\x00 end\nsecond line'
    record = make_record(store, packs, CASES["crisis_team"], changes={"ctx_why_now": (hostile, "")})
    text = plain_handover(load_source(store, record), HandoverRequest("crisis_team"))
    assert '<b>&amp;</b> <img src="x"/> NUL[U+0000] end\n' in text
    assert "\x00" not in text


def test_a_tampered_record_is_not_exported(
    store: Store, packs: dict[str, Pack], data_dir: Path, tmp_path: Path
) -> None:
    record = make_record(store, packs, CASES["crisis_team"])
    store.close()  # the WAL goes into the main file
    path = database_path(data_dir, "live")
    raw = path.read_bytes()
    assert raw.count(b"Martin Sample") >= 1
    path.write_bytes(raw.replace(b"Martin Sample", b"Martin Simple", 1))
    reopened = Store.open(path, "live")
    try:
        with pytest.raises(ExportError, match="integrity check"):
            load_source(reopened, record)
    finally:
        reopened.close()


def test_a_record_made_under_a_pack_not_installed_is_refused(
    store: Store, packs: dict[str, Pack]
) -> None:
    record = make_record(store, packs, CASES["crisis_team"])
    with pytest.raises(ExportError, match="not installed here"):
        load_source(store, record, lambda *_: None)
