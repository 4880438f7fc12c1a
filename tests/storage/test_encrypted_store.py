"""The record database encrypted at rest (SQLCipher): no text of a record in any file written,
another key told apart from damage, and a plain file never taken for an encrypted one."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.cipher import WrongKeyError
from rcrp_desktop.storage.data import KEYRING_FILE
from rcrp_desktop.storage.encrypt import encrypt_in_place
from rcrp_desktop.storage.errors import CorruptDatabaseError, StorageError
from rcrp_desktop.storage.named_file import open_named_file
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify
from tests.storage.insider import insider

MARK = "Zebra-marker 7731 said the caller"  # in every rationale: searched for in the bytes
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def call_with_rationales(
    store: Store, pack: Pack, script: str = "medical-telecare-fall-ambulance.json"
) -> int:
    recorder = CallRecorder.start(store, pack, incident_ref="INC-1", user="PC 1 Test Handler")
    for step in load_script(examples_dir() / script).steps:
        recorder.answer(step.node, step.answer, f"{step.rationale} {MARK}")
    return recorder.record_id


def files_holding(folder: Path, text: str) -> list[str]:
    needles = (text.encode(), text.encode("utf-16-le"))
    return sorted(
        path.name
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    )


@pytest.fixture
def encrypted(tmp_path: Path, england: Pack) -> Iterator[tuple[Store, int]]:
    store = Store.open(tmp_path / "records.sqlite3", "live", key=KEY)
    record_id = call_with_rationales(store, england)
    yield store, record_id
    store.close()


def test_no_record_text_in_the_database_or_its_log_while_open_or_after(
    tmp_path: Path, encrypted: tuple[Store, int]
) -> None:
    store, record_id = encrypted
    assert (tmp_path / "records.sqlite3-wal").stat().st_size > 0  # the log holds the answers
    assert files_holding(tmp_path, MARK) == []
    assert files_holding(tmp_path, "INC-1") == []
    assert not (tmp_path / "records.sqlite3").read_bytes().startswith(b"SQLite format 3")
    store.close()
    assert files_holding(tmp_path, MARK) == []
    again = Store.open(tmp_path / "records.sqlite3", "live", key=KEY)
    try:
        assert MARK in str([event.payload for event in again.events(record_id)])
        assert verify(again) == []
    finally:
        again.close()


def test_the_same_rationale_in_a_plain_database_is_found_so_the_search_can_fail(
    tmp_path: Path, england: Pack
) -> None:
    store = Store.open(tmp_path / "records.sqlite3", "live")
    call_with_rationales(store, england)
    store.close()
    assert files_holding(tmp_path, MARK) == ["records.sqlite3"]


def test_a_backup_is_encrypted_with_the_same_key(
    tmp_path: Path, encrypted: tuple[Store, int]
) -> None:
    store, record_id = encrypted
    backup = tmp_path / "out" / "backup.sqlite3"
    store.backup(backup)
    assert files_holding(backup.parent, MARK) == []
    copy = open_named_file(backup, key=KEY).store
    try:
        assert copy.readonly and MARK in str([e.payload for e in copy.events(record_id)])
        assert verify(copy) == []
    finally:
        copy.close()
    assert sorted(p.name for p in backup.parent.iterdir()) == ["backup.sqlite3"]  # read: no log


def test_another_key_is_told_apart_from_damage(
    tmp_path: Path, encrypted: tuple[Store, int]
) -> None:
    store, _ = encrypted
    store.close()
    path = tmp_path / "records.sqlite3"
    with pytest.raises(WrongKeyError, match="another key"):
        Store.open(path, "live", key=OTHER_KEY)
    with pytest.raises(WrongKeyError):
        Store.open(path, "live", key=OTHER_KEY, create=False, readonly=True)
    data = bytearray(path.read_bytes())
    assert len(data) >= 4 * 4096
    data[100] ^= 0xFF  # page 1, where the schema is: nothing opens, yet it is damage
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError) as raised:
        Store.open(path, "live", key=KEY)
    assert not isinstance(raised.value, WrongKeyError)
    assert "damaged" in str(raised.value)


def test_without_the_key_an_encrypted_file_is_refused_with_what_to_do(
    tmp_path: Path, encrypted: tuple[Store, int]
) -> None:
    store, _ = encrypted
    store.close()
    path = tmp_path / "records.sqlite3"
    before = path.read_bytes()
    with pytest.raises(CorruptDatabaseError):  # no keyring beside it: not ours, as before
        Store.open(path, "live")
    (tmp_path / KEYRING_FILE).write_text("{}")
    with pytest.raises(StorageError, match="encrypted: it opens only for someone signed in"):
        Store.open(path, "live", create=False, readonly=True)
    assert path.read_bytes() == before


def test_a_plain_file_in_the_place_of_an_encrypted_one_is_refused(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    plain = Store.open(path, "live")
    call_with_rationales(plain, england)
    plain.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not encrypted, yet this folder's records are"):
        Store.open(path, "live", key=KEY)
    assert path.read_bytes() == before


def test_an_encrypted_file_is_private_and_a_new_one_is_made_whole(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "records.sqlite3", "live", key=KEY)
    store.close()
    assert oct(os.stat(tmp_path / "records.sqlite3").st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.sqlite3"]


def test_a_plain_database_is_encrypted_in_place_and_the_plain_copy_destroyed(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    plain = Store.open(path, "live")
    record_id = call_with_rationales(plain, england)
    before = [e.hash for e in plain.events(record_id)]
    plain.close()
    done = encrypt_in_place(path, "live", KEY)
    assert done.was_plain and done.records == 1
    assert files_holding(tmp_path, MARK) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.sqlite3"]
    store = Store.open(path, "live", key=KEY)
    try:
        assert [e.hash for e in store.events(record_id)] == before
        assert verify(store) == []
    finally:
        store.close()
    again = encrypt_in_place(path, "live", KEY)  # run twice: nothing more to do
    assert not again.was_plain and again.records == 1


def test_encrypting_stopped_before_the_swap_leaves_the_plain_database_as_it_was(
    tmp_path: Path, england: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "records.sqlite3"
    plain = Store.open(path, "live")
    call_with_rationales(plain, england)
    plain.close()

    def stopped(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rcrp_desktop.storage.encrypt.os.replace", stopped)
    with pytest.raises(StorageError, match="The database is unchanged"):
        encrypt_in_place(path, "live", KEY)
    monkeypatch.undo()
    assert files_holding(tmp_path, MARK) != []  # still plain, still whole
    store = Store.open(path, "live")
    assert verify(store) == []
    store.close()
    encrypt_in_place(path, "live", KEY)
    assert files_holding(tmp_path, MARK) == []


def test_encrypting_killed_between_naming_and_swapping_is_finished_by_running_it_again(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    plain = Store.open(path, "live")
    call_with_rationales(plain, england)
    plain.close()
    os.link(path, tmp_path / ".records.sqlite3.plain")  # as a kill right after the link
    with pytest.raises(
        StorageError, match="encrypting or re-keying it was stopped before the swap"
    ):
        Store.open(path, "live")
    encrypt_in_place(path, "live", KEY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.sqlite3"]
    assert files_holding(tmp_path, MARK) == []
    Store.open(path, "live", key=KEY).close()


def test_an_insider_with_the_key_who_edits_an_event_is_named_by_verify(
    tmp_path: Path, encrypted: tuple[Store, int]
) -> None:
    """Encryption keeps the records private; the chain still shows a change by someone who has
    the key: the answer's text changed in place, its hash left as it was."""
    store, record_id = encrypted
    store.close()
    path = tmp_path / "records.sqlite3"
    with insider(path, key=KEY) as conn:
        seq = conn.execute(
            "SELECT seq FROM events WHERE record_id = ? AND kind = 'answer' ORDER BY seq",
            [record_id],
        ).fetchone()[0]
        conn.execute(
            "UPDATE events SET payload = replace(payload, 'Zebra', 'Horse') "
            "WHERE record_id = ? AND seq = ?",
            [record_id, seq],
        )
    again = Store.open(path, "live", create=False, readonly=True, key=KEY)
    try:
        faults = [str(fault) for fault in verify(again)]
    finally:
        again.close()
    assert faults[0].startswith(f"record {record_id}, event {seq}:")


def test_bytes_changed_without_the_key_are_caught_on_the_page_they_hit(
    tmp_path: Path, encrypted: tuple[Store, int]
) -> None:
    """Someone without the key can only break pages: each page's own check names it, and
    verify fails (nothing altered can pass for a record)."""
    store, _ = encrypted
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = tmp_path / "records.sqlite3"
    data = bytearray(path.read_bytes())
    last_page = len(data) // 4096 - 1
    data[last_page * 4096 + 2000] ^= 0x01  # one bit, in the middle of a page
    path.write_bytes(bytes(data))
    again = Store.open(path, "live", create=False, readonly=True, key=KEY)
    try:
        faults = [str(fault) for fault in verify(again)]
    finally:
        again.close()
    assert faults, "a changed page went unnoticed"


def test_a_log_from_another_encrypted_database_beside_it_is_refused_untouched(
    tmp_path: Path, england: Pack
) -> None:
    """A `-wal` copied in from another database (under the same key, or another) is not
    applied: refused with the file named, both left as they are."""
    ours = tmp_path / "ours" / "records.sqlite3"
    store = Store.open(ours, "live", key=KEY)
    call_with_rationales(store, england)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    for key in (KEY, OTHER_KEY):
        other = tmp_path / f"other-{key[0]}" / "records.sqlite3"
        theirs = Store.open(other, "live", key=key)
        call_with_rationales(theirs, england, "medical-telecare-fall-ambulance.json")
        log = other.with_name("records.sqlite3-wal").read_bytes()
        theirs.close()
        wal = ours.with_name("records.sqlite3-wal")
        wal.write_bytes(log)
        before = ours.read_bytes()
        with pytest.raises(CorruptDatabaseError, match="write-ahead log beside it"):
            Store.open(ours, "live", key=KEY)
        assert ours.read_bytes() == before
        assert wal.read_bytes() == log
        wal.unlink()
        ours.with_name("records.sqlite3-shm").unlink(missing_ok=True)


def test_an_encrypted_file_made_read_only_is_read_and_never_written(
    tmp_path: Path, encrypted: tuple[Store, int]
) -> None:
    store, record_id = encrypted
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = tmp_path / "records.sqlite3"
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="read-only"):
        Store.open(path, "live", key=KEY)
    reader = Store.open(path, "live", create=False, readonly=True, key=KEY)
    try:
        assert MARK in str([e.payload for e in reader.events(record_id)])
    finally:
        reader.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.sqlite3"]
