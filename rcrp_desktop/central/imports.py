"""Importing a station's bundle into the central store: checked before anything is stored (a
registered station's signature, the force's seal, the bundle's place in the station's
sequence, every record's chain continuing exactly from what is stored), then stored in one
transaction, so a bundle is imported whole or not at all, and the same bundle twice is a no-op.

A bundle that comes before the ones it follows is held, and imported once they have come; an
event whose place in a record is taken by other content is never overwritten: both versions go
to the conflicts table, and are reported.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcrp_desktop.central.stations import signing_key
from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.chain import GENESIS, typed_event_hash
from rcrp_desktop.storage.records import HEADER_FIELDS

_EVENT_FIELDS = ("kind", "payload", "utc", "local", "user", "prev_hash", "hash")


class RejectedError(Exception):
    """The whole bundle is refused; nothing of it was stored."""


@dataclass
class Imported:
    """What one bundle's import did."""

    station: str
    sequence: int
    outcome: str  # "imported", "already imported", "held"
    events: int = 0
    conflicts: int = 0
    missing: tuple[int, ...] = ()  # for a held bundle: the sequence numbers still to come
    then: list["Imported"] = field(default_factory=list)  # held bundles it let in

    def line(self) -> str:
        where = f"bundle {self.sequence} of station {self.station}"
        if self.outcome == "held":
            gap = ", ".join(str(n) for n in self.missing)
            return f"held: {where} waits for bundle(s) {gap}"
        if self.outcome == "already imported":
            return f"already imported: {where}; nothing changed"
        conflicts = f"; {self.conflicts} conflict(s) kept, see the conflicts" * bool(self.conflicts)
        return f"imported: {where}, {self.events} event(s){conflicts}"


def import_bundle(
    conn: psycopg.Connection, data: bytes, force: X25519PrivateKey, now: datetime
) -> list[Imported]:
    """Import one bundle's bytes (and any held bundle it was the last one missing)."""
    header = bundles.read_header(data)
    station, sequence = str(header.get("station", "")), header.get("sequence")
    if not isinstance(sequence, int) or sequence < 1:
        raise RejectedError("its header names no bundle sequence")
    key = signing_key(conn, station)
    if key is None:
        raise RejectedError(f"station {station} is not registered, or is revoked")
    try:
        opened = bundles.open_bundle(data, key, force)
    except bundles.BundleError as error:
        raise RejectedError(str(error)) from error
    content = opened.content
    if content.get("station") != station or content.get("sequence") != sequence:
        raise RejectedError(
            f"its content is station {content.get('station')}'s bundle {content.get('sequence')}, "
            f"not what its header says (a bundle replayed under another station's name)"
        )
    done = _import_opened(conn, station, sequence, opened, data, now)
    if done.outcome == "imported":
        done.then = _release_held(conn, station, force, now)
    return [done, *done.then]


def _import_opened(
    conn: psycopg.Connection,
    station: str,
    sequence: int,
    opened: bundles.Opened,
    data: bytes,
    now: datetime,
) -> Imported:
    content = opened.content
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [station])  # one at a time
        cursor.execute(
            "SELECT bundle_hash FROM bundles WHERE station = %s AND sequence = %s",
            [station, sequence],
        )
        known = cursor.fetchone()
        if known is not None:
            if known[0] == opened.bundle_hash:
                return Imported(station, sequence, "already imported")
            raise RejectedError(
                f"station {station} already sent a different bundle {sequence}: this one is "
                "not the one imported"
            )
        cursor.execute(
            "SELECT COALESCE(MAX(sequence), 0) FROM bundles WHERE station = %s", [station]
        )
        last = int(cursor.fetchone()[0])  # type: ignore[index]
        if sequence > last + 1:
            cursor.execute(
                "INSERT INTO held_bundles (station, sequence, bundle_hash, data, received_utc) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (station, sequence) DO NOTHING",
                [station, sequence, opened.bundle_hash, data, now],
            )
            return Imported(station, sequence, "held", missing=tuple(range(last + 1, sequence)))
        previous = GENESIS
        if sequence > 1:
            cursor.execute(
                "SELECT bundle_hash FROM bundles WHERE station = %s AND sequence = %s",
                [station, sequence - 1],
            )
            previous = str(cursor.fetchone()[0])  # type: ignore[index]
        if content.get("previous") != previous:
            raise RejectedError(
                f"bundle {sequence} does not follow the bundle {sequence - 1} imported from "
                f"station {station} (its previous bundle's hash differs)"
            )
        stored, conflicts = _store_events(cursor, station, sequence, content, now)
        cursor.execute(
            "INSERT INTO bundles (station, sequence, bundle_hash, previous, events, imported_utc) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [station, sequence, opened.bundle_hash, previous, stored, now],
        )
        cursor.execute(
            "DELETE FROM held_bundles WHERE station = %s AND sequence = %s", [station, sequence]
        )
    return Imported(station, sequence, "imported", stored, conflicts)


def _store_events(
    cursor: psycopg.Cursor[Any],
    station: str,
    sequence: int,
    content: dict[str, Any],
    now: datetime,
) -> tuple[int, int]:
    """Every record header and event of the bundle stored, each chain checked to continue
    exactly from what is stored; (events stored, conflicts kept)."""
    for header in content.get("records", []):
        values = [str(header.get(name, "")) for name in HEADER_FIELDS]
        cursor.execute(
            f"INSERT INTO records (station, {', '.join(HEADER_FIELDS)}) "
            f"VALUES (%s, {', '.join(['%s'] * len(HEADER_FIELDS))}) ON CONFLICT (uid) DO NOTHING",
            [station, *values],
        )
    heads: dict[str, tuple[int, str]] = {}
    diverged: set[str] = set()  # records whose stored events this bundle contradicts
    stored = conflicts = 0
    for event in content.get("events", []):
        uid, seq = str(event["record_uid"]), int(event["seq"])
        _check_hash(event)
        if uid in diverged:  # the rest of a diverged record: kept beside, never stored over
            conflicts += 1
            _keep_conflict(cursor, station, sequence, uid, seq, None, event, now)
            continue
        cursor.execute(
            f"SELECT {', '.join(_quoted(_EVENT_FIELDS))} FROM events "
            "WHERE record_uid = %s AND seq = %s",
            [uid, seq],
        )
        there = cursor.fetchone()
        if there is not None:
            if there[-1] != event["hash"]:
                conflicts += 1
                diverged.add(uid)
                _keep_conflict(cursor, station, sequence, uid, seq, there, event, now)
            heads[uid] = (seq, str(there[-1]))
            continue
        last = heads.get(uid) or _head(cursor, uid)
        expected_prev = last[1] if last else GENESIS
        if seq != (last[0] + 1 if last else 1) or event["prev_hash"] != expected_prev:
            raise RejectedError(
                f"record {uid}, event {seq} does not continue the chain stored for it "
                "(an event missing before it, or changed)"
            )
        cursor.execute(
            "INSERT INTO events (record_uid, seq, station, station_event_id, station_record_id, "
            f"{', '.join(_quoted(_EVENT_FIELDS))}, bundle_sequence) "
            f"VALUES (%s, %s, %s, %s, %s, {', '.join(['%s'] * len(_EVENT_FIELDS))}, %s)",
            [uid, seq, station, int(event["id"]), int(event["record_id"]),
             *(str(event[name]) for name in _EVENT_FIELDS), sequence],
        )  # fmt: skip
        heads[uid] = (seq, str(event["hash"]))
        stored += 1
    return stored, conflicts


def _keep_conflict(
    cursor: psycopg.Cursor[Any],
    station: str,
    sequence: int,
    uid: str,
    seq: int,
    there: tuple[Any, ...] | None,
    event: dict[str, Any],
    now: datetime,
) -> None:
    stored = dict(zip(_EVENT_FIELDS, there, strict=True)) if there else {}
    cursor.execute(
        "INSERT INTO conflicts (station, bundle_sequence, record_uid, seq, stored, offered, "
        "found_utc) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [station, sequence, uid, seq, json.dumps(stored),
         json.dumps({name: event[name] for name in _EVENT_FIELDS}), now],
    )  # fmt: skip


def _check_hash(event: dict[str, Any]) -> None:
    """The event's own hash, worked out again from what the bundle carries."""
    try:
        digest = typed_event_hash(
            int(event["id"]), int(event["record_id"]), int(event["seq"]),
            *(str(event[name]) for name in _EVENT_FIELDS[:-1]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as error:
        raise RejectedError(f"an event of the bundle is not whole ({error})") from error
    if digest != event["hash"]:
        raise RejectedError(
            f"record {event.get('record_uid')}, event {event.get('seq')}: its hash does not "
            "match what it holds (changed after it was written)"
        )


def _head(cursor: psycopg.Cursor[Any], uid: str) -> tuple[int, str] | None:
    cursor.execute(
        "SELECT seq, hash FROM events WHERE record_uid = %s ORDER BY seq DESC LIMIT 1", [uid]
    )
    row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _release_held(
    conn: psycopg.Connection, station: str, force: X25519PrivateKey, now: datetime
) -> list[Imported]:
    """Held bundles of the station that can follow now, in order."""
    released: list[Imported] = []
    while True:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT h.data FROM held_bundles h WHERE h.station = %s AND h.sequence = "
                "(SELECT COALESCE(MAX(sequence), 0) + 1 FROM bundles WHERE station = %s)",
                [station, station],
            )
            row = cursor.fetchone()
        if row is None:
            return released
        data = bytes(row[0])
        header = bundles.read_header(data)
        key = signing_key(conn, station)
        if key is None:
            return released
        opened = bundles.open_bundle(data, key, force)
        released.append(_import_opened(conn, station, int(header["sequence"]), opened, data, now))


def _quoted(names: tuple[str, ...]) -> list[str]:
    return [f'"{name}"' for name in names]
