"""Kill -9 the file commands (`backup`, `restore`, `export`) at any moment, then check the files.

Does: a helper process (`kill_child`) loads the app once and runs each command line in a fresh
process forked from it, exactly as `python -m rcrp_desktop ...` runs it once Python is up. The
command is killed with SIGKILL either after a random delay (between 0 and the time the same
command took unkilled, measured first) or straight after its N-th change to the file system
(created, linked, renamed, replaced or removed), for every N in turn, so each state between two
steps is reached on purpose. After every kill the files are checked as they were left, then
the same command is run again, unkilled, and checked again. The store is realistic: a few
hundred generated records (bench/generate.py) plus real England calls recorded through the
recorder.

Must hold, after every kill:
- backup: the records database is byte for byte what it was (so it still verifies, every
  record there); the backup's final name is absent, or holds the whole backup (byte for byte
  the reference backup, which verifies; killed between naming it and dropping its temporary
  name, it has that name too); nothing else is left but the hidden temporary file (and its
  journal), owner-only; run again, it writes the backup (or, over a whole one, refuses without
  touching it but drops the leftover temporary name) and nothing is left but the backup;
- restore: the database's name holds the old database with its write-ahead log exactly as they
  were, or the restored one (byte for byte the backup, no log), or - stopped between setting
  the old files aside and putting the copy in place - the old database with a second name, kept
  aside, which the app refuses to open, so it is never read without its log; never nothing and
  never a mix; every byte of the old database and its log is still in the folder; run again,
  restore succeeds, says what it set aside and leaves the backup in place;
- export: the output is absent, or a whole PDF (pypdf reads every page) whose printed anchors
  match the record; never a cut file under the final name; the record verifies, and every
  export it lists is whole; run again, the export is written and recorded with the file's hash;
- and no file anyone but the owner may read is left, ever.

Byte-for-byte equality with a reference file that was opened as the app opens it and verified
stands for verifying again: the same bytes verify the same way.

The kill moments are random: each run draws a base seed (set KILL_SEED to choose one), and
every problem names the round's seed and kill moment. The same seed gives the same delays; the
child's speed varies, so a replay is close, not exact.
"""

import hashlib
import json
import os
import random
import re
import select
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.export.anchors import read_anchors
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import check_anchors, verify
from tests.storage import crash_child as calls

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="kills the commands with SIGKILL, which Windows does not have"
)

BASE_SEED = os.environ.get("KILL_SEED") or os.urandom(6).hex()
QUICK_EVENTS, LONG_EVENTS = 2_000, 20_000  # generated events in the store (about 40 a record)
QUICK_RANDOM_KILLS = 1  # a command, besides one kill after each of its file system steps
LONG_RANDOM_KILLS = 30
EXPORT_EVENTS = 2_000  # the export's store: the export reads one record, verify reads all
ANSWER_TIMEOUT_S = 60
DB = "records.sqlite3"
BY = "PC 0000 Kill Test"
RECIPIENT = "ambulance"


# --- the store -------------------------------------------------------------------------------


def sha(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def side(path: Path, end: str) -> Path:
    return path.with_name(f"{path.name}-{end}")


def copy(source: Path, target: Path) -> None:
    """A copy, owner-only like every file the app makes (so any file open to others is not
    this test's)."""
    shutil.copyfile(source, target)
    target.chmod(0o600)


def filled(path: Path) -> bool:
    """A file that exists and is not empty (an empty `-wal` is no log at all)."""
    return path.exists() and path.stat().st_size > 0


def add_call(store: Store, index: int) -> int:
    """A real England call, answered to the end and closed, as a handler would: its id."""
    recorder = CallRecorder.start(
        store, calls.england(), incident_ref=calls.incident_ref(index), user=calls.HANDLER
    )
    calls.finish_call(recorder, index, acked=False)
    return recorder.record_id


def opened_as_app(files: dict[str, Path], scratch: Path) -> tuple[int, int, list[str]]:
    """A copy of a database (and its log) opened for writing as the app opens it, then verified:
    its record and event counts and every fault (a refusal to open is a fault)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(mode=0o700)
    for name, source in files.items():
        copy(source, scratch / name)
    try:
        store = Store.open(scratch / DB, "live", create=False)
    except Exception as error:
        return 0, 0, [f"the app does not open it: {error}"]
    try:
        faults = [str(fault) for fault in verify(store)]
        records = len(store.record_rows())
        events = int(store.db.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        store.close()
    return records, events, faults


@dataclass(frozen=True)
class World:
    """The files every round starts from, each checked once, as the app opens it."""

    folder: Path
    base: Path  # the store: generated records and one real call (`call`)
    call: int
    backup: Path  # a backup of `base` made by the app (any other is byte for byte the same)
    old: Path  # what a restore replaces: `base` plus one more real call, still in its log
    old_log: Path  # ... that log, not yet written into `old` (the app was stopped mid-way)
    small: Path  # the export's store: fewer generated records and one real call (`call`)

    @property
    def old_files(self) -> dict[str, Path]:
        return {DB: self.old, f"{DB}-wal": self.old_log}


def make_world(folder: Path, events: int) -> World:
    folder.mkdir(mode=0o700)
    base, small = folder / "base" / DB, folder / "small" / DB
    for path, count in ((base, events), (small, EXPORT_EVENTS)):
        path.parent.mkdir(mode=0o700)
        generate(path, count, per_record=40)
        store = Store.open(path, "live", create=False)
        try:
            call = add_call(store, 0)
        finally:
            store.close()  # the last connection: the log is written into the file
    backup = folder / "backup.sqlite3"
    store = Store.open(base, "live", create=False, readonly=True)
    try:
        store.backup(backup)
    finally:
        store.close()
    old = folder / "old" / DB
    old.parent.mkdir(mode=0o700)
    live = folder / "live" / DB
    live.parent.mkdir(mode=0o700)
    copy(base, live)
    store = Store.open(live, "live", create=False)
    try:
        store.db.execute("PRAGMA wal_autocheckpoint = 0")  # the call stays in the log
        add_call(store, 1)
        expected = (
            len(store.record_rows()),
            int(store.db.execute("SELECT count(*) FROM events").fetchone()[0]),
            [],
        )
        copy(live, old)  # as a kill of the app would leave them
        copy(side(live, "wal"), side(old, "wal"))
    finally:
        store.close()
    world = World(folder, base, call, backup, old, side(old, "wal"), small)
    check = folder / "check"
    assert opened_as_app({DB: base}, check)[2] == []
    assert opened_as_app({DB: backup}, check)[2] == []
    assert filled(world.old_log), "the old database's log is empty: nothing to lose"
    assert opened_as_app(world.old_files, check) == expected
    assert opened_as_app({DB: small}, check)[2] == []
    return world


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], World]:
    made: dict[int, World] = {}

    def world(events: int) -> World:
        if events not in made:
            made[events] = make_world(tmp_path_factory.mktemp("kill") / "world", events)
        return made[events]

    return world


# --- the commands, killed --------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    killed: bool
    code: int | None
    ms: float
    steps: list[float] | None  # when each file system step was made (ms), if it finished
    output: str


class Commands:
    """The helper process that forks each command line and kills it when asked."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.errors = folder / "kill_child.stderr"
        self.runs = 0
        with self.errors.open("wb") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-u", "-m", "tests.storage.kill_child"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                cwd=calls.REPO_ROOT,
                text=True,
            )
        assert "ready" in self._answer(), "the helper did not start"

    def run(
        self, args: list[str], *, kill_ms: float | None = None, kill_after: int | None = None
    ) -> Outcome:
        self.runs += 1
        output = self.folder / f"run-{self.runs}.out"
        request = {
            "args": [str(arg) for arg in args],
            "output": str(output),
            "kill_ms": kill_ms,
            "kill_after": kill_after,
        }
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        text = output.read_text(errors="replace") if output.exists() else ""
        output.unlink(missing_ok=True)
        return Outcome(answer["killed"], answer["code"], answer["ms"], answer["steps"], text)

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], ANSWER_TIMEOUT_S)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise AssertionError(
                "the helper stopped answering: " + self.errors.read_text(errors="replace")[-2000:]
            )
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Commands]:
    """One helper for the module's tests: the app is loaded once."""
    commands = Commands(tmp_path_factory.mktemp("runs"))
    try:
        yield commands
    finally:
        commands.close()


# --- the rounds ------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the kills of one command did, and every problem found."""

    problems: list[str] = field(default_factory=list)
    kills: int = 0  # rounds whose command was killed before it finished
    rounds: int = 0
    states: dict[str, int] = field(default_factory=dict)  # what each kill left, counted
    ms: float = 0.0  # how long the command takes unkilled
    steps: int = 0  # how many changes to the file system it makes through `os`, unkilled
    writing_ms: float = 0.0  # ... and when it makes the last one

    def saw(self, state: str) -> None:
        self.states[state] = self.states.get(state, 0) + 1


def exposed(*folders: Path) -> list[str]:
    """Every file in the folders that a user other than the owner may read or write."""
    return [
        f"{path} is open to others (mode {stat.S_IMODE(path.stat().st_mode):04o})"
        for folder in folders
        for path in sorted(folder.iterdir())
        if path.is_file() and path.stat().st_mode & 0o077
    ]


def soak(
    runner: Commands,
    tally: Tally,
    seed: str,
    random_kills: int,
    one_round: Callable[[int, dict[str, Any]], list[str]],
) -> None:
    """A kill after each of the command's file system steps in turn, then `random_kills` kills
    at random moments: half of them while it runs (0 to its time unkilled), half while it
    writes files (0 to its last file system step: checking before and after takes longer than
    writing, but a kill while writing is what is tried here); `one_round(number, kill)` runs
    and checks one round."""
    kills: list[tuple[str, dict[str, Any]]] = [
        (f"killed after file system step {step}", {"kill_after": step})
        for step in range(1, tally.steps + 1)
    ]
    for number in range(len(kills), len(kills) + random_kills):
        round_seed = f"{seed}/{number}"
        delay = random.Random(round_seed).uniform(0, (tally.ms, tally.writing_ms)[number % 2])
        kills.append(
            (f"seed {round_seed!r}, killed {delay:.1f} ms after it started", {"kill_ms": delay})
        )
    for number, (how, kill) in enumerate(kills):
        found = one_round(number, kill)
        tally.problems += [f"round {number} ({how}): {problem}" for problem in found]


def timed(tally: Tally, outcome: Outcome) -> None:
    """The command's time and file system steps, unkilled."""
    assert outcome.code == 0 and outcome.steps, outcome.output
    tally.ms, tally.steps, tally.writing_ms = outcome.ms, len(outcome.steps), outcome.steps[-1]


def ran(tally: Tally, outcome: Outcome, wanted: str) -> list[str]:
    """Count how a killed run ended; a run that finished must have done what it should."""
    tally.rounds += 1
    if outcome.killed:
        tally.kills += 1
        return []
    tally.saw("finished")
    if outcome.code == 0 and wanted in outcome.output:
        return []
    return [f"it finished unkilled but failed (exit {outcome.code}): {outcome.output[-500:]}"]


# backup


def backup_rounds(runner: Commands, world: World, folder: Path, seed: str, kills: int) -> Tally:
    data, out = folder / "data", folder / "out"
    data.mkdir(mode=0o700, parents=True)
    out.mkdir()  # readable by others: what is written in it must not be
    copy(world.base, data / DB)
    want, live = sha(world.backup), sha(world.base)
    tally = Tally()
    timed(tally, runner.run(["--data-dir", data, "backup", out / "timing.sqlite3"]))
    assert sha(out / "timing.sqlite3") == want, "a backup is not byte for byte the reference"
    for path in out.iterdir():
        path.unlink()

    def one_round(number: int, kill: dict[str, Any]) -> list[str]:
        target = out / f"backup-{number}.sqlite3"
        partial = target.with_name(f".{target.name}.partial")
        args: list[Any] = ["--data-dir", data, "backup", target]
        problems = ran(tally, runner.run(args, **kill), "ok: backup written")
        problems += exposed(data, out)
        if sha(data / DB) != live or filled(side(data / DB, "wal")):
            problems.append("the records database changed")
        whole = target.exists()
        if whole:
            if sha(target) != want:
                problems.append("the backup's final name holds a cut or different file")
            if target.stat().st_nlink > 1 and not (partial.exists() and partial.samefile(target)):
                problems.append("the backup has another name besides its temporary one")
            tally.saw("backup whole" if target.stat().st_nlink == 1 else "backup, second name")
        else:
            tally.saw("no backup" if not partial.exists() else "no backup, temporary file")
        allowed = {
            target,
            side(target, "wal"),
            side(target, "shm"),
            partial,
            side(partial, "journal"),
        }
        problems += [f"{path.name} is left" for path in out.iterdir() if path not in allowed]
        again = runner.run(args)
        if whole:
            if again.code != 1 or "already exists" not in again.output:
                problems.append(f"run again over a whole backup: {again.output[-300:]}")
        elif again.code != 0 or "ok: backup written" not in again.output:
            problems.append(f"run again, the backup failed: {again.output[-300:]}")
        if not target.exists() or sha(target) != want or target.stat().st_nlink != 1:
            problems.append("run again, the backup is not whole, or has another name")
        left = {path.name for path in out.iterdir()} - {
            target.name,
            side(target, "wal").name,
            side(target, "shm").name,
        }
        if left:
            problems.append(f"run again, still left beside the backup: {sorted(left)}")
        problems += exposed(data, out)
        for path in out.iterdir():
            path.unlink()
        return problems

    soak(runner, tally, seed, kills, one_round)
    return tally


# restore


def restore_rounds(runner: Commands, world: World, folder: Path, seed: str, kills: int) -> Tally:
    data = folder / "data"
    backup = folder / "backup.sqlite3"
    copy(world.backup, backup)
    new, old, old_log = sha(world.backup), sha(world.old), sha(world.old_log)
    tally = Tally()

    def fresh() -> None:
        """The data folder as a stopped app left it: the database and a log not yet merged."""
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(mode=0o700)
        for name, source in world.old_files.items():
            copy(source, data / name)

    args: list[Any] = ["--data-dir", data, "restore", backup]
    fresh()
    timed(tally, runner.run(args))
    assert sha(data / DB) == new, "the restored database is not the backup"

    def one_round(number: int, kill: dict[str, Any]) -> list[str]:
        fresh()
        problems = ran(tally, runner.run(args, **kill), "restored from")
        problems += exposed(data)
        state, found = left_by_restore(data, new, old, old_log)
        tally.saw(state)
        problems += found
        again = runner.run(args)
        if again.code != 0 or "ok:" not in again.output or "restored from" not in again.output:
            problems.append(f"run again, restore failed: {again.output[-500:]}")
        for line in re.findall(r"set aside \(kept\): (.+)", again.output):
            if not Path(line).exists():
                problems.append(f"run again, it says it kept {line}, which is not there")
        database = data / DB
        if not database.exists() or sha(database) != new or database.stat().st_nlink != 1:
            problems.append("run again, the database is not the backup, alone")
        if filled(side(database, "wal")):
            problems.append("run again, the restored database has a log beside it")
        problems += [f"run again, {p}" for p in kept_everything(data, old, old_log)]
        if (data / f".{DB}.restoring").exists():
            problems.append("run again, the temporary copy is left")
        problems += exposed(data)
        return problems

    soak(runner, tally, seed, kills, one_round)
    return tally


def left_by_restore(data: Path, new: str, old: str, old_log: str) -> tuple[str, list[str]]:
    """What a stopped restore left under the database's name, and what is wrong with it."""
    database, log = data / DB, side(data / DB, "wal")
    problems = kept_everything(data, old, old_log)
    if not database.exists():
        return "nothing", [*problems, "there is no database: the old one is gone, no new one"]
    now, names = sha(database), database.stat().st_nlink
    if now == new and names == 1:
        if filled(log):
            problems.append("the restored database has a log beside it (a mix)")
        return "restored", problems
    if now != old:
        return "other", [*problems, "the database is neither the old one nor the backup"]
    if names == 1:  # the old database, as the app will open it: with its log, exactly
        if not log.exists() or sha(log) != old_log:
            problems.append("the old database is there without its own log (a mix)")
        return "old", problems
    kept = [p for p in data.iterdir() if p != database and p.is_file() and p.samefile(database)]
    if not kept or not all(".damaged-" in path.name for path in kept):
        problems.append("the old database has another name, not one setting it aside")
    refusal = opened_refused(database)
    if "other name" not in refusal:
        problems.append(f"the old database, set aside halfway, is not refused: {refusal}")
    return "old, halfway set aside (refused)", problems


def opened_refused(database: Path) -> str:
    """Why the app refuses to open the database as it is ("" if it opens it)."""
    try:
        Store.open(database, "live", create=False, readonly=True).close()
    except Exception as error:
        return str(error)
    return ""


def kept_everything(data: Path, old: str, old_log: str) -> list[str]:
    """Every byte of the old database and of its log is still in the folder, by some name."""
    held = {sha(path) for path in data.iterdir() if path.is_file()}
    return [
        f"the old {what} is gone from the folder"
        for what, digest in (("database", old), ("log", old_log))
        if digest not in held
    ]


# export


def export_rounds(runner: Commands, world: World, folder: Path, seed: str, kills: int) -> Tally:
    data, out = folder / "data", folder / "out"
    data.mkdir(mode=0o700, parents=True)
    out.mkdir()
    copy(world.small, data / DB)
    handover = out / "handover.pdf"
    args: list[Any] = ["--data-dir", data, "export", world.call, "--recipient", RECIPIENT]
    args += ["--out", handover, "--by", BY]
    tally = Tally()
    timed(tally, runner.run(args))  # the handover every later round is killed writing over
    records = opened_as_app({DB: data / DB}, folder / "check")[0]

    def one_round(number: int, kill: dict[str, Any]) -> list[str]:
        before = sha(handover)
        problems = ran(tally, runner.run(args, **kill), "exported:")
        problems += exposed(data, out)
        found, recorded = exported_state(data, folder / "check", records, world.call)
        problems += found
        if handover.exists():
            problems += whole_handover(handover, data, folder / "check", world.call)
            digest = sha(handover)
            if digest not in recorded:
                tally.saw("written, not yet recorded")
            else:
                tally.saw("unchanged" if digest == before else "written and recorded")
        else:
            problems.append("the handover written before is gone")
        temporary = re.compile(rf"\.{re.escape(handover.name)}\..+\.part")
        for path in out.iterdir():
            if path != handover and not temporary.fullmatch(path.name):
                problems.append(f"{path.name} is left")
            elif path != handover:
                tally.saw("temporary file left")
        again = runner.run(args)
        said = re.search(r"sha256 ([0-9a-f]{64}); recorded as event (\d+)", again.output)
        if again.code != 0 or said is None:
            problems.append(f"run again, the export failed: {again.output[-500:]}")
        elif sha(handover) != said[1]:
            problems.append("run again, the file is not the one recorded")
        else:
            found, recorded = exported_state(data, folder / "check", records, world.call)
            problems += [f"run again, {problem}" for problem in found]
            if recorded[-1:] != [said[1]]:
                problems.append("run again, the export recorded last is not this file")
        problems += exposed(data, out)
        for path in out.iterdir():
            if path != handover:
                path.unlink()  # a temporary file of a killed export: checked above
        return problems

    soak(runner, tally, seed, kills, one_round)
    return tally


def exported_state(
    data: Path, scratch: Path, records: int, call: int
) -> tuple[list[str], list[str]]:
    """The record as the app would open it now: problems, and the hashes of its exports."""
    files = {name: data / name for name in (DB, f"{DB}-wal") if (data / name).exists()}
    count, _, faults = opened_as_app(files, scratch)
    problems = [f"the records do not verify: {fault}" for fault in faults]
    if not faults and count != records:
        problems.append(f"{count} records, not {records}")
    store = Store.open(scratch / DB, "live", create=False, readonly=True)
    try:
        recorded = [
            str(event.payload.get("sha256"))
            for event in store.events(call)
            if event.kind == "exported"
        ]
    finally:
        store.close()
    return problems, recorded


def whole_handover(path: Path, data: Path, scratch: Path, call: int) -> list[str]:
    """A whole PDF, read to its last page, whose printed anchors the record still matches."""
    with path.open("rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, path.stat().st_size - 1024))
        tail = handle.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        return ["the handover under its final name is cut short (no PDF start or end)"]
    try:
        anchors = read_anchors(path)
    except ExportError as error:
        return [f"the handover under its final name cannot be read: {error}"]
    if not any(anchor.record_id == call for anchor in anchors):
        return ["the handover prints no anchor of its record"]
    store = Store.open(scratch / DB, "live", create=False, readonly=True)
    try:
        faults = check_anchors(store, [(a.record_id, a.seq, a.digest, a.source) for a in anchors])
    finally:
        store.close()
    return [f"the handover's anchor does not match the record: {fault}" for fault in faults]


# --- the tests -------------------------------------------------------------------------------

ROUNDS = {"backup": backup_rounds, "restore": restore_rounds, "export": export_rounds}
STATES = {  # what the kills after each file system step must reach (random kills add more)
    "backup": {"no backup, temporary file", "backup, second name", "backup whole"},
    "restore": {"old", "old, halfway set aside (refused)", "restored"},
    "export": {"unchanged", "written, not yet recorded"},
}


def _report(command: str, tally: Tally) -> str:
    shown = "\n".join(tally.problems[:20])
    more = f"\n... and {len(tally.problems) - 20} more" if len(tally.problems) > 20 else ""
    return (
        f"{command}: {len(tally.problems)} problem(s) in {tally.rounds} round(s); rerun with "
        f"KILL_SEED={BASE_SEED}\n{shown}{more}"
    )


def _kill_files(
    runner: Commands, folder: Path, world: World, command: str, random_kills: int, seed: str
) -> Tally:
    folder = folder / command
    folder.mkdir()
    tally = ROUNDS[command](runner, world, folder, seed, random_kills)
    print(
        f"{command}: {tally.kills} kills in {tally.rounds} rounds ({tally.ms:.0f} ms each "
        f"unkilled); left: {tally.states}"
    )
    assert tally.problems == [], _report(command, tally)
    missing = STATES[command] - set(tally.states)
    assert not missing, f"{command}: no kill left {missing}; left {tally.states}"
    return tally


@pytest.mark.parametrize("command", ["backup", "restore", "export"])
def test_kill_files_quick(
    tmp_path: Path, worlds: Callable[[int], World], runner: Commands, command: str
) -> None:
    """Does: a kill after each file system step of the command, and one at random, on a store
    of 2,000 events. Must hold: everything in the module's docstring, after every kill."""
    seed = f"{BASE_SEED}/quick/{command}"
    tally = _kill_files(runner, tmp_path, worlds(QUICK_EVENTS), command, QUICK_RANDOM_KILLS, seed)
    assert tally.kills >= 3


@pytest.mark.long
@pytest.mark.parametrize("command", ["backup", "restore", "export"])
def test_kill_files_soak(
    tmp_path: Path, worlds: Callable[[int], World], runner: Commands, command: str
) -> None:
    """Does: a kill after each file system step, then 30 at random moments, on a store of
    20,000 events. Must hold: as the quick test, after every kill."""
    seed = f"{BASE_SEED}/soak/{command}"
    tally = _kill_files(runner, tmp_path, worlds(LONG_EVENTS), command, LONG_RANDOM_KILLS, seed)
    assert tally.kills >= LONG_RANDOM_KILLS * 2 // 3, f"most runs ended before the kill: {tally}"
