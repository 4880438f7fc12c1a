"""What someone with the database file can do to it with sqlite3 alone (a test helper): lift the
guard triggers and put them back exactly, add an event that hashes as the app's would, re-hash
a record's chain after a change, renumber what is left after a deletion, and rebuild the anchor
log and the search index so that they agree. Everything here is done outside the app."""

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from rcrp_desktop.storage import anchor_log, cipher, record_index
from rcrp_desktop.storage.chain import GENESIS, canonical, event_hash
from rcrp_desktop.times import utc_text

GUARDS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE%'"


@contextmanager
def insider(
    path: Path, *, reindex: bool = True, key: bytes | None = None
) -> Iterator[sqlite3.Connection]:
    """A raw connection with every guard trigger lifted; on leaving, each is put back exactly as
    it was (the schema is the app's again), the search cache made to agree with the events
    (unless `reindex` is false) and the change committed. `key`: an insider who also has the
    data key of an encrypted database."""
    conn = cipher.connect(path, key)
    try:
        guards = conn.execute(GUARDS).fetchall()
        for name, _ in guards:
            conn.execute(f"DROP TRIGGER {name}")
        yield conn
        for _, sql in guards:
            conn.execute(sql)
        if reindex:
            record_index.rebuild(Database(conn))
        conn.commit()
    finally:
        conn.close()


def append(
    conn: sqlite3.Connection, record_id: int, kind: str, payload: dict[str, Any], user: str
) -> int:
    """An event added at the end of a record as the app would add it (the next event number,
    linked and hashed); its seq."""
    (next_id,) = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM events").fetchone()
    seq, prev = conn.execute(
        "SELECT seq, hash FROM events WHERE record_id = ? ORDER BY seq DESC LIMIT 1", [record_id]
    ).fetchone()
    now = datetime.now(UTC)
    utc, local = utc_text(now), now.astimezone().isoformat(timespec="microseconds")
    text = canonical(payload)
    digest = event_hash(next_id, record_id, seq + 1, kind, text, utc, local, user, prev)
    conn.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [next_id, record_id, seq + 1, kind, text, utc, local, user, prev, digest],
    )
    return int(seq) + 1


def unchanged(kind: str, payload: str) -> str:
    return payload


def rehash(
    conn: sqlite3.Connection, record_id: int, edit: Callable[[str, str], str] = unchanged
) -> None:
    """A record's chain made again with `edit` applied to each event's payload: every event
    links and hashes as it should, and each export note's anchor is made to agree with the
    chain as it now is (so the notes inside the file show nothing)."""
    rows = conn.execute(
        "SELECT id, seq, kind, payload, utc, local, user FROM events WHERE record_id = ? "
        "ORDER BY seq",
        [record_id],
    ).fetchall()
    prev, hashes = GENESIS, {}
    for event_id, seq, kind, payload, utc, local, user in rows:
        payload = edit(kind, payload)
        if kind == "exported":
            note = json.loads(payload)
            note["anchor_hash"] = hashes.get(note["anchor_seq"], note["anchor_hash"])
            payload = canonical(note)
        digest = event_hash(event_id, record_id, seq, kind, payload, utc, local, user, prev)
        conn.execute(
            "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [payload, prev, digest, event_id],
        )
        hashes[seq] = prev = digest


def renumber(conn: sqlite3.Connection) -> None:
    """Close the gaps a deletion left in the numbering of records and of events (each is one
    past the last), then re-hash every chain: both numbers are in every event's hash. Done in
    order, each number only moves down into a place already free."""
    records = [row[0] for row in conn.execute("SELECT id FROM records ORDER BY id").fetchall()]
    for new, old in enumerate(records, start=1):
        if new != old:
            conn.execute("UPDATE records SET id = ? WHERE id = ?", [new, old])
            conn.execute("UPDATE events SET record_id = ? WHERE record_id = ?", [new, old])
            conn.execute("UPDATE anchor_log SET record_id = ? WHERE record_id = ?", [new, old])
    events = [row[0] for row in conn.execute("SELECT id FROM events ORDER BY id").fetchall()]
    for new, old in enumerate(events, start=1):
        if new != old:
            conn.execute("UPDATE events SET id = ? WHERE id = ?", [new, old])
    for record_id in range(1, len(records) + 1):
        rehash(conn, record_id)


def rebuild_anchor_log(conn: sqlite3.Connection) -> None:
    """The anchor log made again, in its own order and with its own times, from the closures
    the chains now hold (an entry whose record is gone is left out): whole, with a new head."""
    entries = list(anchor_log.entries(conn))
    conn.execute(f"DELETE FROM {anchor_log.TABLE}")
    for entry in entries:
        held = conn.execute(
            "SELECT hash FROM events WHERE record_id = ? AND seq = ? AND kind = 'closure'",
            [entry.record_id, entry.head_seq],
        ).fetchone()
        if held is not None:
            anchor_log.append(conn, entry.record_id, entry.head_seq, held[0], entry.utc)
