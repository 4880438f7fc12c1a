"""A record database opened by its own file name (`--database`): only to read, its mode read
from its records.

A file made by `rcrp-desktop backup` can be named anything and kept anywhere, so nothing but
the records in it says whether it holds live or training records: each record's header holds
its mode. It is opened exactly as `list` opens a data folder's database (storage/database.py:
read-only, immutable at rest, so not a byte is written beside it, and no lock is taken).
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rcrp_desktop.storage.cipher import DB_ERRORS, PLAIN, folder_key
from rcrp_desktop.storage.database import open_database
from rcrp_desktop.storage.errors import StorageError, classify
from rcrp_desktop.storage.records import Mode
from rcrp_desktop.storage.repository import Store

OUR_TABLES = frozenset({"records", "events"})


class NotRecordsError(StorageError):
    """A SQLite database, but not one of this app's record databases."""


class ModeGivenError(StorageError):
    """`--training` was given for a file whose records are live."""


@dataclass(frozen=True)
class NamedFile:
    """The file's records, opened read-only, and what its records say they are."""

    store: Store
    found: str  # e.g. "training records"; "no records yet (read as live)"

    def line(self) -> str:
        """What is said once it is open: which file, read-only, and which records."""
        return f"reading {self.store.path} read-only (nothing is written): {self.found}"


def open_named_file(path: Path, *, training: bool = False, key: bytes | None = None) -> NamedFile:
    """The record database at `path` (its own name, not a data folder), only to read it.

    Its mode is its records' own. `training` asks for training records: a file of live
    records is then refused, never read as what it is not; a file with no records yet is read
    as training. A missing file, a folder, a link, or a file that is not SQLite is refused by
    the checks every open makes (before_open.py), with the same line.
    """
    key = key if key is not None else folder_key(path)
    db = open_database(path, create=False, readonly=True, key=key)
    try:
        mode, found = _mode(db.conn, path, training)
    except BaseException:
        db.close()
        raise
    return NamedFile(Store(db, path, mode, readonly=True, key=key or PLAIN), found)


def _mode(conn: sqlite3.Connection, path: Path, training: bool) -> tuple[Mode, str]:
    try:
        tables = {
            str(row[0])
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not OUR_TABLES.issubset(tables):
            raise NotRecordsError(
                f"{path} is a SQLite database, but not an rcrp-desktop record database (it "
                "has no records and events): nothing was read from it."
            )
        # Each mode once, in the order its first record was made: a file holds one mode, and
        # a record of the other in it is named by `verify`.
        modes = [
            str(row[0])
            for row in conn.execute("SELECT mode FROM records GROUP BY mode ORDER BY MIN(id)")
        ]
    except DB_ERRORS as error:
        raise classify(error, path) from error
    if not modes:
        mode: Mode = "training" if training else "live"
        return mode, f"no records yet (read as {mode})"
    if training and "training" not in modes:
        raise ModeGivenError(
            f"{path} holds {modes[0]} records, not training ones: leave out --training (the "
            "file's records say which they are). Nothing was read."
        )
    mode = "training" if training or modes[0] == "training" else "live"
    others = [other for other in modes if other != mode]
    besides = f" (and {others[0]} ones, which `verify` names)" if others else ""
    return mode, f"{mode} records{besides}"
