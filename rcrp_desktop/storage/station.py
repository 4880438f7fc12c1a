"""This PC as a station: the Ed25519 key its bundles are signed with, made on first use and kept
owner-only in the data folder; its public half is what the force registers for it."""

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from rcrp_desktop import files
from rcrp_desktop.storage.errors import StorageError

STATION_KEY_FILE = "station-key.pem"
_MAX_PEM_BYTES = 64 * 1024


def station_key(folder: Path) -> Ed25519PrivateKey:
    """The station's signing key, made (owner-only, written whole) the first time it is asked
    for; a file in its place that is not one is refused, never replaced."""
    path = folder / STATION_KEY_FILE
    if path.exists() or path.is_symlink():
        return _read(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(path, pem)
    except OSError as error:
        raise StorageError(
            f"The station key could not be made in {folder}: {error.strerror or error}"
        ) from error
    return key


def station_id(public_key: Ed25519PublicKey) -> str:
    """A short name for the station, from its public key (what the central side registers)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(b"rcrp-desktop station\0" + raw).hexdigest()[:16]


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _read(path: Path) -> Ed25519PrivateKey:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_PEM_BYTES:
            raise StorageError(f"{path} is not a station key file: nothing was signed.")
        if os.name == "posix" and path.stat().st_mode & 0o077:
            path.chmod(0o600)  # a key others could read signs for anyone: taken back
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise StorageError(f"{path} is not a station key ({error}): nothing was signed.") from error
    except OSError as error:
        raise StorageError(f"{path} cannot be read: {error.strerror or error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise StorageError(f"{path} is not an Ed25519 station key: nothing was signed.")
    return key
