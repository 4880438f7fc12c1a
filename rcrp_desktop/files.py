"""Files written whole or not at all, owner-only: the one way the app writes a file.

A temporary file beside the target (created 0600), written, flushed and fsynced, renamed over
the target, then the folder fsynced so the rename itself survives a power cut (POSIX; Windows
has no folder handles to sync). On any failure the temporary file is removed and the target is
as it was. Callers turn the OSError into their own message.
"""

import contextlib
import errno
import os
import sys
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; raises OSError with nothing changed. Only a
    regular file is ever replaced: a device, a folder, a FIFO or a link in its place is
    refused (a rename over /dev/null would have replaced the device)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OSError(
            errno.EINVAL, "it is not a regular file (a device, folder or link); choose a file name"
        )
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:  # mkstemp made it owner-only (0600)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable."""
    if sys.platform == "win32":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
