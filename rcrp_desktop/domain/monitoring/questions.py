"""For protocol review, one row per question a call answered: how long the handler dwelt on it,
whether it was changed afterwards, whether it decided the outcome, and whether the handler
disagreed with the recommendation it decided."""

from collections.abc import Sequence

from rcrp_desktop.domain.monitoring.figures import create_sql, insert_sql
from rcrp_desktop.domain.review.facts import CallFacts, Event
from rcrp_desktop.times import utc_text

QUESTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("record_uid", "TEXT"),
    ("created_utc", "TEXT"),
    ("force_profile", "TEXT"),
    ("category", "TEXT"),
    ("node", "TEXT"),
    ("dwell_seconds", "DOUBLE PRECISION"),  # shown -> first answered (none: not timed)
    ("changed", "INTEGER"),
    ("decided", "INTEGER"),
    ("disagreed", "INTEGER"),
    ("phase", "TEXT"),
)
CREATE_QUESTIONS = create_sql("question_facts", QUESTION_COLUMNS)
INSERT_QUESTIONS = insert_sql("question_facts", QUESTION_COLUMNS)


def question_rows(
    facts: CallFacts, events: Sequence[Event], phase: str = ""
) -> list[dict[str, object]]:
    """One row per question the call answered, in the order first answered (`phase`: the
    call's RCRP phase)."""
    shown: dict[str, float] = {}
    first: dict[str, float | None] = {}
    changed: set[str] = set()
    deciding: set[str] = set()
    for event in events:
        node = str(event.payload.get("node") or "")
        moment = event.when.timestamp()
        if event.kind == "question_shown" and node:
            shown.setdefault(node, moment)
        elif event.kind == "answer" and node and node not in first:
            since = shown.get(node)
            first[node] = round(moment - since, 3) if since is not None else None
        elif event.kind == "change" and node:
            changed.add(node)
        elif event.kind == "recommendation" and event.payload.get("final"):
            reasons = event.payload.get("reasons") or []
            deciding = {str(r.get("node")) for r in reasons if isinstance(r, dict)}
    return [
        {
            "record_uid": facts.uid,
            "created_utc": utc_text(facts.created),
            "force_profile": facts.force_profile,
            "category": facts.category,
            "node": node,
            "dwell_seconds": dwell,
            "changed": int(node in changed),
            "decided": int(node in deciding),
            "disagreed": int(node in deciding and facts.disagreed),
            "phase": phase,
        }
        for node, dwell in first.items()
    ]
