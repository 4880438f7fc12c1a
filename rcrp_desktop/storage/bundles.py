"""A bundle: the events a station has not yet sent, as stored, with a manifest, sealed to the
force's public key (HPKE: only the central side reads it) and signed with the station's key
(Ed25519: the central side knows who made it, and that not a byte changed since).

    RCRP-BUNDLE/1\\n | header length (4 bytes) | header JSON | sealed length | sealed | signature

The header, in clear, says which station and which of its bundles this is (so the central side
picks the key to check, and holds a bundle that comes out of turn); the signature covers all
before it; the sealed content is canonical JSON, and its SHA-256 is the bundle's hash, which
the next bundle names as its previous one. What has been bundled is kept in a state file of
its own: records are never changed by being bundled.
"""

import hashlib
import json
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from rcrp_desktop import files
from rcrp_desktop.storage.chain import GENESIS
from rcrp_desktop.storage.errors import StorageError

MAGIC = b"RCRP-BUNDLE/1\n"
FORMAT = "rcrp-desktop bundle"
VERSION = 1
STATE_FILE = "bundle-state.json"
FORCE_KEY_FILE = "force-bundle-public.pem"  # the force's key bundles are sealed to
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_INFO = b"rcrp-desktop bundle 1\0"  # the clear header follows: it is bound to the seal
_LENGTH = struct.Struct(">I")
_SIGNATURE_BYTES = 64
_MAX_HEADER_BYTES = 64 * 1024


class BundleError(StorageError):
    """A bundle that cannot be read: not one, damaged, or not for this key."""


@dataclass(frozen=True)
class BundleState:
    """What this station has bundled: the last bundle's sequence and hash, the last event in
    it, and a bundle begun but not yet written (made again the same, if it was stopped)."""

    station: str
    sequence: int = 0
    previous: str = GENESIS
    last_event_id: int = 0
    pending: dict[str, Any] | None = None  # sequence, through_event_id, created_utc

    def begun(self, through_event_id: int, created_utc: str) -> "BundleState":
        pending = {
            "sequence": self.sequence + 1,
            "through_event_id": through_event_id,
            "created_utc": created_utc,
        }
        return replace(self, pending=pending)

    def done(self, bundle_hash: str) -> "BundleState":
        assert self.pending is not None
        return BundleState(
            self.station,
            int(self.pending["sequence"]),
            bundle_hash,
            int(self.pending["through_event_id"]),
            None,
        )


@dataclass(frozen=True)
class Opened:
    """A bundle read back: its clear header, its content, and its hash."""

    header: dict[str, Any]
    content: dict[str, Any]
    bundle_hash: str


def load_state(folder: Path, station: str) -> BundleState:
    """The station's bundle state; a fresh one when nothing has been bundled yet."""
    path = folder / STATE_FILE
    if not path.exists() and not path.is_symlink():
        return BundleState(station)
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_HEADER_BYTES:
            raise ValueError("not a regular file of a bundle state's size")
        body = json.loads(path.read_bytes())
        state = BundleState(
            str(body["station"]),
            int(body["sequence"]),
            str(body["previous"]),
            int(body["last_event_id"]),
            body["pending"],
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StorageError(
            f"{path} cannot be read as what has been bundled ({error}): no bundle was made. "
            "Tell your supervisor: the central side knows the last bundle it has."
        ) from error
    if state.station != station:
        raise StorageError(
            f"{path} is the bundle state of station {state.station}, not of this station "
            f"({station}): no bundle was made."
        )
    return state


def save_state(folder: Path, state: BundleState) -> None:
    body = {
        "format": f"{FORMAT} state",
        "station": state.station,
        "sequence": state.sequence,
        "previous": state.previous,
        "last_event_id": state.last_event_id,
        "pending": state.pending,
    }
    try:
        files.write_atomically(folder / STATE_FILE, _canonical(body))
    except OSError as error:
        raise StorageError(
            f"What has been bundled could not be saved in {folder}: {error.strerror or error}"
        ) from error


def content_bytes(content: dict[str, Any]) -> bytes:
    """The bundle's content as it is sealed and hashed (canonical JSON)."""
    return _canonical(content)


def bundle_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def seal_and_sign(
    content: bytes,
    header: dict[str, Any],
    station: Ed25519PrivateKey,
    force: X25519PublicKey,
) -> bytes:
    """The bundle file's bytes."""
    head = _canonical(header)
    sealed = _SUITE.encrypt(content, force, _INFO + head)
    body = MAGIC + _LENGTH.pack(len(head)) + head + _LENGTH.pack(len(sealed)) + sealed
    return body + station.sign(body)


def read_header(data: bytes) -> dict[str, Any]:
    """The clear header of a bundle's bytes (nothing checked but its shape)."""
    head, _, _ = _parts(data)
    return _json_object(head, "its header")


def open_bundle(data: bytes, station: Ed25519PublicKey, force: X25519PrivateKey) -> Opened:
    """A bundle checked and opened: the signature against the station's key first, then the
    seal with the force's key; anything else is a BundleError saying which failed."""
    head, sealed, signature = _parts(data)
    signed = data[: len(data) - _SIGNATURE_BYTES]
    try:
        station.verify(signature, signed)
    except InvalidSignature:
        raise BundleError("the bundle's signature does not match the station's key") from None
    try:
        content = _SUITE.decrypt(sealed, force, _INFO + head)
    except (InvalidTag, ValueError):
        raise BundleError("the bundle is not sealed to this force key") from None
    return Opened(_json_object(head, "its header"), _json_object(content, "its content"),
                  bundle_hash(content))  # fmt: skip


def load_force_key(path: Path) -> X25519PublicKey:
    """The force's public key bundles are sealed to (PEM)."""
    try:
        key = serialization.load_pem_public_key(files.read_small(path, _MAX_HEADER_BYTES))
    except FileNotFoundError:
        raise StorageError(
            f"There is no force key at {path}: bundles are sealed to the force's public key, "
            "which the force's install puts there (or give it with --to)."
        ) from None
    except OSError as error:
        raise StorageError(f"{path} cannot be read: {error.strerror or error}.") from error
    except ValueError as error:
        raise StorageError(f"{path} is not the force's public key ({error}).") from error
    if not isinstance(key, X25519PublicKey):
        raise StorageError(f"{path} is not an X25519 public key: no bundle was made.")
    return key


def _parts(data: bytes) -> tuple[bytes, bytes, bytes]:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8 + _SIGNATURE_BYTES:
        raise BundleError("it is not an rcrp-desktop bundle")
    at = len(MAGIC)
    (head_length,) = _LENGTH.unpack_from(data, at)
    at += _LENGTH.size
    if head_length > _MAX_HEADER_BYTES or at + head_length + _LENGTH.size > len(data):
        raise BundleError("its header is cut short or too long")
    head = data[at : at + head_length]
    at += head_length
    (sealed_length,) = _LENGTH.unpack_from(data, at)
    at += _LENGTH.size
    if at + sealed_length + _SIGNATURE_BYTES != len(data):
        raise BundleError("it is cut short, or has bytes added")
    return head, data[at : at + sealed_length], data[at + sealed_length :]


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise BundleError(f"{what} is not JSON ({error})") from error
    if not isinstance(value, dict):
        raise BundleError(f"{what} is not an object")
    return value


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
