"""The store's one connection, and a reader's that opens again once its file is in use."""

from pathlib import Path

from sqlite_utils import Database

from rcrp_desktop.storage.before_open import side_file
from rcrp_desktop.storage.database import open_database

# A file at rest as it lies: its inode, size and last change. None when it is in use.
RestMark = tuple[int, int, int] | None


def rest_mark(path: Path) -> RestMark:
    """The database file as it lies while nothing has it open (no `-wal` or `-shm` beside it);
    None while something does (or it cannot be looked at)."""
    try:
        if side_file(path, "wal").exists() or side_file(path, "shm").exists():
            return None
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


class Connection:
    """The connection a Store reads and writes through.

    A reader opened on a database at rest reads it immutable (database.py): SQLite then takes
    no lock and never looks for a log, so it must not go on reading once something writes the
    file (the app started on the same folder while a read-only window stays open): it would
    read pages half rewritten, and could call a sound database damaged. So before each use the
    reader looks at the file again (two look-ups and a stat) and, if it is no longer as it
    lay, opens a new connection through the writer's log. The old one stays open until the
    store closes: a read already under way finishes on it.
    """

    def __init__(
        self, db: Database, path: Path, rest: RestMark = None, key: bytes | None = None
    ) -> None:
        self._db = db
        self.key = key  # the data key it was opened with (PLAIN or None: a plain file)
        self._rest = rest
        self._retired: list[Database] = []
        self.path = path

    @property
    def db(self) -> Database:
        if self._rest is not None and rest_mark(self.path) != self._rest:
            self._open_again()
        return self._db

    def _open_again(self) -> None:
        rest = rest_mark(self.path)
        fresh = open_database(self.path, create=False, readonly=True, key=self.key)
        self._retired.append(self._db)
        self._db, self._rest = fresh, rest

    def close(self) -> None:
        for db in (*self._retired, self._db):
            db.close()
        self._retired.clear()
