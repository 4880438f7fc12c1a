"""One copy of the app per data folder: an exclusive lock held while the app runs."""

import os
import stat
import sys
from pathlib import Path
from types import TracebackType

from rcrp_desktop.storage.errors import AlreadyRunningError, StorageError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl


def _made_private(folder: Path) -> str:
    """Take group and other access away from the data folder (it holds records about named
    people); the line saying so, or "" if it was private already."""
    if os.name != "posix":
        return ""
    info = folder.stat()
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o077:
        return ""
    if info.st_uid != os.geteuid():
        # Only its owner may change it: say so, rather than keep records there in silence.
        return (
            f"Warning: the data folder {folder} is open to other users (mode {mode:04o}) and "
            f"belongs to another account, so it cannot be made private here: others may read, "
            "replace or delete the records in it. Ask an administrator to make it yours, 0700."
        )
    folder.chmod(mode & 0o700)
    return (
        f"The data folder {folder} was open to other users (mode {mode:04o}); "
        f"it is now private ({mode & 0o700:04o})."
    )


class InstanceLock:
    """Held for as long as this process owns the data folder; released on exit or crash."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "rcrp-desktop.lock"
        self._handle: int | None = None
        self.notice = ""  # a line to show: what was done to the folder, if anything

    def acquire(self) -> "InstanceLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.notice = _made_private(self.path.parent)
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StorageError(
                f"Cannot use the data folder {self.path.parent}: {error.strerror or error}"
            ) from error
        try:
            if sys.platform == "win32":
                msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = os.read(handle, 32).decode(errors="replace").strip() or "unknown"
            os.close(handle)
            raise AlreadyRunningError(
                f"rcrp-desktop is already running with the data folder {self.path.parent} "
                f"(process {holder}). Switch to that window; two copies must never write "
                "the same records."
            ) from error
        try:
            os.ftruncate(handle, 0)
            os.write(handle, str(os.getpid()).encode())
        except OSError as error:  # a full disk at first start, for one
            os.close(handle)
            raise StorageError(
                f"Cannot use the data folder {self.path.parent}: {error.strerror or error}. "
                "Nothing was written."
            ) from error
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            os.close(self._handle)  # closing drops the lock
            self._handle = None

    def __enter__(self) -> "InstanceLock":
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
