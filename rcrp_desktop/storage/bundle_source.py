"""What goes into a bundle, read from the record database: the events after the last bundled
one, exactly as stored, with their records' headers and a manifest (the SQL of bundling)."""

from dataclasses import dataclass
from typing import Any

import orjson

from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.bundles import FORMAT, RECORD_COLUMNS, VERSION, BundleState
from rcrp_desktop.storage.cipher import DB_ERRORS
from rcrp_desktop.storage.errors import StorageError, classify
from rcrp_desktop.storage.records import EVENT_COLUMNS
from rcrp_desktop.storage.repository import Store

# The events exactly as stored, each written out as a JSON array by SQLite itself (a million
# rows made into Python objects, only to be written out again, took longer than reading them);
# the headers of their records, with the station's record id the events name.
EVENT_SQL = (
    f"SELECT CAST(json_array({', '.join(EVENT_COLUMNS)}) AS BLOB) FROM events "
    "WHERE id > ? AND id <= ? ORDER BY id"
)
RECORD_SQL = (
    f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE mode = ? AND id IN "
    "(SELECT DISTINCT record_id FROM events WHERE id > ? AND id <= ?) ORDER BY id"
)
# Per record: its events here, the first of their numbers, and its head (the last one's).
MANIFEST_SQL = """
    SELECT g.record_id, g.events, g.first_seq, last.seq, last.hash
    FROM (SELECT record_id, COUNT(*) AS events, MIN(seq) AS first_seq, MAX(id) AS last_id
          FROM events WHERE id > ? AND id <= ? GROUP BY record_id) AS g
    JOIN events last ON last.id = g.last_id
    ORDER BY g.record_id"""


@dataclass(frozen=True)
class Content:
    """A bundle's content, compressed as it is sealed; the SHA-256 of the content itself (the
    bundle's hash); and what its manifest counts."""

    compressed: bytes
    bundle_hash: str
    events: int
    records: int


def last_event_id(store: Store) -> int:
    try:
        row = store.db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()
    except DB_ERRORS as error:
        raise classify(error, store.path) from error
    return int(row[0])


def unbundled(store: Store, after_event_id: int) -> list[tuple[str, str, int]]:
    """Each record with events not yet bundled: its uid, incident reference, how many."""
    try:
        rows = store.db.execute(
            "SELECT r.uid, r.incident_ref, COUNT(*) FROM events e JOIN records r "
            "ON r.id = e.record_id WHERE e.id > ? AND r.mode = ? GROUP BY r.id ORDER BY r.id",
            [after_event_id, store.mode],
        ).fetchall()
    except DB_ERRORS as error:
        raise classify(error, store.path) from error
    return [(str(uid), str(ref), int(count)) for uid, ref, count in rows]


def bundle_content(store: Store, state: BundleState) -> Content:
    """The content of the bundle `state` has begun: the same bytes every time it is asked for
    (records and events are only ever added), so a stopped export makes it again exactly."""
    assert state.pending is not None
    after, through = state.last_event_id, int(state.pending["through_event_id"])
    try:
        events = store.db.execute(EVENT_SQL, [after, through]).fetchall()
        records = store.db.execute(RECORD_SQL, [store.mode, after, through]).fetchall()
        counted = store.db.execute(MANIFEST_SQL, [after, through]).fetchall()
    except DB_ERRORS as error:
        raise classify(error, store.path) from error
    fields = {
        "format": FORMAT,
        "version": VERSION,
        "station": state.station,
        "sequence": state.pending["sequence"],
        "previous": state.previous,
        "created_utc": state.pending["created_utc"],
        "mode": store.mode,
        "after_event_id": after,
        "through_event_id": through,
        "manifest": {"event_count": len(events), "records": manifest(store, counted, records)},
        "records": {"columns": RECORD_COLUMNS, "rows": records},
    }
    # Canonical JSON (keys sorted, no spaces), the events' rows laid in as SQLite wrote them.
    texts = {key: orjson.dumps(value, option=orjson.OPT_SORT_KEYS) for key, value in fields.items()}
    texts["events"] = b'{"columns":' + orjson.dumps(EVENT_COLUMNS) + b',"rows":[\0]}'
    whole = b"{" + b",".join(orjson.dumps(key) + b":" + texts[key] for key in sorted(texts)) + b"}"
    opening, closing = whole.split(b"[\0]", 1)  # \0 is written \u0000 in JSON: only here
    rows = [row[0] for row in events]
    del events
    compressed, digest = bundles.compress(opening + b"[", rows, b"]" + closing)
    return Content(compressed, digest, len(rows), len(records))


def manifest(
    store: Store, counted: list[tuple[Any, ...]], records: list[tuple[Any, ...]]
) -> dict[str, Any]:
    """Each record's uid: how many of its events the bundle holds, the first and last of
    their numbers, and its chain's head (the last event's hash)."""
    uid_of = {row[0]: row[1] for row in records}
    if stray := {row[0] for row in counted} - set(uid_of):
        raise StorageError(
            f"Events of record(s) {', '.join(map(str, sorted(stray)))}, which are not "
            f"{store.mode} records, are in {store.path}: no bundle was made. Run "
            "`rcrp-desktop verify` and tell your supervisor."
        )
    return {
        uid_of[record_id]: {"events": count, "first_seq": first, "last_seq": last, "head": head}
        for record_id, count, first, last, head in counted
    }
