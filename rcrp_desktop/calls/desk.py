"""The desk: who is at the keyboard, the force's partner directory as this PC keeps it, and
the window's theme.

The handler's identity and the edited directory are files in the data folder; the window reads
and saves them through here.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from rcrp_desktop import paths
from rcrp_desktop.domain.partners import Directory, DirectoryError, load_directory
from rcrp_desktop.storage.directory_file import load_local, save_local
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.identity import ROLES, Handler, load_handler, save_handler
from rcrp_desktop.storage.settings import THEMES, load_theme, save_theme

if TYPE_CHECKING:
    from rcrp_desktop.calls.gate import Gate

__all__ = [
    "ROLES",
    "THEMES",
    "Handler",
    "load_handler",
    "load_theme",
    "may_edit_directory",
    "partner_directory",
    "save_directory",
    "save_handler",
    "save_theme",
]


def partner_directory(data_dir: Path | None, jurisdiction: str) -> tuple[Directory, str]:
    """The force's partner directory: the local edited copy, else the shipped seed; and a line
    saying why the local copy could not be used ("" when it could, or there is none)."""
    seeds = paths.forms_dir() / "partners"
    if data_dir is not None:
        try:
            return load_local(data_dir, jurisdiction, seeds), ""
        except (StorageError, DirectoryError) as error:
            return load_directory(seeds / f"{jurisdiction}.json"), f"Partner directory: {error}"
    return load_directory(seeds / f"{jurisdiction}.json"), ""


def may_edit_directory(gate: "Gate | None") -> None:
    """Refused (NotPermittedError, logged) unless the person signed in may edit the partner
    directory; nobody signed in (a folder without accounts) is not refused."""
    if gate is not None:
        gate.require("directory.manage")


def save_directory(data_dir: Path, directory: Directory, gate: "Gate | None" = None) -> Directory:
    """Save the edited directory in the data folder, whole or not at all; the saved copy.
    Asked of the person signed in first, and logged as theirs."""
    may_edit_directory(gate)
    saved = save_local(data_dir, directory)
    if gate is not None:
        gate.log("partner directory changed", directory.title)
    return saved
