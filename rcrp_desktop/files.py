"""Files written whole or not at all, owner-only: the one way the app writes a file (and the
bounded way it reads a small one it is handed).

A temporary file beside the target (created 0600), written, flushed and fsynced, renamed over
the target, then the folder fsynced so the rename itself survives a power cut (POSIX; Windows
has no folder handles to sync). On any failure the temporary file is removed and the target is
as it was; one left by a write that was killed is removed by a later write of the same file.
Callers turn the OSError into their own message.
"""

import contextlib
import errno
import glob
import os
import stat
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# A temporary file this old was left by a write that was killed (a write takes seconds): its
# contents, a handover, say, are not left lying in the folder.
STALE_AFTER_S = 3600


def write_atomically(path: Path, data: bytes | Sequence[bytes]) -> None:
    """Replace `path` with `data` (bytes, or parts written one after another) in one step;
    raises OSError with nothing changed. Only a regular file is ever replaced: a device, a
    folder, a FIFO or a link in its place is refused (a rename over /dev/null would have
    replaced the device)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OSError(
            errno.EINVAL, "it is not a regular file (a device, folder or link); choose a file name"
        )
    _remove_stale_parts(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:  # mkstemp made it owner-only (0600)
            file.writelines([data] if isinstance(data, bytes) else data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(path.parent)


def _remove_stale_parts(path: Path) -> None:
    """The temporary files that writes of `path` killed long ago left beside it, removed."""
    cutoff = time.time() - STALE_AFTER_S
    for left in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        with contextlib.suppress(OSError):
            if left.is_file() and not left.is_symlink() and left.stat().st_mtime < cutoff:
                left.unlink()


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable."""
    if sys.platform == "win32":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_small(path: Path, largest: int) -> bytes:
    """A regular file's bytes, `largest` at most. A device, a FIFO or a folder (`/dev/zero`
    would be read for ever) and a larger file raise OSError, saying which."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(errno.EINVAL, "it is not a regular file (a device, a FIFO or a folder)")
    with path.open("rb") as handle:
        data = handle.read(largest + 1)
    if len(data) > largest:
        raise OSError(errno.EFBIG, f"it is larger than {largest:,} bytes")
    return data
