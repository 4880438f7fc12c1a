"""The schema, created explicitly through sqlite-utils migrations."""

from sqlite_utils import Database, Migrations

migrations = Migrations("rcrp_desktop")

# Stamped into PRAGMA user_version after migrating: one more with every new migration. A
# database with a higher number was written by a newer app and is refused.
SCHEMA_VERSION = 4


@migrations()
def create_records(db: Database) -> None:
    db.table("records").create(
        {
            "id": int,
            "uid": str,
            "incident_ref": str,
            "created_utc": str,
            "handler": str,
            "force_profile": str,
            "pack_id": str,
            "pack_version": str,
            "pack_hash": str,
            "mode": str,
            "app_version": str,
            "status": str,
        },
        pk="id",
        not_null={
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
            "status",
        },
    )
    db.table("records").create_index(["uid"], unique=True)
    db.table("records").create_index(["created_utc"])
    db.table("records").create_index(["status", "created_utc"])
    # The header is written once; only the status (a cache of the events) may change.
    db.execute("""
        CREATE TRIGGER records_no_delete BEFORE DELETE ON records
        BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END""")
    db.execute("""
        CREATE TRIGGER records_header_fixed BEFORE UPDATE ON records
        WHEN NEW.id IS NOT OLD.id OR NEW.uid IS NOT OLD.uid
          OR NEW.incident_ref IS NOT OLD.incident_ref OR NEW.created_utc IS NOT OLD.created_utc
          OR NEW.handler IS NOT OLD.handler OR NEW.force_profile IS NOT OLD.force_profile
          OR NEW.pack_id IS NOT OLD.pack_id OR NEW.pack_version IS NOT OLD.pack_version
          OR NEW.pack_hash IS NOT OLD.pack_hash OR NEW.mode IS NOT OLD.mode
          OR NEW.app_version IS NOT OLD.app_version
        BEGIN SELECT RAISE(ABORT, 'a record header is never changed'); END""")


@migrations()
def create_events(db: Database) -> None:
    db.table("events").create(
        {
            "id": int,
            "record_id": int,
            "seq": int,
            "kind": str,
            "payload": str,
            "utc": str,
            "local": str,
            "user": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="id",
        not_null={
            "record_id",
            "seq",
            "kind",
            "payload",
            "utc",
            "local",
            "user",
            "prev_hash",
            "hash",
        },
        foreign_keys=[("record_id", "records", "id")],
    )
    db.table("events").create_index(["record_id", "seq"], unique=True)
    db.execute("""
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: add a correction instead'); END""")
    db.execute("""
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only and never deleted'); END""")


@migrations()
def create_record_index(db: Database) -> None:
    """A search cache over each record's events: category, outcome and last activity.

    Kept in step by a trigger on every event insert, so no writer (the app's append, the bench
    generator, a restore) can leave it behind; `verify` recomputes it from the events. It is
    not part of the hash chain: it holds nothing the events do not.

    The rules, per record, in event order:
      - category: the value of the latest answer or change at node "cat" (cleared if a change
        drops "cat" off the path);
      - recommended: the code of the latest 'recommendation' if it is final, else '';
      - decided: the value of the latest 'decide', cleared by any later 'change' (a changed
        answer voids the decision, as in the engine);
      - outcome: decided if set, else recommended; last_utc: the latest event's time.
    """
    db.table("record_index").create(
        {
            "record_id": int,
            "category": str,
            "recommended": str,
            "decided": str,
            "outcome": str,
            "last_utc": str,
        },
        pk="record_id",
        not_null={"category", "recommended", "decided", "outcome", "last_utc"},
        defaults={"category": "", "recommended": "", "decided": "", "outcome": ""},
        foreign_keys=[("record_id", "records", "id")],
    )
    db.execute("""
        CREATE TRIGGER events_keep_record_index AFTER INSERT ON events
        BEGIN
          INSERT INTO record_index (record_id, last_utc) VALUES (NEW.record_id, NEW.utc)
            ON CONFLICT (record_id) DO UPDATE SET last_utc = excluded.last_utc;
          UPDATE record_index SET category =
              CASE WHEN json_extract(NEW.payload, '$.node') = 'cat'
                   THEN COALESCE(json_extract(NEW.payload, '$.value'), '') ELSE '' END
            WHERE NEW.kind IN ('answer', 'change') AND instr(NEW.payload, '"cat"') > 0
              AND record_id = NEW.record_id
              AND (json_extract(NEW.payload, '$.node') = 'cat'
                   OR EXISTS (SELECT 1 FROM json_each(NEW.payload, '$.dropped')
                              WHERE value = 'cat'));
          UPDATE record_index SET decided = ''
            WHERE NEW.kind = 'change' AND record_id = NEW.record_id;
          UPDATE record_index SET recommended =
              CASE WHEN json_extract(NEW.payload, '$.final')
                   THEN COALESCE(json_extract(NEW.payload, '$.code'), '') ELSE '' END
            WHERE NEW.kind = 'recommendation' AND record_id = NEW.record_id;
          UPDATE record_index SET decided = COALESCE(json_extract(NEW.payload, '$.value'), '')
            WHERE NEW.kind = 'decide' AND record_id = NEW.record_id;
          UPDATE record_index
            SET outcome = CASE WHEN decided != '' THEN decided ELSE recommended END
            WHERE NEW.kind IN ('change', 'recommendation', 'decide')
              AND record_id = NEW.record_id;
        END""")
    _backfill_record_index(db)


def _backfill_record_index(db: Database) -> None:
    """The same rules as the trigger, over the records already written (one statement)."""
    db.execute("""
        INSERT INTO record_index (record_id, category, recommended, decided, outcome, last_utc)
        SELECT id, category, recommended, decided,
               CASE WHEN decided != '' THEN decided ELSE recommended END, last_utc
        FROM (
          SELECT r.id AS id,
            COALESCE((
              SELECT CASE WHEN json_extract(e.payload, '$.node') = 'cat'
                          THEN COALESCE(json_extract(e.payload, '$.value'), '') ELSE '' END
              FROM events e
              WHERE e.record_id = r.id AND e.kind IN ('answer', 'change')
                AND instr(e.payload, '"cat"') > 0
                AND (json_extract(e.payload, '$.node') = 'cat'
                     OR EXISTS (SELECT 1 FROM json_each(e.payload, '$.dropped')
                                WHERE value = 'cat'))
              ORDER BY e.seq DESC LIMIT 1), '') AS category,
            COALESCE((
              SELECT CASE WHEN json_extract(e.payload, '$.final')
                          THEN COALESCE(json_extract(e.payload, '$.code'), '') ELSE '' END
              FROM events e WHERE e.record_id = r.id AND e.kind = 'recommendation'
              ORDER BY e.seq DESC LIMIT 1), '') AS recommended,
            COALESCE((
              SELECT CASE WHEN e.kind = 'decide'
                          THEN COALESCE(json_extract(e.payload, '$.value'), '') ELSE '' END
              FROM events e WHERE e.record_id = r.id AND e.kind IN ('decide', 'change')
              ORDER BY e.seq DESC LIMIT 1), '') AS decided,
            (SELECT e.utc FROM events e WHERE e.record_id = r.id
             ORDER BY e.seq DESC LIMIT 1) AS last_utc
          FROM records r
        )
        WHERE last_utc IS NOT NULL""")


# What may still be added to a closed record: facts that follow a call up without reopening it
# (the partner confirmed, a linked re-assessment, an export for review). Kept equal to
# rcrp_desktop.domain.call.closure.FOLLOW_UP_KINDS (a test checks).
AFTER_CLOSURE = ("partner_confirmed", "reassessment", "exported")


@migrations()
def refuse_writes_to_closed_records(db: Database) -> None:
    """A closed record refuses every event but a follow-up, whoever writes: the app, a script,
    or a tool with the file."""
    allowed = ", ".join(f"'{kind}'" for kind in AFTER_CLOSURE)
    db.execute(f"""
        CREATE TRIGGER events_closed_record BEFORE INSERT ON events
        WHEN (SELECT status FROM records WHERE id = NEW.record_id) = 'closed'
          AND NEW.kind NOT IN ({allowed})
        BEGIN SELECT RAISE(ABORT, 'the record is closed: nothing more can be added'); END""")
