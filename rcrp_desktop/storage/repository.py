"""The only module that speaks SQL: records and their append-only, hash-chained events."""

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sqlite_utils import Database

from rcrp_desktop import __version__
from rcrp_desktop.storage.chain import GENESIS, canonical, event_hash
from rcrp_desktop.storage.database import BUSY_TIMEOUT_MS, make_owner_only, open_database
from rcrp_desktop.storage.errors import (
    ModeMismatchError,
    RecordNotFoundError,
    StorageError,
    classify,
)

Mode = Literal["live", "training"]
HEADER_FIELDS = (
    "uid",
    "incident_ref",
    "created_utc",
    "handler",
    "force_profile",
    "pack_id",
    "pack_version",
    "pack_hash",
    "mode",
    "app_version",
)
RECORD_COLUMNS = ("id", *HEADER_FIELDS, "status")
INDEX_COLUMNS = ("category", "recommended", "decided", "outcome", "last_utc")
STATUSES = ("open", "closed")
EVENT_COLUMNS = (
    "id",
    "record_id",
    "seq",
    "kind",
    "payload",
    "utc",
    "local",
    "user",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class NewEvent:
    """An event about to be written: what happened, and its details."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


class StoredEvent(NamedTuple):
    """An event as written: numbered, timed (UTC and local), attributed and chained.

    A NamedTuple, not a dataclass: a record's history is read in bulk, and this is cheaper.
    """

    seq: int
    kind: str
    payload: dict[str, Any]
    utc: str
    local: str
    user: str
    hash: str


@dataclass(frozen=True)
class RecordSummary:
    """A record's header and status, for lists."""

    id: int
    uid: str
    incident_ref: str
    created_utc: str
    handler: str
    force_profile: str
    pack_id: str
    pack_version: str
    pack_hash: str
    mode: str
    app_version: str
    status: str


@dataclass(frozen=True)
class RecordRow(RecordSummary):
    """A record as the searchable list shows it: its header and status, and from its events
    the category answered, the outcome (the handler's decision, else the final
    recommendation; '' while there is neither) and the time of its latest event."""

    category: str
    outcome: str
    last_utc: str


@dataclass(frozen=True)
class RecordQuery:
    """What to look for; every criterion left empty matches everything.

    Attributes:
        incident_text: part of the incident reference, any case.
        date_from, date_to: the first and last calendar day (local time) the call started on.
        category: the value answered at node "cat" (e.g. "welfare").
        outcome: an outcome code (e.g. "PARTNER_LEAD_NO_POLICE").
        status: "open", "closed" or "" for both.
    """

    incident_text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    category: str = ""
    outcome: str = ""
    status: str = ""

    def __post_init__(self) -> None:
        if self.status and self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES} or empty, not {self.status!r}")


@dataclass(frozen=True)
class Fault:
    """Something `verify` found wrong, naming the record and event where it can."""

    message: str
    record_id: int | None = None
    seq: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.record_id is not None:
            where = f"record {self.record_id}" + (f", event {self.seq}" if self.seq else "")
            where += ": "
        return where + self.message


class Store:
    """Records of one mode (live or training) in one database file. One writer connection."""

    def __init__(self, db: Database, path: Path, mode: Mode) -> None:
        self.db = db
        self.path = path
        self.mode = mode
        self.last_created: list[StoredEvent] = []  # the events create_record just wrote

    @classmethod
    def open(
        cls,
        path: Path,
        mode: Mode,
        *,
        create: bool = True,
        readonly: bool = False,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> "Store":
        db = open_database(path, create=create, readonly=readonly, busy_timeout_ms=busy_timeout_ms)
        if not readonly:
            make_owner_only(path)
        return cls(db, path, mode)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction; any SQLite failure becomes a StorageError; never left open.

        BEGIN IMMEDIATE rather than sqlite-utils' atomic() (a plain BEGIN): the write lock is
        taken at the start, so another writer makes this wait out the busy timeout instead of
        failing halfway when a read would have to become a write.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.rollback()
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as error:
            if self.db.conn.in_transaction:
                self.db.conn.rollback()
            raise classify(error, self.path) from error
        finally:
            assert not self.db.conn.in_transaction, "a unit of work left a transaction open"

    def create_record(
        self,
        *,
        incident_ref: str,
        handler: str,
        force_profile: str,
        pack_id: str,
        pack_version: str,
        pack_hash: str,
        first_events: Sequence[NewEvent] = (),
        now: datetime | None = None,
    ) -> int:
        """A new record: its header, a 'created' event holding the same header, and more."""
        when = now or datetime.now(UTC)
        header = {
            "uid": str(uuid.uuid4()),
            "incident_ref": incident_ref,
            "created_utc": _utc(when),
            "handler": handler,
            "force_profile": force_profile,
            "pack_id": pack_id,
            "pack_version": pack_version,
            "pack_hash": pack_hash,
            "mode": self.mode,
            "app_version": __version__,
        }
        with self._writing():
            cursor = self.db.execute(
                f"INSERT INTO records ({', '.join(HEADER_FIELDS)}, status) "
                f"VALUES ({', '.join('?' * len(HEADER_FIELDS))}, 'open')",
                [header[name] for name in HEADER_FIELDS],
            )
            record_id = int(cursor.lastrowid or 0)
            self.last_created = self._append(
                record_id, [NewEvent("created", header), *first_events], handler, when
            )
        return record_id

    def append(
        self, record_id: int, events: Sequence[NewEvent], user: str, now: datetime | None = None
    ) -> list[StoredEvent]:
        """Write events in one transaction; they are on disk when this returns."""
        with self._writing():
            mode = self.db.execute("SELECT mode FROM records WHERE id = ?", [record_id]).fetchone()
            if mode is None:
                raise RecordNotFoundError(f"There is no record {record_id}.")
            if mode[0] != self.mode:
                raise ModeMismatchError(
                    f"Record {record_id} is a {mode[0]} record; this "
                    f"store holds {self.mode} records only."
                )
            return self._append(record_id, events, user, now or datetime.now(UTC))

    def _append(
        self, record_id: int, events: Sequence[NewEvent], user: str, when: datetime
    ) -> list[StoredEvent]:
        # The search cache (record_index) follows each insert by a trigger in the same
        # transaction: see migrations.create_record_index.
        last = self.db.execute(
            "SELECT seq, hash FROM events WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
            [record_id],
        ).fetchone()
        seq, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        next_id = int(self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM events").fetchone()[0])
        utc, local = _utc(when), when.astimezone().isoformat(timespec="microseconds")
        written = []
        for offset, event in enumerate(events):
            seq += 1
            payload = canonical(event.payload)
            digest = event_hash(
                next_id + offset, record_id, seq, event.kind, payload, utc, local, user, prev
            )
            self.db.execute(
                f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
                [
                    next_id + offset,
                    record_id,
                    seq,
                    event.kind,
                    payload,
                    utc,
                    local,
                    user,
                    prev,
                    digest,
                ],
            )
            written.append(StoredEvent(seq, event.kind, event.payload, utc, local, user, digest))
            prev = digest
            if event.kind == "closure":
                self.db.execute("UPDATE records SET status = 'closed' WHERE id = ?", [record_id])
        return written

    def record(self, record_id: int) -> RecordSummary:
        row = self._query_one(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE id = ?", [record_id]
        )
        if row is None:
            raise RecordNotFoundError(f"There is no record {record_id}.")
        return RecordSummary(*row)

    def recent(self, limit: int = 50, *, status: str | None = None) -> list[RecordSummary]:
        """The most recent records of this store's mode, newest first."""
        where, args = "WHERE mode = ?", [str(self.mode)]
        if status:
            where, args = where + " AND status = ?", [*args, status]
        rows = self._query_all(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records {where} "
            "ORDER BY created_utc DESC, id DESC LIMIT ?",
            [*args, limit],
        )
        return [RecordSummary(*row) for row in rows]

    def unfinished(self, limit: int = 200) -> list[RecordSummary]:
        return self.recent(limit, status="open")

    def events(self, record_id: int) -> list[StoredEvent]:
        """A record's full history, in order."""
        rows = self._query_all(
            "SELECT seq, kind, payload, utc, local, user, hash FROM events "
            "WHERE record_id = ? ORDER BY seq",
            [record_id],
        )
        if not rows:
            self.record(record_id)  # raises RecordNotFoundError when there is no such record
            return []
        payloads = _decode_payloads(record_id, rows)
        return [
            StoredEvent(seq, kind, payload, utc, local, user, digest)
            for (seq, kind, _, utc, local, user, digest), payload in zip(
                rows, payloads, strict=True
            )
        ]

    def integrity_report(self) -> list[str]:
        """SQLite's own integrity and foreign-key checks: empty when all is well."""
        found = [str(row[0]) for row in self._query_all("PRAGMA integrity_check", [])]
        found = [] if found == ["ok"] else found
        for table, rowid, parent, _ in self._query_all("PRAGMA foreign_key_check", []):
            found.append(f"{table} row {rowid} points to a missing {parent} row")
        return found

    def record_rows(self) -> list[tuple[Any, ...]]:
        return self._query_all(f"SELECT {', '.join(RECORD_COLUMNS)} FROM records ORDER BY id", [])

    def event_rows(self) -> Iterator[tuple[Any, ...]]:
        """Every event row, by record then sequence, without loading them all at once."""
        try:
            cursor = self.db.conn.execute(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY record_id, seq"
            )
            while rows := cursor.fetchmany(5000):
                yield from rows
        except sqlite3.Error as error:
            raise classify(error, self.path) from error

    def backup(self, destination: Path) -> None:
        """An online backup (consistent while the app runs); the copy is owner-only."""
        if destination.exists():
            raise StorageError(f"{destination} already exists; choose a new file name.")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(destination)
            try:
                self.db.conn.backup(target)
            finally:
                target.close()
        except sqlite3.Error as error:
            raise classify(error, destination) from error
        make_owner_only(destination)

    def search(
        self,
        criteria: RecordQuery,
        *,
        offset: int = 0,
        limit: int = 200,
        after: tuple[str, int] | None = None,
    ) -> list[RecordRow]:
        """Records of this mode matching `criteria`, newest first, one page at a time.

        `after` (the created_utc and id of the last row already shown) pages by position
        rather than by count, so calls saved or closed meanwhile neither repeat nor skip rows;
        `offset` counts from there.
        """
        where, args = self._search_where(criteria)
        if after is not None:
            where += " AND (r.created_utc, r.id) < (?, ?)"
            args += [after[0], after[1]]
        columns = ", ".join(f"r.{name}" for name in RECORD_COLUMNS)
        rows = self._query_all(
            f"SELECT {columns}, COALESCE(i.category, ''), COALESCE(i.outcome, ''), "
            f"COALESCE(i.last_utc, r.created_utc) {_SEARCH_FROM} WHERE {where} "
            "ORDER BY r.created_utc DESC, r.id DESC LIMIT ? OFFSET ?",
            [*args, max(limit, 0), max(offset, 0)],
        )
        return [RecordRow(*row) for row in rows]

    def count(self, criteria: RecordQuery) -> int:
        """How many records of this mode match `criteria`."""
        where, args = self._search_where(criteria)
        row = self._query_one(f"SELECT count(*) {_SEARCH_FROM} WHERE {where}", args)
        return int(row[0]) if row else 0

    def _search_where(self, criteria: RecordQuery) -> tuple[str, list[Any]]:
        terms, args = ["r.mode = ?"], [str(self.mode)]
        if text := criteria.incident_text.strip():
            terms.append("r.incident_ref LIKE ? ESCAPE '\\'")
            args.append("%" + _like_escape(text) + "%")
        if criteria.date_from is not None:
            terms.append("r.created_utc >= ?")
            args.append(_local_day_start(criteria.date_from))
        if criteria.date_to is not None:
            terms.append("r.created_utc < ?")
            args.append(_local_day_start(criteria.date_to + timedelta(days=1)))
        # The unary + keeps SQLite from driving the query from the category or outcome index
        # (then sorting every match by date): walking records newest first and looking each
        # one up stops at the page's last row, and costs one pass at worst.
        for column, value in (
            ("+i.category", criteria.category),
            ("+i.outcome", criteria.outcome),
            ("r.status", criteria.status),
        ):
            if value:
                terms.append(f"{column} = ?")
                args.append(value)
        return " AND ".join(terms), args

    def index_rows(self) -> dict[int, tuple[str, ...]]:
        """The search cache, record id to (category, recommended, decided, outcome, last_utc)."""
        rows = self._query_all(
            f"SELECT record_id, {', '.join(INDEX_COLUMNS)} FROM record_index", []
        )
        return {int(row[0]): tuple(row[1:]) for row in rows}

    def _query_one(self, sql: str, args: Sequence[Any]) -> tuple[Any, ...] | None:
        rows = self._query_all(sql, args)
        return rows[0] if rows else None

    def _query_all(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            return list(self.db.execute(sql, list(args)).fetchall())
        except sqlite3.Error as error:
            raise classify(error, self.path) from error


def _decode_payloads(record_id: int, rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """All payloads in one json.loads (much cheaper than one call per event)."""
    try:
        decoded = json.loads("[" + ",".join(row[2] for row in rows) + "]")
        if len(decoded) == len(rows) and all(isinstance(item, dict) for item in decoded):
            return decoded  # type: ignore[no-any-return]
    except (TypeError, ValueError):
        pass
    for row in rows:  # something is damaged: find which event, for the message
        try:
            if not isinstance(json.loads(row[2]), dict):
                raise ValueError("not an object")
        except (TypeError, ValueError) as error:
            raise StorageError(
                f"Record {record_id}, event {row[0]} cannot be read; run `rcrp-desktop verify`."
            ) from error
    raise StorageError(f"Record {record_id} cannot be read; run `rcrp-desktop verify`.")


_SEARCH_FROM = "FROM records r LEFT JOIN record_index i ON i.record_id = r.id"


def _like_escape(text: str) -> str:
    """Text for a LIKE pattern that matches itself only ('%' and '_' taken literally)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _local_day_start(day: date) -> str:
    """Midnight at the start of a local calendar day, as the UTC text records are stamped with."""
    return _utc(datetime.combine(day, time.min).astimezone())


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
