"""The monitoring figures' facts kept in the record database (call_facts, question_facts): each
call's row worked out from its events, and brought up to date from the events added since, in
one transaction, so a year's figures are queries, not a replay of every event. A cache, as the
search index is: it holds nothing the events do not, and is made again from them."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rcrp_desktop.domain.monitoring.config import MonitoringConfig
from rcrp_desktop.domain.monitoring.figures import FACT_COLUMNS, fact_row, upgraded_from
from rcrp_desktop.domain.monitoring.questions import QUESTION_COLUMNS, question_rows
from rcrp_desktop.domain.monitoring.recontacts import MIN_KEY, WITHIN, Recontact, key_of
from rcrp_desktop.domain.review.facts import Event, call_facts
from rcrp_desktop.storage.cipher import DB_ERRORS
from rcrp_desktop.storage.errors import classify
from rcrp_desktop.storage.migrations import FIGURE_FACT_COLUMNS_9, QUESTION_FACT_COLUMNS_9
from rcrp_desktop.storage.records import RECORD_COLUMNS
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.transaction import writing
from rcrp_desktop.times import parse_utc, utc_text

# The kept tables are the figures' tables: a figure's column added is a migration too.
assert tuple(f"{n} {k}" for n, k in FACT_COLUMNS) == (
    *FIGURE_FACT_COLUMNS_9,
    "phase TEXT",
    "s136_minutes DOUBLE PRECISION",
)
assert tuple(f"{n} {k}" for n, k in QUESTION_COLUMNS) == (*QUESTION_FACT_COLUMNS_9, "phase TEXT")

_SEP = "\x1f"  # between a call's match keys (node=key), never in a key (letters and digits)
_CALL_NAMES = ("record_id", "linked_from", "match_keys", *(n for n, _ in FACT_COLUMNS))
_INSERT_CALL = (
    f"INSERT OR REPLACE INTO call_facts ({', '.join(_CALL_NAMES)}) "
    f"VALUES ({', '.join('?' * len(_CALL_NAMES))})"
)
_QUESTION_NAMES = ("record_id", *(n for n, _ in QUESTION_COLUMNS))
_INSERT_QUESTION = (
    f"INSERT INTO question_facts ({', '.join(_QUESTION_NAMES)}) "
    f"VALUES ({', '.join('?' * len(_QUESTION_NAMES))})"
)


def up_to_date(store: Store) -> bool:
    """Whether the kept facts include every event stored (never, in a database made before
    they were kept and read without migrating)."""
    try:
        if not store.db.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'figure_facts_state'"
        ).fetchone():
            return False
        kept = store.db.conn.execute(
            "SELECT COALESCE((SELECT through_event_id FROM figure_facts_state WHERE id = 1), 0), "
            "(SELECT COALESCE(MAX(id), 0) FROM events)"
        ).fetchone()
    except DB_ERRORS as error:
        raise classify(error, store.path) from error
    return bool(kept[0] == kept[1])


def refresh(store: Store, config: MonitoringConfig, now: datetime) -> int:
    """The facts of every call with events added since they were last kept worked out again
    (with the calls whose re-contact or upgrade may follow from one), in one transaction;
    how many calls that was."""
    conn = store.db.conn
    with writing(conn, store.path):
        through, last = conn.execute(
            "SELECT COALESCE((SELECT through_event_id FROM figure_facts_state WHERE id = 1), 0), "
            "(SELECT COALESCE(MAX(id), 0) FROM events)"
        ).fetchone()
        if through == last:
            return 0
        added = "SELECT DISTINCT record_id FROM events WHERE id > ? AND id <= ?"
        changed = [r for (r,) in conn.execute(added, [through, last])]
        done = _keep(store, _with_followers(conn, changed), config, now)
        conn.execute(
            "INSERT OR REPLACE INTO figure_facts_state (id, through_event_id) VALUES (1, ?)",
            [last],
        )
    return done


def _with_followers(conn: Any, changed: Iterable[int]) -> list[int]:
    """The changed calls, and those a change may reach: the calls made up to 72 hours after
    one (a re-contact of it), and its re-assessments; in the order they were made."""
    wanted = set(changed)
    for record_id in list(wanted):
        row = conn.execute("SELECT created_utc FROM records WHERE id = ?", [record_id]).fetchone()
        if row is None:
            continue
        made = parse_utc(str(row[0]))
        reached = (
            "SELECT record_id FROM call_facts WHERE (created_utc > ? AND created_utc <= ?) "
            "OR linked_from = ?"
        )
        after = [utc_text(made), utc_text(made + WITHIN), record_id]
        wanted.update(r for (r,) in conn.execute(reached, after))
    if not wanted:
        return []
    placeholders = ", ".join("?" * len(wanted))
    return [r for (r,) in conn.execute(
        f"SELECT id FROM records WHERE id IN ({placeholders}) ORDER BY created_utc, id",
        list(wanted))]  # fmt: skip


def _keep(store: Store, record_ids: list[int], config: MonitoringConfig, now: datetime) -> int:
    conn = store.db.conn
    for record_id in record_ids:
        header = dict(zip(RECORD_COLUMNS, store.record_rows(record_id)[0], strict=True))
        if header["mode"] != store.mode:
            continue
        events = [Event(e.kind, e.payload, parse_utc(e.utc), e.user)
                  for e in store.events(record_id)]  # fmt: skip
        facts = call_facts(record_id, header, events, now)
        keys = [f"{n}={k}" for n in config.recontact_nodes
                if len(k := key_of(facts.answers.get(n, ""))) >= MIN_KEY]  # fmt: skip
        earlier = conn.execute(
            "SELECT response, created_utc FROM call_facts WHERE record_id = ?", [facts.linked_from]
        ).fetchone()
        went = upgraded_from(facts, earlier[0] if earlier else None,
                             parse_utc(earlier[1]) if earlier else None)  # fmt: skip
        row = fact_row(facts, went, config, _recontact(conn, facts.created, set(keys)))
        conn.execute(_INSERT_CALL, [record_id, facts.linked_from, _SEP.join(keys),
                                    *(row[n] for n, _ in FACT_COLUMNS)])  # fmt: skip
        conn.execute("DELETE FROM question_facts WHERE record_id = ?", [record_id])
        conn.executemany(_INSERT_QUESTION, [
            [record_id, *(q[n] for n, _ in QUESTION_COLUMNS)]
            for q in question_rows(facts, events, str(row["phase"]))
        ])  # fmt: skip
    return len(record_ids)


def _recontact(conn: Any, made: datetime, keys: set[str]) -> Recontact | None:
    """The latest call made up to 72 hours before `made` sharing a match key, if any."""
    if not keys:
        return None
    rows = conn.execute(
        "SELECT record_id, record_uid, created_utc, match_keys FROM call_facts "
        "WHERE created_utc >= ? AND created_utc < ? ORDER BY created_utc DESC, record_uid DESC",
        [utc_text(made - WITHIN), utc_text(made)],
    )
    for record_id, uid, created, match_keys in rows:
        if keys & set(str(match_keys).split(_SEP)) - {""}:
            return Recontact(str(uid), int(record_id), made - parse_utc(str(created)))
    return None
