"""Check a record database end to end: SQLite's integrity, the schema and its guard triggers,
every record's hash chain and the anchors its exports printed, the numbering of records and
events, and the search cache (record_index) against the events it is drawn from."""

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from rcrp_desktop.storage import anchor_log
from rcrp_desktop.storage.chain import GENESIS, typed_event_hash
from rcrp_desktop.storage.cipher import DB_ERRORS
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.migrations import AFTER_CLOSURE
from rcrp_desktop.storage.records import HEADER_FIELDS, Fault, Mode
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.schema_check import schema_faults

MAX_FAULTS = 100
FOLLOW_UPS = frozenset(AFTER_CLOSURE)  # all a closed record takes (its guard trigger's rule)
# Two queries, not one: each is answered from an index (a count over both scans the table).
_EVENT_NUMBERS = "SELECT (SELECT COUNT(*) FROM events), (SELECT MAX(id) FROM events)"
_EVENT_GAPS = """
    SELECT id, record_id, seq, next, next_record, next_seq FROM (
      SELECT id, record_id, seq, LEAD(id) OVER w AS next, LEAD(record_id) OVER w AS next_record,
        LEAD(seq) OVER w AS next_seq
      FROM events WINDOW w AS (ORDER BY id))
    WHERE next > id + 1 LIMIT ?"""
DELETED = "deleted from the file"
_READING_STOPPED: tuple[type[Exception], ...] = (StorageError, *DB_ERRORS, TypeError, ValueError)
_NOT_OPENED: tuple[type[Exception], ...] = (StorageError, *DB_ERRORS, OSError)


# SQLite's integrity report, and the records whose search cache row is out of step.
WholeFileReads = tuple[list[str], list[int]]


def verify(store: Store) -> list[Fault]:
    """Every fault found (up to MAX_FAULTS); the first names the first broken record and event."""
    faults: list[Fault] = []
    # SQLite's integrity check and the search cache's comparison with its events are
    # whole-file reads done in C, each answered in one step that lets other Python threads
    # run: they go on a second, read-only connection beside the chains' walk (Python's work),
    # so verify takes the longer of the two rather than their sum.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify") as pool:
        beside = pool.submit(_whole_file_reads, store.path, store.mode, store.key)
        integrity_in = False
        try:
            schema = [Fault(f"schema: {line}") for line in schema_faults(store.db.conn)]
            records = {int(row[0]): row for row in store.record_rows()}
            seen: set[int] = set()
            closures: dict[int, dict[int, str]] = {}
            walked = True
            for record_id, rows in groupby(store.event_rows(), key=itemgetter(1)):
                seen.add(int(record_id))
                faults += _check_record(
                    store, records.get(int(record_id)), int(record_id), rows, closures
                )
                if len(faults) >= MAX_FAULTS:
                    walked = False
                    break
            reads = beside.result() or _whole_file_reads_on(store)
            faults = [Fault(f"SQLite integrity: {line}") for line in reads[0]] + schema + faults
            integrity_in = True
            if walked:
                faults += [
                    Fault("search index out of step with events", record_id)
                    for record_id in reads[1]
                ]
            for record_id in sorted(set(records) - seen):
                faults.append(Fault("has no events: its history is missing", record_id))
            faults += _check_numbering(store, records)
            faults += _check_anchor_log(store, records, closures)
        except _READING_STOPPED as error:  # stops the reading
            # SQLite's own report first: it often says why the reading stopped.
            found = None if integrity_in else beside.result()
            integrity = [Fault(f"SQLite integrity: {line}") for line in found[0]] if found else []
            faults = [*integrity, *faults]
            faults.append(Fault(f"the database could not be read to the end: {error}"))
    return faults[:MAX_FAULTS]


def _whole_file_reads(path: Path, mode: Mode, key: bytes | None) -> WholeFileReads | None:
    """SQLite's integrity report and the search cache's check, read on a connection of their
    own; None if one cannot be opened (then they are read on the store's)."""
    try:
        other = Store.open(path, mode, create=False, readonly=True, key=key)
    except _NOT_OPENED:
        return None
    try:
        return _whole_file_reads_on(other)
    except _READING_STOPPED:
        return None  # read again on the store's own connection, where a failure is reported
    finally:
        other.close()


def _whole_file_reads_on(store: Store) -> WholeFileReads:
    return store.integrity_report(), store.index_out_of_step(MAX_FAULTS)


def verify_record(store: Store, record_id: int) -> list[Fault]:
    """One record's hash chain and header, as `verify` checks them (before it is exported)."""
    try:
        rows = store.record_rows(record_id)
        header = rows[0] if rows else None
        faults = _check_record(store, header, record_id, store.event_rows(record_id), {})
    except (StorageError, TypeError, ValueError) as error:
        faults = [Fault(f"the record could not be read to the end: {error}", record_id)]
    return faults[:MAX_FAULTS]


def _check_record(
    store: Store,
    header: tuple[Any, ...] | None,
    record_id: int,
    rows: Iterable[tuple[Any, ...]],
    closures: dict[int, dict[int, str]],
) -> list[Fault]:
    """One record's chain, header and export anchors; its closures (seq -> hash) are kept in
    `closures` when every event was read, for the anchor log's check."""
    if header is None:
        return [Fault("events exist for a record that does not", record_id)]
    faults: list[Fault] = []
    prev, expected_seq, closed = GENESIS, 1, False
    hashes: dict[int, str] = {}  # seq -> hash, for the anchors exports printed
    anchors: list[tuple[int, Any, Any]] = []  # (export's seq, anchor seq, anchor hash)
    closure_seqs: list[int] = []
    for event_id, _, seq, kind, payload, utc, local, user, prev_hash, digest in rows:
        # Written out, not a loop over the fields: this runs for every event in the database.
        if not (
            type(kind) is str
            and type(payload) is str
            and type(utc) is str
            and type(local) is str
            and type(user) is str
            and type(prev_hash) is str
            and type(digest) is str
            and type(seq) is int
            and type(event_id) is int
        ):
            faults.append(Fault("a stored value has the wrong type (damaged)", record_id, seq))
            return faults
        if seq != expected_seq:
            faults.append(
                Fault(
                    f"sequence jumps from {expected_seq - 1} to {seq}: an event is missing",
                    record_id,
                    seq,
                )
            )
        if prev_hash != prev:
            faults.append(
                Fault("does not link to the event before it (chain broken)", record_id, seq)
            )
        if (
            typed_event_hash(event_id, record_id, seq, kind, payload, utc, local, user, prev_hash)
            != digest
        ):
            faults.append(
                Fault(
                    "its hash does not match its contents: changed after it was written",
                    record_id,
                    seq,
                )
            )
        if seq == 1:
            faults += _check_genesis(store, header, kind, payload, record_id)
        if closed and kind not in FOLLOW_UPS:
            faults.append(
                Fault(
                    f"a '{kind}' event after its closure (event {closure_seqs[0]}): a closed "
                    "record takes only follow-ups; added past its guard",
                    record_id,
                    seq,
                )
            )
        if kind == "closure":
            closed = True
            closure_seqs.append(seq)
        hashes[seq] = digest
        if kind == "exported":
            anchors.append((seq, *_anchor_of(payload)))
        prev, expected_seq = digest, seq + 1
    for seq, anchor_seq, anchor_hash in anchors:
        if hashes.get(anchor_seq) != anchor_hash:
            faults.append(
                Fault(
                    f"the export recorded here printed event {anchor_seq} with hash "
                    f"{str(anchor_hash)[:16]}..., which the chain no longer holds: "
                    "events were changed or removed after it left",
                    record_id,
                    seq,
                )
            )
    closures[record_id] = {seq: hashes[seq] for seq in closure_seqs}
    status = "closed" if closed else "open"
    if header[-1] != status:
        faults.append(Fault(f"status says '{header[-1]}' but its events say '{status}'", record_id))
    return faults


def check_anchors(store: Store, anchors: Iterable[tuple[int, int, str, str]]) -> list[Fault]:
    """Anchors gathered from outside (record, seq, hash, where it was read) against the chain
    as it stands: a record cut short, deleted or rewritten since the document left is caught
    here even when its chain is whole again."""
    faults: list[Fault] = []
    chains: dict[int, dict[int, str]] = {}
    log: dict[int, str] | None = None
    for record_id, seq, digest, source in anchors:
        if record_id == 0:  # an anchor-log entry (export/anchors.py reads them under 0)
            if log is None:
                log = {entry.id: entry.hash for entry in anchor_log.entries(store.db.conn)}
            if log.get(seq) != digest:
                faults.append(
                    Fault(
                        f"{source} printed anchor log entry {seq}, which the log "
                        f"{'holds with another hash' if seq in log else 'no longer holds'}: "
                        "closed records were removed or rewritten since"
                    )
                )
            continue
        if record_id not in chains:
            try:
                chains[record_id] = {row[2]: row[9] for row in store.event_rows(record_id)}
            except StorageError as error:
                faults.append(Fault(f"could not be read: {error}", record_id))
                chains[record_id] = {}
        held = chains[record_id].get(seq)
        if held is None:
            what = "the record is missing" if not chains[record_id] else "the event is missing"
            faults.append(
                Fault(f"{source} printed its event {seq}, but {what}: cut or deleted", record_id)
            )
        elif held != digest:
            faults.append(
                Fault(
                    f"{source} printed its event {seq} with hash {digest[:16]}..., the chain now "
                    f"holds {held[:16]}...: rewritten since",
                    record_id,
                    seq,
                )
            )
    return faults


def _check_numbering(store: Store, records: dict[int, tuple[Any, ...]]) -> list[Fault]:
    """Records and events are numbered in turn, one past the last (an event's number is in its
    hash), and never deleted: a number missing below the highest is something deleted from the
    file, even where every chain left is whole. What was written last leaves no gap: only an
    anchor printed after it shows it gone. `records`: in the order of their ids."""
    faults: list[Fault] = []
    expected = 1
    for record_id in records:
        if record_id == expected + 1:
            faults.append(Fault(f"is missing, though later records are here: {DELETED}", expected))
        elif record_id > expected:
            gone = f"records {expected} to {record_id - 1} are missing"
            faults.append(Fault(f"{gone}, though later ones are here: {DELETED}"))
        expected = max(expected, record_id + 1)
    conn = store.db.conn
    count, last = conn.execute(_EVENT_NUMBERS).fetchone()
    if last is None or count == last:
        return faults
    first, record_id, seq = conn.execute(
        "SELECT id, record_id, seq FROM events ORDER BY id LIMIT 1"
    ).fetchone()
    if first > 1:
        where = f"written before record {record_id}, event {seq}"
        faults.append(Fault(f"{_missing(1, first - 1)}, {where}: {DELETED}"))
    for event_id, record_id, seq, following, next_record, next_seq in conn.execute(
        _EVENT_GAPS, [MAX_FAULTS]
    ):
        where = (
            f"written between record {record_id}, event {seq} and record {next_record}, "
            f"event {next_seq}"
        )
        gone = _missing(event_id + 1, following - 1)
        faults.append(Fault(f"{gone}, {where}: {DELETED}"))
    return faults


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"the event numbered {first} is missing"
    return f"the events numbered {first} to {last} are missing"


def _check_anchor_log(
    store: Store, records: dict[int, tuple[Any, ...]], closures: dict[int, dict[int, str]]
) -> list[Fault]:
    """The anchor log chains entry to entry; each entry is a closed record's closure, still in
    its chain as it was; and every closed record has its entry. `closures`: those the chains'
    walk read (looked up, not queried one by one); a record it did not reach is queried."""
    faults: list[Fault] = []
    prev, expected_id = GENESIS, 1
    logged: set[int] = set()
    conn = store.db.conn
    if not store.db.table(anchor_log.TABLE).exists():
        return []  # a database of a version before the log, read without migrating
    for entry in anchor_log.entries(conn):
        where = f"anchor log entry {entry.id}"
        if entry.id != expected_id:
            faults.append(Fault(f"{where}: entries missing before it (log cut)", entry.record_id))
        digest = anchor_log.entry_hash(
            entry.id, entry.record_id, entry.head_seq, entry.head_hash, entry.utc, entry.prev_hash
        )
        if entry.prev_hash != prev or digest != entry.hash:
            faults.append(Fault(f"{where}: the log's chain is broken", entry.record_id))
        if entry.record_id in closures:
            held = closures[entry.record_id].get(entry.head_seq)
        else:
            row = conn.execute(
                "SELECT kind, hash FROM events WHERE record_id = ? AND seq = ?",
                [entry.record_id, entry.head_seq],
            ).fetchone()
            held = row[1] if row is not None and row[0] == "closure" else None
        if entry.record_id not in records:
            faults.append(Fault(f"{where}: the record it anchors is gone", entry.record_id))
        elif held != entry.head_hash:
            faults.append(
                Fault(
                    f"{where}: its closure (event {entry.head_seq}) is not in the chain as it "
                    "was: the record was cut or rewritten after it was closed",
                    entry.record_id,
                )
            )
        logged.add(entry.record_id)
        prev, expected_id = entry.hash, entry.id + 1
    for record_id, header in records.items():
        if header[-1] == "closed" and record_id not in logged:
            faults.append(Fault("is closed but not in the anchor log", record_id))
    return faults


def _anchor_of(payload: str) -> tuple[Any, Any]:
    """The (seq, hash) an export note says its document printed; (None, None) if unreadable."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None, None
    return (
        (data.get("anchor_seq"), data.get("anchor_hash"))
        if isinstance(data, dict)
        else (
            None,
            None,
        )
    )


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
