"""A bundle: the events a station has not yet sent, as stored, with a manifest, sealed to the
force's public key (HPKE: only the central side reads it) and signed with the station's key
(Ed25519: the central side knows who made it, and that not a byte changed since).

    RCRP-BUNDLE/2\n | header length (4 bytes) | header JSON | sealed length | sealed | signature

The header, in clear, says which station and which of its bundles this is (so the central side
picks the key to check, and holds a bundle that comes out of turn); the signature is over the
SHA-256 of all before it (a million events are hundreds of megabytes: Ed25519 over them would
hash them twice more); the sealed content is canonical JSON (the events and record headers as
rows under their column names), compressed with Zstandard (a fifth of the size: bundles are
carried, and a million events are hundreds of megabytes); the SHA-256 of the JSON itself is the
bundle's hash, which the next bundle names as its previous one. What has been bundled is kept
in a state file of its own: records are never changed by being bundled.
"""

import hashlib
import json
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import zstandard
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from rcrp_desktop import files
from rcrp_desktop.storage.chain import GENESIS
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.public_keys import load_public_key
from rcrp_desktop.storage.records import HEADER_FIELDS

MAGIC = b"RCRP-BUNDLE/2\n"
FORMAT = "rcrp-desktop bundle"
VERSION = 2
STATE_FILE = "bundle-state.json"
# The bundle's record headers, as rows: the station's record id (the events name it), then the
# header as stored. Its events are rows of records.EVENT_COLUMNS, exactly as stored.
RECORD_COLUMNS = ("id", *HEADER_FIELDS)
FORCE_KEY_FILE = "force-bundle-public.pem"  # the force's key bundles are sealed to
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_INFO = b"rcrp-desktop bundle 2\0"  # the clear header follows: it is bound to the seal
_LENGTH = struct.Struct(">I")
_SIGNATURE_BYTES = 64
MAX_CONTENT_BYTES = 4 * 2**30  # a bundle's JSON: a million events are about 400 MB
_ROWS_AT_ONCE = 8192
_SIGNED = b"rcrp-desktop bundle 2 sha256\0"  # what the station signs: this, then the digest
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
    """A bundle's content as canonical JSON (what its hash is of; compress() it to seal it)."""
    return _canonical(content)


def records_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    """An opened bundle's record headers, each as a dict of its columns."""
    table = content["records"]
    return [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]


def events_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    """An opened bundle's events, each as a dict of its columns and its record's uid."""
    uid_of = {record["id"]: record["uid"] for record in records_of(content)}
    table = content["events"]
    events = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
    return [{**event, "record_uid": uid_of.get(event["record_id"])} for event in events]


def with_events(content: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The content with these events (as events_of gives them) in place of its own."""
    columns = content["events"]["columns"]
    rows = [[event[name] for name in columns] for event in events]
    return {**content, "events": {"columns": columns, "rows": rows}}


def bundle_bytes(
    content: dict[str, Any],
    header: dict[str, Any],
    station: Ed25519PrivateKey,
    force: X25519PublicKey,
) -> bytes:
    """A whole bundle file made from content as opened (compressed, sealed and signed)."""
    raw = content_bytes(content)
    compressed, _ = compress(raw, [], b"")
    return b"".join(seal_and_sign(compressed, header, station, force))


def compress(first: bytes, rows: list[bytes], last: bytes) -> tuple[bytes, str]:
    """`first`, the `rows` joined by commas, then `last`, compressed (the size written in the
    frame) in one pass that also hashes them: (compressed, SHA-256 of the whole, hex). Never
    joined first: a million rows are hundreds of megabytes."""
    size = len(first) + sum(map(len, rows)) + max(len(rows) - 1, 0) + len(last)
    digest = hashlib.sha256()
    compressor = zstandard.ZstdCompressor(level=1).compressobj(size=size)
    out = []

    def feed(piece: bytes) -> None:
        digest.update(piece)
        out.append(compressor.compress(piece))

    feed(first)
    for start in range(0, len(rows), _ROWS_AT_ONCE):
        feed(b"," * (start > 0) + b",".join(rows[start : start + _ROWS_AT_ONCE]))
    feed(last)
    out.append(compressor.flush())
    return b"".join(out), digest.hexdigest()


def decompress(sealed_content: bytes) -> bytes:
    """A bundle's content as it was compressed (its size read from the frame, and bounded)."""
    try:
        size = zstandard.frame_content_size(sealed_content)
    except zstandard.ZstdError as error:
        raise BundleError(f"its content is not compressed as a bundle's is ({error})") from error
    if size < 0 or size > MAX_CONTENT_BYTES:
        raise BundleError(f"its content says it is {size:,} bytes: not a bundle's size")
    try:
        return zstandard.ZstdDecompressor().decompress(sealed_content, max_output_size=size)
    except zstandard.ZstdError as error:
        raise BundleError(f"its content cannot be decompressed ({error})") from error


def bundle_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def seal_and_sign(
    content: bytes,
    header: dict[str, Any],
    station: Ed25519PrivateKey,
    force: X25519PublicKey,
) -> list[bytes]:
    """The bundle file's bytes, in parts (written one after another: a large bundle is not
    copied again to be joined)."""
    head = _canonical(header)
    sealed = _SUITE.encrypt(content, force, _INFO + head)
    parts = [MAGIC, _LENGTH.pack(len(head)), head, _LENGTH.pack(len(sealed)), sealed]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return [*parts, station.sign(_SIGNED + digest.digest())]


def read_header(data: bytes) -> dict[str, Any]:
    """The clear header of a bundle's bytes (nothing checked but its shape)."""
    head, _, _ = _parts(data)
    return _json_object(head, "its header")


def open_bundle(data: bytes, station: Ed25519PublicKey, force: X25519PrivateKey) -> Opened:
    """A bundle checked and opened: the signature against the station's key first, then the
    seal with the force's key; anything else is a BundleError saying which failed."""
    head, sealed, signature = _parts(data)
    view = memoryview(data)
    try:
        digest = hashlib.sha256(view[: len(data) - _SIGNATURE_BYTES]).digest()
        station.verify(signature, _SIGNED + digest)
    except InvalidSignature:
        raise BundleError("the bundle's signature does not match the station's key") from None
    try:
        content = _SUITE.decrypt(sealed, force, _INFO + head)
    except (InvalidTag, ValueError):
        raise BundleError("the bundle is not sealed to this force key") from None
    raw = decompress(content)
    return Opened(_json_object(head, "its header"), _json_object(raw, "its content"),
                  bundle_hash(raw))  # fmt: skip


def load_force_key(path: Path) -> X25519PublicKey:
    """The force's public key bundles are sealed to (PEM)."""
    return load_public_key(
        path,
        X25519PublicKey,  # type: ignore[type-abstract]  # an ABC: mypy wants a concrete class
        what="the force's public key bundles are sealed to",
        missing=f"There is no force key at {path}: bundles are sealed to the force's public "
        "key, which the force's install puts there (or give it with --to).",
        error=StorageError,
    )


def _parts(data: bytes) -> tuple[bytes, memoryview, bytes]:
    if not data.startswith(MAGIC) and data.startswith(MAGIC[:12]):
        made = bytes(data[12 : data.find(b"\n", 12, 20)]).decode("ascii", "replace")
        raise BundleError(
            f"it is a bundle of format {made}, made by another version of rcrp-desktop "
            f"(this one reads format {VERSION}): export it again from an up-to-date station"
        )
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
    # The sealed content is most of the file: a view of it, not a copy.
    return head, memoryview(data)[at : at + sealed_length], data[at + sealed_length :]


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BundleError(f"{what} is not JSON ({error})") from error
    if not isinstance(value, dict):
        raise BundleError(f"{what} is not an object")
    return value


def _canonical(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 as is: the same bytes every time for the same content
    (a bundle made again after a stop is the same bundle). Rows are tuples: JSON arrays."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
