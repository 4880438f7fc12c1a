"""Fill a record database with synthetic calls, fast, for the storage benchmarks.

    python bench/generate.py OUT.sqlite3 [--events 1000000] [--per-record 40] [--check]

The database is created by the app itself (`Store.open`), so its schema and migrations are the
app's own; then records and events are written straight into it with `executemany`, in large
transactions (the app's append path is made for one answer at a time, not a million). What is
written is what the app writes: headers like `Store.create_record` makes, a 'created' event
holding the same header, question_shown / answer / recommendation / closure events whose
payloads are the shipped example calls' own steps, explicit event ids, and a valid hash chain
on every record. Most records end with a 'closure' event and are 'closed'; the rest are 'open'.
With --check the result is run through `rcrp_desktop.storage.verify.verify`.

Everything is synthetic: handlers are handler01..handler40, incident references are made up,
and the answers come from the example scripts in forms/examples.
"""

import argparse
import hashlib
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rcrp_desktop import __version__
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import anchor_log
from rcrp_desktop.storage.chain import GENESIS, canonical, event_hash
from rcrp_desktop.storage.repository import EVENT_COLUMNS, HEADER_FIELDS, Store
from rcrp_desktop.storage.verify import verify

BATCH_EVENTS = 100_000  # events per transaction
CLOSED_SHARE = 0.95  # the rest are calls left unfinished (open)
HANDLERS = tuple(f"handler{number:02d}" for number in range(1, 41))
PACKS = {
    "rcrp-england": ("england", "1.0.0"),
    "rcrp-wales": ("wales", "1.0.0"),
    "btp-standard": ("btp", "1.0.0"),
}
RECORD_SQL = (
    f"INSERT INTO records (id, {', '.join(HEADER_FIELDS)}, status) "
    f"VALUES (?, {', '.join('?' * len(HEADER_FIELDS))}, ?)"
)
EVENT_SQL = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
)


@dataclass(frozen=True)
class Call:
    """One example call, as the payloads its events carry (canonical JSON, ready to store)."""

    pack_id: str
    answers: tuple[tuple[str, str], ...]  # each step's kind ('answer' or 'change') and payload
    shown: tuple[str, ...]  # the 'question_shown' payload for each step's question
    interim: str  # a non-final 'recommendation' payload
    final: str  # the final 'recommendation' payload
    closure: str  # the 'closure' payload


@dataclass(frozen=True)
class Generated:
    records: int
    events: int
    closed: int
    payload_chars: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return (self.records + self.events) / self.seconds


def example_calls() -> list[Call]:
    """The shipped example scripts, turned into the payloads the recorder writes for them."""
    calls = []
    for path in sorted(examples_dir().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        expect = data.get("expect", {})
        answers, shown = [], []
        for step in data["steps"]:
            action = "change" if step.get("reason") else "answer"
            payload = {
                "action": action,
                "node": step["node"],
                "rationale": step.get("rationale", ""),
                "reason": step.get("reason", ""),
                "value": step["answer"],
            }
            answers.append((action, canonical(payload)))
            shown.append(canonical({"node": step["node"]}))
        code = expect.get("outcome", "POLICE_DEPLOY")
        calls.append(
            Call(
                pack_id=data["pack"],
                answers=tuple(answers),
                shown=tuple(shown),
                interim=canonical(_advice(data["pack"], "POLICE_DEPLOY", final=False)),
                final=canonical(_advice(data["pack"], code, expect, final=True)),
                closure=canonical(
                    {
                        "outcome": code,
                        "partner": expect.get("partner", ""),
                        "note": "Call closed; the outcome was passed to the dispatcher "
                        "and the partner agency was told.",
                    }
                ),
            )
        )
    return calls


def _advice(
    pack_id: str, code: str, expect: dict[str, str] | None = None, *, final: bool
) -> dict[str, Any]:
    """A 'recommendation' payload shaped like `rcrp_desktop.calls.events.advice_payload`."""
    expect = expect or {}
    version = PACKS[pack_id][1]
    return {
        "code": code,
        "final": final,
        "urgent": not final,
        "police_attend": code.startswith("POLICE_DEPLOY"),
        "instruction": "" if final else "Risk to life not yet ruled out: deploy until it is.",
        "partner": expect.get("partner", ""),
        "outcome_node": expect.get("node", ""),
        "floor_applied": not final,
        "reasons": [
            {"node": "thr_life", "role": "threshold", "answer": "no" if final else "unknown"},
            {"node": "thr_harm", "role": "threshold", "answer": "no"},
        ],
        "pack": {"id": pack_id, "version": version, "sha256": _pack_hash(pack_id)},
    }


def _pack_hash(pack_id: str) -> str:
    return hashlib.sha256(f"synthetic {pack_id} {PACKS[pack_id][1]}".encode()).hexdigest()


def call_events(call: Call, count: int, closed: bool) -> Iterator[tuple[str, str]]:
    """(kind, payload) for a call of `count` events after 'created', as the recorder writes.

    A closed call: the first question shown, then answers each followed by the next question,
    then the final recommendation with the last answer, and the closure; an odd count gets an
    interim recommendation a third of the way in. An open call simply stops part way.
    """
    steps = len(call.answers)
    answers = max(1, (count - 2) // 2) if closed else count
    interim_at = answers // 3 if closed and (count - 2) % 2 else -1
    yield "question_shown", call.shown[0]
    produced = 1
    for step in range(answers):
        if produced >= count:
            return
        yield call.answers[step % steps]
        produced += 1
        if step == interim_at:
            yield "recommendation", call.interim
            produced += 1
        if closed and step == answers - 1:
            break
        if produced >= count:
            return
        yield "question_shown", call.shown[(step + 1) % steps]
        produced += 1
    if closed:
        yield "recommendation", call.final
        yield "closure", call.closure


def generate(
    path: Path, events: int = 1_000_000, per_record: int = 40, seed: int = 20240901
) -> Generated:
    """Write `events` events (about `per_record` to a record) into a new database at `path`."""
    if path.exists():
        raise FileExistsError(f"{path} exists; remove it or choose another name")
    if per_record < 4:
        raise ValueError("--per-record must be at least 4 (created, question, answer, closure)")
    rng = random.Random(seed)
    calls = example_calls()
    started = time.perf_counter()
    store = Store.open(path, "live")
    totals = {"records": 0, "events": 0, "closed": 0, "chars": 0}
    try:
        records: list[tuple[Any, ...]] = []
        rows: list[tuple[Any, ...]] = []
        # One call every ~20 minutes, ending about now: a busy control room's year or so.
        average_gap = 20 * 60
        when = datetime.now(UTC).replace(microsecond=0) - timedelta(
            seconds=average_gap * events // per_record
        )
        event_id = 0
        while totals["events"] < events:
            left = events - totals["events"]
            size = min(left, rng.randint(per_record // 2, per_record * 3 // 2))
            if left - size < 4:  # no runt record at the end
                size = left
            when += timedelta(
                seconds=rng.randint(average_gap // 2, average_gap * 3 // 2),
                microseconds=rng.randint(0, 999_999),
            )
            record_id = totals["records"] + 1
            # Calls left unfinished: a few at random, and always the last two (still going).
            closed = rng.random() < CLOSED_SHARE and left > 2 * per_record and size >= 5
            call = rng.choice(calls)
            header = _header(rng, record_id, call.pack_id, when)
            records.append(
                (
                    record_id,
                    *(header[name] for name in HEADER_FIELDS),
                    "closed" if closed else "open",
                )
            )
            user, prev, moment = header["handler"], GENESIS, when
            utc, local = header["created_utc"], _local(when)
            kinds = call_events(call, size - 1, closed)
            for seq, (kind, payload) in enumerate(
                [("created", canonical(header)), *kinds], start=1
            ):
                event_id += 1
                if kind in {"answer", "change"}:  # a step and what it caused: one commit time
                    moment += timedelta(
                        seconds=rng.randint(8, 60), microseconds=rng.randint(0, 999_999)
                    )
                    utc, local = _utc(moment), _local(moment)
                digest = event_hash(event_id, record_id, seq, kind, payload, utc, local, user, prev)
                rows.append(
                    (event_id, record_id, seq, kind, payload, utc, local, user, prev, digest)
                )
                prev = digest
                totals["chars"] += len(payload)
            totals["records"] += 1
            totals["events"] += size
            totals["closed"] += closed
            if len(rows) >= BATCH_EVENTS:
                _write(store, records, rows)
        _write(store, records, rows)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return Generated(
        totals["records"],
        totals["events"],
        totals["closed"],
        totals["chars"],
        time.perf_counter() - started,
    )


def _header(rng: random.Random, record_id: int, pack_id: str, when: datetime) -> dict[str, str]:
    """A record header exactly as `Store.create_record` makes one."""
    return {
        "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "incident_ref": f"INC-{when:%Y%m%d}-{record_id:07d}",
        "created_utc": _utc(when),
        "handler": rng.choice(HANDLERS),
        "force_profile": PACKS[pack_id][0],
        "pack_id": pack_id,
        "pack_version": PACKS[pack_id][1],
        "pack_hash": _pack_hash(pack_id),
        "mode": "live",
        "app_version": __version__,
    }


def _utc(when: datetime) -> str:
    return when.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _local(when: datetime) -> str:
    return when.astimezone().isoformat(timespec="microseconds")


def _write(store: Store, records: list[tuple[Any, ...]], rows: list[tuple[Any, ...]]) -> None:
    # As the app does: a record is open while its events are written and closed by its
    # closure (the store refuses events on a closed record), so the status comes last.
    closed = [(record[0],) for record in records if record[-1] == "closed"]
    closures = [(row[1], row[2], row[9], row[5]) for row in rows if row[3] == "closure"]
    with store.db.atomic():
        store.db.conn.executemany(RECORD_SQL, [(*record[:-1], "open") for record in records])
        store.db.conn.executemany(EVENT_SQL, rows)
        store.db.conn.executemany("UPDATE records SET status = 'closed' WHERE id = ?", closed)
        for record_id, seq, digest, utc in closures:  # as the store does on each closure
            anchor_log.append(store.db.conn, record_id, seq, digest, utc)
    records.clear()
    rows.clear()


def check(path: Path) -> int:
    """Run the app's own verify over the database; the number of faults found."""
    store = Store.open(path, "live", create=False, readonly=True)
    try:
        faults = verify(store)
    finally:
        store.close()
    for fault in faults[:10]:
        print(f"  {fault}", file=sys.stderr)
    return len(faults)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the database to create (must not exist)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--per-record", type=int, default=40, help="average events per record")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--check", action="store_true", help="then run verify over it")
    args = parser.parse_args(argv)
    try:
        made = generate(args.out, args.events, args.per_record, args.seed)
    except (FileExistsError, ValueError) as error:
        parser.error(str(error))
    size = args.out.stat().st_size / 2**20
    print(
        f"{args.out}: {made.records:,} records ({made.closed:,} closed), {made.events:,} events, "
        f"mean payload {made.payload_chars / made.events:.0f} chars, {size:,.0f} MiB, "
        f"{made.seconds:.1f} s, {made.rows_per_second:,.0f} rows/s"
    )
    if args.check:
        started = time.perf_counter()
        faults = check(args.out)
        print(f"verify: {faults} fault(s) in {time.perf_counter() - started:.1f} s")
        return 1 if faults else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
