"""Tampering by someone with the file, every kind: an event edited, a record's tail or the
whole record deleted, events reordered or moved, a chain forged and re-hashed, an event forged
onto the end, a guard dropped, the index or header changed alone, the file rolled back to an
older copy. `verify` names each (record and event), or, where no chain inside the file can show
it, an anchor printed outside does (`verify --anchors`); the app never writes without its
guards. The helpers an insider would use are in insider.py."""

import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlite_utils import Database

from rcrp_desktop.calls.exports import export_handover, export_handover_text
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli import main
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.storage import record_index
from rcrp_desktop.storage.chain import event_hash
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import CorruptDatabaseError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify
from tests.storage.insider import append, insider, rebuild_anchor_log, rehash, renumber
from tests.storage.test_closure import CRISIS, TOLD_NOT_ATTENDING, call
from tests.walk import default_answer

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
    with insider(path, reindex=False) as conn:
        for sql, args in statements:
            conn.execute(sql, args)


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
    # The forger deletes a record, numbers what is left as if it had never been (re-hashing
    # every chain, since an event's numbers are in its hash) and rebuilds the log without it:
    # inside the file, all is whole.
    with insider(path) as conn:
        for table, column in (("events", "record_id"), ("anchor_log", "record_id")):
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", [gone])
        conn.execute("DELETE FROM records WHERE id = ?", [gone])
        renumber(conn)
        rebuild_anchor_log(conn)
    assert main(["--data-dir", str(data), "verify"]) == 0  # nothing inside the file shows it
    capsys.readouterr()
    assert main(["--data-dir", str(data), "verify", "--anchors", str(tmp_path / "h.txt")]) == 1
    assert "anchor log entry 2, which the log no longer holds" in capsys.readouterr().out


# -- Every kind of tampering, on a day's records made through the app ----------------------------
#
# Each test below tampers with a copy of the same store as someone with the file would (sqlite3,
# the guards lifted and put back exactly), then says what catches it: `verify` alone, naming the
# record and event, or, where no chain inside the file can show it, an anchor printed outside
# (a handover PDF's footer, the anchor log's head) read back by `verify --anchors`.


@dataclass(frozen=True)
class Day:
    """Four calls as a control room makes them, in this order: `closed` (closed: the anchor
    log's entry 1); `handed_over` (open, handed over by PDF); `reviewed` (closed: entry 2, then
    exported for review); `handed_over` answered further; `newest` (open, written last)."""

    data: Path
    closed: int
    handed_over: int
    reviewed: int
    newest: int
    handover_pdf: Path  # `handed_over`'s anchor (its last event then) and the log's head, 1
    handover_anchor: tuple[int, str]
    review_pdf: Path  # `reviewed`'s anchor (its closure) and the log's head, entry 2

    @property
    def path(self) -> Path:
        return database_path(self.data, "live")


def answer_on(recorder: CallRecorder, england: Pack, steps: int) -> None:
    """The next questions answered calmly, as a handler would go on with the call."""
    for _ in range(steps):
        value, rationale = default_answer(england.question(recorder.state.current))
        recorder.answer(recorder.state.current, value, rationale)


@pytest.fixture(scope="module")
def a_day(tmp_path_factory: pytest.TempPathFactory, england: Pack) -> Day:
    folder = tmp_path_factory.mktemp("day")
    data = folder / "data"
    data.mkdir()
    store = Store.open(database_path(data, "live"), "live")
    try:
        closed = a_closed_record(store, england)
        taking = CallRecorder.start(store, england, incident_ref="INC-T", user="PC 1")
        taking.answer("ctx_location", "Flat 1, 2 Example Street", "")
        taking.answer("ctx_callback", "07700 900123", "")
        handover = export_handover(
            store,
            taking.record_id,
            HandoverRequest("crisis_team", prepared_by="PC 1"),
            folder / "handover.pdf",
            recorder=taking,
        )
        reviewed = a_closed_record(store, england)
        export_handover(
            store,
            reviewed,
            HandoverRequest("crisis_team", prepared_by="PC 2"),
            folder / "review.pdf",
        )
        answer_on(taking, england, 2)
        newest = CallRecorder.start(store, england, incident_ref="INC-U", user="PC 2")
        newest.answer("ctx_location", "3 Sample Road", "")
        answer_on(newest, england, 1)
        assert verify(store) == []
    finally:
        store.close()
    anchor = (handover.note.anchor_seq, handover.note.anchor_hash)
    return Day(
        data,
        closed,
        taking.record_id,
        reviewed,
        newest.record_id,
        folder / "handover.pdf",
        anchor,
        folder / "review.pdf",
    )


@pytest.fixture
def day(a_day: Day, tmp_path: Path) -> Day:
    """A copy of the day's data folder for one test to tamper with."""
    data = tmp_path / "data"
    shutil.copytree(a_day.data, data)
    return replace(a_day, data=data)


def run_verify(data: Path, *anchors: Path) -> tuple[int, list[str]]:
    """`rcrp-desktop verify` as a person runs it: its exit code and the lines it printed."""
    command = [sys.executable, "-m", "rcrp_desktop", "--data-dir", str(data), "verify"]
    command += ["--anchors", *map(str, anchors)] if anchors else []
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr
    return done.returncode, done.stdout.splitlines()


def failed_line(data: Path, *anchors: Path) -> str:
    """The one line `verify` fails with (exit 1), the first fault named."""
    code, lines = run_verify(data, *anchors)
    assert code == 1 and lines[0].startswith("FAILED: "), lines
    return lines[0]


def seq_of(path: Path, record_id: int, where: str) -> int:
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            f"SELECT seq FROM events WHERE record_id = ? AND {where} ORDER BY seq", [record_id]
        ).fetchone()
    conn.close()
    return int(row[0])


def last_seq(path: Path, record_id: int) -> int:
    with sqlite3.connect(path) as conn:
        (seq,) = conn.execute(
            "SELECT MAX(seq) FROM events WHERE record_id = ?", [record_id]
        ).fetchone()
    conn.close()
    return int(seq)


LOCATION = "kind = 'answer' AND json_extract(payload, '$.node') = 'ctx_location'"
CALLBACK = "kind = 'answer' AND json_extract(payload, '$.node') = 'ctx_callback'"
CHANGED = "its hash does not match its contents: changed after it was written"


def test_an_event_edited_in_place_is_named_by_its_record_and_event(day: Day) -> None:
    """An answer's payload changed, its hash left as it was: the event's own hash shows it."""
    seq = seq_of(day.path, day.handed_over, LOCATION)
    with insider(day.path) as conn:
        conn.execute(
            "UPDATE events SET payload = replace(payload, 'Flat 1', 'Flat 9') "
            "WHERE record_id = ? AND seq = ?",
            [day.handed_over, seq],
        )
    assert failed_line(day.data) == f"FAILED: record {day.handed_over}, event {seq}: {CHANGED}"


def test_a_tail_cut_from_a_record_written_before_others_is_a_gap_in_the_numbering(
    day: Day,
) -> None:
    """A record's last events deleted, the chain left whole and the index made to agree: events
    are numbered in turn across the file, so those written after them show the gap. (The newest
    writes leave none: a handover's anchor catches those, see the tail-cut test above; a closed
    record's cut is caught by the anchor log, above too.)"""
    kept = day.handover_anchor[0] + 1  # up to its export note
    reviewed_last = last_seq(day.path, day.reviewed)
    with sqlite3.connect(day.path) as conn:
        gone = conn.execute(
            "SELECT MIN(id), MAX(id) FROM events WHERE record_id = ? AND seq > ?",
            [day.handed_over, kept],
        ).fetchone()
    conn.close()
    with insider(day.path) as conn:
        conn.execute("DELETE FROM events WHERE record_id = ? AND seq > ?", [day.handed_over, kept])
    assert failed_line(day.data) == (
        f"FAILED: the events numbered {gone[0]} to {gone[1]} are missing, written between "
        f"record {day.reviewed}, event {reviewed_last} and record {day.newest}, event 1: "
        "deleted from the file"
    )


def test_an_open_record_deleted_whole_is_named_by_verify_and_by_its_handover(day: Day) -> None:
    """Its row, its events and its index row deleted: records are numbered in turn, so the
    record missing is named; the handover that left names it too. (A closed record deleted whole
    is caught by the anchor log, above; the newest record, numbered last, only by an anchor.)"""
    with insider(day.path) as conn:
        for table, column in (("events", "record_id"), ("record_index", "record_id")):
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", [day.handed_over])
        conn.execute("DELETE FROM records WHERE id = ?", [day.handed_over])
    assert failed_line(day.data) == (
        f"FAILED: record {day.handed_over}: is missing, though later records are here: "
        "deleted from the file"
    )
    code, lines = run_verify(day.data, day.handover_pdf)
    assert code == 1
    assert f"  also: record {day.handed_over}: handover.pdf printed its event " in "\n".join(lines)
    assert "but the record is missing: cut or deleted" in "\n".join(lines)


def test_events_reordered_within_a_record_break_its_chain_where_they_were_swapped(
    day: Day,
) -> None:
    """Two answers' seq numbers swapped (through a free number: (record, seq) is unique)."""
    first = seq_of(day.path, day.handed_over, LOCATION)
    second = seq_of(day.path, day.handed_over, CALLBACK)
    with insider(day.path) as conn:
        for old, new in ((first, -1), (second, first), (-1, second)):
            conn.execute(
                "UPDATE events SET seq = ? WHERE record_id = ? AND seq = ?",
                [new, day.handed_over, old],
            )
    faults = faults_of(day.path)
    assert faults[0] == (
        f"record {day.handed_over}, event {first}: "
        "does not link to the event before it (chain broken)"
    )
    assert f"record {day.handed_over}, event {second}: {CHANGED}" in faults


def test_an_event_moved_to_another_record_is_named_in_both(day: Day) -> None:
    """An answer moved from one call to the end of another: its record and seq are in its hash,
    and the call it left has a hole."""
    seq = seq_of(day.path, day.handed_over, CALLBACK)
    moved_to = last_seq(day.path, day.newest) + 1
    with insider(day.path) as conn:
        conn.execute(
            "UPDATE events SET record_id = ?, seq = ? WHERE record_id = ? AND seq = ?",
            [day.newest, moved_to, day.handed_over, seq],
        )
    faults = faults_of(day.path)
    assert faults[0] == (
        f"record {day.handed_over}, event {seq + 1}: "
        f"sequence jumps from {seq - 1} to {seq + 1}: an event is missing"
    )
    assert f"record {day.newest}, event {moved_to}: {CHANGED}" in faults


def test_whole_chains_swapped_between_records_are_named_from_their_first_event(
    day: Day,
) -> None:
    """Two calls' histories exchanged under each other's headers."""
    with insider(day.path) as conn:
        for old, new in ((day.handed_over, -1), (day.newest, day.handed_over), (-1, day.newest)):
            conn.execute("UPDATE events SET record_id = ? WHERE record_id = ?", [new, old])
    faults = faults_of(day.path)
    assert faults[0] == f"record {day.handed_over}, event 1: {CHANGED}"
    assert f"record {day.newest}, event 1: {CHANGED}" in faults
    assert any(f.startswith(f"record {day.newest}: header differs") for f in faults)


def test_a_forged_chain_with_its_export_note_made_to_agree_is_caught_by_the_handover_pdf(
    day: Day,
) -> None:
    """An answer changed and the whole chain re-hashed, the export note's anchor rewritten to
    match: nothing inside the file shows it (an open record is in no anchor log). The PDF that
    left prints the event's hash as it was. (With the note left as it was, the note catches it:
    see the rewritten-chain test above.)"""
    seq, printed = day.handover_anchor
    with insider(day.path) as conn:
        rehash(
            conn,
            day.handed_over,
            lambda kind, payload: (
                payload.replace("Flat 1", "Flat 9") if kind == "answer" else payload
            ),
        )
        (held,) = conn.execute(
            "SELECT hash FROM events WHERE record_id = ? AND seq = ?", [day.handed_over, seq]
        ).fetchone()
    assert run_verify(day.data)[0] == 0
    assert failed_line(day.data, day.handover_pdf) == (
        f"FAILED: record {day.handed_over}, event {seq}: handover.pdf printed its event {seq} "
        f"with hash {printed[:16]}..., the chain now holds {held[:16]}...: rewritten since"
    )


def test_a_forged_chain_of_a_closed_record_is_caught_by_the_anchor_log_then_by_its_head(
    day: Day,
) -> None:
    """A closed call's handover reference changed and its chain re-hashed: the anchor log still
    holds its closure as it was. The forger who rebuilds the log too makes the file whole again,
    but the log's head is not what a handover printed after that closure."""
    closure = seq_of(day.path, day.closed, "kind = 'closure'")
    with insider(day.path) as conn:
        rehash(conn, day.closed, lambda kind, payload: payload.replace("CRT-555", "CRT-999"))
    assert faults_of(day.path) == [
        f"record {day.closed}: anchor log entry 1: its closure (event {closure}) is not in the "
        "chain as it was: the record was cut or rewritten after it was closed"
    ]
    with insider(day.path) as conn:
        rebuild_anchor_log(conn)
    assert faults_of(day.path) == []
    assert failed_line(day.data, day.review_pdf) == (
        "FAILED: review.pdf printed anchor log entry 2, which the log holds with another hash: "
        "closed records were removed or rewritten since"
    )


FORGED_CHANGE = {
    "node": "ctx_location",
    "value": "Somewhere else",
    "rationale": "",
    "reason": "Caller corrected the address",
}


@pytest.mark.parametrize("how", ["guard lifted", "status set open and back"])
def test_an_event_forged_onto_a_closed_record_is_named_by_verify(day: Day, how: str) -> None:
    """An answer changed after the call was closed, added at the end with a correct hash: past
    the closed-record guard (lifted and put back), or past the status it reads (a status may
    change, so no guard is touched at all). The anchor log holds the closure; after a closure
    a chain may hold only follow-ups (a partner's confirmation, a re-assessment, an export).

    A follow-up forged onto a closed record, or any event forged onto the end of an open one,
    is what the app itself might have written: no chain or anchor can tell it from the app's."""
    closure = seq_of(day.path, day.closed, "kind = 'closure'")
    if how == "guard lifted":
        with insider(day.path) as conn:
            seq = append(conn, day.closed, "change", FORGED_CHANGE, "PC 1")
    else:
        with sqlite3.connect(day.path) as conn:
            conn.execute("UPDATE records SET status = 'open' WHERE id = ?", [day.closed])
            seq = append(conn, day.closed, "change", FORGED_CHANGE, "PC 1")
            conn.execute("UPDATE records SET status = 'closed' WHERE id = ?", [day.closed])
        conn.close()
    assert failed_line(day.data) == (
        f"FAILED: record {day.closed}, event {seq}: a 'change' event after its closure (event "
        f"{closure}): a closed record takes only follow-ups; added past its guard"
    )


def test_a_guard_dropped_and_left_dropped_fails_verify_on_the_command_line(day: Day) -> None:
    with sqlite3.connect(day.path) as conn:
        conn.execute("DROP TRIGGER events_no_delete")
    conn.close()
    assert failed_line(day.data) == (
        "FAILED: schema: the trigger 'events_no_delete' is missing (removed from the file)"
    )


@pytest.mark.parametrize(
    ("sql", "fault"),
    [
        (
            "UPDATE record_index SET outcome = 'POLICE_DEPLOY' WHERE record_id = ?",
            "search index out of step with events",
        ),
        (
            "UPDATE records SET incident_ref = 'INC-OTHER' WHERE id = ?",
            "header differs from its creation event (incident_ref)",
        ),
        (
            "UPDATE records SET status = 'open' WHERE id = ?",
            "status says 'open' but its events say 'closed'",
        ),
    ],
    ids=["search index", "header", "status"],
)
def test_the_index_or_the_header_changed_without_the_events_is_named(
    day: Day, sql: str, fault: str
) -> None:
    with insider(day.path, reindex=False) as conn:
        conn.execute(sql, [day.closed])
    assert faults_of(day.path) == [f"record {day.closed}: {fault}"]


@pytest.mark.parametrize("written_to", [False, True], ids=["put back", "put back, written to"])
def test_a_rollback_to_an_older_copy_is_caught_by_anchors_printed_after_the_copy(
    day: Day, england: Pack, tmp_path: Path, written_to: bool
) -> None:
    """The file replaced by a backup made earlier in the day: a whole database, every chain
    and the log as they were then. A handover printed after the backup names what it lost:
    the events it printed, and the log's head (another hash once the app has written again)."""
    backup = tmp_path / "backups" / "records-0900.sqlite3"
    assert main(["--data-dir", str(day.data), "backup", str(backup)]) == 0
    # The day goes on: a call closed (the log's entry 3), and the handed-over call answered
    # further and handed over again; this handover prints both.
    store = Store.open(day.path, "live")
    a_closed_record(store, england)
    going_on = CallRecorder.resume(store, day.handed_over, lambda *_: england, "PC 3")
    answer_on(going_on, england, 1)
    later = export_handover(
        store,
        day.handed_over,
        HandoverRequest("crisis_team", prepared_by="PC 3"),
        tmp_path / "later.pdf",
        recorder=going_on,
    )
    store.close()
    # Someone puts the morning's copy in the file's place.
    for suffix in ("-wal", "-shm"):
        Path(f"{day.path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, day.path)
    if written_to:
        store = Store.open(day.path, "live")
        a_closed_record(store, england)  # entry 3 again, of another record
        store.close()
    assert run_verify(day.data)[0] == 0  # the copy is whole: nothing inside it shows it
    code, lines = run_verify(day.data, tmp_path / "later.pdf")
    held = "holds with another hash" if written_to else "no longer holds"
    assert code == 1
    assert lines[0] == (
        f"FAILED: later.pdf printed anchor log entry 3, which the log {held}: "
        "closed records were removed or rewritten since"
    )
    seq = later.note.anchor_seq
    assert lines[1] == (
        f"  also: record {day.handed_over}: later.pdf printed its event {seq}, but the event is "
        "missing: cut or deleted"
    )
