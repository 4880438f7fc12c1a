"""The packs a desk offers and replays: shipped under forms/, and installed with the force's
signature in its data folder (installed_forms.py), each checked again as it is loaded.

A pack id offered for a new call is its newest version here; the older ones stay, as archived
versions do, so the records made on them replay and export exactly.
"""

import dataclasses
import re
from pathlib import Path

from rcrp_desktop.domain.pack.loader import check_paths
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage import installed_forms


def pack_catalogue(forms_root: Path, data_dir: Path | None) -> tuple[list[Pack], list[str]]:
    """Every pack that loads (shipped under `forms_root`; installed in `data_dir`, each
    checked against the force's signature again), and one line per problem. Of the versions
    of one pack id, only the newest is offered for a new call."""
    installed, problems = installed_forms.installed_packs(data_dir) if data_dir else ([], [])
    packs, found = check_paths([forms_root])
    added, found_installed = check_paths([i.top for i in installed])
    shipped = {(p.id, p.version): p for p in packs}
    for pack in added:
        same = shipped.get((pack.id, pack.version))
        if same is None:
            packs.append(pack)
        elif same.content_hash != pack.content_hash:  # installed before the app shipped it
            problems.append(
                f"{pack.source}: not loaded: pack {pack.id} {pack.version} is shipped with "
                "this app with other content, and the shipped one is used"
            )
    problems += [str(problem) for problem in found + found_installed]
    return newest_offered(packs), problems


def newest_offered(packs: list[Pack]) -> list[Pack]:
    """The packs with every version but the newest of each id marked archived."""
    newest: dict[str, tuple[tuple[int, ...], str]] = {}
    for pack in packs:
        if not pack.archived:
            key = (version_key(pack.version), pack.version)
            newest[pack.id] = max(newest.get(pack.id, key), key)
    return [
        dataclasses.replace(pack, archived=True)
        if not pack.archived and newest[pack.id][1] != pack.version
        else pack
        for pack in packs
    ]


def version_key(version: str) -> tuple[int, ...]:
    """A version's numbers in order ("1.10.0" after "1.9.2"); anything else counts as 0."""
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[.+-]", version))


def installed_names(data_dir: Path | None) -> tuple[str, ...]:
    """The installed pack folders' names (a cheap look: what a cache of packs is keyed on)."""
    if data_dir is None:
        return ()
    try:
        return tuple(sorted(p.name for p in installed_forms.root(data_dir).iterdir()))
    except OSError:
        return ()
