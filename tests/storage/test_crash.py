"""Crash consistency (RELIABILITY.md D1): kill -9 the writer at random moments, then check.

Does: a child process (`crash_child`) answers long scripted calls through the real recorder and
store, printing an acknowledgement after each commit. The parent kills it with SIGKILL at a
random moment, then restarts it on the same database file, again and again (so every round
also recovers the WAL the previous kill left behind).

Must hold, after every kill (`check_database` returns what does not):
- every acknowledged event is present with the same seq and hash, and acknowledged answers
  with the same node, value and rationale, whenever they were acknowledged;
- `verify` finds nothing (integrity, foreign keys, contiguous seq, hash chain, status);
- each record holds whole steps only: its events are exactly the first k transactions of its
  call's plan, byte for byte; nothing unacknowledged is partly present;
- every record resumes, to the state the engine reaches after those k steps (which equals a
  replay of its stored engine events), and so holds every acknowledged answer;
- the killed writer's instance lock is free again.

And the harness can fail: a writer that acknowledges before it commits is caught.

The kill moments are random; each run draws a new base seed (set CRASH_SEED to choose one) and
every problem names the round's seed and kill delay. Rerunning with the same seed kills at the
same delays, but the child's speed varies, so the replay is approximate, not exact.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rcrp_desktop.calls.recorder import COMMAND_KEY, CallRecorder
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.errors import AnswerError
from rcrp_desktop.storage.chain import canonical
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.records import ENGINE_KINDS
from rcrp_desktop.storage.repository import NewEvent, Store, StoredEvent
from rcrp_desktop.storage.verify import verify
from tests.storage import crash_child as child

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="kills the writer with SIGKILL, which Windows does not have"
)

READY_TIMEOUT_S = 30
EXIT_TIMEOUT_S = 10
KILL_AFTER_READY_MS = (20, 300)  # the window in which a round's kill lands, after "ready"
EARLY_KILL_EVERY = 6  # about one round in 6 kills during start-up: lock, open, WAL recovery
EARLY_KILL_MS = (0, 40)  # after "starting"; opening takes about 20 ms, then the first writes
QUICK_ROUNDS = 12
LONG_CHAINS, LONG_ROUNDS = 8, 25  # 200 kills; each chain grows its own database
ENCRYPTED_CHAINS = 2  # and 50 more on encrypted ones
ENCRYPTED_KEY = bytes(range(100, 132))
BROKEN_MAX_ROUNDS = 10

BASE_SEED = os.environ.get("CRASH_SEED") or os.urandom(6).hex()


@dataclass
class Ack:
    """One acknowledged event, as the child reported it after (it says) the commit."""

    record: int
    seq: int
    hash: str
    kind: str
    fields: dict[str, Any]  # node, value, rationale for engine events

    @classmethod
    def parse(cls, line: dict[str, Any]) -> "Ack":
        fields = {key: line[key] for key in ("node", "value", "rationale") if key in line}
        return cls(int(line["record"]), int(line["seq"]), str(line["hash"]), line["kind"], fields)


@dataclass
class Round:
    """What one child run acknowledged, and how it ended."""

    acks: list[Ack] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    starting: threading.Event = field(default_factory=threading.Event)
    ready: threading.Event = field(default_factory=threading.Event)
    kill: str = "not killed"  # when the kill was sent, for the report


@dataclass
class Harness:
    """A database killed into again and again; everything acknowledged into it so far."""

    db_path: Path
    key: bytes | None = None  # the data key of an encrypted database
    acks: dict[tuple[int, int], Ack] = field(default_factory=dict)
    checked: dict[int, tuple[int, str]] = field(default_factory=dict)  # record -> last seq, hash
    kills: int = 0
    mid_call_kills: int = 0  # rounds that left a call unfinished


def run_child(
    db_path: Path,
    stderr_path: Path,
    rng: random.Random,
    *,
    broken: bool,
    key: bytes | None = None,
) -> Round:
    """Start the child, kill it at a random moment, and collect every whole acknowledgement."""
    result = Round()
    command = [sys.executable, "-u", "-m", "tests.storage.crash_child", str(db_path)]
    command += ["--key", key.hex()] if key else []
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, *(["--broken"] if broken else [])],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=child.REPO_ROOT,
        )
    reader = threading.Thread(target=_read_acks, args=(process, result), daemon=True)
    try:
        reader.start()
        early = rng.randrange(EARLY_KILL_EVERY) == 0
        wanted, window = (
            (result.starting, EARLY_KILL_MS) if early else (result.ready, KILL_AFTER_READY_MS)
        )
        delay_ms = rng.uniform(*window)
        if not wanted.wait(READY_TIMEOUT_S):
            result.problems.append(f"the child did not start up within {READY_TIMEOUT_S} s")
        else:
            time.sleep(delay_ms / 1000)
        result.kill = f"killed {delay_ms:.1f} ms after {'starting' if early else 'ready'}"
        if process.poll() is not None:
            result.problems.append(
                f"the child exited by itself (code {process.returncode}) before the kill: "
                + stderr_path.read_text(errors="replace")[-2000:]
            )
        process.send_signal(signal.SIGKILL)
        process.wait(EXIT_TIMEOUT_S)
        reader.join(EXIT_TIMEOUT_S)
        if reader.is_alive():
            result.problems.append("the child's output did not reach end of file after the kill")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(EXIT_TIMEOUT_S)
        assert process.stdout is not None
        process.stdout.close()
    return result


def _read_acks(process: subprocess.Popen[bytes], result: Round) -> None:
    """Every complete line: a trailing line cut off by the kill was never acknowledged."""
    assert process.stdout is not None
    while raw := process.stdout.readline():
        if not raw.endswith(b"\n"):
            break
        try:
            line = json.loads(raw)
            if "starting" in line:
                result.starting.set()
            elif "ready" in line:
                result.ready.set()
            else:
                result.acks.append(Ack.parse(line))
        except (ValueError, KeyError, TypeError) as error:
            result.problems.append(f"an unreadable acknowledgement {raw[:200]!r}: {error}")


@dataclass(frozen=True)
class Expected:
    """What call `index` writes, transaction by transaction, and the engine state after each."""

    groups: tuple[tuple[tuple[str, str], ...], ...]  # (kind, canonical payload) per commit
    states: tuple[engine.State, ...]  # states[k]: after the first k + 1 commits


class _CaptureStore:
    """Stands in for Store to learn exactly what each commit of a call writes, without a disk."""

    readonly = False  # a store opened to write, as the recorder is given

    def __init__(self) -> None:
        self.groups: list[list[NewEvent]] = []

    def create_record(
        self, *, first_events: list[NewEvent], **_: Any
    ) -> tuple[int, list[StoredEvent]]:
        self.groups.append([NewEvent("created", {}), *first_events])
        return 1, [StoredEvent(0, e.kind, e.payload, "", "", "", "") for e in self.groups[-1]]

    def command_events(self, record_id: int, command_id: str, key: str) -> list[StoredEvent]:
        return []

    def append(
        self, record_id: int, events: list[NewEvent], user: str, now: Any = None
    ) -> list[StoredEvent]:
        self.groups.append(list(events))
        return [StoredEvent(0, e.kind, e.payload, "", "", user, "") for e in events]


_expected: dict[int, Expected] = {}


def expected(index: int) -> Expected:
    """The plan's transactions as the child commits them, and the engine's own states."""
    if index not in _expected:
        pack = child.england()
        capture = _CaptureStore()
        recorder = CallRecorder.start(
            capture,  # type: ignore[arg-type]
            pack,
            incident_ref=child.incident_ref(index),
            user=child.HANDLER,
        )
        child.finish_call(recorder, index, acked=False)
        groups = tuple(
            tuple((event.kind, canonical(without_command(event.payload))) for event in group)
            for group in capture.groups
        )
        # The states straight from the engine, independent of the recorder and the store.
        state = engine.start(pack)
        states = [state]
        for step in child.plan(index):
            if step.reason:
                state = engine.change(state, step.node, step.answer, step.rationale, step.reason)
            else:
                state = engine.answer(state, step.node, step.answer, step.rationale)
            states.append(state)
        advice = engine.recommend(state)
        assert advice.code is not None
        state = engine.decide(state, advice.code, "")
        states += [state, state]  # the decision, then the closure (no engine change)
        assert len(states) == len(groups)
        _expected[index] = Expected(groups, tuple(states))
    return _expected[index]


def snapshot(db_path: Path) -> Path:
    """A copy of the database and its WAL exactly as the kill left them.

    The checks recover and read the copy, so the next child finds the WAL the kill left behind
    and has to recover it itself, as the app would after a crash.
    """
    folder = db_path.parent / "snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = db_path.with_name(db_path.name + suffix)
        if source.exists():
            shutil.copyfile(source, folder / source.name)
    return folder / db_path.name


def check_database(harness: Harness) -> list[str]:
    """Everything wrong with the database after a kill; empty when it holds all it must."""
    problems: list[str] = []
    if not harness.db_path.exists():  # killed before it was created: fine if nothing was acked
        return [f"the database is gone: {len(harness.acks)} acknowledged step(s) were lost"] * bool(
            harness.acks
        )
    with InstanceLock(harness.db_path.parent):  # a killed writer must not keep the lock
        store = Store.open(snapshot(harness.db_path), "live", create=False, key=harness.key)
        try:
            problems += [f"verify: {fault}" for fault in verify(store)]
            rows = {(int(row[1]), int(row[2])): row for row in store.event_rows()}
            problems += _check_acks(harness, rows)
            last: dict[int, tuple[int, str]] = {}
            for (record_id, seq), row in rows.items():
                last[record_id] = max(last.get(record_id, (0, "")), (seq, str(row[9])))
            for summary in store.record_rows():
                record_id = int(summary[0])
                if record_id in last and harness.checked.get(record_id) == last[record_id]:
                    continue  # unchanged since fully checked: same last hash, chain verified
                found = _check_record(store, record_id, str(summary[2]), harness)
                problems += [f"record {record_id}: {problem}" for problem in found]
                if not found:
                    harness.checked[record_id] = last[record_id]
            if store.db.conn.in_transaction:
                problems.append("checking left a transaction open")
        finally:
            store.close()
    return problems


def _check_acks(harness: Harness, rows: dict[tuple[int, int], tuple[Any, ...]]) -> list[str]:
    problems = []
    for (record_id, seq), ack in harness.acks.items():
        row = rows.get((record_id, seq))
        where = f"acknowledged {ack.kind} (record {record_id}, seq {seq})"
        if row is None:
            problems.append(f"{where} is missing: an acknowledged step was lost")
            continue
        if row[3] != ack.kind or row[9] != ack.hash:
            problems.append(f"{where} has changed: stored {row[3]} with hash {row[9][:12]}")
            continue
        payload = json.loads(row[4])
        for key, value in ack.fields.items():
            if payload.get(key) != value:
                stored = payload.get(key)
                problems.append(f"{where}: {key} is {stored!r:.100}, acknowledged {value!r:.100}")
    return problems


def _check_record(store: Store, record_id: int, ref: str, harness: Harness) -> list[str]:
    """Whole transactions of the call's plan only, and it resumes to the engine's own state."""
    try:
        plan = expected(child.plan_index(ref))
    except ValueError as error:
        return [str(error)]
    events = store.events(record_id)
    if any(event.user != child.HANDLER for event in events):
        return ["an event is attributed to someone other than the handler"]
    stored = [(event.kind, canonical(without_command(event.payload))) for event in events]
    commits, position = 0, 0
    for group in plan.groups:
        if position >= len(stored):
            break
        piece = stored[position : position + len(group)]
        if commits == 0:  # the creation event's payload is the header: `verify` checks it
            piece = [(piece[0][0], group[0][1]), *piece[1:]]
        if piece != list(group):
            return [
                f"events {position + 1}-{position + len(piece)} are not transaction "
                f"{commits + 1} of the call (a partial or altered step): {piece!r:.300}"
            ]
        commits, position = commits + 1, position + len(group)
    if position != len(stored):
        return [f"{len(stored) - position} event(s) beyond the end of the call"]
    if commits == 0:
        return ["has no events"]
    try:
        resumed = CallRecorder.resume(store, record_id, child.find_pack, child.HANDLER)
    except StorageError as error:
        return [f"does not resume: {error}"]
    problems = []
    steps = [event.payload for event in events if event.kind in ENGINE_KINDS]
    try:
        replayed = engine.replay(child.england(), steps)
    except AnswerError as error:
        problems.append(f"does not replay: {error}")
    else:
        if resumed.state != replayed:
            problems.append("resumed state differs from a replay of its engine events")
    if resumed.state != plan.states[commits - 1]:
        problems.append(
            f"resumed state is not the state after its {commits} committed transaction(s): "
            f"at {resumed.state.current!r}, expected {plan.states[commits - 1].current!r}"
        )
    history = [canonical(event.to_dict()) for event in resumed.state.history]
    for ack in harness.acks.values():
        if ack.record == record_id and ack.kind in ENGINE_KINDS:
            wanted = canonical({"action": ack.kind, **ack.fields})
            if not any(_has(entry, wanted) for entry in history):
                problems.append(f"resumed call lacks acknowledged {ack.kind} {wanted:.200}")
    return problems


def without_command(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload without the id of the command that wrote it: each run makes new ids."""
    return {key: value for key, value in payload.items() if key != COMMAND_KEY}


def _has(entry: str, wanted: str) -> bool:
    """Whether a history entry carries every field of an acknowledged engine event."""
    full, part = json.loads(entry), json.loads(wanted)
    return all(full.get(key) == value for key, value in part.items())


def crash_rounds(
    harness: Harness, rounds: int, seed: str, *, broken: bool = False, stop_at_problem: bool = False
) -> list[str]:
    """Kill the child `rounds` times on one database, checking after each kill."""
    problems: list[str] = []
    for number in range(rounds):
        round_seed = f"{seed}/{number}"
        rng = random.Random(round_seed)
        stderr_path = harness.db_path.with_name(f"child-{number}.stderr")
        result = run_child(harness.db_path, stderr_path, rng, broken=broken, key=harness.key)
        harness.kills += 1
        for ack in result.acks:
            earlier = harness.acks.setdefault((ack.record, ack.seq), ack)
            if earlier.hash != ack.hash:  # written again: the first one was lost
                result.problems.append(
                    f"acknowledged {earlier.kind} (record {ack.record}, seq {ack.seq}) was "
                    f"acknowledged again with another hash: an acknowledged step was lost"
                )
                harness.acks[(ack.record, ack.seq)] = ack
        if result.acks and result.acks[-1].kind != "closure":
            harness.mid_call_kills += 1
        found = result.problems + check_database(harness)
        where = f"round {number} (seed {round_seed!r}, {result.kill})"
        problems += [f"{where}: {problem}" for problem in found]
        if found and stop_at_problem:
            break
    return problems


def _report(problems: list[str]) -> str:
    shown = "\n".join(problems[:20])
    more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
    return f"{len(problems)} problem(s); rerun with CRASH_SEED={BASE_SEED}\n{shown}{more}"


def _database(tmp_path: Path) -> Path:
    folder = tmp_path / "crash"
    folder.mkdir()
    return folder / "records.sqlite3"


def test_kill_nine_quick(tmp_path: Path) -> None:
    """Does: 12 kills on one database. Must hold: `check_database` finds nothing after each."""
    harness = Harness(_database(tmp_path))
    problems = crash_rounds(harness, QUICK_ROUNDS, f"{BASE_SEED}/quick")
    assert problems == [], _report(problems)
    assert harness.kills == QUICK_ROUNDS
    assert len(harness.acks) >= QUICK_ROUNDS, "the child acknowledged almost nothing"
    assert harness.mid_call_kills > 0, "no kill landed in the middle of a call"


def test_kill_nine_quick_encrypted(tmp_path: Path) -> None:
    """Does: 12 kills on one encrypted database. Must hold: as the plain one, and nothing of a
    rationale readable in the database or its log after any kill."""
    harness = Harness(_database(tmp_path), key=ENCRYPTED_KEY)
    problems = crash_rounds(harness, QUICK_ROUNDS, f"{BASE_SEED}/quick-encrypted")
    assert problems == [], _report(problems)
    assert harness.mid_call_kills > 0, "no kill landed in the middle of a call"
    assert _readable_rationales(harness) == []


@pytest.mark.long
@pytest.mark.parametrize("chain", range(ENCRYPTED_CHAINS))
def test_kill_nine_soak_encrypted(tmp_path: Path, chain: int) -> None:
    """Does: 2 chains x 25 kills on encrypted databases. Must hold: as the plain soak."""
    harness = Harness(_database(tmp_path), key=ENCRYPTED_KEY)
    problems = crash_rounds(harness, LONG_ROUNDS, f"{BASE_SEED}/soak-encrypted-{chain}")
    assert problems == [], _report(problems)
    assert harness.mid_call_kills > 0, "no kill landed in the middle of a call"
    assert _readable_rationales(harness) == []


def _readable_rationales(harness: Harness) -> list[str]:
    """The files beside the database holding an acknowledged rationale in clear."""
    texts = {
        str(ack.fields["rationale"]).encode()
        for ack in harness.acks.values()
        if len(str(ack.fields.get("rationale", ""))) > 24
    }
    assert texts, "no rationale was acknowledged"
    return sorted(
        path.name
        for path in harness.db_path.parent.rglob("*sqlite3*")
        if path.is_file() and any(text in path.read_bytes() for text in texts)
    )


@pytest.mark.long
@pytest.mark.parametrize("chain", range(LONG_CHAINS))
def test_kill_nine_soak(tmp_path: Path, chain: int) -> None:
    """Does: 8 chains x 25 kills = 200 kills. Must hold: as the quick test, after every kill."""
    harness = Harness(_database(tmp_path))
    problems = crash_rounds(harness, LONG_ROUNDS, f"{BASE_SEED}/soak-{chain}")
    assert problems == [], _report(problems)
    assert harness.kills == LONG_ROUNDS
    assert harness.mid_call_kills > 0, "no kill landed in the middle of a call"


def test_harness_catches_acknowledgement_before_commit(tmp_path: Path) -> None:
    """Does: the same harness on a writer that acknowledges before COMMIT and then waits.

    Must hold: an acknowledged event is reported lost (so the checks above can fail).
    """
    harness = Harness(_database(tmp_path))
    problems = crash_rounds(
        harness, BROKEN_MAX_ROUNDS, f"{BASE_SEED}/broken", broken=True, stop_at_problem=True
    )
    assert any("an acknowledged step was lost" in problem for problem in problems), (
        f"the broken writer went unnoticed in {harness.kills} kills (CRASH_SEED={BASE_SEED})"
    )
