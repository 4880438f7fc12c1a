"""Check a record database end to end: SQLite's integrity, every record's hash chain, and the
search cache (record_index) against the events it is drawn from."""

import json
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from rcrp_desktop.storage.chain import GENESIS, event_hash
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.records import HEADER_FIELDS, Fault
from rcrp_desktop.storage.repository import Store

MAX_FAULTS = 100


def verify(store: Store) -> list[Fault]:
    """Every fault found (up to MAX_FAULTS); the first names the first broken record and event."""
    faults: list[Fault] = []
    try:
        faults += [Fault(f"SQLite integrity: {line}") for line in store.integrity_report()]
        records = {int(row[0]): row for row in store.record_rows()}
        seen: set[int] = set()
        for record_id, rows in groupby(store.event_rows(), key=lambda row: row[1]):
            seen.add(int(record_id))
            faults += _check_record(store, records.get(int(record_id)), int(record_id), rows)
            if len(faults) >= MAX_FAULTS:
                break
        else:
            faults += _check_index(store.index_rows(), store.recomputed_index_rows())
        for record_id in sorted(set(records) - seen):
            faults.append(Fault("has no events: its history is missing", record_id))
    except (StorageError, TypeError, ValueError) as error:  # damage that stops the reading
        faults.append(Fault(f"the database could not be read to the end: {error}"))
    return faults[:MAX_FAULTS]


def verify_record(store: Store, record_id: int) -> list[Fault]:
    """One record's hash chain and header, as `verify` checks them (before it is exported)."""
    try:
        rows = store.record_rows(record_id)
        header = rows[0] if rows else None
        faults = _check_record(store, header, record_id, store.event_rows(record_id))
    except (StorageError, TypeError, ValueError) as error:
        faults = [Fault(f"the record could not be read to the end: {error}", record_id)]
    return faults[:MAX_FAULTS]


def _check_record(
    store: Store,
    header: tuple[Any, ...] | None,
    record_id: int,
    rows: Iterable[tuple[Any, ...]],
) -> list[Fault]:
    if header is None:
        return [Fault("events exist for a record that does not", record_id)]
    faults: list[Fault] = []
    prev, expected_seq, closed = GENESIS, 1, False
    for event_id, _, seq, kind, payload, utc, local, user, prev_hash, digest in rows:
        where = {"record_id": record_id, "seq": seq}
        fields = (kind, payload, utc, local, user, prev_hash, digest)
        if not all(isinstance(value, str) for value in fields) or not isinstance(seq, int):
            faults.append(Fault("a stored value has the wrong type (damaged)", **where))
            return faults
        if seq != expected_seq:
            faults.append(
                Fault(
                    f"sequence jumps from {expected_seq - 1} to {seq}: an event is missing", **where
                )
            )
        if prev_hash != prev:
            faults.append(Fault("does not link to the event before it (chain broken)", **where))
        if (
            event_hash(event_id, record_id, seq, kind, payload, utc, local, user, prev_hash)
            != digest
        ):
            faults.append(
                Fault("its hash does not match its contents: changed after it was written", **where)
            )
        if seq == 1:
            faults += _check_genesis(store, header, kind, payload, record_id)
        closed = closed or kind == "closure"
        prev, expected_seq = digest, seq + 1
    status = "closed" if closed else "open"
    if header[-1] != status:
        faults.append(Fault(f"status says '{header[-1]}' but its events say '{status}'", record_id))
    return faults


def _check_index(
    stored: dict[int, tuple[str, ...]], expected: dict[int, tuple[str, ...]]
) -> list[Fault]:
    """Where the search cache disagrees with the events (a cache: rebuilt, never trusted)."""
    faults = []
    for record_id in sorted(set(stored) | set(expected)):
        if stored.get(record_id) != expected.get(record_id):
            faults.append(Fault("search index out of step with events", record_id))
    return faults


def _check_genesis(
    store: Store, header: tuple[Any, ...], kind: str, payload: str, record_id: int
) -> list[Fault]:
    if kind != "created":
        return [Fault("the first event is not its creation", record_id, 1)]
    try:
        created = json.loads(payload)
    except ValueError:
        return [Fault("its creation event cannot be read", record_id, 1)]
    stored = dict(zip(HEADER_FIELDS, header[1:-1], strict=True))
    if created != stored:
        changed = sorted(k for k in HEADER_FIELDS if created.get(k) != stored.get(k))
        return [Fault(f"header differs from its creation event ({', '.join(changed)})", record_id)]
    if stored["mode"] != store.mode:
        return [Fault(f"a {stored['mode']} record in the {store.mode} database", record_id)]
    return []
