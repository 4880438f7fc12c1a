"""The decision record's speed, each figure against the bare stack's floor in the same run.

    python bench/bench_storage.py [--db PATH] [--events N] [--rounds R] [--calls C]

Without --db a database of N events (default 1,000,000) is generated once into
bench/.cache/events-N.sqlite3 and reused. Four measures, each interleaved with its floor round
by round (the machines are noisy: only a ratio taken side by side means anything, FLOOR.md):

- answer commit: `CallRecorder.answer` for every step of the welfare script, C calls, against
  a bare durable commit (sqlite-utils, WAL + synchronous=FULL, one-row insert in `atomic()`)
  on a fresh file in the same folder. p50 and p99; target p50 <= 3x.
- open: `Store.open(path, "live")` then `close()`, against `sqlite3.connect` + reading
  `PRAGMA journal_mode` + close on the same file. Median; target <= 3x.
- recent 50: `store.recent(50)` against the bare SELECT of the same 50 records. Target <= 3x.
- history: `store.events(id)` of a record in the middle against the bare SELECT of its events
  in order, fetched. Target <= 3x.
- verify: the app's whole `verify` (SQLite's integrity check, the schema, every chain, the
  anchors, the search cache and the anchor log) against reading every event and hashing it
  bare: one SELECT in chain order on a read-only connection, each row's canonical text
  SHA-256'd and compared. A few rounds each; target median <= 2x.

Prints a table and exits 1 if any target is missed.
"""

import argparse
import gc
import math
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlite_utils import Database

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.loader import load_pack
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.storage.chain import typed_event_hash
from rcrp_desktop.storage.repository import RECORD_COLUMNS, Store
from rcrp_desktop.storage.verify import verify

from generate import generate  # the script's own folder is on sys.path (and pytest's)

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
PACK = "england/rcrp-england.toml"
SCRIPT = "welfare-crisis-team.json"
TARGET = 3.0
VERIFY_TARGET = 2.0
FLOOR_PAYLOAD = "x" * 200  # one ~200-char row, as FLOOR.md's durable commit
RECENT_SQL = (
    f"SELECT {', '.join(RECORD_COLUMNS)} FROM records ORDER BY created_utc DESC, id DESC LIMIT 50"
)
HISTORY_SQL = (
    "SELECT seq, kind, payload, utc, local, user, hash FROM events WHERE record_id = ? ORDER BY seq"
)


@dataclass(frozen=True)
class Row:
    """One line of the result table: our figure, the floor's, and the target on their ratio."""

    measure: str
    ours_ns: float
    floor_ns: float
    target: float | None  # None: reported, not held to a target

    @property
    def ratio(self) -> float:
        return self.ours_ns / self.floor_ns

    @property
    def passed(self) -> bool:
        return self.target is None or self.ratio <= self.target


@dataclass(frozen=True)
class Samples:
    """Timings in nanoseconds, ours and the floor's, taken alternately."""

    ours: list[int]
    floor: list[int]

    def rows(self, measure: str, *, p99: bool = False) -> list[Row]:
        rows = [Row(f"{measure} p50", _median(self.ours), _median(self.floor), TARGET)]
        if p99:
            rows.append(Row(f"{measure} p99", _p99(self.ours), _p99(self.floor), None))
        return rows


def _median(values: list[int]) -> float:
    return float(statistics.median(values))


def _p99(values: list[int]) -> float:
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)])


def _alternate(rounds: int, ours: Callable[[], object], floor: Callable[[], object]) -> Samples:
    """Time `ours` and `floor` once each per round, taking turns at going first."""
    timed: dict[bool, list[int]] = {True: [], False: []}
    clock = time.perf_counter_ns
    for number in range(rounds):
        for is_ours in (True, False) if number % 2 else (False, True):
            call = ours if is_ours else floor
            started = clock()
            call()
            timed[is_ours].append(clock() - started)
    return Samples(timed[True], timed[False])


# -- answer commit ------------------------------------------------------------------------------


def bare_durable_db(path: Path) -> Database:
    """FLOOR.md's durable commit: a sqlite-utils database, WAL, synchronous=FULL."""
    db = Database(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    return db


def bare_commit(db: Database) -> None:
    with db.atomic():
        db.execute("INSERT INTO floor (body) VALUES (?)", [FLOOR_PAYLOAD])


def measure_answers(folder: Path, calls: int, warmup: int = 1) -> Samples:
    """Every step of the welfare script through `CallRecorder`, alternating with a bare commit.

    Both databases are fresh files in one temporary folder under `folder` (same disk).
    """
    pack = load_pack(forms_dir() / PACK)
    script = load_script(examples_dir() / SCRIPT)
    folder.mkdir(parents=True, exist_ok=True)
    ours: list[int] = []
    floor: list[int] = []
    clock = time.perf_counter_ns
    with tempfile.TemporaryDirectory(dir=folder, prefix="answers-") as scratch:
        store = Store.open(Path(scratch) / "records.sqlite3", "live")
        bare = bare_durable_db(Path(scratch) / "floor.sqlite3")
        try:
            for call in range(warmup + calls):
                recorder = CallRecorder.start(
                    store, pack, incident_ref=f"BENCH-{call:05d}", user="handler01"
                )
                for number, step in enumerate(script.steps):
                    for is_ours in (True, False) if number % 2 else (False, True):
                        started = clock()
                        if not is_ours:
                            bare_commit(bare)
                        elif step.reason:
                            recorder.change(step.node, step.answer, step.rationale, step.reason)
                        else:
                            recorder.answer(step.node, step.answer, step.rationale)
                        took = clock() - started
                        if call >= warmup:
                            (ours if is_ours else floor).append(took)
                assert recorder.state.finished, "the welfare script no longer finishes the call"
        finally:
            store.close()
            bare.close()
    return Samples(ours, floor)


# -- the 1M-event database ------------------------------------------------------------------------


def bare_open(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode").fetchone()
    conn.close()


def store_open(path: Path) -> None:
    Store.open(path, "live").close()


def measure_open(path: Path, rounds: int) -> Samples:
    """Opening with nothing else holding the file open, as when the app starts."""
    _alternate(3, lambda: store_open(path), lambda: bare_open(path))
    return _alternate(rounds, lambda: store_open(path), lambda: bare_open(path))


def middle_record(path: Path) -> tuple[int, int]:
    """The record in the middle of the database, and how many events it has."""
    conn = sqlite3.connect(path)
    try:
        record_id = int(conn.execute("SELECT max(id) / 2 FROM records").fetchone()[0])
        count = conn.execute("SELECT count(*) FROM events WHERE record_id = ?", [record_id])
        return record_id, int(count.fetchone()[0])
    finally:
        conn.close()


def measure_queries(path: Path, rounds: int, record_id: int) -> tuple[Samples, Samples]:
    """recent(50) and events(record_id) against their bare SQL, on connections kept open."""
    store = Store.open(path, "live")
    bare = sqlite3.connect(path)
    try:
        return compare_queries(store, bare, rounds, record_id)
    finally:
        store.close()
        bare.close()


def compare_queries(
    store: Store, bare: sqlite3.Connection, rounds: int, record_id: int
) -> tuple[Samples, Samples]:
    """recent(50) and events(record_id) on `store` against the same bare SQL on `bare`, after
    checking that both return the same records and events."""
    ours_recent = partial(store.recent, 50)
    ours_history = partial(store.events, record_id)

    def bare_recent() -> list[tuple[object, ...]]:
        return bare.execute(RECENT_SQL).fetchall()

    def bare_history() -> list[tuple[object, ...]]:
        return bare.execute(HISTORY_SQL, [record_id]).fetchall()

    # Same results, or the comparison means nothing.
    assert [r.id for r in ours_recent()] == [row[0] for row in bare_recent()]
    assert [e.hash for e in ours_history()] == [row[6] for row in bare_history()]
    _alternate(20, ours_recent, bare_recent)
    _alternate(20, ours_history, bare_history)
    return _alternate(rounds, ours_recent, bare_recent), _alternate(
        rounds, ours_history, bare_history
    )


# -- running it all -----------------------------------------------------------------------------


# -- verify -------------------------------------------------------------------------------------


def bare_read_and_hash(path: Path) -> int:
    """Every event read in chain order and its hash worked out and compared: the bad ones."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        bad = 0
        for row in conn.execute(
            "SELECT id, record_id, seq, kind, payload, utc, local, user, prev_hash, hash "
            "FROM events ORDER BY record_id, seq"
        ):
            if typed_event_hash(*row[:9]) != row[9]:
                bad += 1
        return bad
    finally:
        conn.close()


def app_verify(path: Path) -> int:
    """The app's verify, read-only, as `rcrp-desktop verify` runs it: the faults found."""
    store = Store.open(path, "live", create=False, readonly=True)
    try:
        return len(verify(store))
    finally:
        store.close()


def measure_verify(path: Path, rounds: int) -> Samples:
    """verify against the bare read and hash, alternately; both must find nothing wrong."""
    assert app_verify(path) == 0, "verify finds faults in the generated database"
    assert bare_read_and_hash(path) == 0, "the generated database has a bad hash"
    return _alternate(rounds, partial(app_verify, path), partial(bare_read_and_hash, path))


def _events_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def ensure_database(path: Path, events: int) -> Path:
    """The database at `path`, generated first if missing (never a half-made one)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        for leftover in (partial, *(Path(f"{partial}-{end}") for end in ("wal", "shm"))):
            leftover.unlink(missing_ok=True)
        print(f"generating {path} ({events:,} events, once) ...", flush=True)
        made = generate(partial, events)
        partial.rename(path)  # closed and checkpointed: the WAL is gone
        print(f"  {made.seconds:.1f} s, {made.rows_per_second:,.0f} rows/s", flush=True)
    return path


def run(
    db: Path,
    *,
    rounds: int,
    calls: int,
    scratch: Path | None = None,
    verify_rounds: int = 3,
    verify_db: Path | None = None,
) -> list[Row]:
    """Every measure; `scratch` holds the answer benchmark's fresh files (default: db's folder);
    `verify_db`, the database verify is measured on (default: db)."""
    gc.collect()
    answers = measure_answers(scratch or db.parent, calls)
    opened = measure_open(db, max(20, rounds // 5))
    record_id, events = middle_record(db)
    recent, history = measure_queries(db, rounds, record_id)
    verified = measure_verify(verify_db or db, verify_rounds)
    verify_events = _events_in(verify_db or db)
    return [
        *answers.rows("answer commit", p99=True),
        *opened.rows("open store"),
        *recent.rows("recent(50)"),
        *history.rows(f"events(record {record_id}: {events} events)"),
        Row(
            f"verify (whole database: {verify_events:,} events)",
            _median(verified.ours),
            _median(verified.floor),
            VERIFY_TARGET,
        ),
    ]


def table(rows: list[Row]) -> str:
    lines = [
        "| measure | ours | floor | ratio | target | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        target = f"<= {row.target:g}x" if row.target is not None else "(report)"
        verdict = ("PASS" if row.passed else "FAIL") if row.target is not None else "-"
        lines.append(
            f"| {row.measure} | {row.ours_ns / 1e6:.3f} ms | {row.floor_ns / 1e6:.3f} ms "
            f"| {row.ratio:.2f}x | {target} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a generated database (made if missing)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events to generate")
    parser.add_argument(
        "--rounds", type=int, default=2000, help="rounds per query (open: a fifth as many)"
    )
    parser.add_argument(
        "--calls", type=int, default=20, help="welfare calls answered (32 answers each)"
    )
    args = parser.parse_args(argv)
    db = ensure_database(args.db or CACHE / f"events-{args.events}.sqlite3", args.events)
    rows = run(db, rounds=args.rounds, calls=args.calls)
    print(f"database: {db} ({db.stat().st_size / 2**20:,.0f} MiB)")
    return reported(rows)


def reported(rows: list[Row]) -> int:
    """The table printed, and the script's exit: 1 if any target was missed."""
    print(table(rows))
    failed = [row.measure for row in rows if not row.passed]
    if failed:
        print(f"missed target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
