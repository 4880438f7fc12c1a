"""What goes into a bundle, read from the record database: the events after the last bundled
one, exactly as stored, with their records' headers and a manifest (the SQL of bundling)."""

from typing import Any

from rcrp_desktop.storage.bundles import FORMAT, VERSION, BundleState
from rcrp_desktop.storage.cipher import DB_ERRORS
from rcrp_desktop.storage.errors import classify
from rcrp_desktop.storage.records import EVENT_COLUMNS, HEADER_FIELDS
from rcrp_desktop.storage.repository import Store

_EVENTS = (
    "SELECT r.uid, "
    + ", ".join(f"e.{name}" for name in EVENT_COLUMNS)
    + " FROM events e JOIN records r ON r.id = e.record_id"
    " WHERE e.id > ? AND e.id <= ? AND r.mode = ? ORDER BY e.id"
)
_HEADERS = (
    f"SELECT {', '.join(HEADER_FIELDS)} FROM records WHERE mode = ? AND id IN "
    "(SELECT DISTINCT record_id FROM events WHERE id > ? AND id <= ?) ORDER BY id"
)


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


def bundle_content(store: Store, state: BundleState) -> dict[str, Any]:
    """The content of the bundle `state` has begun: the same every time it is asked for
    (records and events are only ever added), so a stopped export makes it again exactly."""
    assert state.pending is not None
    after, through = state.last_event_id, int(state.pending["through_event_id"])
    names = list(EVENT_COLUMNS)  # the station's own ids too: each event's hash covers them
    try:
        events = [
            {"record_uid": row[0], **dict(zip(names, row[1:], strict=True))}
            for row in store.db.execute(_EVENTS, [after, through, store.mode])
        ]
        headers = [
            dict(zip(HEADER_FIELDS, row, strict=True))
            for row in store.db.execute(_HEADERS, [store.mode, after, through])
        ]
    except DB_ERRORS as error:
        raise classify(error, store.path) from error
    manifest: dict[str, dict[str, Any]] = {}
    for event in events:
        entry = manifest.setdefault(event["record_uid"], {"events": 0, "first_seq": event["seq"]})
        entry["events"] += 1
        entry["last_seq"], entry["head"] = event["seq"], event["hash"]
    return {
        "format": FORMAT,
        "version": VERSION,
        "station": state.station,
        "sequence": state.pending["sequence"],
        "previous": state.previous,
        "created_utc": state.pending["created_utc"],
        "mode": store.mode,
        "after_event_id": after,
        "through_event_id": through,
        "manifest": {"event_count": len(events), "records": manifest},
        "records": headers,
        "events": events,
    }
