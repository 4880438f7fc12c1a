"""The encrypted store against its floors, in the same run: an answer against the same answer
on a plain store (what encryption itself costs: target 1.5x); the answer's commit (its
transaction, BEGIN to the durable COMMIT: its events, their hashes and the index written and
synced) against a bare SQLCipher durable commit and a bare plain-SQLite one, each a one-row
transaction (the issue's 1.5x and 2x), and the whole answer, engine included, against them
(reported); opening the records after sign-in, Argon2 at the force's cost included (reported);
and the 1M-event queries against the same bare SQL on the same encrypted file (target 2x).

    .venv/bin/python bench/bench_encrypted.py            # exit 1 if a target is missed
    .venv/bin/python bench/bench_encrypted.py --events 200000 --calls 10
"""

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import Access
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.access.roles import shipped_roles
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.loader import load_pack
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.storage import cipher, encrypt, keyring_file, keys, repository
from rcrp_desktop.storage.accounts import PRODUCTION, AccountStore
from rcrp_desktop.storage.repository import Store

from bench_storage import (
    CACHE,
    FLOOR_PAYLOAD,
    PACK,
    SCRIPT,
    Row,
    _alternate,
    _median,
    bare_commit,
    bare_durable_db,
    compare_queries,
    ensure_database,
    reported,
)

ENCRYPTION_COST = 1.5  # the encrypted store's answer against the plain store's same answer
COMMIT_TO_CIPHER = 1.5  # the issue's: the answer's transaction against a one-row transaction
COMMIT_TO_PLAIN = 2.0
QUERY_TARGET = 2.0
KEY = bytes(range(32))
SECRET = "benchmark passphrase, not a real one"


def bare_cipher_db(path: Path, key: bytes) -> sqlite3.Connection:
    """The bare SQLCipher durable commit's database: raw key, WAL, synchronous=FULL."""
    conn = cipher.connect(path, key, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    return conn


def bare_cipher_commit(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN")
    conn.execute("INSERT INTO floor (body) VALUES (?)", [FLOOR_PAYLOAD])
    conn.execute("COMMIT")


class TransactionClock:
    """The time of each write transaction, BEGIN to COMMIT, by database, as the stores' own
    `writing` runs it (wrapped for the measurement, the same for every store, put back after)."""

    def __init__(self) -> None:
        self.spent: dict[object, int] = {}
        self._writing = repository.writing

    @contextmanager
    def timed(self, conn: sqlite3.Connection, path: object) -> Iterator[None]:
        began = time.perf_counter_ns()
        with self._writing(conn, path):
            yield
        self.spent[path] = self.spent.get(path, 0) + time.perf_counter_ns() - began

    def __enter__(self) -> "TransactionClock":
        repository.writing = self.timed  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        repository.writing = self._writing


def measure_answers(folder: Path, calls: int, warmup: int = 1) -> tuple[list[int], ...]:
    """Each welfare step into an encrypted Store and a plain one, then a bare SQLCipher commit
    and a bare plain one, in turns (the order rotating step by step), in one folder; and the
    encrypted step's own transaction (the fifth list)."""
    pack = load_pack(forms_dir() / PACK)
    script = load_script(examples_dir() / SCRIPT)
    timed: tuple[list[int], ...] = ([], [], [], [], [])
    clock = time.perf_counter_ns
    with tempfile.TemporaryDirectory(dir=folder, prefix="encrypted-") as scratch:
        where = Path(scratch)
        stores = (Store.open(where / "enc.sqlite3", "live", key=KEY),
                  Store.open(where / "plain.sqlite3", "live"))  # fmt: skip
        bare = bare_cipher_db(where / "floor-cipher.sqlite3", KEY)
        plain = bare_durable_db(where / "floor-plain.sqlite3")
        transactions = TransactionClock()
        try:
            with transactions:
                for call in range(warmup + calls):
                    recorders = [
                        CallRecorder.start(store, pack, incident_ref=f"B-{call:05d}", user="h01")
                        for store in stores
                    ]
                    for number, step in enumerate(script.steps):
                        for which in _rotation(number):
                            transactions.spent.clear()
                            started = clock()
                            if which == 2:
                                bare_cipher_commit(bare)
                            elif which == 3:
                                bare_commit(plain)
                            elif step.reason:
                                recorders[which].change(
                                    step.node, step.answer, step.rationale, step.reason
                                )
                            else:
                                recorders[which].answer(step.node, step.answer, step.rationale)
                            took = clock() - started
                            if call >= warmup:
                                timed[which].append(took)
                                if which == 0:
                                    timed[4].append(transactions.spent[stores[0].path])
                    assert all(r.state.finished for r in recorders), "the script no longer finishes"
        finally:
            for store in stores:
                store.close()
            bare.close()
            plain.close()
    return timed


def _rotation(number: int) -> tuple[int, ...]:
    order = (0, 1, 2, 3)
    shift = number % 4
    return order[shift:] + order[:shift]


def encrypted_copy(plain: Path, key: bytes) -> Path:
    """The generated database encrypted with `key` (made once, beside it)."""
    target = plain.with_name(f"{plain.stem}.encrypted{plain.suffix}")
    if not target.exists():
        partial_copy = target.with_name(f"{target.name}.partial")
        partial_copy.unlink(missing_ok=True)
        print(f"encrypting a copy of {plain} (once) ...", flush=True)
        encrypt.export(plain, partial_copy, key)
        partial_copy.rename(target)
    return target


def measure_queries(path: Path, key: bytes, rounds: int) -> tuple[Row, Row]:
    """recent(50) and one record's events on the encrypted Store, against the same bare SQL on
    a bare SQLCipher connection to the same file; both kept open."""
    store = Store.open(path, "live", create=False, key=key)  # as the window holds it
    bare = cipher.connect(path, key)
    try:
        record_id = int(bare.execute("SELECT max(id) / 2 FROM records").fetchone()[0])
        events = len(store.events(record_id))
        recent, history = compare_queries(store, bare, rounds, record_id)
    finally:
        store.close()
        bare.close()
    return (
        Row("encrypted recent(50) p50", _median(recent.ours), _median(recent.floor), QUERY_TARGET),
        Row(
            f"encrypted events(record {record_id}: {events} events) p50",
            _median(history.ours),
            _median(history.floor),
            QUERY_TARGET,
        ),
    )


def measure_sign_in_open(path: Path, rounds: int) -> Row:
    """Signing in (the Argon2 hash checked and the data key unwrapped, at the force's cost) and
    opening the encrypted records, against a bare SQLCipher open of the same file: reported."""
    folder = path.parent
    with tempfile.TemporaryDirectory(dir=folder, prefix="sign-in-") as scratch:
        where = Path(scratch)
        store = AccountStore.open(where, cost=PRODUCTION)
        access = Access(store, shipped_roles())
        now = datetime.now(UTC)
        access.create_first_administrator("B100", "Bench Admin", SECRET, "passphrase", now=now)
        recovery = keys.load_recovery_public_key(keys.make_recovery_key_pair(None).public_pem)
        keyring_file.save_keyring(
            where, keys.make_keyring(KEY, "B100", SECRET, recovery, PRODUCTION)
        )
        access.store.add(
            "H100", "Bench Handler", ("handler",), SECRET, "passphrase", by="B100", now=now
        )
        ring = keyring_file.load_keyring(where)
        assert ring is not None
        keyring_file.save_keyring(where, keys.with_account(ring, KEY, "H100", SECRET, PRODUCTION))

        def ours() -> None:
            signed = gates.sign_in(access, "H100", SECRET, "live")
            opened = Store.open(path, "live", create=False, readonly=True, key=signed.data_key)
            opened.close()
            gates.sign_out(signed)

        def floor() -> None:
            conn = cipher.connect(f"file:{path}?mode=ro", KEY, uri=True)
            conn.execute("PRAGMA journal_mode").fetchone()
            conn.close()

        timed = _alternate(rounds, ours, floor)
        store.close()
    return Row(
        "sign in and open (Argon2id at the force's cost)",
        _median(timed.ours),
        _median(timed.floor),
        None,
    )


def run(db: Path, *, rounds: int, calls: int, scratch: Path | None = None) -> list[Row]:
    gc.collect()
    timed = measure_answers(scratch or db.parent, calls)
    ours, plain_store, bare_cipher, bare_plain, committed = timed
    encrypted = encrypted_copy(db, KEY)
    recent, history = measure_queries(encrypted, KEY, rounds)
    opened = measure_sign_in_open(encrypted, 5)
    answer = _median(ours)
    return [
        Row(
            "whole answer p50, encrypted to plain store",
            answer,
            _median(plain_store),
            ENCRYPTION_COST,
        ),
        Row(
            "answer's commit p50 (its transaction), to bare SQLCipher",
            _median(committed),
            _median(bare_cipher),
            COMMIT_TO_CIPHER,
        ),
        Row(
            "answer's commit p50 (its transaction), to bare plain SQLite",
            _median(committed),
            _median(bare_plain),
            COMMIT_TO_PLAIN,
        ),
        Row(
            "whole answer p50 (engine and commit), to bare SQLCipher",
            answer,
            _median(bare_cipher),
            None,
        ),
        Row(
            "whole answer p50 (engine and commit), to bare plain SQLite",
            answer,
            _median(bare_plain),
            None,
        ),
        recent,
        history,
        opened,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to generate")
    parser.add_argument("--rounds", type=int, default=2000, help="rounds per query")
    parser.add_argument("--calls", type=int, default=20, help="welfare calls (32 answers each)")
    args = parser.parse_args(argv)
    db = ensure_database(CACHE / f"events-{args.events}.sqlite3", args.events)
    rows = run(db, rounds=args.rounds, calls=args.calls)
    return reported(rows)


if __name__ == "__main__":
    sys.exit(main())
