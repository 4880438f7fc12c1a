"""A store of a few hundred synthetic calls, written fast, for the records list tests."""

from datetime import UTC, datetime, timedelta

from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.repository import NewEvent, Store

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
# (category, final recommendation) in turn; every fifth call is still open, with no outcome.
KINDS = (
    ("welfare", "PARTNER_LEAD_NO_POLICE"),
    ("medical", "PARTNER_LEAD_POLICE_STANDBY"),
    ("welfare", "POLICE_DEPLOY"),
    ("awol", "POLICE_DEPLOY_WITH_PARTNER"),
    ("s136", "ESCALATE_SUPERVISOR"),
)


def incident(number: int) -> str:
    return f"INC-{number:05d}"


def populate(store: Store, pack: Pack, count: int = 300) -> list[int]:
    """`count` calls six hours apart, one transaction each; their ids, oldest first.

    Headers and events as the recorder writes them, cut short: the first question, the
    category answered, then the final recommendation and a closure (open calls stop at the
    category).
    """
    store.db.execute("PRAGMA synchronous = OFF")  # test speed only: durability is not tested here
    made = []
    for number in range(count):
        category, code = KINDS[number % len(KINDS)]
        still_open = number % 5 == 4
        events = [
            NewEvent("question_shown", {"node": "cat"}),
            NewEvent("answer", {"action": "answer", "node": "cat", "value": category}),
        ]
        if not still_open:
            events += [
                NewEvent("recommendation", {"code": code, "final": True, "urgent": False}),
                NewEvent("closure", {"note": "closed (synthetic)"}),
            ]
        made.append(
            store.create_record(
                incident_ref=incident(number),
                handler="PC 4821 Example",
                force_profile=pack.jurisdiction,
                pack_id=pack.id,
                pack_version=pack.version,
                pack_hash=pack.content_hash,
                first_events=events,
                now=START + timedelta(hours=6 * number),
            )[0]
        )
    store.db.execute("PRAGMA synchronous = FULL")
    return made
