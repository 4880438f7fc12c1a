"""Connections to the app's databases, plain or encrypted at rest with SQLCipher and a data key."""

import sqlite3
from pathlib import Path
from typing import Any, cast

import sqlcipher3

from rcrp_desktop.storage.errors import StorageError

# What either library raises: SQLCipher's errors do not derive from sqlite3's, so every
# `except` over a database call names both.
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher3.Error)
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
KEY_BYTES = 32  # 256 bits, random: the folder's data key
PLAIN = b""  # no key, said so: a plain database, even in a folder someone has unlocked
CIPHER_MAJOR = "4."  # the file format this app writes and reads; 3.x files are another layout


# The data keys unlocked in this process, by data folder, and how many sign-ins hold each: a
# database opened in a folder that is unlocked is opened with its key, wherever it is opened
# from (the window's background readers too), and a plain one is refused there.
_UNLOCKED: dict[Path, tuple[bytes, int]] = {}


def unlock_folder(folder: Path, key: bytes) -> None:
    """`key` opens the databases in `folder` until as many lock_folder calls as unlocks."""
    where = folder.resolve()
    held = _UNLOCKED.get(where)
    _UNLOCKED[where] = (key, held[1] + 1 if held and held[0] == key else 1)


def lock_folder(folder: Path) -> None:
    where = folder.resolve()
    held = _UNLOCKED.get(where)
    if held is None:
        return
    if held[1] > 1:
        _UNLOCKED[where] = (held[0], held[1] - 1)
    else:
        del _UNLOCKED[where]


def folder_key(path: Path) -> bytes | None:
    """The key of the folder a database at `path` is in, if someone signed in unlocked it."""
    held = _UNLOCKED.get(path.parent.resolve())
    return held[0] if held else None


class WrongKeyError(StorageError):
    """An encrypted database that this key does not open: every page fails its check."""


def connect(target: str | Path, key: bytes | None, **options: Any) -> sqlite3.Connection:
    """A connection to `target` (a path or, with uri=True, a URI): plain SQLite without a
    key (None or PLAIN); SQLCipher keyed with the raw 256-bit `key` (no passphrase derivation
    on open: the key is random and was unwrapped at sign-in)."""
    if not key:
        return cast(sqlite3.Connection, sqlite3.connect(target, **options))
    if len(key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    conn = cast(sqlite3.Connection, sqlcipher3.connect(str(target), **options))
    try:
        # Quiet first: SQLCipher otherwise writes each failed page check to stderr.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        version = str((conn.execute("PRAGMA cipher_version").fetchone() or [""])[0])
        if not version.startswith(CIPHER_MAJOR):
            raise StorageError(
                f"This build of SQLCipher is {version or 'unknown'}; rcrp-desktop reads and "
                f"writes SQLCipher {CIPHER_MAJOR}x files only. Nothing was opened."
            )
    except BaseException:
        conn.close()
        raise
    return conn


def why_unreadable(path: Path, key: bytes, readonly_uri: str) -> str:
    """Why an encrypted database that failed to open does not open: another key, or damage.

    Read only, immutable: looking writes nothing. A file of one page cannot say which.
    """
    try:
        conn = connect(readonly_uri, key, uri=True)
        try:
            failing = len(conn.execute("PRAGMA cipher_integrity_check").fetchall())
        finally:
            conn.close()
    except DB_ERRORS:
        return "damaged"
    pages = max(1, path.stat().st_size // 4096)
    if failing >= pages and pages > 1:
        return "another key"
    if failing >= pages:
        return "another key, or damaged"
    return "damaged"
