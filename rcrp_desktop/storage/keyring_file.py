"""The keyring as a file: written whole and owner-only, read back only if it is sound (its
checksum tells a damaged or hand-edited file from a wrong passphrase), beside the data folder's
databases, beside a backup, and beside them a second one while a rekey is under way."""

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any, TypeVar

from argon2.low_level import ARGON2_VERSION

from rcrp_desktop import files
from rcrp_desktop.storage.accounts import ArgonCost
from rcrp_desktop.storage.data import NEXT_KEYRING_FILE
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.keys import (
    FILE_NAME,
    FORMAT,
    MAX_MEMORY_KIB,
    MAX_PARALLELISM,
    MAX_TIME_COST,
    NONCE_BYTES,
    RECOVERY_SCHEME,
    RECOVERY_SEALED_BYTES,
    SALT_BYTES,
    SEALED_BYTES,
    VERSION,
    AccountWrap,
    Keyring,
    KeyringDamagedError,
    RecoveryWrap,
)

_MAX_FILE_BYTES = 1024 * 1024


def load_keyring(folder: Path) -> Keyring | None:
    """The data folder's keyring, or None when it has none."""
    path = folder / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return None
    return keyring_from_bytes(_read_small(path), path)


def _read_small(path: Path) -> bytes:
    try:
        if path.is_symlink() or not path.is_file():
            raise KeyringDamagedError(path, "it is not a regular file")
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise KeyringDamagedError(path, "it is far too large to be a keyring")
        return path.read_bytes()
    except OSError as error:
        raise StorageError(
            f"The keyring {path} cannot be read: {error.strerror or error}"
        ) from error


def beside(database: Path) -> Path:
    """Where a backup's keyring is kept: next to it, named after it."""
    return database.with_name(f"{database.name}.{FILE_NAME}")


def keyring_of(database: Path) -> Keyring | None:
    """The keyring an encrypted database file opens with: its own, beside it (a backup), else
    its data folder's; None when neither is there."""
    own = beside(database)
    if own.exists() or own.is_symlink():
        return keyring_from_bytes(_read_small(own), own)
    return load_keyring(database.parent)


def save_keyring_beside(database: Path, keyring: Keyring) -> None:
    """A backup's keyring, written whole beside it (owner-only): with the force recovery key it
    opens the backup wherever the backup goes, whatever becomes of the PC."""
    try:
        files.write_atomically(beside(database), keyring_bytes(keyring))
    except OSError as error:
        raise StorageError(
            f"Cannot save the keyring beside {database}: {error.strerror or error}"
        ) from error


def load_next_keyring(folder: Path) -> Keyring | None:
    """The keyring of a rekey under way (its new data key), or None when none is."""
    path = folder / NEXT_KEYRING_FILE
    if not path.exists() and not path.is_symlink():
        return None
    return keyring_from_bytes(_read_small(path), path)


def save_next_keyring(folder: Path, keyring: Keyring) -> None:
    """A rekey's new keyring, saved before any database is re-encrypted under its key."""
    try:
        files.write_atomically(folder / NEXT_KEYRING_FILE, keyring_bytes(keyring))
    except OSError as error:
        raise StorageError(
            f"Cannot save the new keyring in {folder}: {error.strerror or error}"
        ) from error


def promote_next_keyring(folder: Path) -> None:
    """The rekey done: its keyring becomes the folder's, in one step."""
    try:
        os.replace(folder / NEXT_KEYRING_FILE, folder / FILE_NAME)
        files.sync_folder(folder)
    except OSError as error:
        raise StorageError(
            f"Cannot put the new keyring in place in {folder}: {error.strerror or error}"
        ) from error


def save_keyring(folder: Path, keyring: Keyring) -> None:
    """Written whole or not at all, owner-only (rcrp_desktop/files.py)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(folder / FILE_NAME, keyring_bytes(keyring))
    except OSError as error:
        raise StorageError(
            f"Cannot save the keyring in {folder}: {error.strerror or error}"
        ) from error


def keyring_bytes(keyring: Keyring) -> bytes:
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "key_id": keyring.key_id,
        "accounts": {number: _account_json(wrap) for number, wrap in keyring.accounts.items()},
        "recovery": {
            "scheme": RECOVERY_SCHEME,
            "fingerprint": keyring.recovery.fingerprint,
            "sealed": _b64(keyring.recovery.sealed),
        },
    }
    document = {**body, "checksum": _checksum(body)}
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("ascii")


def keyring_from_bytes(data: bytes, source: Path) -> Keyring:
    """A keyring read back; anything but a sound keyring of this version is refused, naming
    `source`."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:  # RecursionError: nested beyond reason
        raise KeyringDamagedError(source, f"it is not JSON ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KeyringDamagedError(source, "it is not an rcrp-desktop keyring")
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise KeyringDamagedError(
            source,
            f"it was written by a newer version of rcrp-desktop (keyring version {version})",
            "Use that version of the app.",
        )
    if version != VERSION:
        raise KeyringDamagedError(source, f"its version {version!r} is not one this app wrote")
    body = {name: value for name, value in document.items() if name != "checksum"}
    if document.get("checksum") != _checksum(body):
        raise KeyringDamagedError(source, "its checksum does not match (damaged or edited)")
    try:
        return _keyring(body, source)
    except _MalformedError as error:
        raise KeyringDamagedError(source, str(error)) from error


class _MalformedError(Exception):
    """A field of a keyring is missing or not what it should be."""


_T = TypeVar("_T")


def _keyring(body: dict[str, Any], source: Path) -> Keyring:
    accounts = _get(body, "accounts", dict)
    if not accounts:
        raise _MalformedError("it holds no account's wrap")
    recovery = _get(body, "recovery", dict)
    if recovery.get("scheme") != RECOVERY_SCHEME:
        raise _MalformedError("its recovery wrap is of an unknown scheme")
    return Keyring(
        key_id=_get(body, "key_id", str),
        accounts={str(number): _account_wrap(number, wrap) for number, wrap in accounts.items()},
        recovery=RecoveryWrap(
            fingerprint=_get(recovery, "fingerprint", str),
            sealed=_bytes(recovery, "sealed", RECOVERY_SEALED_BYTES, RECOVERY_SEALED_BYTES),
        ),
        source=source,
    )


def _account_wrap(number: str, wrap: object) -> AccountWrap:
    if not isinstance(wrap, dict):
        raise _MalformedError(f"account {number}'s wrap is not an object")
    kdf = _get(wrap, "argon2id", dict)
    if _get(kdf, "version", int) != ARGON2_VERSION:
        raise _MalformedError(f"account {number}'s wrap uses an unknown Argon2 version")
    cost = ArgonCost(
        time_cost=_get(kdf, "time_cost", int),
        memory_kib=_get(kdf, "memory_kib", int),
        parallelism=_get(kdf, "parallelism", int),
    )
    if not (
        1 <= cost.time_cost <= MAX_TIME_COST
        and 1 <= cost.parallelism <= MAX_PARALLELISM
        and 8 * cost.parallelism <= cost.memory_kib <= MAX_MEMORY_KIB
    ):
        raise _MalformedError(f"account {number}'s Argon2 cost is out of range")
    return AccountWrap(
        salt=_bytes(kdf, "salt", SALT_BYTES, 64),
        cost=cost,
        nonce=_bytes(wrap, "nonce", NONCE_BYTES, NONCE_BYTES),
        sealed=_bytes(wrap, "sealed", SEALED_BYTES, SEALED_BYTES),
    )


def _get(mapping: dict[str, Any], name: str, kind: type[_T]) -> _T:
    value = mapping.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _MalformedError(f"its field {name!r} is missing or not a {kind.__name__}")
    return value


def _bytes(mapping: dict[str, Any], name: str, shortest: int, longest: int) -> bytes:
    try:
        value = base64.b64decode(_get(mapping, name, str), validate=True)
    except binascii.Error:
        raise _MalformedError(f"its field {name!r} is not base64") from None
    if not shortest <= len(value) <= longest:
        raise _MalformedError(f"its field {name!r} is {len(value)} bytes long")
    return value


def _account_json(wrap: AccountWrap) -> dict[str, Any]:
    return {
        "argon2id": {
            "version": ARGON2_VERSION,
            "time_cost": wrap.cost.time_cost,
            "memory_kib": wrap.cost.memory_kib,
            "parallelism": wrap.cost.parallelism,
            "salt": _b64(wrap.salt),
        },
        "nonce": _b64(wrap.nonce),
        "sealed": _b64(wrap.sealed),
    }


def _checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
