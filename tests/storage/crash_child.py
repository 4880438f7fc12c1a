"""The process the crash test kills: it answers scripted calls for ever, acknowledging each commit.

    python -u -m tests.storage.crash_child DB_PATH [--broken] [--key HEX]

It behaves like the app after a restart: it takes the data folder's instance lock, opens the
live database (recovering whatever a kill left in the WAL), resumes any unfinished call where it
stopped, and then starts new calls. Each call follows a plan (`plan`) fixed by its incident
reference: one of the longest England example scripts, answered step by step (changes included),
sometimes with long free-text rationales; then the recommendation is accepted and the record
closed. Every step is one committed transaction.

After each commit it prints one JSON line per event written (`ack`) and flushes: that line is
the acknowledgement, the equivalent of "saved" on the handler's screen. It prints
{"starting": pid} before it takes the lock and opens the database, and {"ready": pid} once the
database is open, before it writes anything.

--broken is the negative control: a writer that acknowledges each transaction's events BEFORE
it commits, then dawdles 20-50 ms, so a kill in that window loses an acknowledged answer. The
crash test must catch it. --key HEX opens (and first makes) the database encrypted with that
data key, as the app does in an encrypted data folder.
"""

import json
import os
import random
import sys
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from rcrp_desktop.calls.commands import AnswerQuestion, CallCommand, ChangeAnswer, Decide  # noqa: E402
from rcrp_desktop.calls.recorder import CallRecorder  # noqa: E402
from rcrp_desktop.domain.call import engine  # noqa: E402
from rcrp_desktop.domain.call.script import Script, Step, load_script  # noqa: E402
from rcrp_desktop.domain.pack.loader import load_pack  # noqa: E402
from rcrp_desktop.domain.pack.protocol import Pack  # noqa: E402
from rcrp_desktop.paths import examples_dir, forms_dir  # noqa: E402
from rcrp_desktop.storage.lock import InstanceLock  # noqa: E402
from rcrp_desktop.storage.repository import NewEvent, Store, StoredEvent  # noqa: E402

PACK_FILE = "england/rcrp-england.toml"
SCRIPT_COUNT = 4  # the longest England examples, cycled through
LONG_TEXT_EVERY = 3  # every third call carries long free-text rationales (up to 10k chars)
LONG_TEXT_MAX = 10_000
HANDLER = "crash-test handler"
REF_PREFIX = "CRASH-"
CLOSURE = {"reason": "call finished (crash test)"}
FILLER = (
    "Caller rang back; details re-read to the handler and confirmed. Mae hi'n dweud bod ŵyr "
    "a'r teulu'n poeni; mae'r ŷd yn y cae. Cost £12 — noted “verbatim”. "
)


@cache
def england() -> Pack:
    return load_pack(forms_dir() / PACK_FILE)


@cache
def scripts() -> tuple[Script, ...]:
    """The longest England example scripts, longest first; ties broken by file name."""
    found = [load_script(path) for path in sorted(examples_dir().glob("*.json"))]
    england_scripts = [script for script in found if script.pack == england().id]
    england_scripts.sort(key=lambda script: -len(script.steps))
    return tuple(england_scripts[:SCRIPT_COUNT])


def incident_ref(index: int) -> str:
    return f"{REF_PREFIX}{index:06d}"


def plan_index(ref: str) -> int:
    if not ref.startswith(REF_PREFIX):
        raise ValueError(f"{ref!r} is not a crash-test incident reference")
    return int(ref.removeprefix(REF_PREFIX))


@cache
def plan(index: int) -> tuple[Step, ...]:
    """The steps of call number `index`: a script, some with long rationales (deterministic)."""
    steps = scripts()[index % len(scripts())].steps
    if index % LONG_TEXT_EVERY != LONG_TEXT_EVERY - 1:
        return steps
    chooser = random.Random(f"long-text-{index}")
    longer = []
    for number, step in enumerate(steps):
        if number % 4 == 1:
            size = chooser.randint(500, LONG_TEXT_MAX - len(step.rationale) - 1)
            text = (FILLER * (size // len(FILLER) + 1))[:size]
            step = Step(step.node, step.answer, f"{step.rationale} {text}".strip(), step.reason)
        longer.append(step)
    return tuple(longer)


def ack_lines(record_id: int, events: Sequence[StoredEvent]) -> str:
    """The acknowledgement for events just written: one JSON line each."""
    lines = []
    for event in events:
        line = {"record": record_id, "seq": event.seq, "hash": event.hash, "kind": event.kind}
        if event.kind in {"answer", "change", "decide", "rationale"}:
            for key in ("node", "value", "rationale"):
                line[key] = event.payload.get(key)
        lines.append(json.dumps(line, ensure_ascii=False) + "\n")
    return "".join(lines)


def acknowledge(record_id: int, events: Sequence[StoredEvent]) -> None:
    sys.stdout.write(ack_lines(record_id, events))
    sys.stdout.flush()


class BrokenStore(Store):
    """The negative control: acknowledges inside the transaction, before COMMIT, and waits."""

    def _append(self, record_id: int, prepared: Any, user: str) -> list[StoredEvent]:
        written = super()._append(record_id, prepared, user)
        acknowledge(record_id, written)  # wrong: nothing is committed yet
        time.sleep(random.uniform(0.02, 0.05))
        return written


def find_pack(pack_id: str, version: str, content_hash: str) -> Pack | None:
    pack = england()
    same = (pack.id, pack.version, pack.content_hash) == (pack_id, version, content_hash)
    return pack if same else None


def finish_call(recorder: CallRecorder, index: int, *, acked: bool) -> None:
    """Carry a call on from wherever it stands (new or resumed) to a closed record."""

    def done(events: Sequence[StoredEvent]) -> None:
        if acked:
            acknowledge(recorder.record_id, events)

    record = recorder.record_id
    if recorder.state.decision is None:
        for step in plan(index)[len(recorder.state.history) :]:
            command: CallCommand = (
                ChangeAnswer(
                    record_id=record,
                    node=step.node,
                    value=step.answer,
                    rationale=step.rationale,
                    reason=step.reason,
                )
                if step.reason
                else AnswerQuestion(
                    record_id=record, node=step.node, value=step.answer, rationale=step.rationale
                )
            )
            done(recorder.execute(command).events)
        advice = engine.recommend(recorder.state)
        if not advice.final or advice.code is None:
            raise RuntimeError(f"call {index} ended without a final recommendation")
        done(recorder.execute(Decide(record_id=record, code=advice.code.value)).events)
    done(recorder.store.append(record, [NewEvent("closure", dict(CLOSURE))], recorder.user))


def main(argv: Sequence[str]) -> int:
    db_path = Path(argv[0])
    broken = "--broken" in argv[1:]
    key = bytes.fromhex(argv[argv.index("--key") + 1]) if "--key" in argv else None
    print(json.dumps({"starting": os.getpid()}), flush=True)
    lock = InstanceLock(db_path.parent).acquire()  # as the app does; a kill must release it
    store = (BrokenStore if broken else Store).open(db_path, "live", key=key)
    pack = england()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for summary in sorted(store.unfinished(), key=lambda summary: summary.id):
        recorder = CallRecorder.resume(store, summary.id, find_pack, HANDLER)
        finish_call(recorder, plan_index(summary.incident_ref), acked=not broken)
    index = len(store.record_rows())
    try:
        while True:  # until killed
            ref = incident_ref(index)
            recorder = CallRecorder.start(store, pack, incident_ref=ref, user=HANDLER)
            if not broken:
                acknowledge(recorder.record_id, store.events(recorder.record_id))
            finish_call(recorder, index, acked=not broken)
            index += 1
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
