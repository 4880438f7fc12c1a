"""Whether a database's schema is exactly the app's: its tables, indexes and guard triggers.

A hash chain proves events were not changed one by one; the triggers stop them being changed
at all. Someone with the file can drop a trigger, rewrite, and put it back, or leave it off: a
missing, altered or extra trigger (or table, or index) is a fault `verify` reports, and a
database whose guards are not the app's is never written to.
"""

import functools
import re
import sqlite3
from collections.abc import Sequence

from sqlite_utils import Database, Migrations

from rcrp_desktop.storage.migrations import migrations

# sqlite-utils' own bookkeeping and SQLite's internal tables are not the app's schema.
_OURS = (
    "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger', "
    "'view') AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations' ORDER BY type, name"
)
_SPACE = re.compile(r"\s+")


@functools.cache
def expected_schema(stop_before: str | None = None) -> dict[tuple[str, str], str]:
    """The schema the migrations, applied in order to an empty database, make: all of them,
    or those before `stop_before` (a database of an earlier version, read without migrating)."""
    db = Database(memory=True)
    migrations.apply(db, stop_before=stop_before)
    return _schema(db.conn)


def schema_faults(
    conn: sqlite3.Connection, pending: Sequence[Migrations._Migration] | None = None
) -> list[str]:
    """What differs from the app's schema, one line each; [] when it is exactly the app's (or,
    for a database read without migrating, what the app's was at its version). `pending`: the
    migrations not applied, when the caller has just read them (looked up here otherwise)."""
    found = _schema(conn)
    if pending is None:
        pending = migrations.pending(Database(conn, execute_plugins=False))
    want = expected_schema(pending[0].name if pending else None)
    faults = []
    for key in sorted(set(want) | set(found)):
        kind, name = key
        if key not in found:
            faults.append(f"the {kind} '{name}' is missing (removed from the file)")
        elif key not in want:
            faults.append(f"an unexpected {kind} '{name}' has been added")
        elif found[key] != want[key]:
            faults.append(f"the {kind} '{name}' has been altered")
    return faults


def guards_missing(
    conn: sqlite3.Connection, pending: Sequence[Migrations._Migration] | None = None
) -> list[str]:
    """The schema faults that concern a trigger: a database with these is never written."""
    return [fault for fault in schema_faults(conn, pending) if "trigger" in fault]


def _schema(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    rows = conn.execute(_OURS).fetchall()
    return {(kind, name): _normal(sql or "") for kind, name, sql in rows}


@functools.lru_cache(maxsize=256)
def _normal(sql: str) -> str:
    """SQL with its spacing made plain. Kept: every open compares the same few statements,
    and normalising them again was a tenth of opening the store."""
    return _SPACE.sub(" ", sql).strip()
