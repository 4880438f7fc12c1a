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
from rcrp_desktop.storage.bundles import RECORD_COLUMNS
from rcrp_desktop.storage.chain import GENESIS, typed_event_hash
from rcrp_desktop.storage.records import EVENT_COLUMNS, HEADER_FIELDS

# A bundle's events are rows of the station's columns (EVENT_COLUMNS: id, record_id, seq, then
# these); stored centrally under the record's uid, with the station's ids beside.
_EVENT_FIELDS = ("kind", "payload", "utc", "local", "user", "prev_hash", "hash")
assert EVENT_COLUMNS[3:] == _EVENT_FIELDS
_RECORD, _SEQ, _PREV, _HASH = (
    EVENT_COLUMNS.index(n) for n in ("record_id", "seq", "prev_hash", "hash")
)
_COPIED = (
    "record_uid, seq, station, station_event_id, station_record_id, "
    f"{', '.join(chr(34) + n + chr(34) for n in _EVENT_FIELDS)}, bundle_sequence"
)


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
    exactly from what is stored; (events stored, conflicts kept).

    In bulk, as a million events must go: what is stored for the bundle's records is read in
    two queries (each record's head, and any stored event the bundle offers again), the
    chains are checked here, and the new events go in with one COPY."""
    headers = _rows(content, "records", RECORD_COLUMNS)
    events = _rows(content, "events", EVENT_COLUMNS)
    uid_of = _store_headers(cursor, station, headers)
    uids: list[str] = []
    for event in events:
        _check_hash(event)
        uid = uid_of.get(event[_RECORD])
        if uid is None:
            raise RejectedError(
                f"its event {event[0]} belongs to record {event[_RECORD]}, whose header it "
                "does not hold"
            )
        uids.append(uid)
    heads = _heads(cursor, list(dict.fromkeys(uids)))
    there = _stored_again(cursor, events, uids, heads)
    running: dict[str, tuple[int, str]] = {}
    diverged: set[str] = set()  # records whose stored events this bundle contradicts
    rows: list[tuple[Any, ...]] = []
    kept: list[tuple[str, int, tuple[Any, ...] | None, list[Any]]] = []
    for uid, event in zip(uids, events, strict=True):
        seq = event[_SEQ]
        if uid in diverged:  # the rest of a diverged record: kept beside, never stored over
            kept.append((uid, seq, None, event))
            continue
        stored = there.get((uid, seq))
        if stored is not None:
            if stored[-1] != event[_HASH]:
                diverged.add(uid)
                kept.append((uid, seq, stored, event))
            running[uid] = (seq, str(stored[-1]))
            continue
        last = running.get(uid) or heads.get(uid)
        expected_prev = last[1] if last else GENESIS
        if seq != (last[0] + 1 if last else 1) or event[_PREV] != expected_prev:
            raise RejectedError(
                f"record {uid}, event {seq} does not continue the chain stored for it "
                "(an event missing before it, or changed)"
            )
        rows.append((uid, seq, station, event[0], event[_RECORD], *event[3:], sequence))
        running[uid] = (seq, event[_HASH])
    with cursor.copy(f"COPY events ({_COPIED}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    for uid, seq, stored, event in kept:
        _keep_conflict(cursor, station, sequence, uid, seq, stored, event, now)
    return len(rows), len(kept)


def _rows(content: dict[str, Any], part: str, columns: tuple[str, ...]) -> list[list[Any]]:
    """One part of the content as rows, its columns checked to be the ones expected."""
    table = content.get(part)
    if not isinstance(table, dict) or table.get("columns") != list(columns):
        raise RejectedError(f"its content holds no {part} under the columns this side reads")
    rows = table.get("rows")
    if not isinstance(rows, list) or not all(
        isinstance(row, list) and len(row) == len(columns) for row in rows
    ):
        raise RejectedError(f"its {part} are not whole rows")
    return rows


def _store_headers(
    cursor: psycopg.Cursor[Any], station: str, headers: list[list[Any]]
) -> dict[Any, str]:
    """The bundle's record headers, each stored once (a record already stored is kept);
    the station's record id -> the record's uid."""
    cursor.execute("CREATE TEMP TABLE incoming_records (LIKE records) ON COMMIT DROP")
    columns = f"station, {', '.join(HEADER_FIELDS)}"
    with cursor.copy(f"COPY incoming_records ({columns}) FROM STDIN") as copy:
        for header in headers:
            copy.write_row([station, *(str(value) for value in header[1:])])
    cursor.execute(
        f"INSERT INTO records ({columns}) SELECT {columns} FROM incoming_records "
        "ON CONFLICT (uid) DO NOTHING"
    )
    return {header[0]: str(header[1]) for header in headers}


def _heads(cursor: psycopg.Cursor[Any], uids: list[str]) -> dict[str, tuple[int, str]]:
    """The last event stored for each of these records (none: the record is new here)."""
    cursor.execute(
        "SELECT DISTINCT ON (record_uid) record_uid, seq, hash FROM events "
        "WHERE record_uid = ANY(%s) ORDER BY record_uid, seq DESC",
        [uids],
    )
    return {str(uid): (int(seq), str(digest)) for uid, seq, digest in cursor.fetchall()}


def _stored_again(
    cursor: psycopg.Cursor[Any],
    events: list[list[Any]],
    uids: list[str],
    heads: dict[str, tuple[int, str]],
) -> dict[tuple[str, int], tuple[Any, ...]]:
    """The stored events whose places the bundle offers again (usually none: a bundle holds
    what came after the last one), to compare with what it offers."""
    again = [
        (uid, event[_SEQ])
        for uid, event in zip(uids, events, strict=True)
        if uid in heads and event[_SEQ] <= heads[uid][0]
    ]
    if not again:
        return {}
    cursor.execute(
        f"SELECT e.record_uid, e.seq, {', '.join('e.' + n for n in _quoted(_EVENT_FIELDS))} "
        "FROM events e JOIN unnest(%s::text[], %s::int[]) AS k (uid, seq) "
        "ON e.record_uid = k.uid AND e.seq = k.seq",
        [[uid for uid, _ in again], [seq for _, seq in again]],
    )
    return {(str(row[0]), int(row[1])): tuple(row[2:]) for row in cursor.fetchall()}


def _keep_conflict(
    cursor: psycopg.Cursor[Any],
    station: str,
    sequence: int,
    uid: str,
    seq: int,
    there: tuple[Any, ...] | None,
    event: list[Any],
    now: datetime,
) -> None:
    stored = dict(zip(_EVENT_FIELDS, there, strict=True)) if there else {}
    offered = dict(zip(_EVENT_FIELDS, event[3:], strict=True))
    cursor.execute(
        "INSERT INTO conflicts (station, bundle_sequence, record_uid, seq, stored, offered, "
        "found_utc) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [station, sequence, uid, seq, json.dumps(stored), json.dumps(offered), now],
    )


def _check_hash(event: list[Any]) -> None:
    """The event's own hash, worked out again from what the bundle carries."""
    if not all(type(event[i]) is int for i in (0, 1, 2)) or not all(
        type(value) is str for value in event[3:]
    ):
        raise RejectedError(f"an event of the bundle is not whole ({event[:3]!r})")
    digest = typed_event_hash(*event[:_HASH])
    if digest != event[_HASH]:
        raise RejectedError(
            f"record {event[_RECORD]} (its id at the station), event {event[_SEQ]}: its hash "
            "does not match what it holds (changed after it was written)"
        )


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
