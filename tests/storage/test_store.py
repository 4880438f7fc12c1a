"""The decision record: append-only, chained, separate for training, and safe when things fail."""

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.chain import canonical
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import (
    AlreadyRunningError,
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NewerSchemaError,
    ReadOnlyError,
    StorageError,
)
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.migrations import SCHEMA_VERSION
from rcrp_desktop.storage.repository import NewEvent, Store
from rcrp_desktop.storage.verify import verify

USER = "PC 4821 Example"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(database_path(data_dir, "live"), "live", busy_timeout_ms=100)
    yield opened
    assert not opened.db.conn.in_transaction
    opened.close()


def record_call(
    store: Store, pack: Pack, script: str = "welfare-crisis-team.json", stop: int | None = None
) -> CallRecorder:
    recorder = CallRecorder.start(store, pack, incident_ref="INC-20261122-0042", user=USER)
    for step in load_script(examples_dir() / script).steps[:stop]:
        if step.reason:
            recorder.change(step.node, step.answer, step.rationale, step.reason)
        else:
            recorder.answer(step.node, step.answer, step.rationale)
        assert not store.db.conn.in_transaction
    return recorder


def finder(pack: Pack):
    return lambda pack_id, version, digest: pack if digest == pack.content_hash else None


def test_every_answer_is_an_ordered_timed_attributed_event(store: Store, england: Pack) -> None:
    recorder = record_call(store, england)
    events = store.events(recorder.record_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].kind == "created"
    assert events[1].kind == "question_shown"
    answers = [e for e in events if e.kind == "answer"]
    assert [e.payload["node"] for e in answers] == recorder.state.questions_on_path()
    assert all(e.user == USER for e in events)
    assert all(e.utc.endswith("Z") for e in events)
    assert all(e.local[-6] in "+-" for e in events)  # local time carries its offset
    final = [e for e in events if e.kind == "recommendation"][-1]
    assert final.payload["code"] == "PARTNER_LEAD_NO_POLICE"
    assert final.payload["pack"]["sha256"] == england.content_hash
    header = store.record(recorder.record_id)
    assert (header.pack_id, header.pack_hash, header.mode) == (
        england.id,
        england.content_hash,
        "live",
    )


def test_a_change_is_a_new_event_and_the_old_answer_stays(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, "welfare-overdose-disclosed-mid-call.json")
    changes = [e for e in store.events(recorder.record_id) if e.kind == "change"]
    assert changes
    first = changes[0].payload
    assert first["reason"]
    assert "previous" in first
    answered = [e.payload for e in store.events(recorder.record_id) if e.kind == "answer"]
    assert any(a["node"] == first["node"] and a["value"] == first["previous"] for a in answered)


def test_the_urgent_moment_is_recorded_with_its_time(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, "welfare-crime-behind-welfare-check.json")
    advice = [e for e in store.events(recorder.record_id) if e.kind == "recommendation"]
    first_urgent = next(e for e in advice if e.payload["urgent"])
    assert first_urgent.payload["final"] is False
    assert first_urgent.payload["code"] == "POLICE_DEPLOY"
    assert first_urgent.payload["instruction"] == england.urgent_instruction


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET payload = '{}' WHERE seq = 3",
        "DELETE FROM events WHERE seq = 3",
        "UPDATE records SET handler = 'someone else'",
        "DELETE FROM records",
    ],
)
def test_history_cannot_be_rewritten_in_sqlite(store: Store, england: Pack, sql: str) -> None:
    record_call(store, england, stop=5)
    with pytest.raises(sqlite3.IntegrityError, match=r"never|append-only"):
        store.db.execute(sql)
    assert verify(store) == []


def test_resume_replays_to_exactly_the_same_state(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, "welfare-overdose-disclosed-mid-call.json", stop=20)
    assert [r.id for r in store.unfinished()] == [recorder.record_id]
    resumed = CallRecorder.resume(store, recorder.record_id, finder(england), USER)
    assert resumed.state == recorder.state
    assert resumed.state.current == recorder.state.current
    node = resumed.state.current
    question = england.question(node)
    value = question.answers[0].value if question.answers else "typed after resuming"
    resumed.answer(node, [value] if question.input == "multi" else value, "After restart")
    again = CallRecorder.resume(store, recorder.record_id, finder(england), USER)
    assert again.state == resumed.state


def test_resume_refuses_a_changed_protocol(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, stop=3)
    with pytest.raises(StorageError, match="not installed here"):
        CallRecorder.resume(store, recorder.record_id, lambda *_: None, USER)


def test_training_lives_in_its_own_file_and_never_among_live_records(
    data_dir: Path, store: Store, england: Pack
) -> None:
    live = record_call(store, england, stop=3)
    training = Store.open(database_path(data_dir, "training"), "training")
    try:
        trained = record_call(training, england, stop=3)
        assert database_path(data_dir, "training") != store.path
        assert [r.mode for r in training.recent()] == ["training"]
        assert [r.id for r in store.recent()] == [live.record_id]
        with pytest.raises(StorageError):
            store.append(trained.record_id + 1, [NewEvent("note")], USER)
    finally:
        training.close()
    # A training record copied into the live file is refused by verify.
    store.db.execute(
        "INSERT INTO records (uid, incident_ref, created_utc, handler, "
        "force_profile, pack_id, pack_version, pack_hash, mode, app_version, "
        "status) VALUES ('x', 'TRN', 'now', 'h', 'england', 'p', '1', 'h', "
        "'training', '0', 'open')"
    )
    store.db.conn.commit()
    assert any("no events" in str(f) for f in verify(store))


def test_tampering_with_any_byte_of_a_stored_event_is_found(data_dir: Path, england: Pack) -> None:
    path = database_path(data_dir, "live")
    store = Store.open(path, "live")
    record_call(store, england, stop=12)
    events = store.events(1)
    store.close()  # checkpoints the WAL: every event is now in the main file
    pristine = path.read_bytes()
    positions: list[int] = []
    for event in events:
        # The row runs from its header (ids, sequence, kind) to the end of its own hash.
        start = pristine.index(canonical(event.payload).encode()) - 16
        end = pristine.index(event.hash.encode()) + len(event.hash)
        positions += [*range(start, end, 5), end - 1]
    for position in positions:
        damaged = bytearray(pristine)
        damaged[position] ^= 0x20
        path.write_bytes(bytes(damaged))
        try:
            opened = Store.open(path, "live", create=False, readonly=True)
        except StorageError:
            continue  # refused outright as damaged: also found
        try:
            assert verify(opened), f"byte {position} changed and verify saw nothing"
        finally:
            opened.close()
    path.write_bytes(pristine)


def test_verify_names_the_first_broken_record_and_event(data_dir: Path, england: Pack) -> None:
    path = database_path(data_dir, "live")
    store = Store.open(path, "live")
    record_call(store, england, stop=4)
    third = next(
        e for e in store.events(1) if e.kind == "answer" and e.payload["node"] == "danger_life"
    )
    assert third.payload["value"] == "no"
    store.close()
    raw = path.read_bytes()
    target = json.dumps(third.payload["rationale"]).encode()
    assert raw.count(target) == 1
    # Same length, one letter different: the file stays a valid database; only the chain can tell.
    forged = target[:-2] + (b"X" if target[-2:-1] != b"X" else b"Y") + target[-1:]
    path.write_bytes(raw.replace(target, forged))
    result = subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", "--data-dir", str(data_dir), "verify"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.startswith(f"FAILED: record 1, event {third.seq}: its hash does not match")


def test_backup_is_a_verified_copy(store: Store, england: Pack, tmp_path: Path) -> None:
    record_call(store, england, stop=6)
    copy = tmp_path / "backup" / "records-copy.sqlite3"
    store.backup(copy)
    backup = Store.open(copy, "live", create=False, readonly=True)
    try:
        assert verify(backup) == []
        assert backup.events(1) == store.events(1)
    finally:
        backup.close()
    with pytest.raises(StorageError, match="already exists"):
        store.backup(copy)


def test_a_second_copy_of_the_app_is_refused(data_dir: Path) -> None:
    with InstanceLock(data_dir):
        with pytest.raises(AlreadyRunningError, match="already running"):
            InstanceLock(data_dir).acquire()
        code = (
            "import sys; from pathlib import Path; from rcrp_desktop.storage.lock import "
            "InstanceLock; from rcrp_desktop.storage.errors import AlreadyRunningError\n"
            "try:\n InstanceLock(Path(sys.argv[1])).acquire()\n"
            "except AlreadyRunningError as e:\n print(e); sys.exit(7)"
        )
        other = subprocess.run(
            [sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, check=False
        )
        assert other.returncode == 7
        assert f"process {os.getpid()}" in other.stdout
    InstanceLock(data_dir).acquire().release()  # free again once the first copy exits


def test_a_locked_database_is_reported_and_nothing_is_lost(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, stop=1)  # at the callback number
    before = store.events(recorder.record_id)
    blocker = sqlite3.connect(store.path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        node = recorder.state.current
        with pytest.raises(DatabaseLockedError, match="in use by another program"):
            recorder.answer(node, "07700 900111")
        assert recorder.state.current == node  # not adopted: still the question on screen
    finally:
        blocker.rollback()
        blocker.close()
    recorder.answer(node, "07700 900111")  # the same answer, retried, now saves
    assert len(store.events(recorder.record_id)) > len(before)
    assert verify(store) == []


def test_a_read_only_database_is_reported(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, stop=1)
    store.db.execute("PRAGMA query_only = ON")
    with pytest.raises(ReadOnlyError, match="cannot be written"):
        recorder.answer(recorder.state.current, "07700 900222")
    store.db.execute("PRAGMA query_only = OFF")


def test_a_full_disk_keeps_the_answer_for_a_retry(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, stop=1)
    saved = store.events(recorder.record_id)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    node, long_text = recorder.state.current, "x" * 20000
    with pytest.raises(DiskFullError, match=r"disk .* is full"):
        recorder.answer(node, long_text)
    assert recorder.state.current == node
    assert store.events(recorder.record_id) == saved  # nothing already saved was lost
    store.db.execute("PRAGMA max_page_count = 1073741823")
    recorder.answer(node, long_text)
    assert verify(store) == []


def test_a_damaged_file_is_refused_and_left_untouched(data_dir: Path) -> None:
    path = database_path(data_dir, "live")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"This is not a database. " * 100)
    with pytest.raises(CorruptDatabaseError, match="Restore the latest backup"):
        Store.open(path, "live")
    assert path.read_bytes() == b"This is not a database. " * 100


def test_damage_inside_a_valid_file_is_found_by_verify(data_dir: Path, england: Pack) -> None:
    path = database_path(data_dir, "live")
    store = Store.open(path, "live")
    record_call(store, england)
    store.close()
    raw = bytearray(path.read_bytes())
    page = 4096
    raw[2 * page + 8 : 2 * page + 64] = b"\xff" * 56  # scribble over a b-tree page header
    path.write_bytes(bytes(raw))
    try:
        damaged = Store.open(path, "live", create=False, readonly=True)
    except CorruptDatabaseError:
        return
    try:
        assert verify(damaged)
    except CorruptDatabaseError:
        pass
    finally:
        damaged.close()


def test_a_database_from_a_newer_version_is_refused(data_dir: Path) -> None:
    path = database_path(data_dir, "live")
    Store.open(path, "live").close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError) as caught:
        Store.open(path, "live")
    assert f"schema {SCHEMA_VERSION + 7}" in str(caught.value)
    assert f"up to schema {SCHEMA_VERSION}" in str(caught.value)
    assert path.read_bytes() == before


def test_the_database_is_readable_by_its_owner_only(store: Store) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_cli_list_and_show_read_the_record(data_dir: Path, store: Store, england: Pack) -> None:
    recorder = record_call(store, england, stop=5)
    base = [sys.executable, "-m", "rcrp_desktop", "--data-dir", str(data_dir)]
    listing = subprocess.run([*base, "list", "--json"], capture_output=True, text=True, check=True)
    rows = json.loads(listing.stdout)
    assert [row["id"] for row in rows] == [recorder.record_id]
    shown = subprocess.run(
        [*base, "show", str(recorder.record_id), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    history = json.loads(shown.stdout)
    assert len(history["events"]) == len(store.events(recorder.record_id))
    steps = [e["payload"] for e in history["events"] if e["kind"] in ("answer", "change")]
    assert engine.replay(england, steps) == recorder.state


def test_run_script_save_stores_the_call_as_a_record(data_dir: Path, england: Pack) -> None:
    script = examples_dir() / "welfare-overdose-disclosed-mid-call.json"
    base = [sys.executable, "-m", "rcrp_desktop", "--data-dir", str(data_dir)]
    saved = subprocess.run(
        [*base, "run-script", str(script), "--save", "--incident", "INC-9", "--by", USER],
        capture_output=True,
        text=True,
        check=False,
    )
    assert saved.returncode == 0, saved.stderr
    assert "saved as live record 1" in saved.stderr
    store = Store.open(database_path(data_dir, "live"), "live", readonly=True, create=False)
    try:
        assert store.record(1).incident_ref == "INC-9"
        assert verify(store) == []
        resumed = CallRecorder.resume(store, 1, finder(england), USER)
        from rcrp_desktop.domain.call.script import run_script

        assert resumed.state == run_script(england, load_script(script))
    finally:
        store.close()
    checked = subprocess.run([*base, "verify"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0
    assert checked.stdout.startswith("ok:")
