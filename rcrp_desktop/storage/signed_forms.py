"""Protocol packs and partner directories signed by the force (R25): the file a force's
`rcrp-central sign` makes and a desk's `rcrp-desktop forms install` takes, and the force's
Ed25519 signing key.

    RCRP-SIGNED/1\\n | header length (4 bytes) | header JSON | the files in turn | signature

The header says what it holds (a pack, with the bases it extends, or a partner directory), each
file's name (a path relative to the forms folder it came from), size and SHA-256, when it was
signed and by which key; the Ed25519 signature covers everything before it. A desk trusts one
key: the public half the force's install puts in its data folder.
"""

import hashlib
import json
import re
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from rcrp_desktop.storage.errors import RefusedError, StorageError
from rcrp_desktop.storage.public_keys import load_public_key

MAGIC = b"RCRP-SIGNED/1\n"
FORMAT = "rcrp-desktop signed forms"
KINDS = ("pack", "directory")
SIGNING_KEY_FILE = "force-signing-public.pem"  # in a desk's data folder: the key it trusts
MAX_SIGNED_BYTES = 256 * 1024 * 1024  # a pack and its bases: tens of kilobytes in practice
_LENGTH = struct.Struct(">I")
_SIGNATURE_BYTES = 64
_MAX_HEADER_BYTES = 256 * 1024
_MAX_FILES = 16
# A name is a path under the forms folder: plain parts, no "..", no hidden files, not deep.
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_MAX_DEPTH = 4


class SignedFileError(RefusedError):
    """A file refused for installing: not signed, signed by another key, changed since it was
    signed, or not the kind of file asked for. The message is one line."""


@dataclass(frozen=True)
class SignedFile:
    """A signed file, its signature checked: what it holds, and who signed it when."""

    kind: str
    top: str  # the name of the pack (or directory) it is for; the others are its bases
    contents: dict[str, bytes]  # name -> bytes, in the order signed
    signed_utc: str
    signer: str  # the signing key's fingerprint

    @property
    def top_bytes(self) -> bytes:
        return self.contents[self.top]


@dataclass(frozen=True)
class SigningKeyPair:
    private_pem: bytes  # passphrase-protected
    public_pem: bytes
    fingerprint: str


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(b"rcrp-desktop force signing key\0" + raw).hexdigest()[:16]


def make_signing_key_pair(passphrase: str) -> SigningKeyPair:
    """The force's signing key: the private half encrypted under `passphrase` (PKCS#8)."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    public = key.public_key()
    public_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return SigningKeyPair(private_pem, public_pem, fingerprint(public))


def load_signing_private_key(pem: bytes, passphrase: str | None) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(
            pem, password=passphrase.encode() if passphrase else None
        )
    except TypeError as error:  # a passphrase given for a plain key, or none for a locked one
        raise StorageError(f"the force's signing key and its passphrase do not go together "
                           f"({error})") from error  # fmt: skip
    except (ValueError, UnsupportedAlgorithm) as error:
        raise StorageError(
            "the file is not the force's signing key, or the passphrase is wrong"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise StorageError("the file is not an Ed25519 key: the force's signing key is one")
    return key


def load_signing_public_key(path: Path) -> Ed25519PublicKey:
    """The force's public signing key a desk trusts (PEM); a missing one says where it goes."""
    return load_public_key(
        path,
        Ed25519PublicKey,  # type: ignore[type-abstract]  # an ABC: mypy wants a concrete class
        what="the force's public signing key",
        missing=f"this PC has no force signing key ({path}), so it installs nothing: the "
        "shipped packs are used. The force's install puts its public key there.",
        error=SignedFileError,
    )


def check_name(name: str) -> str:
    """A file's name as signed: a relative path of plain parts; anything else is refused."""
    parts = PurePosixPath(name).parts
    if (
        not parts
        or len(parts) > _MAX_DEPTH
        or "/".join(parts) != name
        or not all(_PART.fullmatch(part) and ".." not in part for part in parts)
    ):
        raise SignedFileError(f"it names a file {name!r} that is not a plain relative path")
    return name


def sign(
    kind: str, top: str, contents: dict[str, bytes], key: Ed25519PrivateKey, now: datetime
) -> bytes:
    """The signed file's bytes: `contents` (name -> bytes; `top` first) under `key`."""
    if kind not in KINDS:
        raise ValueError(f"not a kind of signed file: {kind!r}")
    for name in contents:
        check_name(name)
    if top not in contents:
        raise ValueError("the top file is not among the contents")
    ordered = [top, *(name for name in contents if name != top)]
    header = {
        "format": FORMAT,
        "kind": kind,
        "top": top,
        "files": [
            {
                "name": name,
                "size": len(contents[name]),
                "sha256": hashlib.sha256(contents[name]).hexdigest(),
            }
            for name in ordered
        ],
        "signed_utc": now.isoformat(timespec="seconds"),
        "signer": fingerprint(key.public_key()),
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    body = MAGIC + _LENGTH.pack(len(head)) + head + b"".join(contents[n] for n in ordered)
    return body + key.sign(body)


def read_signed(data: bytes, trusted: Ed25519PublicKey) -> SignedFile:
    """A signed file checked against the key this desk trusts; SignedFileError, one line,
    saying which check failed."""
    if not data.startswith(MAGIC):
        raise SignedFileError(
            "it is not signed by the force (a signed file is made with `rcrp-central sign`)"
        )
    if len(data) < len(MAGIC) + _LENGTH.size + _SIGNATURE_BYTES:
        raise SignedFileError("it is cut short: it is not a whole signed file")
    (head_length,) = _LENGTH.unpack_from(data, len(MAGIC))
    at = len(MAGIC) + _LENGTH.size
    if head_length > _MAX_HEADER_BYTES or at + head_length + _SIGNATURE_BYTES > len(data):
        raise SignedFileError("its header is cut short or too long: it is damaged")
    header = _header(data[at : at + head_length])
    signer = str(header.get("signer", ""))
    if signer != fingerprint(trusted):
        raise SignedFileError(
            f"it is signed by key {signer or '(none named)'}, not by the force key this PC "
            f"trusts ({fingerprint(trusted)})"
        )
    body, signature = data[:-_SIGNATURE_BYTES], data[-_SIGNATURE_BYTES:]
    try:
        trusted.verify(signature, body)
    except InvalidSignature:
        raise SignedFileError(
            "its signature does not match: it was changed after the force signed it"
        ) from None
    return _contents(header, body[at + head_length :])


def _header(head: bytes) -> dict[str, Any]:
    try:
        header = json.loads(head)
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SignedFileError("its header is not one this app writes: it is damaged")
    return header


def _contents(header: dict[str, Any], rest: bytes) -> SignedFile:
    """The files a checked header lists, cut from what follows it (the signature already
    holds: a mismatch here is a signing tool's fault, still refused)."""
    kind, top, listed = header.get("kind"), header.get("top"), header.get("files")
    if kind not in KINDS or not isinstance(listed, list) or not 0 < len(listed) <= _MAX_FILES:
        raise SignedFileError("its header does not say what it holds")
    contents: dict[str, bytes] = {}
    at = 0
    for entry in listed:
        if not isinstance(entry, dict):
            raise SignedFileError("its header does not say what it holds")
        name, size = check_name(str(entry.get("name", ""))), entry.get("size")
        if not isinstance(size, int) or size < 0 or at + size > len(rest) or name in contents:
            raise SignedFileError(f"its file {name} is cut short or named twice")
        content = rest[at : at + size]
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            raise SignedFileError(f"its file {name} does not match its SHA-256")
        contents[name] = content
        at += size
    if at != len(rest) or top not in contents:
        raise SignedFileError("it holds more or less than its header lists")
    return SignedFile(str(kind), str(top), contents, str(header.get("signed_utc", "")),
                      str(header["signer"]))  # fmt: skip
