"""The central store checked end to end (`rcrp-central verify`): every record's chain, each event
hashed again as its station wrote it, and every station's bundles in an unbroken sequence; and
what it holds, station by station (`rcrp-central status`)."""

from dataclasses import dataclass

import psycopg

from rcrp_desktop.storage.chain import GENESIS, typed_event_hash

_EVENTS = (
    "SELECT record_uid, seq, station_event_id, station_record_id, kind, payload, utc, local, "
    '"user", prev_hash, hash FROM events ORDER BY record_uid, seq'
)


@dataclass(frozen=True)
class StationStatus:
    station: str
    name: str
    revoked: bool
    bundles: int
    last_sequence: int
    held: tuple[int, ...]
    events: int
    conflicts: int


def faults(conn: psycopg.Connection) -> list[str]:
    """Every fault found; [] when every chain and every station's sequence is whole."""
    found: list[str] = []
    # A server-side cursor, in a (read-only) transaction of its own: a row at a time, not all.
    with conn.transaction(), conn.cursor(name="verify_events") as cursor:
        cursor.execute(_EVENTS)
        record, previous, expected = "", GENESIS, 1
        for uid, seq, event_id, record_id, kind, payload, utc, local, user, prev, digest in cursor:
            if uid != record:
                record, previous, expected = uid, GENESIS, 1
            where = f"record {uid}, event {seq}"
            if seq != expected:
                found.append(f"{where}: events {expected} to {seq - 1} are missing")
            if prev != previous:
                found.append(f"{where}: it does not follow the event before it")
            worked_out = typed_event_hash(
                event_id, record_id, seq, kind, payload, utc, local, user, prev
            )
            if worked_out != digest:
                found.append(f"{where}: changed after it was written (its hash does not match)")
            previous, expected = digest, seq + 1
    with conn.cursor() as cursor:
        cursor.execute("SELECT station, sequence, bundle_hash, previous FROM bundles "
                       "ORDER BY station, sequence")  # fmt: skip
        station, last_hash, next_sequence = "", GENESIS, 1
        for name, sequence, bundle_hash, prior in cursor.fetchall():
            if name != station:
                station, last_hash, next_sequence = name, GENESIS, 1
            if sequence != next_sequence:
                found.append(f"station {name}: bundles {next_sequence} to {sequence - 1} missing")
            if prior != last_hash:
                found.append(f"station {name}, bundle {sequence}: does not follow the one before")
            last_hash, next_sequence = bundle_hash, sequence + 1
    return found


def status(conn: psycopg.Connection) -> list[StationStatus]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.name, s.revoked_utc IS NOT NULL, "
            "(SELECT count(*) FROM bundles b WHERE b.station = s.id), "
            "(SELECT COALESCE(MAX(sequence), 0) FROM bundles b WHERE b.station = s.id), "
            "(SELECT COALESCE(array_agg(sequence ORDER BY sequence), '{}') FROM held_bundles h "
            " WHERE h.station = s.id), "
            "(SELECT count(*) FROM events e WHERE e.station = s.id), "
            "(SELECT count(*) FROM conflicts c WHERE c.station = s.id) "
            "FROM stations s ORDER BY s.id"
        )
        return [
            StationStatus(
                str(a), str(b), bool(c), int(d), int(e), tuple(int(x) for x in f), int(g), int(h)
            )
            for a, b, c, d, e, f, g, h in cursor.fetchall()
        ]
