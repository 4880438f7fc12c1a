"""Installing a pack or partner directory the force signed (R25): checked against the force
key this desk trusts, by a person who may; the packs in use are storage/pack_catalogue.py's."""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rcrp_desktop.domain.pack.loader import build
from rcrp_desktop.domain.pack.merge import display_name
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.partners import DirectoryError, parse_directory
from rcrp_desktop.storage import installed_forms
from rcrp_desktop.storage.directory_file import save_local
from rcrp_desktop.storage.pack_catalogue import pack_catalogue, version_key
from rcrp_desktop.storage.signed_forms import SignedFile, SignedFileError, read_signed

if TYPE_CHECKING:
    from rcrp_desktop.calls.gate import Gate

__all__ = ["Installed", "install", "pack_catalogue"]

_DIRECTORY_NAME = re.compile(r"partners/([a-z]+)\.json")


@dataclass(frozen=True)
class Installed:
    """What an install did, as the line to say."""

    kind: str
    line: str
    already: bool = False


def install(data_dir: Path, blob: bytes, forms_root: Path, gate: "Gate | None" = None) -> Installed:
    """Install a signed pack or partner directory, once its signature checks out against the
    force key this desk trusts and the person signed in may (packs.manage, directory.manage).
    Refused (SignedFileError, one line) otherwise: nothing is changed."""
    signed = read_signed(blob, installed_forms.trusted_key(data_dir))
    if gate is not None:
        gate.require("packs.manage" if signed.kind == "pack" else "directory.manage")
    done = (
        _install_pack(data_dir, signed, blob, forms_root)
        if signed.kind == "pack"
        else _install_directory(data_dir, signed)
    )
    if gate is not None and not done.already:
        gate.log(f"{signed.kind} installed", f"{done.line} (signed {signed.signed_utc})")
    return done


def _install_pack(data_dir: Path, signed: SignedFile, blob: bytes, forms_root: Path) -> Installed:
    staged = installed_forms.stage(data_dir, signed)
    try:
        pack, problems = build(staged)
        if pack is None:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            # Named as signed, not by the folder it was written out in to be checked.
            folder = display_name(installed_forms.folder_of(staged, signed)) + os.sep
            first = str(problems[0]).replace(folder, "")
            raise SignedFileError(f"the pack fails its checks: {first}{more}")
        name = f"{pack.id}@{pack.version}"
        if installed_forms.installed_blob(data_dir, name) == blob:
            installed_forms.discard(staged, signed)
            return Installed("pack", f"pack {pack.id} {pack.version} is installed already", True)
        if _already_here(pack, pack_catalogue(forms_root, data_dir)[0]):
            installed_forms.discard(staged, signed)
            return Installed("pack", f"pack {pack.id} {pack.version} is in use already", True)
        installed_forms.place(staged, signed, blob, name)
    except BaseException:
        installed_forms.discard(staged, signed)
        raise
    return Installed("pack", f"pack {pack.id} {pack.version} installed: new calls use it")


def _already_here(pack: Pack, available: list[Pack]) -> bool:
    """Whether the same pack is here already (shipped with the app). A version here with
    other content, or one older than the version in use, is refused: a pack that changes is
    issued under a newer version."""
    for other in available:
        if other.id != pack.id:
            continue
        if other.version == pack.version and other.content_hash != pack.content_hash:
            raise SignedFileError(
                f"pack {pack.id} {pack.version} is here already with other content "
                f"({other.source}): a changed pack is issued under a new version"
            )
        if other.version == pack.version:
            return True
        if not other.archived and version_key(other.version) > version_key(pack.version):
            raise SignedFileError(
                f"pack {pack.id} {pack.version} is older than {other.version}, in use here: "
                "a pack is replaced only by a newer version"
            )
    return False


def _install_directory(data_dir: Path, signed: SignedFile) -> Installed:
    match = _DIRECTORY_NAME.fullmatch(signed.top)
    if match is None or len(signed.contents) != 1:
        raise SignedFileError(f"it holds {signed.top}, not one partner directory")
    try:
        directory = parse_directory(signed.top_bytes, signed.top, ".json")
    except DirectoryError as error:
        raise SignedFileError(
            f"its partner directory does not load: {error.problems[0]}"
        ) from error
    if directory.jurisdiction != match.group(1):
        raise SignedFileError(
            f"{signed.top} holds the {directory.jurisdiction} directory: it is named wrongly"
        )
    save_local(data_dir, directory)
    return Installed(
        "directory",
        f"partner directory for {directory.jurisdiction} installed ({directory.title})",
    )
