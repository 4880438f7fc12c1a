"""Open the record database safely: never create over a damaged file, refuse newer schemas."""

import os
import stat
import sys
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from rcrp_desktop.files import sync_folder
from rcrp_desktop.storage.before_open import (
    RESTORE_HINT,
    check_file,
    check_wal,
    check_writable,
    side_file,
)
from rcrp_desktop.storage.cipher import DB_ERRORS, WrongKeyError, connect, why_unreadable
from rcrp_desktop.storage.data import KEYRING_FILE, NEXT_KEYRING_FILE
from rcrp_desktop.storage.errors import (
    CorruptDatabaseError,
    DiskFullError,
    NewerSchemaError,
    StorageError,
    classify,
    corrupt_message,
)
from rcrp_desktop.storage.migrations import SCHEMA_VERSION, migrations
from rcrp_desktop.storage.schema_check import guards_missing

BUSY_TIMEOUT_MS = 2000
_MAKING_ERRORS: tuple[type[Exception], ...] = (OSError, *DB_ERRORS)


def open_database(
    path: Path,
    *,
    create: bool = True,
    readonly: bool = False,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    key: bytes | None = None,
) -> Database:
    """The database at `path`, migrated, in WAL mode with synchronous=FULL and foreign keys.

    A missing file is created (owner-only) when `create` is set; an existing file that is not
    a SQLite database, is empty, or has someone else's write-ahead log beside it is refused
    and left exactly as it is (before_open.py). `readonly` writes nothing, not even on media
    that cannot be written (a backup on a read-only disc is opened as it is, immutable).
    `key`: the folder's data key; the file is encrypted with it (SQLCipher), and a plain one
    is refused.
    """
    key = key or None  # PLAIN (b""): no key
    if path.exists() or path.is_symlink():
        check_file(path, keyed=key is not None)
        if not readonly:
            check_writable(path)
            check_wal(path, key)
            _side_files_writable(path)
    elif create and not readonly:
        if key is None and (path.parent / KEYRING_FILE).exists():
            raise StorageError(
                f"The records in {path.parent} are encrypted: sign in to open them. No plain "
                f"database was made in their place."
            )
        _create_database(path, busy_timeout_ms, key)
    else:
        raise StorageError(f"There is no record database at {path}.")
    try:
        conn = connect(_uri(path, readonly), key, uri=True, timeout=busy_timeout_ms / 1000)
        # No plugin scan: the app uses no sqlite-utils plugins, and scanning slowed every start.
        db = Database(conn, execute_plugins=False)
        _configure(db, readonly=readonly, busy_timeout_ms=busy_timeout_ms)
        version = _check_version(db, path)
        if not readonly and (migrations.pending(db) or version != SCHEMA_VERSION):
            # Only when something changed: stamping the version is a durable write, and an
            # unconditional one made every open cost two more disk syncs.
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # Nothing is pending by now (applied just above if anything was): compared with today's.
        if not readonly and (changed := guards_missing(db.conn, pending=())):
            db.close()
            raise CorruptDatabaseError(
                corrupt_message(path, "its guard triggers are not the app's: " + "; ".join(changed))
            )
    except DB_ERRORS as error:
        raise not_opened(error, path, key) from error
    assert not db.conn.in_transaction
    return db


def not_opened(error: Exception, path: Path, key: bytes | None) -> StorageError:
    """What stopped an open: for an encrypted file that reads as no database, whether the key
    is another one (a file from another folder, or from before a rekey) or the file is
    damaged; SQLCipher says the same for both."""
    classified = classify(error, path)
    if key is None or not isinstance(classified, CorruptDatabaseError):
        return classified
    why = why_unreadable(path, key, read_only_uri(path))
    if why == "damaged":
        return classified
    if (path.parent / NEXT_KEYRING_FILE).exists():
        return WrongKeyError(
            f"The record database {path} is under the new key of a rekey that was stopped: "
            "an administrator runs `rcrp-desktop rekey` again to finish it. Nothing was lost."
        )
    return WrongKeyError(
        f"The record database {path} does not open with this folder's key ({why}): it was "
        "encrypted with another key, a file from another folder or from before a rekey. It "
        f"has not been changed. {RESTORE_HINT}."
    )


def read_only_uri(path: Path) -> str:
    """How any of the app's databases is opened only to read: see _uri."""
    return _uri(path, True)


def _uri(path: Path, readonly: bool) -> str:
    """Read-write; or read-only, immutable wherever that reads the same and writes nothing.

    A plain read-only connection to a database in write-ahead-log mode makes a `-wal` and a
    `-shm` beside it and leaves them there; an immutable one makes none. So a database that
    nothing has open (neither file beside it: a backup, or the app closed) is read immutable,
    and so is one on media that cannot be written with no log to read (SQLite would otherwise
    need a `-shm` there and refuse to open). A database in use, or left with its log by a
    crash, is read through that log and its `-shm`, as SQLite must to see every commit.
    Immutable assumes nothing writes the file while it is open: the window's own searches,
    beside its writer, find the writer's `-wal` and `-shm` there, and are never immutable; a
    reader opened at rest opens again through the log once the file is in use (connection.py).
    """
    if not readonly:
        return f"file:{quote(str(path))}?mode=rw"
    wal, shm = side_file(path, "wal"), side_file(path, "shm")
    has_log = wal.exists() and wal.stat().st_size > 0
    at_rest = not wal.exists() and not shm.exists()
    immutable = at_rest or (not has_log and not os.access(path.parent, os.W_OK))
    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")


def _create_database(path: Path, busy_timeout_ms: int, key: bytes | None) -> None:
    """A new database, made whole under a name of its own and then given its name.

    The file is owner-only before SQLite writes to it, and set up (schema, write-ahead
    logging) before it is `path`: so a database file that is empty, or not set up, is never
    one this app was still making when it stopped, and it is refused, not taken for new.
    """
    partial = path.with_name(f".{path.name}.new")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for leftover in (partial, side_file(partial, "wal"), side_file(partial, "shm")):
            leftover.unlink(missing_ok=True)  # a creation that was stopped halfway
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        db = Database(connect(partial, key), execute_plugins=False)
        try:
            _configure(db, readonly=False, busy_timeout_ms=busy_timeout_ms)
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            db.close()  # the last connection: its log is written into the file and removed
        descriptor = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.link(partial, path)  # never over a database that appeared meanwhile
        partial.unlink()
        sync_folder(path.parent)
    except FileExistsError:
        partial.unlink(missing_ok=True)
    except _MAKING_ERRORS as error:
        for leftover in (partial, side_file(partial, "wal"), side_file(partial, "shm")):
            leftover.unlink(missing_ok=True)  # on a full disk, room they would keep taken
        full = isinstance(error, DB_ERRORS) and isinstance(classify(error, path), DiskFullError)
        reason = "the disk is full. Free some space, then start again" if full else None
        raise StorageError(
            f"Cannot create the record database {path}: "
            f"{reason or getattr(error, 'strerror', None) or error}"
        ) from error


def _side_files_writable(path: Path) -> None:
    """Give the owner back write access to the database's `-wal` and `-shm` files.

    SQLite makes them with the database's mode: a read while an administrator had made the
    database read-only leaves them read-only, and once it is writable again (check_writable
    passed) they would let it open yet refuse every save. Only the user's own regular files.
    """
    if sys.platform == "win32":
        return
    for side in (side_file(path, "wal"), side_file(path, "shm")):
        try:
            info = side.lstat()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise StorageError(f"{side} cannot be read: {error.strerror or error}") from error
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not mode & 0o200:
            try:
                side.chmod(mode & 0o700 | 0o600)
            except OSError as error:
                raise StorageError(
                    f"{side} is read-only and cannot be made writable again: "
                    f"{error.strerror or error}. Nothing was written."
                ) from error


def _configure(db: Database, *, readonly: bool, busy_timeout_ms: int) -> None:
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StorageError(f"The record database could not use write-ahead logging ({mode}).")
    # FULL: a commit is on disk before it returns, so "saved" on screen means saved.
    db.execute("PRAGMA synchronous = FULL")
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema: fails early


def _check_version(db: Database, path: Path) -> int:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"The record database {path} was written by a newer version of rcrp-desktop "
            f"(schema {version}; this version understands up to schema {SCHEMA_VERSION}). "
            "It has not been changed. Use the newer version of the app."
        )
    return version


def make_owner_only(path: Path) -> None:
    """Take away group and other access from the database and its WAL files (POSIX only);
    never give any (a file made read-only on purpose stays read-only)."""
    if sys.platform == "win32":
        return
    for candidate in (path, side_file(path, "wal"), side_file(path, "shm")):
        if candidate.exists():
            mode = stat.S_IMODE(candidate.stat().st_mode)
            if mode & 0o077:
                candidate.chmod(mode & 0o700)
