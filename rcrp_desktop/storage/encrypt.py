"""A plain record database encrypted in place: copied encrypted, checked, swapped in, and the
plain copy overwritten and removed; stopped at any point, it leaves one whole database."""

import os
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from rcrp_desktop.files import sync_folder
from rcrp_desktop.storage.before_open import SQLITE_HEADER, side_file
from rcrp_desktop.storage.cipher import DB_ERRORS, PLAIN, connect
from rcrp_desktop.storage.errors import StorageError, classify
from rcrp_desktop.storage.records import Mode
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify

_CHUNK = 1024 * 1024
_HEADS = """
    SELECT r.id, r.uid, COUNT(e.id), (SELECT hash FROM events WHERE record_id = r.id
        ORDER BY seq DESC LIMIT 1)
    FROM records r LEFT JOIN events e ON e.record_id = r.id GROUP BY r.id ORDER BY r.id"""


@dataclass(frozen=True)
class Encrypted:
    """One database encrypted: how many records, and whether it was plain before."""

    path: Path
    records: int
    was_plain: bool


def is_plain(path: Path) -> bool:
    """Whether the file at `path` is a plain SQLite database (its header readable)."""
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def encrypt_in_place(
    path: Path, mode: Mode, key: bytes, *, from_key: bytes | None = None
) -> Encrypted:
    """The database at `path`, plain (or, `from_key`, encrypted with that key: a rekey),
    replaced by the same records encrypted with `key`.

    The caller holds the data folder's lock (nothing else writes). The database must verify
    first: a damaged one is restored, not encrypted. The new copy is made beside it, checked
    (every chain verifies, every record's head is the same), synced, and then given the name;
    only then is the old copy overwritten with zeros and removed. Run again, it finishes what
    a stopped run left, and does nothing to a database already under `key`.
    """
    leftover_plain(path)
    if not path.exists():
        return Encrypted(path, 0, False)
    if (from_key is None and not is_plain(path)) or (from_key and opens_with(path, key)):
        store = Store.open(path, mode, create=False, readonly=True, key=key)  # opens: ours
        try:
            return Encrypted(path, len(store.record_rows()), False)
        finally:
            store.close()
    heads = _checked_source(path, mode, from_key or PLAIN)
    partial = new_beside(path, "encrypting")
    try:
        export(path, partial, key, from_key)
        _check_copy(partial, mode, key, heads)
        kept = swap_in(partial, path)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        leftover_plain(path)
        if isinstance(error, OSError):
            raise StorageError(
                f"Encrypting {path} failed: {error.strerror or error}. The database is "
                "unchanged; run it again once that is put right."
            ) from error
        raise
    destroy(kept)
    return Encrypted(path, len(heads), True)


def new_beside(path: Path, ending: str) -> Path:
    """A new, empty, owner-only file beside `path` (`.NAME.ENDING`) for its next copy to be
    made in; whatever a stopped run left under that name, and its logs, removed first."""
    made = path.with_name(f".{path.name}.{ending}")
    for leftover in (made, side_file(made, "wal"), side_file(made, "shm")):
        leftover.unlink(missing_ok=True)
    os.close(os.open(made, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return made


def swap_in(copy: Path, path: Path) -> Path:
    """`copy` (whole, checked) takes the name `path`; the old file keeps a second name
    (kept_plain) until then, and that name is returned to be destroyed."""
    sync(copy)
    kept = kept_plain(path)
    os.link(path, kept)  # the old one keeps a name until the new one has its own
    os.replace(copy, path)
    sync_folder(path.parent)
    for side in (side_file(path, "wal"), side_file(path, "shm")):
        side.unlink(missing_ok=True)  # the old one's, emptied by the checkpoint
    return kept


def opens_with(path: Path, key: bytes) -> bool:
    """Whether the encrypted database at `path` opens with `key` (read only, nothing written)."""
    try:
        conn = connect(f"file:{path}?mode=ro", key, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except DB_ERRORS:
        return False
    return True


def _checked_source(path: Path, mode: Mode, key: bytes) -> list[tuple[object, ...]]:
    """The database's record heads, once it verifies and its log is in the main file."""
    store = Store.open(path, mode, create=False, key=key)
    try:
        faults = verify(store)
        if faults:
            raise StorageError(
                f"{path} does not verify ({faults[0]}): it was not encrypted. Restore a "
                "backup first (`rcrp-desktop restore`)."
            )
        try:
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return [tuple(row) for row in store.db.execute(_HEADS).fetchall()]
        except DB_ERRORS as error:
            raise classify(error, path) from error
    finally:
        store.close()


def export(source: Path, target: Path, key: bytes, source_key: bytes | None = None) -> None:
    """SQLCipher's own copy (sqlcipher_export): schema, triggers, rows and the version."""
    try:
        conn = (
            connect(source, source_key, isolation_level=None)
            if source_key
            else sqlcipher3.connect(str(source), isolation_level=None)
        )
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", [str(target), _raw(key)])
            conn.execute("SELECT sqlcipher_export('encrypted')")
            conn.execute(f"PRAGMA encrypted.user_version = {version}")
            conn.execute("DETACH DATABASE encrypted")
        finally:
            conn.close()
        keyed = connect(target, key, isolation_level=None)
        try:
            keyed.execute("PRAGMA journal_mode = WAL")
        finally:
            keyed.close()
    except DB_ERRORS as error:
        raise classify(error, target) from error


def _check_copy(copy: Path, mode: Mode, key: bytes, heads: list[tuple[object, ...]]) -> None:
    store = Store.open(copy, mode, create=False, key=key)
    try:
        faults = verify(store)
        copied = [tuple(row) for row in store.db.execute(_HEADS).fetchall()]
    finally:
        store.close()
    if faults or copied != heads:
        why = str(faults[0]) if faults else "its records are not the same"
        raise StorageError(
            f"The encrypted copy of {copy.name.removeprefix('.')} did not check out ({why}); "
            "the plain database is unchanged."
        )


def leftover_plain(path: Path) -> None:
    """A run stopped at the swap leaves the plain database a second name: before the swap
    that name is the database itself (only the name goes); after, the plain copy (destroyed)."""
    kept = kept_plain(path)
    if not kept.exists():
        return
    if path.exists() and kept.samefile(path):
        kept.unlink()
        sync_folder(path.parent)
    else:
        destroy(kept)


def kept_plain(path: Path) -> Path:
    return path.with_name(f".{path.name}.plain")


def destroy(path: Path) -> None:
    """Overwrite a plain copy with zeros, sync, remove. (On an SSD or a copy-on-write disk the
    old blocks may survive the overwrite: whole-disk encryption is what covers those.)"""
    if not path.exists():
        return
    size = path.stat().st_size
    with path.open("r+b") as handle:
        zeros = bytes(_CHUNK)
        for start in range(0, size, _CHUNK):
            handle.write(zeros[: min(_CHUNK, size - start)])
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    sync_folder(path.parent)


def sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _raw(key: bytes) -> str:
    return f"x'{key.hex()}'"
