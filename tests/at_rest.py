"""A data folder at rest with a few synthetic calls, and a snapshot of every byte in it.

At rest: the database closed, nothing beside it. The read-only tests open it and check it
untouched.
"""

import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.records import Mode
from rcrp_desktop.storage.repository import Store

HANDLER = "PC 4821 Sam Example"
SCRIPT = load_script(examples_dir() / "welfare-crisis-team.json")


@dataclass(frozen=True)
class Calls:
    """The records made: one answered to its recommendation (not decided), one just begun."""

    database: Path
    finished: int
    begun: int


def record_calls(folder: Path, pack: Pack, mode: Mode = "live") -> Calls:
    """Two calls in the folder's database, which is then closed: only the file is left."""
    path = database_path(folder, mode)
    store = Store.open(path, mode)
    try:
        finished = CallRecorder.start(store, pack, incident_ref="INC-RO-1", user=HANDLER)
        for step in SCRIPT.steps:
            if step.reason:
                finished.change(step.node, step.answer, step.rationale, step.reason)
            else:
                finished.answer(step.node, step.answer, step.rationale)
        begun = CallRecorder.start(store, pack, incident_ref="INC-RO-2", user=HANDLER)
        begun.answer(SCRIPT.steps[0].node, SCRIPT.steps[0].answer, SCRIPT.steps[0].rationale)
    finally:
        store.close()
    return Calls(path, finished.record_id, begun.record_id)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int, str]]:
    """The folder's own mode and time, and each entry in it: mode, size, time, SHA-256."""
    info = folder.lstat()
    found = {".": (info.st_mode, 0, info.st_mtime_ns, "")}
    for entry in sorted(folder.iterdir()):
        info = entry.lstat()
        digest = ""
        if stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(entry.read_bytes()).hexdigest()
        found[entry.name] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return found
