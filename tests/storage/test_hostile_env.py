"""The store where the machine works against it: file modes set by someone else, and a disk that
is really full.

Modes are proved as a normal user (tests/other_user.py: as root, the commands run as `nobody`),
since root reads and writes whatever they say. The full disk is a small tmpfs, filled to the
last byte (mounting it needs root; elsewhere those tests skip, saying so). Each refusal is one
line on standard error, no traceback, and nothing already saved is lost or left half-written.
"""

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.calls.commands import AnswerQuestion
from rcrp_desktop.calls.outbox import Outbox
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import DiskFullError
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.records import Mode, StoredEvent
from rcrp_desktop.storage.repository import Store
from tests import other_user
from tests.other_user import give

EXAMPLE = examples_dir() / "welfare-crisis-team.json"
SCRIPT = load_script(EXAMPLE)
HANDLER = "PC 4821 Example"
SAVE = ["run-script", str(EXAMPLE), "--save", "--by", HANDLER]
DISK_SIZE = 1024 * 1024


# --- Helpers -----------------------------------------------------------------------------------


def record_calls(
    path: Path, pack: Pack, calls: int, *, mode: Mode = "live", steps: int = 4
) -> None:
    """`calls` calls saved in the database at `path`, each answered `steps` questions in."""
    store = Store.open(path, mode)
    try:
        for number in range(1, calls + 1):
            recorder = CallRecorder.start(
                store, pack, incident_ref=f"INC-HOSTILE-{number}", user=HANDLER
            )
            for step in SCRIPT.steps[:steps]:
                recorder.answer(step.node, step.answer, step.rationale)
    finally:
        store.close()


def history(path: Path, mode: Mode = "live") -> dict[int, list[StoredEvent]]:
    """Every record's events. Opened as the app opens it: closed, it leaves nothing beside the
    file (a read-only connection would leave its -shm, and a start would not need to make one)."""
    store = Store.open(path, mode, create=False)
    try:
        return {row.id: store.events(row.id) for row in store.recent(1000)}
    finally:
        store.close()


def one_line(done: "subprocess.CompletedProcess[str]") -> str:
    """The one line a refused command said: non-zero exit, nothing else printed, no traceback."""
    assert done.returncode != 0, done
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.stdout == "", done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rcrp-desktop: "), done.stderr
    return lines[0]


def ok(done: "subprocess.CompletedProcess[str]") -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """Each file in `folder`: its mode, size, modification time and bytes."""
    found = {}
    for entry in sorted(folder.iterdir()):
        info = entry.lstat()
        data = entry.read_bytes() if stat.S_ISREG(info.st_mode) else b""
        found[entry.name] = (info.st_mode, info.st_size, info.st_mtime_ns, data)
    return found


def root_cli(*args: str) -> "subprocess.CompletedProcess[str]":
    """The command line as this (root) process's own user."""
    return subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- File modes, as a normal user --------------------------------------------------------------


@pytest.fixture
def place() -> Iterator[Path]:
    """A folder the normal user can reach (tmp_path's parents are root's own): under /tmp, 0755."""
    with other_user.reachable_folder("rcrp-hostile-") as folder:
        yield folder


def user_folder(place: Path, pack: Pack, calls: int = 1) -> tuple[Path, Path]:
    """A data folder belonging to the user (0700), holding a live database with `calls` calls."""
    data = place / "data"
    record_calls(database_path(data, "live"), pack, calls)
    give(data, "user")
    return data, database_path(data, "live")


def test_a_database_made_read_only_by_an_administrator_is_read_and_never_written(
    place: Path, england: Pack
) -> None:
    data, live = user_folder(place, england)
    live.chmod(0o444)  # an administrator froze it: the user still owns it
    before = live.read_bytes()
    for command in (SAVE, ["export", "1", "--recipient", "crisis_team", "--text", "--by", HANDLER]):
        line = one_line(other_user.cli("--data-dir", str(data), *command, cwd=place))
        assert "read-only (mode 0444)" in line and "has not been changed" in line
        assert mode_of(live) == 0o444  # never made writable again
        assert live.read_bytes() == before
    assert "1 record(s)" in ok(other_user.cli("--data-dir", str(data), "verify", cwd=place))
    assert "INC-HOSTILE-1" in ok(other_user.cli("--data-dir", str(data), "list", cwd=place))
    shown = ok(other_user.cli("--data-dir", str(data), "show", "1", cwd=place))
    assert "ctx_location" in shown
    assert mode_of(live) == 0o444 and live.read_bytes() == before

    live.chmod(0o600)  # unfrozen: the reads above must not keep it read-only
    saved = other_user.cli("--data-dir", str(data), *SAVE, cwd=place)
    assert saved.returncode == 0, saved.stderr
    assert "saved as live record 2" in saved.stderr
    assert "2 record(s)" in ok(other_user.cli("--data-dir", str(data), "verify", cwd=place))


def test_a_data_folder_the_user_cannot_write_is_read_and_nothing_is_written(
    place: Path, england: Pack
) -> None:
    data = place / "data"
    live = database_path(data, "live")
    record_calls(live, england, 2)
    give(data, "administrator")
    live.chmod(0o644)
    data.chmod(0o555)
    before, folder_time = snapshot(data), data.stat().st_mtime_ns
    assert list(before) == ["records.sqlite3"]
    assert "2 record(s)" in ok(other_user.cli("--data-dir", str(data), "verify", cwd=place))
    assert "INC-HOSTILE-2" in ok(other_user.cli("--data-dir", str(data), "list", cwd=place))
    assert "INC-HOSTILE-1" in ok(other_user.cli("--data-dir", str(data), "show", "1", cwd=place))
    # Not a byte beside it (no -wal, -shm or lock file), and the file itself untouched.
    assert snapshot(data) == before and data.stat().st_mtime_ns == folder_time

    line = one_line(other_user.cli("--data-dir", str(data), *SAVE, cwd=place))
    assert f"Cannot use the data folder {data}: Permission denied" in line
    assert snapshot(data) == before
    if other_user.as_root():
        assert mode_of(data) == 0o555 and data.stat().st_mtime_ns == folder_time


# Run as the user: the mode of each file SQLite is given to write to (the backup being made; the
# reads are opened by URI), taken as it starts, and every chmod the command makes, reported on
# the last line of standard output.
WATCH_BACKUP = """
import json, os, stat, sys
from pathlib import Path
seen = []
def hook(event, args):
    if event == "sqlite3.connect" and isinstance(args[0], (str, os.PathLike)):
        target = Path(os.fspath(args[0]))
        if not os.fspath(target).startswith("file:") and target.exists():
            seen.append(["connect", os.fspath(target), stat.S_IMODE(target.stat().st_mode)])
    elif event == "os.chmod":
        seen.append(["chmod", os.fspath(args[0]), args[1]])
sys.addaudithook(hook)
from rcrp_desktop.cli import main
code = main(sys.argv[1:])
print("SEEN " + json.dumps(seen))
sys.exit(code)
"""


def test_a_backup_is_never_readable_by_another_user_and_a_failed_one_leaves_nothing(
    place: Path, england: Pack
) -> None:
    data, _ = user_folder(place, england, calls=3)
    backups = place / "backups"
    backups.mkdir(mode=0o755)  # others may list it and read what its files' modes allow
    give(backups, "user")
    copy = backups / "backup.sqlite3"
    done = other_user.run(
        [sys.executable, "-c", WATCH_BACKUP, "--data-dir", str(data), "backup", str(copy)],
        cwd=place,
        umask=0,  # the loosest umask: whatever is private is so by the app's own doing
    )
    assert done.returncode == 0, done.stderr
    out, seen_line = done.stdout.strip().rsplit("\n", 1)
    assert out == f"ok: backup written to {copy} and verified"
    seen = json.loads(seen_line.removeprefix("SEEN "))
    # Owner-only when SQLite writes its first byte, and never changed after (no chmod at all).
    [(event, written, mode)] = seen
    assert event == "connect" and Path(written).parent == backups and mode == 0o600, seen
    assert mode_of(copy) == 0o600 and copy.stat().st_uid == other_user.ids("user")[0]
    left = {entry.name: mode_of(entry) for entry in backups.iterdir()}
    assert "backup.sqlite3" in left and not [n for n in left if n.startswith(".")]
    assert all(mode & 0o077 == 0 for mode in left.values()), left  # side files too

    locked = place / "locked"  # the administrator's folder: the user may not write in it
    locked.mkdir(mode=0o755)
    give(locked, "administrator")
    if not other_user.as_root():
        locked.chmod(0o555)
    line = one_line(
        other_user.cli(
            "--data-dir", str(data), "backup", str(locked / "backup.sqlite3"), cwd=place, umask=0
        )
    )
    assert f"The backup to {locked / 'backup.sqlite3'} failed: Permission denied" in line
    assert "Nothing was left behind" in line
    assert list(locked.iterdir()) == []


def test_a_data_folder_open_to_everyone_is_made_private_on_start_and_says_so(
    place: Path,
) -> None:
    shared = place / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    give(shared, "user")
    saved = other_user.cli("--data-dir", str(shared), *SAVE, cwd=place, umask=0)
    assert saved.returncode == 0, saved.stderr
    assert saved.stderr.splitlines() == [
        f"rcrp-desktop: The data folder {shared} was open to other users (mode 0777); "
        "it is now private (0700).",
        "saved as live record 1",
    ]
    assert mode_of(shared) == 0o700
    assert mode_of(database_path(shared, "live")) == 0o600  # even with umask 0
    again = other_user.cli("--data-dir", str(shared), *SAVE, cwd=place, umask=0)
    assert again.stderr.splitlines() == ["saved as live record 2"]  # said once, when done


def test_a_data_folder_open_to_everyone_and_owned_by_another_account_is_warned_of(
    place: Path,
) -> None:
    if not other_user.as_root():
        pytest.skip("a folder owned by another account needs root to make")
    shared = place / "shared-by-root"
    shared.mkdir()
    shared.chmod(0o777)  # root's, open to all: the user cannot make it private
    saved = other_user.cli("--data-dir", str(shared), *SAVE, cwd=place, umask=0o077)
    assert saved.returncode == 0, saved.stderr
    warning, done = saved.stderr.splitlines()
    assert f"the data folder {shared} is open to other users (mode 0777)" in warning
    assert "cannot be made private here" in warning
    assert done == "saved as live record 1"
    assert mode_of(shared) == 0o777  # left as its owner set it


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_training_records_made_a_link_to_the_live_file_are_refused(
    place: Path, england: Pack, link: str
) -> None:
    data, live = user_folder(place, england)
    training = database_path(data, "training")
    if link == "symbolic":
        training.symlink_to(live.name)
    else:
        training.hardlink_to(live)
    give(data, "user")
    before = live.read_bytes()
    for command in (["list"], ["verify"], SAVE):
        line = one_line(other_user.cli("--data-dir", str(data), "--training", *command, cwd=place))
        assert f"The record database {training} " in line and "never share a file" in line
    assert live.read_bytes() == before
    assert training.is_symlink() if link == "symbolic" else training.stat().st_nlink == 2
    training.unlink()  # once the link is taken away, the live records are as they were
    assert "1 record(s)" in ok(other_user.cli("--data-dir", str(data), "verify", cwd=place))


# --- A full disk, for real ---------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, unmounted afterwards whatever happened."""
    if not other_user.as_root():
        pytest.skip("a really full disk is a small tmpfs, and mounting one needs root")
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if mount is None or umount is None:
        pytest.skip("mount(8) is not installed to make a small disk")
    point = tmp_path / "disk"
    point.mkdir()
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0755", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {made.stderr.strip()}")
    try:
        yield point
    finally:
        if subprocess.run([umount, str(point)], check=False).returncode != 0:
            subprocess.run([umount, "-l", str(point)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk to its last byte with one file (then free `leave` bytes of it)."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for chunk in (65536, 4096, 1):
            while True:
                try:
                    out.write(b"\0" * chunk)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    assert os.statvfs(disk).f_bavail == 0
    if leave:
        os.truncate(filler, filler.stat().st_size - leave)
    return filler


@pytest.mark.parametrize("leave", [0, 16 * 1024], ids=["no-room-at-all", "room-for-the-lock-only"])
def test_a_first_start_on_a_full_disk_says_so_and_leaves_nothing_in_the_way(
    small_disk: Path, leave: int
) -> None:
    data = small_disk / "data"
    filler = fill(small_disk, leave)
    line = one_line(root_cli("--data-dir", str(data), *SAVE))
    if leave:
        assert f"Cannot create the record database {database_path(data, 'live')}: " in line
        assert "the disk is full" in line
    else:
        assert f"Cannot use the data folder {data}: No space left on device" in line
    # No database, half-made or otherwise, to be refused as damaged at the next start.
    assert [p.name for p in data.iterdir()] == ["rcrp-desktop.lock"]
    filler.unlink()
    saved = root_cli("--data-dir", str(data), *SAVE)
    assert saved.returncode == 0, saved.stderr
    assert "saved as live record 1" in saved.stderr
    assert "1 record(s)" in ok(root_cli("--data-dir", str(data), "verify"))


def test_a_save_on_a_full_disk_waits_for_room_and_nothing_saved_is_lost(
    small_disk: Path, england: Pack
) -> None:
    live = database_path(small_disk / "data", "live")
    store = Store.open(live, "live")
    try:
        recorders = []
        for number in (1, 2):
            recorder = CallRecorder.start(
                store, england, incident_ref=f"INC-{number}", user=HANDLER
            )
            for step in SCRIPT.steps[:4]:
                recorder.answer(step.node, step.answer, step.rationale)
            recorders.append(recorder)
        saved = {r.record_id: store.events(r.record_id) for r in recorders}
        filler = fill(small_disk)

        recorder, step = recorders[-1], SCRIPT.steps[4]
        outbox = Outbox(recorder)
        command = AnswerQuestion(
            record_id=recorder.record_id,
            node=step.node,
            value=step.answer,
            rationale=step.rationale,
        )
        assert outbox.send(command).written == ()
        [waiting] = outbox.waiting
        assert isinstance(waiting.error, DiskFullError)
        assert str(waiting.error) == (
            f"The disk holding {live} is full, so nothing was written. Free some space, then "
            "try again."
        )
        assert recorder.state.current == step.node  # the answer is not taken as saved
        with pytest.raises(DiskFullError):
            CallRecorder.start(store, england, incident_ref="INC-3", user=HANDLER)
        assert {r.record_id: store.events(r.record_id) for r in recorders} == saved

        filler.unlink()
        [written] = outbox.retry().written  # the same answer, once there is room
        assert outbox.waiting == [] and written.events[0].payload["node"] == step.node
    finally:
        store.close()
    now = history(live)
    assert sorted(now) == sorted(saved)
    for record_id, events in saved.items():
        assert now[record_id][: len(events)] == events
    assert "2 record(s)" in ok(root_cli("--data-dir", str(live.parent), "verify"))


def test_a_start_on_a_disk_that_filled_while_closed_says_the_disk_is_full(
    small_disk: Path, england: Pack
) -> None:
    data = small_disk / "data"
    live = database_path(data, "live")
    record_calls(live, england, 2)  # closed cleanly: no -shm is left to open it with
    InstanceLock(data).acquire().release()  # the app ran here before: its lock file is there
    saved = history(live)
    filler = fill(small_disk)
    for command in (SAVE, ["verify"]):
        line = one_line(root_cli("--data-dir", str(data), *command))
        assert f"The disk holding {live} is full" in line, line
    filler.unlink()
    assert history(live) == saved
    assert "2 record(s)" in ok(root_cli("--data-dir", str(data), "verify"))


@pytest.mark.parametrize("leave", [0, 32 * 1024], ids=["full", "room-for-part-of-it"])
def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_partial_file(
    small_disk: Path, tmp_path: Path, england: Pack, leave: int
) -> None:
    data = tmp_path / "records"
    record_calls(database_path(data, "live"), england, 3, steps=8)
    assert database_path(data, "live").stat().st_size > 2 * leave  # more than there is room for
    backups = small_disk / "backups"
    copy = backups / "backup.sqlite3"
    filler = fill(small_disk, leave)
    line = one_line(root_cli("--data-dir", str(data), "backup", str(copy)))
    assert line == (
        f"rcrp-desktop: The disk holding {copy} is full, so nothing was written. Free some "
        "space, then try again."
    )
    assert not backups.exists() or list(backups.iterdir()) == []
    filler.unlink()
    assert ok(root_cli("--data-dir", str(data), "backup", str(copy))).startswith("ok: backup")
