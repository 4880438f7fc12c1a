"""Put a backup in the place of a damaged record database: the backup checked first, the
damaged files (and any write-ahead log beside them) moved aside and kept, never deleted."""

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rcrp_desktop.files import sync_folder
from rcrp_desktop.storage.before_open import check_file, side_file
from rcrp_desktop.storage.cipher import PLAIN
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.records import Mode
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify


@dataclass(frozen=True)
class Restored:
    """What a restore did: the files set aside, and the records the database now holds."""

    database: Path
    set_aside: tuple[Path, ...]
    records: int


def restore(
    backup: Path,
    database: Path,
    mode: Mode,
    now: datetime | None = None,
    *,
    key: bytes | None = None,
) -> Restored:
    """Check `backup`, copy it beside `database` (owner-only, complete and on disk), set the
    database and its `-wal`/`-shm` aside, put the copy in its place, and check the result.

    Stopped at any moment (killed, say), the folder holds the old database or the
    restored one under the database's name, never nothing: the long copy is made while the old
    files are still in place, and the database is set aside by a second name (a hard link)
    while it keeps its own until the copy replaces it in one step. In between, it has two
    names and its log is already aside, so the app refuses to open it (before_open.check_file)
    rather than read it without its log; running restore again finishes the job. `key`: the
    folder's data key where its records are encrypted (the backup must be encrypted with it)."""
    records = _checked(backup, mode, "The backup", key)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = database.with_name(f".{database.name}.restoring")
    set_aside: list[Path] = []
    try:
        _copy_private(backup, partial)
        for current in (database, side_file(database, "wal"), side_file(database, "shm")):
            if current.exists() or current.is_symlink():
                kept = _free_name(current.with_name(f"{current.name}.damaged-{stamp}"))
                _set_aside(current, kept, keep_name=current == database)
                set_aside.append(kept)
        os.replace(partial, database)
        sync_folder(database.parent)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise StorageError(
            f"The backup could not be copied to {database}: {error.strerror or error}. "
            f"The files set aside are kept: {', '.join(str(p) for p in set_aside) or 'none'}."
        ) from error
    _checked(database, mode, "The restored database", key)
    return Restored(database, tuple(set_aside), records)


def _checked(path: Path, mode: Mode, what: str, key: bytes | None) -> int:
    """The number of records in a database that verifies, or why it cannot be used."""
    check_file(path, keyed=bool(key))
    if side_file(path, "wal").exists() and side_file(path, "wal").stat().st_size > 0:
        raise StorageError(
            f"{what} {path} has a write-ahead log beside it: it is not a finished backup file."
        )
    store = Store.open(path, mode, create=False, readonly=True, key=key or PLAIN)
    try:
        faults = verify(store)
        records = len(store.record_rows())
    finally:
        store.close()
    if faults:
        raise StorageError(f"{what} {path} does not verify: {faults[0]} Nothing was changed.")
    return records


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.name}.{number}")
    return candidate


def _set_aside(current: Path, kept: Path, *, keep_name: bool) -> None:
    """Give `current` the name `kept`; with `keep_name`, as a second name (it keeps its own
    until it is replaced), unless the file system has no hard links."""
    if keep_name and current.is_file() and not current.is_symlink():
        try:
            os.link(current, kept)
            return
        except OSError:
            pass  # no hard links here (a FAT stick, say): moved instead
    current.rename(kept)


def _copy_private(source: Path, target: Path) -> None:
    """Copy into a new owner-only file, on disk before it is renamed into place."""
    target.unlink(missing_ok=True)  # a leftover of a restore that stopped halfway
    descriptor = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as out, source.open("rb") as data:
        shutil.copyfileobj(data, out, 1024 * 1024)
        out.flush()
        os.fsync(out.fileno())
