"""Bundles against their floors, in the same run: exporting every event of the generated store as
one bundle against reading the same rows (target 2x), and importing that bundle into the central
PostgreSQL against a bare COPY of the same rows into the same tables on the same server (target
3x: the signature, the seal and every chain checked are real work). A throwaway PostgreSQL
server is started for the run (tests/central/cluster.py).

    .venv/bin/python bench/bench_bundles.py        # 1M events; exit 1 if a target is missed
    .venv/bin/python bench/bench_bundles.py --events 200000 --rounds 3
"""

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcrp_desktop.calls.bundles import export_bundle
from rcrp_desktop.central import schema, stations
from rcrp_desktop.central.imports import import_bundle
from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.bundle_source import RECORD_SQL
from rcrp_desktop.storage.records import EVENT_COLUMNS, HEADER_FIELDS
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.station import public_pem, station_key

from bench_storage import CACHE, Row, _alternate, _median, ensure_database, reported

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ for the server
from tests.central.cluster import cluster

EXPORT_TARGET = 2.0
PLAIN_EVENTS = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE id > ? AND id <= ? ORDER BY id"
IMPORT_TARGET = 3.0
_EVENT_COLUMNS = (
    "record_uid, seq, station, station_event_id, station_record_id, kind, payload, utc, local, "
    '"user", prev_hash, hash, bundle_sequence'
)


def measure_export(db: Path, folder: Path, rounds: int) -> tuple[Row, bytes, X25519PrivateKey]:
    """Every event as one bundle, against the same SELECTs fetched whole; returns the bundle
    (and the force key it is sealed to) for the import."""
    force = X25519PrivateKey.generate()
    station = folder / "station"
    station.mkdir()
    station_key(station)
    store = Store.open(db, "live", create=False, readonly=True)
    bare = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    through = int(bare.execute("SELECT MAX(id) FROM events").fetchone()[0])
    made: list[bytes] = []

    def ours() -> None:
        (station / bundles.STATE_FILE).unlink(missing_ok=True)
        out = folder / f"bundle-{uuid.uuid4().hex}.rcrp"
        export_bundle(store, station, out, force.public_key())
        made[:] = [out.read_bytes()]
        out.unlink()

    def floor() -> None:  # the same rows, read whole: what an export cannot do without
        bare.execute(PLAIN_EVENTS, [0, through]).fetchall()
        bare.execute(RECORD_SQL, ["live", 0, through]).fetchall()

    try:
        timed = _alternate(rounds, ours, floor)
    finally:
        store.close()
        bare.close()
    row = Row(
        f"bundle export ({through:,} events)", _median(timed.ours), _median(timed.floor),
        EXPORT_TARGET,
    )  # fmt: skip
    return row, made[0], force


@contextmanager
def fresh_database(server: str, station_pem: bytes) -> Iterator[psycopg.Connection]:
    """A new central database, migrated, with the station registered; dropped after."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(f"{server} dbname={name}", autocommit=True) as conn:
            schema.migrate(conn)
            stations.add(conn, "bench station", station_pem, datetime.now(UTC))
            conn.execute("CHECKPOINT")
            yield conn
    finally:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def measure_import(
    server: str, bundle: bytes, force: X25519PrivateKey, station_pem: bytes, rounds: int
) -> Row:
    """The bundle imported into a fresh central database, against a bare COPY of the same rows
    into the same tables of another fresh one, on the same server."""
    # The rows the floor copies, made before it is timed.
    opened = bundles.open_bundle(bundle, _public(station_pem), force)
    station = str(opened.content["station"])
    uid_of = {row[0]: row[1] for row in opened.content["records"]["rows"]}
    record_rows = [[station, *row[1:]] for row in opened.content["records"]["rows"]]
    event_rows = [
        (uid_of[e[1]], e[2], station, e[0], e[1], *e[3:], 1)
        for e in opened.content["events"]["rows"]
    ]
    del opened
    timings: dict[str, list[int]] = {"ours": [], "floor": []}
    for number in range(rounds):
        for which in ("ours", "floor") if number % 2 else ("floor", "ours"):
            with fresh_database(server, station_pem) as conn:
                gc.collect()
                started = time.perf_counter_ns()
                if which == "ours":
                    done = import_bundle(conn, bundle, force, datetime.now(UTC))
                    assert done[0].outcome == "imported", done[0].line()
                else:
                    _bare_copy(conn, record_rows, event_rows)
                timings[which].append(time.perf_counter_ns() - started)
    return Row(
        f"bundle import ({len(event_rows):,} events)",
        _median(timings["ours"]),
        _median(timings["floor"]),
        IMPORT_TARGET,
    )


def _bare_copy(conn: psycopg.Connection, records: list[Any], events: list[Any]) -> None:
    columns = f"station, {', '.join(HEADER_FIELDS)}"
    with conn.transaction(), conn.cursor() as cursor:
        with cursor.copy(f"COPY records ({columns}) FROM STDIN") as copy:
            for row in records:
                copy.write_row(row)
        with cursor.copy(f"COPY events ({_EVENT_COLUMNS}) FROM STDIN") as copy:
            for row in events:
                copy.write_row(row)


def _public(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    assert isinstance(key, Ed25519PublicKey)
    return key


def run(db: Path, *, rounds: int, scratch: Path | None = None) -> list[Row]:
    with tempfile.TemporaryDirectory(dir=scratch or db.parent, prefix="bundles-") as where:
        folder = Path(where)
        export_row, bundle, force = measure_export(db, folder, rounds)
        pem = public_pem(station_key(folder / "station"))
        with cluster("max_wal_size=4GB") as server:
            import_row = measure_import(server, bundle, force, pem, rounds)
    return [export_row, import_row]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a generated database (made if missing)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events to generate")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each")
    args = parser.parse_args(argv)
    db = ensure_database(args.db or CACHE / f"events-{args.events}.sqlite3", args.events)
    rows = run(db, rounds=args.rounds)
    return reported(rows)


if __name__ == "__main__":
    sys.exit(main())
