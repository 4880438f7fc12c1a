"""The search index (record_index) defined once: the trigger, the backfill and verify use RULES.

Each column is the value of the latest event of the record that sets it; `outcome` is the
decision if there is one, else the recommendation. The trigger applies the rules to each event
as it is inserted; the backfill and `verify` apply them to the events already stored. The index
is a cache: it holds nothing the events do not, and is not part of the hash chain.

Most events set nothing here (a question shown, an answer that is not the category): the
trigger fires only for one that does, so an answer's commit writes no page of the index, and a
record has a row once one of its events has set something. A record's last activity is read
from its last event when a list shows it, not kept here.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

# The key an answer or change event carries for the call's category: the answer given at the
# pack's category node ("" when a change takes that question off the path), or null when the
# step does not touch it. The recorder writes it; the store needs no node id.
CATEGORY_KEY = "category"

# Events written before the recorder marked the category carry no CATEGORY_KEY; every pack
# until then asked the category at this node, so their answers there set it.
_BEFORE_MARKING = "'cat'"


@dataclass(frozen=True)
class Rule:
    """One column: which events set it, and to what (SQL over an event aliased `{e}`)."""

    column: str
    sets: str
    value: str

    def sets_on(self, event: str) -> str:
        return self.sets.format(e=event)

    def value_of(self, event: str) -> str:
        return self.value.format(e=event)


_MARKED = f"json_type({{e}}.payload, '$.{CATEGORY_KEY}')"
_ANSWER_AT_CATEGORY = f"json_extract({{e}}.payload, '$.node') = {_BEFORE_MARKING}"
_DROPS_CATEGORY = (
    f"EXISTS (SELECT 1 FROM json_each({{e}}.payload, '$.dropped') WHERE value = {_BEFORE_MARKING})"
)

RULES = (
    Rule(
        "category",
        sets=(
            "{e}.kind IN ('answer', 'change') AND json_valid({e}.payload)"
            f" AND ({_MARKED} = 'text'"
            f" OR ({_MARKED} IS NULL AND ({_ANSWER_AT_CATEGORY} OR {_DROPS_CATEGORY})))"
        ),
        value=(
            f"CASE WHEN {_MARKED} = 'text' THEN json_extract({{e}}.payload, '$.{CATEGORY_KEY}')"
            f" WHEN {_ANSWER_AT_CATEGORY}"
            " THEN COALESCE(json_extract({e}.payload, '$.value'), '') ELSE '' END"
        ),
    ),
    Rule(
        # A recommendation counts once it is final: until then the call has no outcome.
        "recommended",
        sets="{e}.kind = 'recommendation'",
        value=(
            "CASE WHEN json_valid({e}.payload) AND json_extract({e}.payload, '$.final')"
            " THEN COALESCE(json_extract({e}.payload, '$.code'), '') ELSE '' END"
        ),
    ),
    Rule(
        # A changed answer voids the decision, as in the engine.
        "decided",
        sets="{e}.kind IN ('decide', 'change')",
        value=(
            "CASE WHEN {e}.kind = 'decide' AND json_valid({e}.payload)"
            " THEN COALESCE(json_extract({e}.payload, '$.value'), '') ELSE '' END"
        ),
    ),
    Rule(
        # Whether the call's latest recommendation is urgent: lists mark such calls.
        "urgent",
        sets="{e}.kind = 'recommendation'",
        value=(
            "CASE WHEN json_valid({e}.payload) AND json_extract({e}.payload, '$.urgent')"
            " THEN 'urgent' ELSE '' END"
        ),
    ),
)
COLUMNS = ("category", "recommended", "decided", "outcome", "urgent")
_RULE = {rule.column: rule for rule in RULES}


def _outcome(decided: str, recommended: str) -> str:
    return f"CASE WHEN {decided} != '' THEN {decided} ELSE {recommended} END"


def sets_any(event: str) -> str:
    """Whether the event aliased `event` sets any column of the index."""
    return " OR ".join(f"({rule.sets_on(event)})" for rule in RULES)


def rebuild(db: "Database") -> None:
    """The index made afresh from RULES: its trigger replaced, its rows filled again. Every
    migration that changes a rule ends with this, so the trigger is always today's rules."""
    db.execute("DROP TRIGGER IF EXISTS events_keep_record_index")
    db.execute(trigger_sql())
    db.execute("DELETE FROM record_index")
    db.execute(f"INSERT INTO record_index (record_id, {', '.join(COLUMNS)}) " + recomputed_sql())


def trigger_sql() -> str:
    """The trigger that keeps the index in step with every insert, whoever writes."""
    first = {
        r.column: f"CASE WHEN {r.sets_on('NEW')} THEN {r.value_of('NEW')} ELSE '' END"
        for r in RULES
    }
    first["outcome"] = _outcome(first["decided"], first["recommended"])
    later = {
        r.column: f"CASE WHEN {r.sets_on('NEW')} THEN excluded.{r.column} ELSE {r.column} END"
        for r in RULES
    }
    later["outcome"] = _outcome(later["decided"], later["recommended"])
    return f"""
        CREATE TRIGGER events_keep_record_index AFTER INSERT ON events
        WHEN {sets_any("NEW")}
        BEGIN
          INSERT INTO record_index (record_id, {", ".join(COLUMNS)})
          VALUES (NEW.record_id, {", ".join(first[c] for c in COLUMNS)})
          ON CONFLICT (record_id) DO UPDATE SET
            {", ".join(f"{c} = {later[c]}" for c in COLUMNS)};
        END"""


def recomputed_sql() -> str:
    """Every record's index row worked out afresh from its stored events (record_id first)."""
    latest = {
        r.column: f"""COALESCE((SELECT {r.value_of("e")} FROM events e
              WHERE e.record_id = r.id AND {r.sets_on("e")}
              ORDER BY e.seq DESC LIMIT 1), '')"""
        for r in RULES
    }
    shown = [
        f"{_outcome('decided', 'recommended')} AS outcome" if c == "outcome" else c for c in COLUMNS
    ]
    return f"""
        SELECT id, {", ".join(shown)}
        FROM (SELECT r.id AS id, {", ".join(f"{latest[c]} AS {c}" for c in _RULE)}
              FROM records r
              WHERE EXISTS (SELECT 1 FROM events e WHERE e.record_id = r.id
                            AND ({sets_any("e")})))"""
