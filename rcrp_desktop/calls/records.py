"""The record database as the window and the CLI use it: opening it, and reading and finding
records (a call's writes are commands: commands.py, recorder.py).

Opening to write takes the data folder's one-copy lock, so a second copy of the app is refused.
Opening read-only (`--read-only`, or a file named by `--database`) takes no lock and creates,
migrates and writes nothing: every use case that would write asks `refuse_if_read_only` first.
"""

from pathlib import Path

from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import OpenedReadOnlyError
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.named_file import open_named_file
from rcrp_desktop.storage.records import Mode, RecordedNote, RecordSummary
from rcrp_desktop.storage.repository import RecordQuery, RecordRow, Store

# The handle on one mode's records (live or training) the window holds.
Records = Store

__all__ = [
    "Mode",
    "RecordQuery",
    "RecordRow",
    "RecordSummary",
    "RecordedNote",
    "Records",
    "open_file_read_only",
    "open_read_only",
    "open_records",
    "open_store",
    "refuse_if_read_only",
]


def open_store(data_dir: Path, training: bool) -> Records:
    """Open the data folder's record database (live or training)."""
    mode: Mode = "training" if training else "live"
    return Store.open(database_path(data_dir, mode), mode)


def open_records(data_dir: Path, training: bool) -> tuple[InstanceLock, Records]:
    """Take the data folder's lock, then open its records; the lock is released on failure."""
    lock = InstanceLock(data_dir).acquire()
    try:
        return lock, open_store(data_dir, training)
    except BaseException:
        lock.release()
        raise


def open_read_only(data_dir: Path, training: bool) -> Records:
    """Open the data folder's record database only to read it, as `list` and `show` do.

    No lock is taken and nothing is created, migrated or written (storage/database.py: on a
    file at rest or on read-only media, not even a `-wal` or `-shm` beside it). One record is
    read at once, so a SQLite file that is not this app's is refused here with the line
    `list` gives, not later by whatever reads it first.
    """
    mode: Mode = "training" if training else "live"
    store = Store.open(database_path(data_dir, mode), mode, create=False, readonly=True)
    try:
        store.recent(1)
    except BaseException:
        store.close()
        raise
    return store


def open_file_read_only(path: Path, training: bool) -> Records:
    """A record database named by its own file (`--database`: a backup, a copy on read-only
    media), only to read it, as `list --database` opens it: no lock, nothing created or
    written. Its mode is its records' own (`training` asks for training records, and a file
    of live ones is refused)."""
    return open_named_file(path, training=training).store


def refuse_if_read_only(store: Records) -> None:
    """Asked first by every use case that writes: records opened read-only take no command,
    whoever sends it, and say so before the engine is asked or a file is made."""
    if store.readonly:
        raise OpenedReadOnlyError(store.path)
