"""What is checked before a record database is opened: that the file is a SQLite database of
its own (not empty, not a device, not restricted on purpose), and that a write-ahead log beside
it is its own, before SQLite would apply it.

SQLite applies any valid `-wal` file it finds beside a database on the next open for writing.
One left there by another database (a restored copy, a file copied in by hand) rewrites the
main file's pages with someone else's and the records are gone. So a log found at open is read
first without applying it: the database seen through it must be sound and must still hold
every record and event the main file holds, exactly. A log that fails is never applied, moved
or deleted here: the message names it and `rcrp-desktop restore` sets it aside.
"""

import os
import sqlite3
import stat
import struct
from pathlib import Path
from urllib.parse import quote

from rcrp_desktop.storage.cipher import DATABASE_ERRORS, DB_ERRORS, connect
from rcrp_desktop.storage.data import KEYRING_FILE
from rcrp_desktop.storage.errors import CorruptDatabaseError, StorageError, corrupt_message

SQLITE_HEADER = b"SQLite format 3\x00"
WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_HEADER = struct.Struct(">IIIIIIII")  # magic, version, page size, checkpoint, salts, sums
RESTORE_HINT = "Run `rcrp-desktop restore BACKUP` to put a backup in its place"


def side_file(path: Path, end: str) -> Path:
    """The database's `-wal` or `-shm` file."""
    return path.with_name(f"{path.name}-{end}")


def check_named(path: Path, *, keyed: bool = False) -> None:
    """A file named to be read by its own name (`--database`): there, and a database file of
    its own (check_file). Cheap, and before any open: a window is not opened for nothing."""
    if not (path.exists() or path.is_symlink()):
        raise StorageError(
            f"There is no record database at {path}: check the file name given to --database."
        )
    check_file(path, keyed=keyed)


def _refuse_backup_stopped_while_named(path: Path) -> None:
    """A backup stopped in the moment between taking its name and giving up its temporary one
    (repository.Store.backup) is whole, with a second name beside it: say so, not "links"."""
    partial = path.with_name(f".{path.name}.partial")
    if _same(partial, path):
        raise StorageError(
            f"{path} is a whole backup whose temporary second name {partial} is still beside it "
            "(the backup was stopped as it finished): delete that second name and try again."
        )
    if _same(path.with_name(f".{path.name}.plain"), path):  # storage/encrypt.py's swap
        raise StorageError(
            f"{path} is whole and as it was: encrypting or re-keying it was stopped before the "
            "swap. Run `rcrp-desktop encrypt` (or `rekey`) again to finish; nothing was lost."
        )


def _same(other: Path, path: Path) -> bool:
    try:
        return other.samefile(path)
    except OSError:
        return False


def check_file(path: Path, *, keyed: bool = False) -> None:
    """A regular file that starts as a SQLite database, or, `keyed`, as an encrypted one (no
    header to read: SQLCipher checks it page by page); an empty one is refused, not set up as
    new (an empty records file is a lost one, not a first start)."""
    try:
        if path.is_symlink():
            raise StorageError(
                f"The record database {path} is a link to {os.readlink(path)}, not a file of "
                "its own: it has not been opened. Live and training records never share a file."
            )
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
            _refuse_backup_stopped_while_named(path)
            raise StorageError(
                f"The record database {path} has {info.st_nlink - 1} other name(s) (hard "
                "links): it has not been opened. Live and training records never share a file."
            )
        if not stat.S_ISREG(info.st_mode):
            raise StorageError(
                f"The record database {path} is not a regular file: it has not been opened."
            )
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StorageError(
            f"The record database {path} cannot be read: {error.strerror or error}"
        ) from error
    if info.st_size == 0:
        raise CorruptDatabaseError(
            corrupt_message(path, "it is empty (0 bytes), so it holds no records")
        )
    if keyed and header == SQLITE_HEADER:
        raise StorageError(
            f"The record database {path} is not encrypted, yet this folder's records are: it "
            "has not been opened: a plain file put in the place of an encrypted one is refused. "
            f"{RESTORE_HINT}, or `rcrp-desktop encrypt` to encrypt it."
        )
    if not keyed and header != SQLITE_HEADER:
        if (path.parent / KEYRING_FILE).exists() or path.with_name(
            f"{path.name}.{KEYRING_FILE}"
        ).exists():
            raise StorageError(
                f"The record database {path} is encrypted: it opens only for someone signed "
                "in, or, a backup, with the force recovery key (--recovery-key). Nothing was "
                "read or changed."
            )
        raise CorruptDatabaseError(corrupt_message(path, "not a SQLite database"))


def check_writable(path: Path) -> None:
    """A database whose owner may not write it, or that belongs to someone else, was made so
    on purpose: it is opened only to read (`--read-only`), never made writable again."""
    if os.name != "posix":
        return
    info = path.stat()
    if not info.st_mode & stat.S_IWUSR:
        raise StorageError(
            f"The record database {path} is read-only (mode {stat.S_IMODE(info.st_mode):04o}): "
            "it has not been changed. Read it with --read-only, or ask whoever locked it."
        )
    if info.st_uid != os.geteuid():
        raise StorageError(
            f"The record database {path} belongs to another user (uid {info.st_uid}): it has "
            "not been opened for writing. Read it with --read-only."
        )


def check_wal(path: Path, key: bytes | None = None) -> None:
    """A write-ahead log beside the database is its own, or it is refused, untouched."""
    wal = side_file(path, "wal")
    try:
        size = wal.stat().st_size if wal.exists() else 0
    except OSError as error:
        raise StorageError(f"{wal} cannot be read: {error.strerror or error}") from error
    if size == 0:
        return
    problem = _wal_header_problem(path, wal, key is not None) or _wal_content_problem(path, key)
    if problem:
        raise CorruptDatabaseError(
            f"The record database {path} has a write-ahead log beside it ({wal.name}) that "
            f"is not its own: {problem}. Nothing has been applied, changed or deleted. "
            f"{RESTORE_HINT}; it moves the log aside, keeping it."
        )


def _wal_header_problem(path: Path, wal: Path, keyed: bool) -> str:
    with wal.open("rb") as handle:
        head = handle.read(WAL_HEADER.size)
    with path.open("rb") as handle:
        db_head = handle.read(100)
    if len(head) < WAL_HEADER.size:
        return "it is too short to be a write-ahead log"
    magic, _, page_size, *_ = WAL_HEADER.unpack(head)
    if magic not in WAL_MAGIC:
        return "it is not a SQLite write-ahead log"
    if keyed:
        return ""  # the page size is inside the encrypted header: the content check reads it
    db_page = struct.unpack(">H", db_head[16:18])[0]
    db_page = 65536 if db_page == 1 else db_page
    if page_size != db_page:
        return f"its pages are {page_size} bytes, the database's {db_page}"
    return ""


def _wal_content_problem(path: Path, key: bytes | None) -> str:
    """The database read through the log, without applying it, against the main file alone.

    Records and events are only ever added: a log of this database can add rows, never lose or
    alter one the main file holds. A crash in the middle of a checkpoint can leave the main
    file alone unreadable (part old pages, part new): then only the database read through the
    log, which is whole, is checked."""
    plain = f"file:{quote(str(path))}"
    try:
        alone = connect(f"{plain}?mode=ro&immutable=1", key, uri=True)
        through = connect(f"{plain}?mode=ro", key, uri=True)
    except DB_ERRORS as error:
        return f"it cannot be read ({error})"
    try:
        try:
            check = through.execute("PRAGMA quick_check").fetchone()[0]
        except DATABASE_ERRORS as error:
            return f"the database read through it is damaged ({error})"
        if check != "ok":
            return f"the database read through it is damaged ({check})"
        for table, columns in (("records", "id, uid"), ("events", "id, record_id, seq, hash")):
            try:
                kept = _holds_all(alone, through, table, columns)
            except DATABASE_ERRORS:
                return ""  # the main file alone is mid-checkpoint: the log completes it
            if not kept:
                return f"read through it, {table} the database holds are missing or changed"
        return ""
    except DB_ERRORS as error:
        return f"it does not fit the database ({error})"
    finally:
        alone.close()
        through.close()


def _holds_all(
    alone: sqlite3.Connection, through: sqlite3.Connection, table: str, columns: str
) -> bool:
    """Every row of `table` in the main file alone is in the database read through the log,
    the same (both read in id order, side by side)."""
    exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    if alone.execute(exists, [table]).fetchone() is None:
        return True  # a database made but not yet set up: nothing it holds can be lost
    if through.execute(exists, [table]).fetchone() is None:
        return False
    query = f"SELECT {columns} FROM {table} ORDER BY id"
    later = through.execute(query)
    current = later.fetchone()
    for row in alone.execute(query):
        while current is not None and current[0] < row[0]:
            current = later.fetchone()  # added through the log, or read past: fine
        if current != row:
            return False
    return True
