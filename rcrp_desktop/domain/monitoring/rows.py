"""The rows the figures read for a period, from its calls and those of the 72 hours before it
(where a re-contact or an upgrade finds its earlier call): the same on a desk and centrally."""

from collections.abc import Callable, Sequence
from datetime import datetime

from rcrp_desktop.domain.monitoring.config import MonitoringConfig
from rcrp_desktop.domain.monitoring.figures import fact_row, upgraded
from rcrp_desktop.domain.monitoring.questions import question_rows
from rcrp_desktop.domain.monitoring.recontacts import WITHIN, recontacts
from rcrp_desktop.domain.review.facts import CallFacts, Event

LOOK_BACK = WITHIN  # calls read from this long before the period: only to link to

Rows = list[dict[str, object]]


def period_rows(
    calls: Sequence[tuple[CallFacts, Sequence[Event]]],
    start: datetime,
    config: MonitoringConfig,
    linked_uid: Callable[[CallFacts], str | None],
) -> tuple[Rows, Rows]:
    """(call rows, question rows) of the calls made from `start`; `calls` may begin up to
    LOOK_BACK earlier. `linked_uid` names the call a re-assessment re-assesses."""
    by_uid = {facts.uid: facts for facts, _ in calls}
    found = recontacts([facts for facts, _ in calls], config.recontact_nodes)
    facts_rows: Rows = []
    questions: Rows = []
    for facts, events in calls:
        if facts.created < start:
            continue
        earlier = by_uid.get(linked_uid(facts) or "")
        facts_rows.append(fact_row(facts, upgraded(facts, earlier), config, found.get(facts.uid)))
        questions += question_rows(facts, events, config.phases.get(facts.category, ""))
    return facts_rows, questions
