"""The anchor log: when a record is closed, its head (last event and hash) is added to a log of
its own, hash-chained entry to entry, in the same transaction as the closure.

A record's chain shows any event changed in place; it cannot show a record cut short and
re-closed, or deleted whole, by someone with the file. The log can: every closed record's head
is in it, so a record missing, or a head that no longer matches, is a fault `verify` names. A
forger who rewrites the log too changes its head, and every handover prints the log's head
("Anchor log entry N, sha256 ..."): `verify --anchors` checks it against the documents that
left the building.
"""

import hashlib
import sqlite3
from collections.abc import Iterator
from typing import NamedTuple

from rcrp_desktop.storage.chain import GENESIS, canonical

TABLE = "anchor_log"
COLUMNS = ("id", "record_id", "head_seq", "head_hash", "utc", "prev_hash", "hash")
INSERT = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


class Entry(NamedTuple):
    """One entry of the anchor log."""

    id: int
    record_id: int
    head_seq: int
    head_hash: str
    utc: str
    prev_hash: str
    hash: str


def entry_hash(
    entry_id: int, record_id: int, head_seq: int, head_hash: str, utc: str, prev_hash: str
) -> str:
    body = canonical(
        {
            "id": entry_id,
            "record": record_id,
            "head_seq": head_seq,
            "head_hash": head_hash,
            "utc": utc,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection, record_id: int, head_seq: int, head_hash: str, utc: str
) -> None:
    """Add a closed record's head, inside the caller's transaction."""
    last = conn.execute(f"SELECT id, hash FROM {TABLE} ORDER BY id DESC LIMIT 1").fetchone()
    entry_id, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    digest = entry_hash(entry_id, record_id, head_seq, head_hash, utc, prev)
    conn.execute(INSERT, [entry_id, record_id, head_seq, head_hash, utc, prev, digest])


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """The log's last entry (its id and hash), or None while it is empty."""
    row = conn.execute(f"SELECT id, hash FROM {TABLE} ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def entries(conn: sqlite3.Connection) -> Iterator[Entry]:
    # Row by row: a batch of rows kept alive makes the garbage collector scan them over again.
    for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY id"):
        yield Entry(*row)
