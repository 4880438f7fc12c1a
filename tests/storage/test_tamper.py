"""Tampering by someone with the file, past what one event's hash shows: guards dropped, and a
chain rewritten and re-hashed. `verify` names each; the app never writes without its guards."""

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from rcrp_desktop.calls.exports import export_handover, export_handover_text
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli import main
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.storage import anchor_log, record_index
from rcrp_desktop.storage.chain import GENESIS, event_hash
from rcrp_desktop.storage.errors import CorruptDatabaseError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify
from tests.storage.test_closure import CRISIS, TOLD_NOT_ATTENDING, call

GUARDS = ("events_no_update", "events_no_delete", "events_closed_record", "records_no_delete")


def a_record(path: Path, england: Pack) -> int:
    store = Store.open(path, "live")
    try:
        recorder = CallRecorder.start(store, england, incident_ref="INC-T", user="PC 1")
        recorder.answer("ctx_location", "Flat 1, 2 Example Street", "")
        recorder.answer("ctx_callback", "07700 900123", "")
        return recorder.record_id
    finally:
        store.close()


def faults_of(path: Path) -> list[str]:
    store = Store.open(path, "live", create=False, readonly=True)
    try:
        return [str(fault) for fault in verify(store)]
    finally:
        store.close()


@pytest.mark.parametrize("guard", GUARDS)
def test_a_guard_trigger_dropped_is_a_fault_and_the_app_will_not_write(
    tmp_path: Path, england: Pack, guard: str
) -> None:
    path = tmp_path / "records.sqlite3"
    a_record(path, england)
    with sqlite3.connect(path) as conn:
        conn.execute(f"DROP TRIGGER {guard}")
    conn.close()
    assert any(f"trigger '{guard}' is missing" in fault for fault in faults_of(path))
    with pytest.raises(CorruptDatabaseError, match="guard triggers are not the app's"):
        Store.open(path, "live")


def test_a_guard_trigger_altered_is_a_fault(tmp_path: Path, england: Pack) -> None:
    path = tmp_path / "records.sqlite3"
    a_record(path, england)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
        )
    conn.close()
    assert any("trigger 'events_no_update' has been altered" in f for f in faults_of(path))


def test_a_chain_rewritten_and_rehashed_is_caught_by_the_anchor_its_export_printed(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    record_id = a_record(path, england)
    store = Store.open(path, "live")
    export_handover_text(
        store, record_id, HandoverRequest("crisis_team", prepared_by="PC 1"), tmp_path / "h.txt"
    )
    store.close()
    assert faults_of(path) == []
    # Someone with the file changes an answer and re-hashes every event from there on, so each
    # event links and hashes as it should; the export note still says what the document printed.
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        rows = conn.execute(
            "SELECT id, seq, kind, payload, utc, local, user, prev_hash FROM events "
            "WHERE record_id = ? ORDER BY seq",
            [record_id],
        ).fetchall()
        prev = None
        for event_id, seq, kind, payload, utc, local, user, prev_hash in rows:
            if kind == "answer" and "Flat 1" in payload:
                payload = payload.replace("Flat 1", "Flat 9")
            prev = prev_hash if prev is None else prev
            digest = event_hash(event_id, record_id, seq, kind, payload, utc, local, user, prev)
            conn.execute(
                "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE id = ?",
                [payload, prev, digest, event_id],
            )
            prev = digest
        conn.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, "
            "'events are append-only: add a correction instead'); END"
        )
    conn.close()
    faults = faults_of(path)
    assert any("which the chain no longer holds" in fault for fault in faults), faults


def cut_tail(path: Path, record_id: int, keep: int) -> None:
    """Someone with the file deletes a record's last events and puts the guard back exactly:
    what is left is a whole chain, and the schema is the app's."""
    with sqlite3.connect(path) as conn:
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'events_no_delete'"
        ).fetchone()
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute("DELETE FROM events WHERE record_id = ? AND seq > ?", [record_id, keep])
        conn.execute(sql)
        record_index.rebuild(Database(conn))  # and the search index made to agree
    conn.close()


def test_a_tail_cut_is_caught_against_the_anchor_a_handover_pdf_printed(
    tmp_path: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    path = data / "records.sqlite3"
    data.mkdir()
    record_id = a_record(path, england)
    store = Store.open(path, "live")
    printed = export_handover(
        store, record_id, HandoverRequest("crisis_team", prepared_by="PC 1"), tmp_path / "h.pdf"
    )
    store.close()
    listing = tmp_path / "anchors.txt"
    listing.write_text(
        f"From the footer of a handover:\nRecord {record_id}, event {printed.note.anchor_seq}, "
        f"sha256 {printed.note.anchor_hash}\n"
    )
    assert main(["--data-dir", str(data), "verify", "--anchors", str(tmp_path / "h.pdf")]) == 0
    assert "1 outside anchor(s) match" in capsys.readouterr().out
    cut_tail(path, record_id, keep=3)
    assert faults_of(path) == []  # the chain left is whole: nothing inside the file shows it
    for outside in (tmp_path / "h.pdf", listing):
        assert main(["--data-dir", str(data), "verify", "--anchors", str(outside)]) == 1
        out = capsys.readouterr().out
        assert f"printed its event {printed.note.anchor_seq}" in out and "cut or deleted" in out


def a_closed_record(store: Store, england: Pack) -> int:
    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    recorder.record(CRISIS)
    recorder.record(TOLD_NOT_ATTENDING)
    recorder.close()
    return recorder.record_id


def without_guards(path: Path, *statements: tuple[str, list[object]]) -> None:
    """Run statements with every guard trigger lifted, then put each back exactly as it was."""
    with sqlite3.connect(path) as conn:
        guards = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE%'"
        ).fetchall()
        for name, _ in guards:
            conn.execute(f"DROP TRIGGER {name}")
        for sql, args in statements:
            conn.execute(sql, args)
        for _, sql in guards:
            conn.execute(sql)
    conn.close()


def test_closing_a_record_enters_its_closure_in_the_anchor_log(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    store = Store.open(path, "live")
    first, second = a_closed_record(store, england), a_closed_record(store, england)
    head = store.anchor_log_head()
    store.close()
    assert head is not None and head[0] == 2
    assert faults_of(path) == []
    assert first != second


def test_a_closed_record_deleted_whole_is_caught_by_the_anchor_log(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    store = Store.open(path, "live")
    gone = a_closed_record(store, england)
    a_closed_record(store, england)
    store.close()
    without_guards(
        path,
        ("DELETE FROM events WHERE record_id = ?", [gone]),
        ("DELETE FROM record_index WHERE record_id = ?", [gone]),
        ("DELETE FROM records WHERE id = ?", [gone]),
    )
    faults = faults_of(path)
    assert any(f"ecord {gone}" in f and "the record it anchors is gone" in f for f in faults), (
        faults
    )


def test_a_closed_record_cut_and_closed_again_is_caught_by_the_anchor_log(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    store = Store.open(path, "live")
    record_id = a_closed_record(store, england)
    closure_seq = store.events(record_id)[-1].seq
    store.close()
    without_guards(
        path, ("DELETE FROM events WHERE record_id = ? AND seq >= ?", [record_id, closure_seq])
    )
    faults = faults_of(path)
    assert any("is not in the chain as it was" in f for f in faults), faults


def test_a_rebuilt_anchor_log_is_caught_against_the_log_head_a_handover_printed(
    tmp_path: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "records.sqlite3"
    store = Store.open(path, "live")
    gone = a_closed_record(store, england)
    kept = a_closed_record(store, england)
    export_handover_text(
        store, kept, HandoverRequest("crisis_team", prepared_by="PC 1"), tmp_path / "h.txt"
    )
    store.close()
    assert "Anchor log entry 2, sha256 " in (tmp_path / "h.txt").read_text()
    # The forger deletes a record and rebuilds the log without it: inside the file, all is whole.
    store = Store.open(path, "live", create=False, readonly=True)
    kept_entry = next(e for e in anchor_log.entries(store.db.conn) if e.record_id == kept)
    store.close()
    digest = anchor_log.entry_hash(
        1, kept, kept_entry.head_seq, kept_entry.head_hash, kept_entry.utc, GENESIS
    )
    without_guards(
        path,
        ("DELETE FROM events WHERE record_id = ?", [gone]),
        ("DELETE FROM record_index WHERE record_id = ?", [gone]),
        ("DELETE FROM records WHERE id = ?", [gone]),
        ("DELETE FROM anchor_log", []),
        (
            "INSERT INTO anchor_log VALUES (1, ?, ?, ?, ?, ?, ?)",
            [kept, kept_entry.head_seq, kept_entry.head_hash, kept_entry.utc, GENESIS, digest],
        ),
    )
    assert main(["--data-dir", str(data), "verify"]) == 0  # nothing inside the file shows it
    capsys.readouterr()
    assert main(["--data-dir", str(data), "verify", "--anchors", str(tmp_path / "h.txt")]) == 1
    assert "anchor log entry 2, which the log no longer holds" in capsys.readouterr().out
