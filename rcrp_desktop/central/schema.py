"""The central database's schema, as numbered migrations applied in one transaction each; the
version it is at is kept in it, and a newer one is refused, never changed."""

from collections.abc import Sequence

import psycopg

MIGRATIONS: Sequence[str] = (
    # 1: stations, and the bundles each has sent (the events come with the import).
    """
    CREATE TABLE stations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        public_key BYTEA NOT NULL UNIQUE,
        registered_utc TIMESTAMPTZ NOT NULL,
        revoked_utc TIMESTAMPTZ
    );
    CREATE TABLE bundles (
        station TEXT NOT NULL REFERENCES stations (id),
        sequence INTEGER NOT NULL CHECK (sequence > 0),
        bundle_hash TEXT NOT NULL UNIQUE,
        previous TEXT NOT NULL,
        events INTEGER NOT NULL,
        imported_utc TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (station, sequence)
    );
    """,
    # 2: the records and their events as the stations wrote them, bundles that came before
    # their turn, and events offered again with other content (never stored over the first).
    """
    CREATE TABLE records (
        uid TEXT PRIMARY KEY,
        station TEXT NOT NULL REFERENCES stations (id),
        incident_ref TEXT NOT NULL,
        created_utc TEXT NOT NULL,
        handler TEXT NOT NULL,
        force_profile TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        pack_hash TEXT NOT NULL,
        mode TEXT NOT NULL,
        app_version TEXT NOT NULL
    );
    CREATE TABLE events (
        record_uid TEXT NOT NULL REFERENCES records (uid),
        seq INTEGER NOT NULL CHECK (seq > 0),
        station TEXT NOT NULL REFERENCES stations (id),
        station_event_id BIGINT NOT NULL,
        station_record_id BIGINT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        utc TEXT NOT NULL,
        local TEXT NOT NULL,
        "user" TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        bundle_sequence INTEGER NOT NULL,
        PRIMARY KEY (record_uid, seq),
        UNIQUE (station, station_event_id)
    );
    CREATE TABLE held_bundles (
        station TEXT NOT NULL REFERENCES stations (id),
        sequence INTEGER NOT NULL,
        bundle_hash TEXT NOT NULL,
        data BYTEA NOT NULL,
        received_utc TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (station, sequence)
    );
    CREATE TABLE conflicts (
        id BIGSERIAL PRIMARY KEY,
        station TEXT NOT NULL,
        bundle_sequence INTEGER NOT NULL,
        record_uid TEXT NOT NULL,
        seq INTEGER NOT NULL,
        stored JSONB NOT NULL,
        offered JSONB NOT NULL,
        found_utc TIMESTAMPTZ NOT NULL
    );
    """,
    # 3: a conflict's two versions as JSON text, not JSONB: the central store is read with
    # standard tools too, and db-to-sqlite (for Datasette) cannot copy a JSONB column.
    """
    ALTER TABLE conflicts
        ALTER COLUMN stored TYPE TEXT USING stored::text,
        ALTER COLUMN offered TYPE TEXT USING offered::text;
    """,
)


class NewerSchemaError(Exception):
    """The central database was made by a newer version of rcrp-central."""


def version(conn: psycopg.Connection) -> int:
    """The schema version the database is at (0: nothing made yet)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('schema_version') IS NOT NULL")
        row = cursor.fetchone()
        if row is None or not row[0]:
            return 0
        cursor.execute("SELECT version FROM schema_version")
        found = cursor.fetchone()
    return int(found[0]) if found else 0


def migrate(conn: psycopg.Connection) -> tuple[int, int]:
    """Every migration not yet applied, each in a transaction of its own with the version it
    brings; (the version before, the version after)."""
    before = version(conn)
    if before > len(MIGRATIONS):
        raise NewerSchemaError(
            f"The central database is at schema {before}; this rcrp-central knows up to "
            f"{len(MIGRATIONS)}. Nothing was changed: use the newer version."
        )
    for number in range(before + 1, len(MIGRATIONS) + 1):
        with conn.transaction(), conn.cursor() as cursor:
            if number == 1:
                cursor.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
                cursor.execute("INSERT INTO schema_version VALUES (0)")
            cursor.execute(MIGRATIONS[number - 1])
            cursor.execute("UPDATE schema_version SET version = %s", [number])
    return before, len(MIGRATIONS)
