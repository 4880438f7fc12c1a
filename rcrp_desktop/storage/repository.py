"""Records and their append-only, hash-chained events: with search.py, the SQL of the app."""

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlite_utils import Database

from rcrp_desktop import __version__
from rcrp_desktop.storage import anchor_log
from rcrp_desktop.storage.chain import GENESIS, event_hash
from rcrp_desktop.storage.cipher import DB_ERRORS, PLAIN, connect, folder_key
from rcrp_desktop.storage.connection import Connection, RestMark, rest_mark
from rcrp_desktop.storage.database import BUSY_TIMEOUT_MS, make_owner_only, open_database
from rcrp_desktop.storage.errors import (
    ModeMismatchError,
    RecordNotFoundError,
    StorageError,
    classify,
)
from rcrp_desktop.storage.records import (
    EVENT_COLUMNS,
    HEADER_FIELDS,
    RECORD_COLUMNS,
    Fault,
    Mode,
    NewEvent,
    PreparedEvents,
    RecordSummary,
    StoredEvent,
)
from rcrp_desktop.storage.search import RecordQuery, RecordRow, RecordSearch
from rcrp_desktop.storage.transaction import writing
from rcrp_desktop.times import utc_text

_BEFORE_APPEND = """
    SELECT r.mode, last.seq, last.hash, (SELECT COALESCE(MAX(id), 0) + 1 FROM events)
    FROM records r
    LEFT JOIN events last ON last.id = (
        SELECT id FROM events WHERE record_id = r.id ORDER BY seq DESC LIMIT 1)
    WHERE r.id = ?"""
_INSERT_EVENT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
)


class Store(Connection, RecordSearch):
    """Records of one mode (live or training) in one database file. One writer connection."""

    def __init__(
        self,
        db: Database,
        path: Path,
        mode: Mode,
        *,
        readonly: bool = False,
        rest: RestMark = None,
        key: bytes | None = None,
    ) -> None:
        super().__init__(db, path, rest, key)
        self.mode = mode
        self.readonly = readonly  # opened only to read: the application layer refuses writes

    @classmethod
    def open(
        cls,
        path: Path,
        mode: Mode,
        *,
        create: bool = True,
        readonly: bool = False,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        key: bytes | None = None,
    ) -> "Store":
        """`key`: the data key of an encrypted database (by default its folder's, once
        unlocked: cipher.py; otherwise a plain database; PLAIN, plain even in an unlocked
        folder, as encrypting it reads it)."""
        key = key if key is not None else folder_key(path)
        rest = rest_mark(path) if readonly else None  # read immutable: see Connection
        db = open_database(
            path, create=create, readonly=readonly, busy_timeout_ms=busy_timeout_ms, key=key
        )
        if not readonly:
            make_owner_only(path)
        return cls(db, path, mode, readonly=readonly, rest=rest, key=key or PLAIN)

    def _writing(self) -> AbstractContextManager[None]:
        return writing(self.db.conn, self.path)

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
        uid: str = "",
    ) -> tuple[int, list[StoredEvent]]:
        """A new record: its header, a 'created' event holding the same header, and more.

        Returns the record's id and the events written. `uid` is the record's lasting id (a
        new one if not given); a record with that uid already is refused."""
        when = now or datetime.now(UTC)
        header = {
            "uid": uid or str(uuid.uuid4()),
            "incident_ref": incident_ref,
            "created_utc": utc_text(when),
            "handler": handler,
            "force_profile": force_profile,
            "pack_id": pack_id,
            "pack_version": pack_version,
            "pack_hash": pack_hash,
            "mode": self.mode,
            "app_version": __version__,
        }
        prepared = PreparedEvents.of([NewEvent("created", header), *first_events], when)
        with self._writing():
            cursor = self.db.execute(
                f"INSERT INTO records ({', '.join(HEADER_FIELDS)}, status) "
                f"VALUES ({', '.join('?' * len(HEADER_FIELDS))}, 'open')",
                [header[name] for name in HEADER_FIELDS],
            )
            record_id = int(cursor.lastrowid or 0)
            written = self._append(record_id, prepared, handler)
        return record_id, written

    def append(
        self, record_id: int, events: Sequence[NewEvent], user: str, now: datetime | None = None
    ) -> list[StoredEvent]:
        """Write events in one transaction; they are on disk when this returns."""
        prepared = PreparedEvents.of(events, now or datetime.now(UTC))  # before the write lock
        with self._writing():
            return self._append(record_id, prepared, user)

    def _append(self, record_id: int, prepared: PreparedEvents, user: str) -> list[StoredEvent]:
        # The search cache (record_index) follows an insert that sets it by a trigger in the
        # same transaction: see record_index.py. One query for what every append needs first: the
        # record's mode, its last event and the next event id (each costs a statement).
        found = self.db.conn.execute(_BEFORE_APPEND, [record_id]).fetchone()
        if found is None:
            raise RecordNotFoundError(f"There is no record {record_id}.")
        mode, last_seq, last_hash, next_id = found
        if mode != self.mode:
            raise ModeMismatchError(
                f"Record {record_id} is a {mode} record; this store holds {self.mode} records only."
            )
        seq, prev = (int(last_seq), str(last_hash)) if last_seq is not None else (0, GENESIS)
        next_id = int(next_id)
        utc, local = prepared.utc, prepared.local
        written = []
        for offset, (event, payload) in enumerate(
            zip(prepared.events, prepared.payloads, strict=True)
        ):
            seq += 1
            digest = event_hash(
                next_id + offset, record_id, seq, event.kind, payload, utc, local, user, prev
            )
            self.db.conn.execute(
                _INSERT_EVENT,
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
                anchor_log.append(self.db.conn, record_id, seq, digest, utc)
        return written

    def command_events(self, record_id: int, command_id: str, key: str) -> list[StoredEvent]:
        """The events a command wrote to this record, found by its id under `key`."""
        needle = f'"{key}":"{command_id}"'  # canonical JSON: no spaces, sorted keys
        rows = self._query_all(
            "SELECT seq, kind, payload, utc, local, user, hash FROM events "
            "WHERE record_id = ? AND instr(payload, ?) > 0 ORDER BY seq",
            [record_id, needle],
        )
        found = zip(rows, _decode_payloads(record_id, rows), strict=True) if rows else []
        return [
            StoredEvent(seq, kind, payload, utc, local, user, digest)
            for (seq, kind, _, utc, local, user, digest), payload in found
            if payload.get(key) == command_id
        ]

    def records_with(self, command_id: str, key: str, *, kind: str) -> list[int]:
        """The records holding an event of `kind` written by this command (a re-assessment's
        new record carries it on its 'linked' event)."""
        needle = f'"{key}":"{command_id}"'
        rows = self._query_all(
            "SELECT record_id FROM events WHERE kind = ? AND instr(payload, ?) > 0 "
            "ORDER BY record_id",
            [kind, needle],
        )
        return [int(row[0]) for row in rows]

    def record_with_uid(self, uid: str) -> int | None:
        """The id of the record whose uid this is, in this store's mode, if there is one."""
        row = self._query_one(
            "SELECT id FROM records WHERE uid = ? AND mode = ?", [uid, str(self.mode)]
        )
        return int(row[0]) if row is not None else None

    def record(self, record_id: int) -> RecordSummary:
        row = self._query_one(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE id = ?", [record_id]
        )
        if row is None:
            raise RecordNotFoundError(f"There is no record {record_id}.")
        return RecordSummary._make(row)

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
        return list(map(RecordSummary._make, rows))

    def recent_with(self, kind: str, limit: int) -> list[RecordSummary]:
        """Of the `limit` most recent records, those holding an event of this kind.

        The test runs in SQLite on the (record_id, seq) index, so callers read and decode the
        events of only the few records that matter.
        """
        columns = ", ".join(f"r.{name}" for name in RECORD_COLUMNS)
        rows = self._query_all(
            f"SELECT {columns} FROM (SELECT * FROM records WHERE mode = ? "
            "ORDER BY created_utc DESC, id DESC LIMIT ?) r WHERE EXISTS "
            "(SELECT 1 FROM events e WHERE e.record_id = r.id AND e.kind = ?) "
            "ORDER BY r.created_utc DESC, r.id DESC",
            [str(self.mode), limit, kind],
        )
        return list(map(RecordSummary._make, rows))

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

    def record_rows(self, record_id: int | None = None) -> list[tuple[Any, ...]]:
        """Every record's row, or only this record's."""
        where, args = ("WHERE id = ?", [record_id]) if record_id is not None else ("", [])
        return self._query_all(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records {where} ORDER BY id", args
        )

    def event_rows(self, record_id: int | None = None) -> Iterator[tuple[Any, ...]]:
        """Every event row (or one record's), by record then sequence, a batch at a time."""
        where, args = ("WHERE record_id = ?", [record_id]) if record_id is not None else ("", [])
        try:
            cursor = self.db.conn.execute(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events {where} ORDER BY record_id, seq",
                args,
            )
            # Row by row from the cursor, not in batches: a batch keeps thousands of rows alive
            # at once, and the garbage collector then scans them again and again (verify ran
            # a third slower for it).
            yield from cursor
        except DB_ERRORS as error:
            raise classify(error, self.path) from error

    def anchor_log_head(self) -> tuple[int, str] | None:
        """The anchor log's last entry (id and hash), printed on handovers; None if empty."""
        try:
            return anchor_log.head(self.db.conn)
        except DB_ERRORS as error:
            raise classify(error, self.path) from error

    def backup(self, destination: Path) -> None:
        """An online backup (consistent while the app runs). The copy is made in a new
        owner-only file beside the destination and takes its name only once complete and on
        disk: nobody else can read it while it is written, and a failed backup leaves nothing
        behind (no empty file to make the next attempt fail)."""
        partial = destination.with_name(f".{destination.name}.partial")
        if destination.exists() or destination.is_symlink():
            with suppress(OSError):
                if partial.samefile(destination):  # a backup stopped just after it was named:
                    partial.unlink()  # whole; only its temporary second name was left
            raise StorageError(f"{destination} already exists; choose a new file name.")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            partial.unlink(missing_ok=True)  # left by a backup that was killed halfway
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            target = connect(partial, self.key)  # encrypted with the same key, or plain
            try:
                self.db.conn.backup(target)
            finally:
                target.close()
            descriptor = os.open(partial, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.link(partial, destination)  # never over a file that appeared meanwhile
        except FileExistsError as error:
            raise StorageError(f"{destination} already exists; choose a new file name.") from error
        except DB_ERRORS as error:
            raise classify(error, destination) from error
        except OSError as error:
            raise StorageError(
                f"The backup to {destination} failed: {error.strerror or error}. "
                "Nothing was left behind; the records are unchanged."
            ) from error
        finally:
            for leftover in (partial, Path(f"{partial}-journal")):
                leftover.unlink(missing_ok=True)

    def _query_one(self, sql: str, args: Sequence[Any]) -> tuple[Any, ...] | None:
        rows = self._query_all(sql, args)
        return rows[0] if rows else None

    def _query_all(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            return list(self.db.execute(sql, list(args)).fetchall())
        except DB_ERRORS as error:
            raise classify(error, self.path) from error


def _decode_payloads(record_id: int, rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """All payloads in one parse (much cheaper than one call per event), by orjson (twice as
    fast as json here: reading a record's history is mostly this); json reads what orjson
    refuses that json wrote (a lone surrogate, escaped)."""
    try:
        joined = "[" + ",".join(row[2] for row in rows) + "]"
        try:
            decoded = orjson.loads(joined)
        except orjson.JSONDecodeError:
            decoded = json.loads(joined)
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


__all__ = [
    "Fault",
    "Mode",
    "NewEvent",
    "RecordQuery",
    "RecordRow",
    "RecordSummary",
    "Store",
    "StoredEvent",
]
