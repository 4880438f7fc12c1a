"""Where a handover may be saved, and saving it whole or not at all."""

from pathlib import Path

from rcrp_desktop import files
from rcrp_desktop.export.errors import ExportError, RequestError


def check_destination(path: Path) -> Path:
    """Where a file may be written: an existing folder, and not itself a folder."""
    target = path.expanduser().absolute()
    if target.is_dir():
        raise RequestError(f"{path} is a folder: give a file name to save the handover as.")
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise RequestError(
            f"{path} is not a regular file (a device or a link): give a file name to save "
            "the handover as. Nothing was written or recorded."
        )
    if not target.parent.is_dir():
        raise RequestError(f"Cannot save the handover: there is no folder {target.parent}.")
    return target


def write_atomically(path: Path, data: bytes) -> None:
    """The file whole or not at all, owner-only (rcrp_desktop/files.py), or ExportError."""
    try:
        files.write_atomically(path, data)
    except OSError as error:
        raise ExportError(
            f"Cannot save the handover as {path}: {error.strerror or error}"
        ) from error
