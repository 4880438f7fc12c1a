"""The partner directory as edited at this desk: one JSON file per jurisdiction, saved atomically.

The shipped seeds (`forms/partners/<jurisdiction>.json`) are read-only; the first save writes
`partners-<jurisdiction>.json` into the data folder and that copy wins from then on. A local
copy that cannot be read is reported and never overwritten: `set_aside_local` moves it out of
the way (kept for recovery) so the seed is used again.
"""

import dataclasses
import errno
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from rcrp_desktop import files
from rcrp_desktop.domain.pack.schema import JURISDICTIONS
from rcrp_desktop.domain.partners import (
    Directory,
    DirectoryError,
    from_data,
    load_directory,
    parse_directory,
    to_data,
)
from rcrp_desktop.storage.errors import StorageError


class DirectoryFileError(StorageError):
    """The partner directory could not be read or saved; the message says what to do."""


class CorruptDirectoryError(DirectoryFileError):
    """The local copy is damaged or invalid; it has not been changed."""


def local_path(data_dir: Path, jurisdiction: str) -> Path:
    """Where this jurisdiction's locally edited directory lives in the data folder."""
    _check_jurisdiction(jurisdiction)
    return data_dir / f"partners-{jurisdiction}.json"


def seed_path(seed_dir: Path, jurisdiction: str) -> Path:
    """The shipped directory for a jurisdiction, inside the seed folder (forms/partners)."""
    _check_jurisdiction(jurisdiction)
    return seed_dir / f"{jurisdiction}.json"


def load_seed(seed_dir: Path, jurisdiction: str) -> Directory:
    path = seed_path(seed_dir, jurisdiction)
    try:
        directory = load_directory(path)
    except DirectoryError as error:
        raise DirectoryFileError(
            f"The shipped partner directory could not be loaded. Reinstall the app or tell "
            f"your supervisor.\n{error}"
        ) from error
    if directory.jurisdiction != jurisdiction:
        raise DirectoryFileError(
            f"The shipped partner directory {path} is for '{directory.jurisdiction}', "
            f"not '{jurisdiction}'. Reinstall the app or tell your supervisor."
        )
    return directory


def load_local(data_dir: Path, jurisdiction: str, seed_dir: Path) -> Directory:
    """The locally edited directory, or the shipped seed when there is no local copy yet."""
    path = local_path(data_dir, jurisdiction)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return load_seed(seed_dir, jurisdiction)
    except OSError as error:
        raise DirectoryFileError(
            f"The partner directory {path} cannot be read ({error.strerror or error}). "
            "Check the file's permissions, then try again."
        ) from error
    try:
        directory = parse_directory(raw, str(path), ".json")
    except DirectoryError as error:
        raise CorruptDirectoryError(_corrupt_message(path, error.problems)) from error
    if directory.jurisdiction != jurisdiction:
        raise CorruptDirectoryError(
            _corrupt_message(path, [f"it holds the '{directory.jurisdiction}' directory"])
        )
    return directory


def save_local(data_dir: Path, directory: Directory) -> Directory:
    """Write the directory as the local copy, stamped with the time of this edit.

    Returns the directory as saved. Raises DirectoryError (before touching the disk) if the
    directory would not load again, CorruptDirectoryError if an unreadable local copy is in
    the way, and DirectoryFileError if the write fails, in which case the old copy is intact.
    """
    edited = datetime.now(UTC).isoformat(timespec="seconds")
    stamped = dataclasses.replace(directory, edited=edited)
    data = to_data(stamped)
    from_data(data, "the edited partner directory")
    path = local_path(data_dir, stamped.jurisdiction)
    _refuse_to_overwrite_corrupt(path)
    payload = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    _write_atomic(path, payload)
    return dataclasses.replace(stamped, source=str(path))


def set_aside_local(data_dir: Path, jurisdiction: str) -> Path | None:
    """Move a (damaged) local copy aside, keeping it; returns where it went, None if absent."""
    path = local_path(data_dir, jurisdiction)
    if not path.exists():
        return None
    when = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.set-aside-{when}{path.suffix}")
    try:
        os.replace(path, target)
    except OSError as error:
        raise DirectoryFileError(
            f"The partner directory {path} could not be moved aside "
            f"({error.strerror or error}). It has not been changed."
        ) from error
    return target


def _check_jurisdiction(jurisdiction: str) -> None:
    if jurisdiction not in JURISDICTIONS:
        raise DirectoryFileError(
            f"There is no partner directory for '{jurisdiction}' "
            f"(jurisdictions: {', '.join(JURISDICTIONS)})."
        )


def _corrupt_message(path: Path, problems: list[str]) -> str:
    found = "\n".join(f"  {problem}" for problem in problems)
    return (
        f"The locally edited partner directory {path} is damaged or invalid. It has not been "
        f"changed. Ask your supervisor to correct it, or set it aside to go back to the "
        f"shipped directory (the damaged copy is kept).\n{found}"
    )


def _refuse_to_overwrite_corrupt(path: Path) -> None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError as error:
        raise DirectoryFileError(
            f"The partner directory {path} cannot be read ({error.strerror or error}), so it "
            "was not overwritten. Nothing was saved."
        ) from error
    try:
        parse_directory(raw, str(path), ".json")
    except DirectoryError as error:
        raise CorruptDirectoryError(
            "Nothing was saved. " + _corrupt_message(path, error.problems)
        ) from error


def _write_atomic(path: Path, payload: bytes) -> None:
    """The copy whole or not at all, owner-only, in an owner-only folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(path, payload)
    except OSError as error:
        raise _save_failed(path, error) from error


def _save_failed(path: Path, error: OSError) -> DirectoryFileError:
    reason = "the disk is full" if error.errno == errno.ENOSPC else error.strerror or str(error)
    return DirectoryFileError(
        f"The partner directory could not be saved to {path} ({reason}). Nothing was "
        "changed: the previous copy is intact."
    )
