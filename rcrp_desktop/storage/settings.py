"""The window's settings a person chooses and expects kept (the theme), in the data folder."""

import json
from pathlib import Path

from rcrp_desktop import files
from rcrp_desktop.storage.errors import StorageError

FILE_NAME = "window.json"
THEMES = ("light", "dim")


def load_theme(folder: Path) -> str:
    """The theme chosen last in this data folder ("light" if none, or if the file is bad)."""
    try:
        data = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return THEMES[0]
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if theme in THEMES else THEMES[0]


def save_theme(folder: Path, theme: str) -> None:
    """Keep the theme for next time, written atomically."""
    if theme not in THEMES:
        raise ValueError(f"no theme {theme!r}")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(folder / FILE_NAME, json.dumps({"theme": theme}).encode("utf-8"))
    except OSError as error:
        raise StorageError(
            f"Cannot keep the theme in {folder}: {error.strerror or error}"
        ) from error
