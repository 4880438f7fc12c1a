"""Who is at this desk: the handler's collar number, name and role, kept in the data folder."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from rcrp_desktop import files
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
    """Write atomically (rcrp_desktop/files.py): a crash leaves old or new, never half."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps(asdict(handler), ensure_ascii=False).encode("utf-8")
        files.write_atomically(folder / FILE_NAME, data)
    except OSError as error:
        raise StorageError(
            f"Cannot save the handler details in {folder}: {error.strerror or error}"
        ) from error
