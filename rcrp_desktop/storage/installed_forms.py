"""Packs the force signed and a desk installed, in its data folder: one folder each, never
changed once placed, so a record made on an older version still replays.

    <data folder>/forms/<pack id>@<version>/signed.rcrp          the signed file, as installed
    <data folder>/forms/<pack id>@<version>/<its files>          the pack, and the bases it extends

Each time the packs are loaded every folder is checked again against the key this desk trusts
and the files in it against the signed bytes: a folder changed since, or left half made by a
stopped install, is named and not loaded.
"""

import errno
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from rcrp_desktop import files
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.signed_forms import (
    MAX_SIGNED_BYTES,
    SIGNING_KEY_FILE,
    SignedFile,
    SignedFileError,
    load_signing_public_key,
    read_signed,
)

FOLDER = "forms"
SIGNED_NAME = "signed.rcrp"
_STAGING = ".installing-"


@dataclass(frozen=True)
class InstalledPack:
    """One installed folder, checked: where its pack's file is."""

    folder: Path
    top: Path


def root(data_dir: Path) -> Path:
    return data_dir / FOLDER


def trusted_key(data_dir: Path) -> Ed25519PublicKey:
    """The force key this desk trusts (SignedFileError when it has none, saying where)."""
    return load_signing_public_key(data_dir / SIGNING_KEY_FILE)


def stage(data_dir: Path, signed: SignedFile) -> Path:
    """The signed files written out in a folder of their own, not yet in use; returns the
    path of the top file (a stopped install's folders are cleared first)."""
    base = root(data_dir)
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        for left in base.glob(f"{_STAGING}*"):
            shutil.rmtree(left, ignore_errors=True)
        staging = base / f"{_STAGING}{uuid.uuid4().hex}"
        staging.mkdir(mode=0o700)
        for name, content in signed.contents.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_bytes(content)
    except OSError as error:
        raise StorageError(
            f"The pack could not be written out in {base}: {error.strerror or error}. "
            "Nothing was installed."
        ) from error
    return staging / signed.top


def discard(staging_top: Path, signed: SignedFile) -> None:
    shutil.rmtree(folder_of(staging_top, signed), ignore_errors=True)


def place(staging_top: Path, signed: SignedFile, blob: bytes, name: str) -> Path:
    """The staged folder put in use as `name` (its signed file beside it); returns the top
    file's new path. Renaming a folder is whole or not at all: a stop leaves only staging."""
    staging = folder_of(staging_top, signed)
    target = staging.parent / name
    try:
        files.write_atomically(staging / SIGNED_NAME, blob)
        os.rename(staging, target)
        files.sync_folder(staging.parent)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise StorageError(
            f"The pack could not be put in place in {target}: {error.strerror or error}. "
            "Nothing was installed."
        ) from error
    return target / signed.top


def installed_blob(data_dir: Path, name: str) -> bytes | None:
    """The signed file installed as `name`, or None if there is none."""
    path = root(data_dir) / name / SIGNED_NAME
    try:
        return files.read_small(path, MAX_SIGNED_BYTES)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(f"{path} cannot be read: {error.strerror or error}") from error


def installed_packs(data_dir: Path) -> tuple[list[InstalledPack], list[str]]:
    """Every installed pack folder that checks out, and one line for each that does not."""
    base = root(data_dir)
    try:
        folders = sorted(p for p in base.iterdir() if not p.name.startswith("."))
    except FileNotFoundError:
        return [], []
    except OSError as error:
        return [], [f"{base}: the installed packs cannot be read: {error.strerror or error}"]
    if not folders:
        return [], []
    try:
        trusted = trusted_key(data_dir)
    except SignedFileError as error:
        return [], [f"{base}: installed packs not loaded: {error}"]
    found: list[InstalledPack] = []
    problems: list[str] = []
    for folder in folders:
        try:
            found.append(_checked(folder, trusted))
        except (SignedFileError, OSError) as error:
            why = error.strerror if isinstance(error, OSError) and error.strerror else error
            problems.append(f"{folder}: not loaded: {why}")
    return found, problems


def _checked(folder: Path, trusted: Ed25519PublicKey) -> InstalledPack:
    blob = files.read_small(folder / SIGNED_NAME, MAX_SIGNED_BYTES)
    signed = read_signed(blob, trusted)
    if signed.kind != "pack":
        raise SignedFileError("it holds no pack")
    for name, content in signed.contents.items():
        path = folder / name
        try:
            same = not path.is_symlink() and files.read_small(path, len(content)) == content
        except FileNotFoundError:
            raise SignedFileError(f"{name} is missing from it") from None
        except OSError as error:
            if error.errno != errno.EFBIG:
                raise
            same = False
        if not same:
            raise SignedFileError(f"{name} was changed after it was installed")
    return InstalledPack(folder, folder / signed.top)


def folder_of(top: Path, signed: SignedFile) -> Path:
    """The folder a signed file's files were written out in, from its top file's path."""
    folder = top
    for _ in Path(signed.top).parts:
        folder = folder.parent
    return folder
