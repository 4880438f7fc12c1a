"""The access log (Data Protection Act 2018 s.62): who signed in, failed, was refused, changed
an account, and (as the window and commands come to write them) consulted or disclosed which
record and why. Append-only by its triggers, and hash-chained entry to entry, so an entry
changed, removed or put in between is a fault `verify` names."""

import hashlib
import sqlite3
from typing import NamedTuple

from rcrp_desktop.storage.chain import GENESIS, canonical

TABLE = "access_log"
COLUMNS = ("id", "utc", "account", "by", "kind", "record_id", "detail", "prev_hash", "hash")
SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        id INTEGER PRIMARY KEY, utc TEXT NOT NULL, account TEXT NOT NULL, by TEXT NOT NULL,
        kind TEXT NOT NULL, record_id INTEGER NOT NULL, detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_kept BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is only added to'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_not_deleted BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is only added to'); END""",
)
NO_RECORD = 0  # an entry about no one record (a sign-in, an account change)


class Entry(NamedTuple):
    """One entry of the access log."""

    id: int
    utc: str
    account: str  # whose account it concerns
    by: str  # who did it
    kind: str
    record_id: int
    detail: str
    prev_hash: str
    hash: str


def entry_hash(
    entry_id: int,
    utc: str,
    account: str,
    by: str,
    kind: str,
    record_id: int,
    detail: str,
    prev_hash: str,
) -> str:
    body = canonical(
        {
            "id": entry_id,
            "utc": utc,
            "account": account,
            "by": by,
            "kind": kind,
            "record": record_id,
            "detail": detail,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection,
    utc: str,
    account: str,
    by: str,
    kind: str,
    record_id: int,
    detail: str,
) -> None:
    """Add an entry, inside the caller's transaction."""
    last = conn.execute(f"SELECT id, hash FROM {TABLE} ORDER BY id DESC LIMIT 1").fetchone()
    entry_id, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    digest = entry_hash(entry_id, utc, account, by, kind, record_id, detail, prev)
    conn.execute(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [entry_id, utc, account, by, kind, record_id, detail, prev, digest],
    )


def entries(conn: sqlite3.Connection) -> list[Entry]:
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY id").fetchall()
    return [Entry(*row) for row in rows]


def faults(conn: sqlite3.Connection) -> list[str]:
    """Where the chain is broken: an entry changed, removed or added out of turn."""
    found: list[str] = []
    prev, expected = GENESIS, 1
    for entry in entries(conn):
        where = f"access log entry {entry.id}"
        if entry.id != expected:
            found.append(f"{where}: entries {expected} to {entry.id - 1} are missing")
        body = entry[:-2]
        if entry.prev_hash != prev or entry_hash(*body, entry.prev_hash) != entry.hash:
            found.append(f"{where}: changed after it was written (its chain is broken)")
        prev, expected = entry.hash, entry.id + 1
    return found
