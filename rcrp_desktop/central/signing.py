"""The force signs what its desks install (R25): a protocol pack, with the bases it extends, once
it passes every check the desks make; or a partner directory, once it loads. Qt-free."""

import os
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rcrp_desktop import files
from rcrp_desktop.domain.pack.loader import build
from rcrp_desktop.domain.pack.merge import MAX_PACK_BYTES, extends_chain
from rcrp_desktop.domain.partners import DirectoryError, parse_directory
from rcrp_desktop.storage.signed_forms import sign


class SigningError(ValueError):
    """What was given cannot be signed; the message says why, in one line."""


def sign_file(path: Path, key: Ed25519PrivateKey, now: datetime) -> tuple[bytes, str]:
    """The signed file's bytes for a pack (.toml) or partner directory (.json), and a line
    saying what it holds."""
    if path.suffix == ".toml":
        return _sign_pack(path, key, now)
    if path.suffix == ".json":
        return _sign_directory(path, key, now)
    raise SigningError(f"{path} is neither a pack (.toml) nor a partner directory (.json)")


def _sign_pack(path: Path, key: Ed25519PrivateKey, now: datetime) -> tuple[bytes, str]:
    pack, problems = build(path)
    if pack is None:
        more = f" (and {len(problems) - 1} more: `rcrp-desktop forms check`)" * (len(problems) > 1)
        raise SigningError(f"the pack fails its checks, so it was not signed: {problems[0]}{more}")
    if pack.archived:
        raise SigningError(f"{path} is an archived version: it is never offered for a new call")
    chain = extends_chain(path)
    # Named from the folder the files share (forms/ for a variant and its base): a desk writes
    # them out in the same places, so `extends` finds the base as it does here.
    common = Path(os.path.commonpath([p.parent for p in chain]))
    contents = {p.relative_to(common).as_posix(): _read(p) for p in chain}
    top = path.resolve().relative_to(common).as_posix()
    blob = sign("pack", top, contents, key, now)
    bases = f", with its base(s) {', '.join(list(contents)[1:])}" if len(chain) > 1 else ""
    return blob, f"pack {pack.id} {pack.version} ({top}{bases}), sha256 {pack.content_hash[:12]}"


def _sign_directory(path: Path, key: Ed25519PrivateKey, now: datetime) -> tuple[bytes, str]:
    raw = _read(path)
    try:
        directory = parse_directory(raw, str(path), ".json")
    except DirectoryError as error:
        raise SigningError(
            f"the partner directory does not load, so it was not signed: {error.problems[0]}"
        ) from error
    name = f"partners/{directory.jurisdiction}.json"
    return sign("directory", name, {name: raw}, key, now), f"partner directory {name}"


def _read(path: Path) -> bytes:
    try:
        return files.read_small(path, MAX_PACK_BYTES)
    except OSError as error:
        raise SigningError(f"{path} cannot be read: {error.strerror or error}") from error
