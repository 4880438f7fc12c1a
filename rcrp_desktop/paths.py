"""Where things live: bundled forms and resources, and the user's data folder."""

import os
import sys
from pathlib import Path

import rcrp_desktop

DATA_DIR_ENV = "RCRP_DATA_DIR"


def source_root() -> Path:
    """The folder holding forms/ and resources/ (the checkout, or a frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(rcrp_desktop.__file__).resolve().parent.parent


def forms_dir() -> Path:
    return source_root() / "forms"


def resources_dir() -> Path:
    return source_root() / "resources"


def examples_dir() -> Path:
    return forms_dir() / "examples"


def data_dir(override: str | None = None) -> Path:
    """The per-user local (non-roaming) data folder; --data-dir and RCRP_DATA_DIR win."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / rcrp_desktop.APP_NAME
