"""The record database as the window and the CLI use it: opening it, and reading and finding
records (a call's writes are commands: commands.py, recorder.py).

Opening takes the data folder's one-copy lock, so a second copy of the app is refused.
"""

from pathlib import Path

from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.lock import InstanceLock
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
    "open_records",
    "open_store",
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
