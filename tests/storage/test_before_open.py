"""A database is checked before it is opened: someone else's write-ahead log is never applied,
an empty or foreign file is never set up as new, a file made read-only stays so; `restore`
puts a backup in place keeping the damaged files; `backup` never leaks or leaves a stub."""

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage import cipher
from rcrp_desktop.storage.before_open import side_file
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import CorruptDatabaseError, StorageError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.restore import restore
from rcrp_desktop.storage.verify import verify

REPO = Path(__file__).resolve().parents[2]

# A process that writes a call and dies without closing: its write-ahead log stays behind,
# as after a crash or a power cut.
CRASHING_WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from rcrp_desktop.calls.recorder import CallRecorder
    from rcrp_desktop.domain.pack.loader import load_pack
    from rcrp_desktop.paths import forms_dir
    from rcrp_desktop.storage.repository import Store
    store = Store.open(Path(sys.argv[1]), "live")
    pack = load_pack(forms_dir() / "england" / "rcrp-england.toml")
    for number in range(int(sys.argv[2])):
        reference = f"{sys.argv[3]}-{number}"
        recorder = CallRecorder.start(store, pack, incident_ref=reference, user="PC 1")
        recorder.answer("ctx_location", "Flat 1, 2 Example Street", "")
    os._exit(0)
    """
)


def crash_after_writing(path: Path, calls: int, tag: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(path), str(calls), tag],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert side_file(path, "wal").stat().st_size > 0, "the crash left no log to test with"


def events_of(path: Path) -> list[tuple[int, str]]:
    store = Store.open(path, "live", create=False, readonly=True)
    try:
        return sorted((row.id, row.incident_ref) for row in store.recent(1000))
    finally:
        store.close()


def test_the_log_a_crash_left_is_its_own_and_its_answers_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    crash_after_writing(path, 3, "OURS")
    store = Store.open(path, "live")  # the next start, for writing
    try:
        assert [r.incident_ref for r in sorted(store.recent(100), key=lambda r: r.id)] == [
            f"OURS-{n}" for n in range(3)
        ]
        assert verify(store) == []
    finally:
        store.close()


def test_someone_elses_log_is_refused_and_nothing_is_applied_changed_or_deleted(
    tmp_path: Path, england: Pack
) -> None:
    ours = tmp_path / "ours" / "records.sqlite3"
    ours.parent.mkdir()
    store = Store.open(ours, "live")
    for number in range(5):
        CallRecorder.start(store, england, incident_ref=f"OURS-{number}", user="PC 1")
    store.close()
    before = ours.read_bytes()
    other = tmp_path / "other" / "records.sqlite3"
    other.parent.mkdir()
    crash_after_writing(other, 8, "OTHER")
    foreign = side_file(other, "wal").read_bytes()
    side_file(ours, "wal").write_bytes(foreign)  # copied in by hand, or left by a restore

    with pytest.raises(CorruptDatabaseError, match=r"write-ahead log .* not its own") as raised:
        Store.open(ours, "live")
    assert "rcrp-desktop restore" in str(raised.value)
    assert ours.read_bytes() == before  # the main file untouched
    assert side_file(ours, "wal").read_bytes() == foreign  # the log kept as it was

    # `restore` from a backup sets the log aside with the damaged file, keeping both.
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(ours, backup)
    done = restore(backup, ours, "live")
    assert done.records == 5
    assert {p.name.split(".damaged-")[0] for p in done.set_aside} >= {
        "records.sqlite3",
        "records.sqlite3-wal",
    }
    assert all(p.exists() for p in done.set_aside)
    kept_log = next(p for p in done.set_aside if p.name.startswith("records.sqlite3-wal"))
    assert kept_log.read_bytes() == foreign
    store = Store.open(ours, "live")  # opens for writing again: no foreign log beside it
    try:
        assert [r.incident_ref for r in sorted(store.recent(100), key=lambda r: r.id)] == [
            f"OURS-{n}" for n in range(5)
        ]
    finally:
        store.close()


def test_a_log_that_is_not_a_log_is_refused(tmp_path: Path, england: Pack) -> None:
    path = tmp_path / "records.sqlite3"
    store = Store.open(path, "live")
    CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    store.close()
    side_file(path, "wal").write_bytes(b"not a log at all, but somebody's notes" * 100)
    with pytest.raises(CorruptDatabaseError, match="not a SQLite write-ahead log"):
        Store.open(path, "live")


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n" * 10])
def test_an_empty_or_foreign_file_is_refused_not_set_up_as_new(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "records.sqlite3"
    path.write_bytes(content)
    with pytest.raises(CorruptDatabaseError):
        Store.open(path, "live")
    assert path.read_bytes() == content


def test_a_device_or_folder_in_the_database_place_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    path.mkdir()
    with pytest.raises(StorageError, match="not a regular file"):
        Store.open(path, "live")
    fifo = tmp_path / "fifo.sqlite3"
    os.mkfifo(fifo)
    with pytest.raises(StorageError, match="not a regular file"):
        Store.open(fifo, "live")  # refused at once: reading a FIFO would hang


def test_a_database_made_read_only_stays_read_only_and_can_still_be_read(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    store = Store.open(path, "live")
    CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    store.close()
    path.chmod(0o444)
    with pytest.raises(StorageError, match=r"read-only .*0444"):
        Store.open(path, "live")
    assert stat.S_IMODE(path.stat().st_mode) == 0o444  # never made writable again
    store = Store.open(path, "live", create=False, readonly=True)
    try:
        assert verify(store) == []
    finally:
        store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_damaged_backup_is_refused_by_restore_and_nothing_is_moved(
    tmp_path: Path, england: Pack
) -> None:
    path = tmp_path / "records.sqlite3"
    store = Store.open(path, "live")
    CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    store.close()
    backup = tmp_path / "backup.sqlite3"
    backup.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(StorageError):
        restore(backup, path, "live")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sqlite3", "records.sqlite3"]


def test_restore_on_the_command_line_says_what_it_did(
    tmp_path: Path, data_dir: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database_path(data_dir, "live")
    store = Store.open(path, "live")
    CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    store.backup(tmp_path / "backup.sqlite3")
    CallRecorder.start(store, england, incident_ref="INC-2", user="PC 1")
    store.close()
    code = main(["--data-dir", str(data_dir), "restore", str(tmp_path / "backup.sqlite3")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "set aside (kept):" in out and "1 record(s), verified" in out
    assert [r[1] for r in events_of(path)] == ["INC-1"]


def test_a_backup_stopped_as_it_took_its_name_is_named_so_by_restore(
    tmp_path: Path, data_dir: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database_path(data_dir, "live")
    store = Store.open(path, "live")
    CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    backup = tmp_path / "backup.sqlite3"
    store.backup(backup)
    store.close()
    # Stopped between giving the backup its name and dropping its temporary one.
    os.link(backup, tmp_path / ".backup.sqlite3.partial")
    code = main(["--data-dir", str(data_dir), "restore", str(backup)])
    err = capsys.readouterr().err
    assert code != 0
    assert "whole backup" in err and ".backup.sqlite3.partial" in err, err
    assert "hard links" not in err
    (tmp_path / ".backup.sqlite3.partial").unlink()  # as the line says
    assert main(["--data-dir", str(data_dir), "restore", str(backup)]) == 0


def test_a_backup_is_private_from_its_first_byte_and_a_failed_one_leaves_nothing(
    tmp_path: Path, england: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "records.sqlite3", "live")
    CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    seen: list[int] = []
    real_connect = cipher.connect

    def watching(target: Path, key: bytes | None, **kwargs: object) -> object:
        seen.append(stat.S_IMODE(Path(str(target)).stat().st_mode))  # made before SQLite
        return real_connect(target, key, **kwargs)

    monkeypatch.setattr("rcrp_desktop.storage.repository.connect", watching)
    destination = tmp_path / "out" / "backup.sqlite3"
    store.backup(destination)
    assert seen == [0o600]
    assert stat.S_IMODE(destination.stat().st_mode) == 0o600
    assert [p.name for p in destination.parent.iterdir()] == ["backup.sqlite3"]

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rcrp_desktop.storage.repository.os.link", failing)
    second = tmp_path / "out" / "second.sqlite3"
    with pytest.raises(StorageError):
        store.backup(second)
    assert [p.name for p in destination.parent.iterdir()] == ["backup.sqlite3"]  # no stub
    monkeypatch.undo()
    store.backup(second)  # and trying again works
    store.close()


@pytest.fixture
def read_only_media(tmp_path: Path) -> Iterator[Path]:
    """A folder on a filesystem mounted read-only, as a backup disc an investigator is given
    (a small tmpfs: needs root, which CI has; skipped with the reason elsewhere)."""
    mount = tmp_path / "media"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a read-only filesystem needs root and mount(8)")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)])
    if made.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_verify_list_and_show_read_a_backup_on_read_only_media_without_writing(
    read_only_media: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    data = read_only_media / "data"
    store = Store.open(database_path(data, "live"), "live")
    recorder = CallRecorder.start(store, england, incident_ref="INC-RO", user="PC 1")
    recorder.answer("ctx_location", "Flat 1, 2 Example Street", "")
    store.close()
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_media)], check=True)
    before = sorted(p.name for p in data.iterdir())
    for command in (["verify"], ["list"], ["show", "1"]):
        code = main(["--data-dir", str(data), *command])
        out = capsys.readouterr().out
        assert code == 0, (command, out)
    assert "INC-RO" in out or "ctx_location" in out
    assert sorted(p.name for p in data.iterdir()) == before  # not a byte written beside it


def test_a_data_folder_open_to_others_is_made_private_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    script = REPO / "forms" / "examples" / "welfare-crisis-team.json"
    code = main(["--data-dir", str(folder), "run-script", str(script), "--save", "--by", "PC 1"])
    assert code == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "it is now private (0700)" in capsys.readouterr().err


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_training_records_never_share_the_live_file(
    data_dir: Path, england: Pack, link: str
) -> None:
    live = database_path(data_dir, "live")
    store = Store.open(live, "live")
    CallRecorder.start(store, england, incident_ref="LIVE-1", user="PC 1")
    store.close()
    training = database_path(data_dir, "training")
    (training.symlink_to if link == "symbolic" else training.hardlink_to)(live)
    with pytest.raises(StorageError, match="never share a file"):
        Store.open(training, "training")


def test_number_arguments_past_what_the_store_holds_get_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["show", "99999999999999999999"], ["list", "--limit", "99999999999999999999"]):
        with pytest.raises(SystemExit) as raised:
            main(["--data-dir", str(data_dir), *command])
        assert raised.value.code == 2
        err = capsys.readouterr().err
        assert "must be from 1 to" in err and "Traceback" not in err


def test_export_onto_a_device_is_refused_and_the_device_kept(
    data_dir: Path, england: Pack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = Store.open(database_path(data_dir, "live"), "live")
    recorder = CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    store.close()
    fifo = tmp_path / "device"
    os.mkfifo(fifo)  # stands for a device node: not a regular file
    code = main(
        [
            "--data-dir",
            str(data_dir),
            "export",
            str(recorder.record_id),
            "--recipient",
            "crisis_team",
            "--out",
            str(fifo),
            "--by",
            "PC 1",
        ]
    )
    assert code != 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the device, not replaced
    assert "not a regular file" in capsys.readouterr().err


def test_a_new_database_takes_its_name_only_when_set_up(tmp_path: Path) -> None:
    """So an empty database file is never one the app was still making when it stopped: a
    creation stopped halfway leaves only its own partial file, which the next start replaces."""
    path = tmp_path / "records.sqlite3"
    partial = tmp_path / ".records.sqlite3.new"
    partial.write_bytes(b"")  # a first start killed before SQLite wrote a byte
    store = Store.open(path, "live")
    try:
        assert store.record_rows() == []
    finally:
        store.close()
    assert not partial.exists()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
