"""Where an encrypted folder keeps its access log: a database of its own under the data key, so
the reasons given for reading a record and the partners it went to are as private as the
record. The accounts database beside it keeps only the sign-ins, which come before any key."""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from rcrp_desktop.files import sync_folder
from rcrp_desktop.storage import access_log, encrypt
from rcrp_desktop.storage.accounts import accounts_schema
from rcrp_desktop.storage.before_open import check_file
from rcrp_desktop.storage.cipher import DB_ERRORS, connect
from rcrp_desktop.storage.data import ACCESS_LOG_FILE, ACCOUNTS_FILE
from rcrp_desktop.storage.database import not_opened
from rcrp_desktop.storage.errors import StorageError, classify
from rcrp_desktop.storage.transaction import writing
from rcrp_desktop.times import utc_text


class AccessLogStore(access_log.LogHolder):
    """The encrypted access log: added to, read, checked; never changed."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, folder: Path, key: bytes, *, readonly: bool = False) -> "AccessLogStore":
        """The folder's encrypted access log, made (owner-only) if it has none yet."""
        path = folder / ACCESS_LOG_FILE
        try:
            if path.exists() or path.is_symlink():
                check_file(path, keyed=True)
            elif readonly:
                raise StorageError(f"There is no access log at {path}.")
            else:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            target = f"file:{path}?mode=ro" if readonly else str(path)
            db = Database(
                connect(target, key, uri=readonly, isolation_level=None), execute_plugins=False
            )
            if not readonly:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = FULL")
                with writing(db.conn, path):
                    for statement in access_log.SCHEMA:
                        db.execute(statement)
            else:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except OSError as error:
            raise StorageError(f"The access log {path} cannot be opened: {error}") from error
        except DB_ERRORS as error:
            raise not_opened(error, path, key) from error
        return cls(db, path)

    def close(self) -> None:
        self.db.close()


def encrypted_log_faults(folder: Path, key: bytes) -> list[str]:
    """Where the folder's encrypted access log is broken, read without writing; [] if whole."""
    if not (folder / ACCESS_LOG_FILE).exists():
        return []
    try:
        store = AccessLogStore.open(folder, key, readonly=True)
    except StorageError as error:
        return [str(error)]
    try:
        return store.log_faults()
    finally:
        store.close()


MOVED = "access log moved"  # the first entry of an accounts log whose past was moved


def move_into_encrypted(folder: Path, key: bytes, *, now: datetime) -> int:
    """The access log kept so far in the plain accounts database moved under the data key:
    the whole database copied encrypted as the access log (its chain continues there), and
    the accounts database made again with the accounts and a new log of sign-ins whose first
    entry says where the rest went. The plain copy is then destroyed. Entries moved; 0 when
    there was nothing to move (no accounts, or moved already: run again, it finishes).

    Nothing may have the accounts database open (the caller closed its own, and holds the
    folder's lock).
    """
    accounts = folder / ACCOUNTS_FILE
    log = folder / ACCESS_LOG_FILE
    if not accounts.exists():
        return 0
    encrypt.leftover_plain(accounts)
    plain = _entries_and_head(accounts)
    if plain is None:
        return 0  # its log starts with MOVED: done
    count, head = plain
    if not log.exists():
        _encrypted_copy(accounts, log, key, count)
    fresh = accounts.with_name(f".{accounts.name}.new")
    try:
        fresh = encrypt.new_beside(accounts, "new")
        conn = sqlite3.connect(fresh, isolation_level=None)
        try:
            for statement in accounts_schema():
                conn.execute(statement)
            conn.execute("ATTACH DATABASE ? AS old", [str(accounts)])
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO main.accounts SELECT * FROM old.accounts")
            detail = f"{count} entries to {ACCESS_LOG_FILE}, encrypted; the last {head}"
            access_log.append(conn, utc_text(now), "-", "-", MOVED, access_log.NO_RECORD, detail)
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE old")
        finally:
            conn.close()
        kept = encrypt.swap_in(fresh, accounts)
    except BaseException as error:
        fresh.unlink(missing_ok=True)
        encrypt.leftover_plain(accounts)
        if isinstance(error, (OSError, *DB_ERRORS)):
            raise StorageError(
                f"The access log could not be moved out of {accounts}: {error}. The accounts "
                "are unchanged; run `rcrp-desktop encrypt` again."
            ) from error
        raise
    encrypt.destroy(kept)
    return count


def _entries_and_head(accounts: Path) -> tuple[int, str] | None:
    """The plain log's entries and last hash, its write-ahead log emptied into the file;
    None when its log already starts with MOVED."""
    conn = sqlite3.connect(accounts, isolation_level=None)
    try:
        first = conn.execute(f"SELECT kind FROM {access_log.TABLE} ORDER BY id LIMIT 1").fetchone()
        if first is not None and first[0] == MOVED:
            return None
        faults = access_log.faults(conn)
        if faults:
            raise StorageError(
                f"The access log in {accounts} is broken ({faults[0]}): it was not moved, and "
                "nothing was encrypted. Tell your supervisor."
            )
        count = int(conn.execute(f"SELECT COUNT(*) FROM {access_log.TABLE}").fetchone()[0])
        head = conn.execute(
            f"SELECT hash FROM {access_log.TABLE} ORDER BY id DESC LIMIT 1"
        ).fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count, str(head[0]) if head else ""
    except DB_ERRORS as error:
        raise classify(error, accounts) from error
    finally:
        conn.close()


def _encrypted_copy(accounts: Path, log: Path, key: bytes, count: int) -> None:
    """The accounts database copied encrypted as the access log, less the accounts table
    (their hashes stay in one place), checked, then named."""
    partial = log.with_name(f".{log.name}.encrypting")
    try:
        partial = encrypt.new_beside(log, "encrypting")
        encrypt.export(accounts, partial, key)
        conn = connect(partial, key, isolation_level=None)
        try:
            conn.execute("DROP TABLE accounts")
            conn.execute("VACUUM")  # the dropped pages' bytes go too (encrypted, but gone)
            moved = len(access_log.entries(conn))
            faults = access_log.faults(conn)
        finally:
            conn.close()
        if faults or moved != count:
            raise StorageError(
                f"The encrypted copy of the access log did not check out "
                f"({faults[0] if faults else f'{moved} entries of {count}'}): nothing was moved."
            )
        encrypt.sync(partial)
        os.replace(partial, log)
        sync_folder(log.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def rekey_log(folder: Path, old_key: bytes, new_key: bytes) -> None:
    """The encrypted access log re-encrypted under `new_key`: copied, checked, swapped in,
    the old copy destroyed. Nothing may have it open; run again, it finishes."""
    log = folder / ACCESS_LOG_FILE
    encrypt.leftover_plain(log)
    if not log.exists() or encrypt.opens_with(log, new_key):
        return
    conn = connect(log, old_key, isolation_level=None)
    try:
        faults = access_log.faults(conn)
        count = len(access_log.entries(conn))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DB_ERRORS as error:
        raise classify(error, log) from error
    finally:
        conn.close()
    if faults:
        raise StorageError(f"The access log {log} is broken ({faults[0]}): it was not re-keyed.")
    partial = log.with_name(f".{log.name}.encrypting")
    try:
        partial = encrypt.new_beside(log, "encrypting")
        encrypt.export(log, partial, new_key, old_key)
        copy = connect(partial, new_key, isolation_level=None)
        try:
            copied, copy_faults = len(access_log.entries(copy)), access_log.faults(copy)
        finally:
            copy.close()
        if copy_faults or copied != count:
            raise StorageError(f"The re-keyed access log did not check out: {log} is unchanged.")
        kept = encrypt.swap_in(partial, log)
    except BaseException:
        partial.unlink(missing_ok=True)
        encrypt.leftover_plain(log)
        raise
    encrypt.destroy(kept)
