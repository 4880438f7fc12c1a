"""The schema, created explicitly through sqlite-utils migrations."""

from sqlite_utils import Database, Migrations

from rcrp_desktop.storage import anchor_log, record_index

migrations = Migrations("rcrp_desktop")

# Stamped into PRAGMA user_version after migrating: one more with every new migration. A
# database with a higher number was written by a newer app and is refused.
SCHEMA_VERSION = 12


@migrations()
def create_records(db: Database) -> None:
    columns = {
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
    }
    db.table("records").create(columns, pk="id", not_null=set(columns) - {"id"})
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
    columns = {
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
    }
    db.table("events").create(
        columns,
        pk="id",
        not_null=set(columns) - {"id"},
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

    Its rules, the trigger that keeps it and the fill are in record_index.py (the trigger and
    the fill come with index_by_one_definition: a database made before then had an earlier
    trigger here, which that migration replaces).
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


# What may still be added to a closed record: facts that follow a call up without reopening it
# (the partner confirmed, a linked re-assessment, an export, a supervisor's review). Kept equal
# to rcrp_desktop.domain.call.closure.FOLLOW_UP_KINDS (a test checks).
AFTER_CLOSURE = ("partner_confirmed", "reassessment", "exported", "review")
# As the guard was first made (a migration, once run, is never changed).
_FIRST_AFTER_CLOSURE = ("partner_confirmed", "reassessment", "exported")


@migrations()
def refuse_writes_to_closed_records(db: Database) -> None:
    """A closed record refuses every event but a follow-up, whoever writes: the app, a script,
    or a tool with the file."""
    _guard_closed_records(db, _FIRST_AFTER_CLOSURE)


def _guard_closed_records(db: Database, kinds: tuple[str, ...]) -> None:
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    db.execute("DROP TRIGGER IF EXISTS events_closed_record")
    db.execute(f"""
        CREATE TRIGGER events_closed_record BEFORE INSERT ON events
        WHEN (SELECT status FROM records WHERE id = NEW.record_id) = 'closed'
          AND NEW.kind NOT IN ({allowed})
        BEGIN SELECT RAISE(ABORT, 'the record is closed: nothing more can be added'); END""")


@migrations()
def index_by_one_definition(db: Database) -> None:
    """The search cache's earlier trigger goes: from here the index is kept by the trigger
    made from record_index.RULES (record_index.rebuild, in the last migration that changed
    a rule), the category marked on the events by the recorder, not a node id."""
    db.execute("DROP TRIGGER IF EXISTS events_keep_record_index")


@migrations()
def index_marks_urgent_calls(db: Database) -> None:
    """The index says whether a call's latest recommendation is urgent, for the lists."""
    if "urgent" not in db.table("record_index").columns_dict:
        db.execute("ALTER TABLE record_index ADD COLUMN urgent TEXT NOT NULL DEFAULT ''")
    # Filled by the last migration that changes a rule (index_only_what_sets_it): today's
    # rules fit only the table as that one leaves it.
    db.execute("DROP TRIGGER IF EXISTS events_keep_record_index")


@migrations()
def anchor_closed_records(db: Database) -> None:
    """The anchor log (anchor_log.py): each record's closure (its head when it was closed),
    chained, append-only. Records closed before it are entered now, in the order they were
    made."""
    db.execute("""
        CREATE TABLE anchor_log (
          id INTEGER PRIMARY KEY,
          record_id INTEGER NOT NULL UNIQUE REFERENCES records(id),
          head_seq INTEGER NOT NULL,
          head_hash TEXT NOT NULL,
          utc TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TRIGGER anchor_log_no_update BEFORE UPDATE ON anchor_log
        BEGIN SELECT RAISE(ABORT, 'the anchor log is append-only'); END""")
    db.execute("""
        CREATE TRIGGER anchor_log_no_delete BEFORE DELETE ON anchor_log
        BEGIN SELECT RAISE(ABORT, 'the anchor log is append-only'); END""")
    closed = db.execute(
        "SELECT record_id, seq, hash, utc FROM events WHERE kind = 'closure' ORDER BY record_id"
    ).fetchall()
    for record_id, seq, digest, utc in closed:
        anchor_log.append(db.conn, record_id, seq, digest, utc)


@migrations()
def reviews_follow_closed_records(db: Database) -> None:
    """A supervisor's review is written into a closed record's own chain: the closed-record
    guard takes it too."""
    _guard_closed_records(db, AFTER_CLOSURE)


# The figures' tables as this migration made them (a migration, once run, never changes: a
# change of the figures' columns is a new migration; figure_facts.py checks they agree).
FIGURE_FACT_COLUMNS_9 = (
    "record_uid TEXT", "created_utc TEXT", "week TEXT", "force_profile TEXT", "category TEXT",
    "outcome TEXT", "response TEXT", "handler TEXT", "police_attended INTEGER",
    "disagreed INTEGER", "urgent INTEGER", "partner_declined INTEGER",
    "partner_missed_recheck INTEGER", "linked INTEGER", "upgraded INTEGER", "partner TEXT",
    "partner_accepted_minutes DOUBLE PRECISION", "partner_confirmed_minutes DOUBLE PRECISION",
    "recontact_24h INTEGER", "recontact_72h INTEGER", "safeguarding_referral TEXT",
    "s136_handover TEXT", "s136_within INTEGER",
)  # fmt: skip
QUESTION_FACT_COLUMNS_9 = (
    "record_uid TEXT", "created_utc TEXT", "force_profile TEXT", "category TEXT", "node TEXT",
    "dwell_seconds DOUBLE PRECISION", "changed INTEGER", "decided INTEGER", "disagreed INTEGER",
)  # fmt: skip


@migrations()
def keep_figure_facts(db: Database) -> None:
    """The monitoring figures' facts, kept: one row a call and one a question it answered,
    worked out from the events and brought up to date from those added since (figure_facts.py).
    A cache, as the search index is: it holds nothing the events do not."""
    db.execute(f"""
        CREATE TABLE call_facts (
          record_id INTEGER PRIMARY KEY REFERENCES records(id),
          linked_from INTEGER NOT NULL,
          match_keys TEXT NOT NULL,
          {", ".join(FIGURE_FACT_COLUMNS_9)}
        )""")
    db.execute("CREATE INDEX call_facts_created ON call_facts (created_utc)")
    db.execute(f"""
        CREATE TABLE question_facts (
          record_id INTEGER NOT NULL REFERENCES records(id),
          {", ".join(QUESTION_FACT_COLUMNS_9)}
        )""")
    db.execute("CREATE INDEX question_facts_record ON question_facts (record_id)")
    db.execute("CREATE INDEX question_facts_created ON question_facts (created_utc)")
    db.execute("""
        CREATE TABLE figure_facts_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          through_event_id INTEGER NOT NULL
        )""")


@migrations()
def figure_facts_by_phase(db: Database) -> None:
    """The kept facts say each call's RCRP phase, so the figures can be narrowed to one: the
    column added, and every call's facts worked out again."""
    db.execute("ALTER TABLE call_facts ADD COLUMN phase TEXT")
    db.execute("ALTER TABLE question_facts ADD COLUMN phase TEXT")
    db.execute("DELETE FROM figure_facts_state")


@migrations()
def index_only_what_sets_it(db: Database) -> None:
    """The search cache is written only by an event that sets one of its columns, so an
    answer's commit writes no page of it: its last-activity column goes (a list reads that
    from the record's last event) and the trigger and rows are made again by today's rules."""
    db.execute("DROP TRIGGER IF EXISTS events_keep_record_index")
    db.execute("ALTER TABLE record_index DROP COLUMN last_utc")
    record_index.rebuild(db)


@migrations()
def figure_facts_s136_times(db: Database) -> None:
    """The kept facts say the minutes from a section 136 arrival to its handover, from the
    times the packs now ask for: the column added, and every call's facts worked out again."""
    db.execute("ALTER TABLE call_facts ADD COLUMN s136_minutes DOUBLE PRECISION")
    db.execute("DELETE FROM figure_facts_state")
