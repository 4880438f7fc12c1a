"""The access log (Data Protection Act 2018 s.62): who signed in, failed, was refused, changed
an account, and (as the window and commands come to write them) consulted or disclosed which
record and why. Append-only by its triggers, and hash-chained entry to entry, so an entry
changed, removed or put in between is a fault `verify` names."""

import hashlib
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlite_utils import Database

from rcrp_desktop.storage.chain import GENESIS, canonical
from rcrp_desktop.storage.cipher import DB_ERRORS
from rcrp_desktop.storage.errors import classify
from rcrp_desktop.storage.transaction import writing
from rcrp_desktop.times import utc_text

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


class LogHolder:
    """The access-log half of a store whose database holds the log: the accounts' database,
    or, where the records are encrypted, the access log's own (access_store.py)."""

    db: Database
    path: Path

    def log(
        self,
        account: str,
        by: str,
        kind: str,
        detail: str,
        *,
        now: datetime,
        record_id: int = NO_RECORD,
    ) -> None:
        """One entry in the access log (a sign-out, a refusal, a record consulted and why)."""
        with writing(self.db.conn, self.path):
            append(self.db.conn, utc_text(now), account, by, kind, record_id, detail)

    def log_entries(self) -> list[Entry]:
        """The access log, oldest first."""
        try:
            return entries(self.db.conn)
        except DB_ERRORS as error:
            raise classify(error, self.path) from error

    def log_faults(self) -> list[str]:
        """Where the access log's chain is broken; [] when it is whole."""
        try:
            return faults(self.db.conn)
        except DB_ERRORS as error:
            return [f"the access log in {self.path} cannot be read: {error}"]
