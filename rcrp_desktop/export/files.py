"""Files written whole or not at all: a temporary file beside the target, fsync, rename."""

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from rcrp_desktop.export.errors import ExportError, RequestError


def check_destination(path: Path) -> Path:
    """Where a file may be written: an existing folder, and not itself a folder."""
    target = path.expanduser().absolute()
    if target.is_dir():
        raise RequestError(f"{path} is a folder: give a file name to save the handover as.")
    if not target.parent.is_dir():
        raise RequestError(f"Cannot save the handover: there is no folder {target.parent}.")
    return target


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it: all or nothing.

    The file is readable by its owner only (mkstemp's 0600), like the records it comes from.
    """
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as error:
        raise ExportError(
            f"Cannot save the handover in {path.parent}: {error.strerror or error}"
        ) from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise ExportError(
                f"Cannot save the handover as {path}: {error.strerror or error}"
            ) from error
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if sys.platform == "win32":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
