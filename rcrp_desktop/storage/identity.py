"""Who is at this desk: the handler's collar number, name and role, kept in the data folder."""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from rcrp_desktop.storage.errors import StorageError

FILE_NAME = "handler.json"
ROLES = ("call handler", "supervisor", "trainer", "station officer")


@dataclass(frozen=True)
class Handler:
    """The person every event is stamped with."""

    collar: str
    name: str
    role: str

    def stamp(self) -> str:
        return f"{self.collar} {self.name} ({self.role})"


def load_handler(folder: Path) -> Handler | None:
    """The handler saved in this data folder, or None when nobody has been set up yet."""
    path = folder / FILE_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        handler = Handler(str(data["collar"]), str(data["name"]), str(data["role"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StorageError(
            f"The handler details in {path} cannot be read ({error}); they will be asked for again."
        ) from error
    return handler if handler.collar.strip() and handler.name.strip() else None


def save_handler(folder: Path, handler: Handler) -> None:
    """Write atomically (temporary file, fsync, rename): a crash leaves old or new, never half."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path, temporary = folder / FILE_NAME, folder / (FILE_NAME + ".tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(handler), handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise StorageError(
            f"Cannot save the handler details in {folder}: {error.strerror or error}"
        ) from error
