"""Local accounts: a collar or staff number, a name, roles and a passphrase or PIN kept only
as an Argon2id hash; every sign-in, failure, refusal and change written to a log that is only
ever added to and chained entry to entry (access_log.py)."""

import json
import os
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlite_utils import Database

from rcrp_desktop.storage import access_log
from rcrp_desktop.storage.cipher import DB_ERRORS
from rcrp_desktop.storage.data import ACCOUNTS_FILE
from rcrp_desktop.storage.database import read_only_uri
from rcrp_desktop.storage.errors import StorageError, classify
from rcrp_desktop.storage.transaction import writing
from rcrp_desktop.times import utc_text

FILE_NAME = ACCOUNTS_FILE
KINDS = ("passphrase", "pin")


@dataclass(frozen=True)
class ArgonCost:
    """Argon2id's cost: passes, memory (KiB) and lanes. A force may set its own."""

    time_cost: int
    memory_kib: int
    parallelism: int


PRODUCTION = ArgonCost(time_cost=3, memory_kib=64 * 1024, parallelism=1)  # RFC 9106's second
TEST = ArgonCost(time_cost=1, memory_kib=8, parallelism=1)  # tests only: never for people


@dataclass(frozen=True)
class Account:
    """One person who may sign in (the hash of their secret never leaves the store)."""

    number: str
    name: str
    roles: tuple[str, ...]
    kind: str  # passphrase or pin
    disabled: bool
    failures: int  # failed sign-ins in a row
    last_failure: str  # UTC text, or ""

    def stamp(self) -> str:
        return f"{self.number} {self.name}"


_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS accounts (
        number TEXT PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL, kind TEXT NOT NULL,
        secret TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0, last_failure TEXT NOT NULL DEFAULT '')""",
    *access_log.SCHEMA,
)
_COLUMNS = "number, name, roles, kind, disabled, failures, last_failure"


def accounts_schema() -> tuple[str, ...]:
    """The accounts database's tables and triggers (a new one made by moving its log)."""
    return _SCHEMA


def access_log_faults(folder: Path) -> list[str]:
    """Where the data folder's access log is broken, read without writing a byte; [] when it
    is whole or there are no accounts yet."""
    path = folder / FILE_NAME
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            return access_log.faults(conn)
        finally:
            conn.close()
    except DB_ERRORS as error:
        return [f"the access log in {path} cannot be read: {error}"]


class AccountStore(access_log.LogHolder):
    """The data folder's accounts and their log, in a database file of their own."""

    def __init__(self, db: Database, path: Path, cost: ArgonCost) -> None:
        self.db = db
        self.path = path
        self.hasher = PasswordHasher(
            time_cost=cost.time_cost,
            memory_cost=cost.memory_kib,
            parallelism=cost.parallelism,
            type=Type.ID,
        )

    @classmethod
    def open(cls, folder: Path, cost: ArgonCost = PRODUCTION) -> "AccountStore":
        path = folder / FILE_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if path.is_symlink() or (path.exists() and not path.is_file()):
                raise StorageError(f"{path} is not a regular file: the accounts were not opened.")
            if not path.exists():  # owner-only from its first byte
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            db = Database(sqlite3.connect(path, isolation_level=None), execute_plugins=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            with db.conn:
                for statement in _SCHEMA:
                    db.execute(statement)
        except OSError as error:
            raise StorageError(f"The accounts in {path} cannot be opened: {error}") from error
        except DB_ERRORS as error:
            raise classify(error, path) from error
        return cls(db, path, cost)

    def close(self) -> None:
        self.db.close()

    def accounts(self) -> list[Account]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY number").fetchall()
        return [_account(row) for row in rows]

    def account(self, number: str) -> Account | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE number = ?", [number]
        ).fetchone()
        return _account(row) if row else None

    def add(
        self,
        number: str,
        name: str,
        roles: tuple[str, ...],
        secret: str,
        kind: str,
        *,
        by: str,
        now: datetime,
    ) -> Account:
        """A new account; a number already taken is refused."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind of secret {kind!r}")
        with self._writing():
            if self.account(number) is not None:
                raise StorageError(f"An account numbered {number} already exists.")
            self.db.execute(
                "INSERT INTO accounts (number, name, roles, kind, secret) VALUES (?, ?, ?, ?, ?)",
                [number, name, json.dumps(list(roles)), kind, self.hasher.hash(secret)],
            )
            self._log(number, by, "account added", f"{name}; roles {', '.join(roles)}", now)
        added = self.account(number)
        assert added is not None
        return added

    def set_roles(self, number: str, roles: tuple[str, ...], *, by: str, now: datetime) -> None:
        with self._writing():
            self._known(number)
            self.db.execute(
                "UPDATE accounts SET roles = ? WHERE number = ?", [json.dumps(list(roles)), number]
            )
            self._log(number, by, "roles changed", ", ".join(roles), now)

    def set_secret(self, number: str, secret: str, kind: str, *, by: str, now: datetime) -> None:
        """A new passphrase or PIN for the account (set by an administrator, or its owner); the
        failed tries before it are forgotten."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind of secret {kind!r}")
        with self._writing():
            self._known(number)
            self.db.execute(
                "UPDATE accounts SET secret = ?, kind = ?, failures = 0, last_failure = '' "
                "WHERE number = ?",
                [self.hasher.hash(secret), kind, number],
            )
            self._log(number, by, "secret set", kind, now)

    def set_disabled(self, number: str, disabled: bool, *, by: str, now: datetime) -> None:
        with self._writing():
            self._known(number)
            self.db.execute(
                "UPDATE accounts SET disabled = ? WHERE number = ?", [int(disabled), number]
            )
            self._log(number, by, "disabled" if disabled else "enabled again", "", now)

    def secret_matches(self, number: str, secret: str) -> bool:
        """Whether `secret` is the account's; the hash is brought up to today's cost on a match.
        An unknown number costs the same time as a known one (nothing tells them apart)."""
        row = self.db.execute("SELECT secret FROM accounts WHERE number = ?", [number]).fetchone()
        stored = str(row[0]) if row else _DECOY.get(self.hasher)
        try:
            self.hasher.verify(stored, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if row is None:
            return False
        if self.hasher.check_needs_rehash(stored):
            with self._writing():
                self.db.execute(
                    "UPDATE accounts SET secret = ? WHERE number = ?",
                    [self.hasher.hash(secret), number],
                )
        return True

    def count_failure(self, number: str, *, now: datetime) -> None:
        with self._writing():
            self.db.execute(
                "UPDATE accounts SET failures = failures + 1, last_failure = ? WHERE number = ?",
                [utc_text(now), number],
            )
            self._log(number, number, "sign-in failed", "", now)

    def signed_in(self, number: str, *, now: datetime) -> None:
        with self._writing():
            self.db.execute(
                "UPDATE accounts SET failures = 0, last_failure = '' WHERE number = ?", [number]
            )
            self._log(number, number, "signed in", "", now)

    def _log(
        self,
        account: str,
        by: str,
        kind: str,
        detail: str,
        now: datetime,
        record_id: int = access_log.NO_RECORD,
    ) -> None:
        access_log.append(self.db.conn, utc_text(now), account, by, kind, record_id, detail)

    def _known(self, number: str) -> None:
        if self.account(number) is None:
            raise StorageError(f"There is no account numbered {number}.")

    def _writing(self) -> AbstractContextManager[None]:
        return writing(self.db.conn, self.path)


class _Decoys:
    """A hash of nothing anyone types, per cost: verified against for an unknown number."""

    def __init__(self) -> None:
        self.made: dict[tuple[int, int, int], str] = {}

    def get(self, hasher: PasswordHasher) -> str:
        key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
        if key not in self.made:
            self.made[key] = hasher.hash(os.urandom(16).hex())
        return self.made[key]


_DECOY = _Decoys()


def _account(row: tuple[object, ...]) -> Account:
    number, name, roles, kind, disabled, failures, last_failure = row
    return Account(
        number=str(number),
        name=str(name),
        roles=tuple(json.loads(str(roles))),
        kind=str(kind),
        disabled=bool(disabled),
        failures=int(str(failures)),
        last_failure=str(last_failure),
    )
