"""A hand-counted set of call facts, and the figures they must give, on either engine."""

import sqlite3
from datetime import UTC, datetime

from rcrp_desktop.domain.monitoring.figures import FACT_COLUMNS
from rcrp_desktop.storage.figures_run import run_figures

START = datetime(2026, 11, 2, tzinfo=UTC)
END = datetime(2026, 11, 16, tzinfo=UTC)  # not included: a call at midnight is the next period


def fact(uid: str, created: str, **given: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys((name for name, _ in FACT_COLUMNS), "")
    row.update(
        {name: 0 for name, kind in FACT_COLUMNS if kind == "INTEGER"}
        | {"partner_accepted_minutes": None, "partner_confirmed_minutes": None}
        | {"s136_minutes": None}
    )
    monday = {"02": "02", "03": "02", "09": "09", "10": "09", "11": "09", "12": "09", "13": "09",
              "16": "16"}  # fmt: skip
    day = created[8:10]
    row.update(record_uid=uid, created_utc=created, week=f"2026-11-{monday.get(day, day)}",
               force_profile="england")  # fmt: skip
    row.update(given)
    return row


FACTS = [
    fact("a1", "2026-11-02T10:00:00.000000Z", category="welfare",
         outcome="PARTNER_LEAD_NO_POLICE", response="decline", handler="H1",
         partner="Crisis team", partner_accepted_minutes=12.0, partner_confirmed_minutes=90.0,
         safeguarding_referral="made"),
    fact("a2", "2026-11-03T23:59:59.999999Z", category="welfare", outcome="POLICE_DEPLOY",
         response="attend", handler="H1", police_attended=1, disagreed=1,
         safeguarding_referral="not_needed"),
    fact("a3", "2026-11-09T00:00:00.000000Z", category="welfare", outcome="ADVICE_AND_CLOSE",
         response="decline", handler="H2", safeguarding_referral="made"),
    fact("a4", "2026-11-10T08:00:00.000000Z", category="s136", force_profile="wales",
         outcome="PARTNER_LEAD_POLICE_STANDBY", response="standby", handler="H2",
         partner="Crisis team", partner_accepted_minutes=30.0, recontact_72h=1,
         s136_handover="within_hour", s136_within=1, s136_minutes=60.0),  # exactly the hour
    fact("a5", "2026-11-11T09:00:00.000000Z", category="welfare", outcome="POLICE_DEPLOY",
         response="attend", handler="H2", police_attended=1, linked=1, upgraded=1),
    fact("a6", "2026-11-11T10:00:00.000000Z", category="awol", outcome="", response="",
         handler="H1", partner="Ambulance service", partner_declined=1, recontact_24h=1,
         recontact_72h=1),
    fact("a7", "2026-12-01T10:00:00.000000Z", category="welfare", outcome="POLICE_DEPLOY",
         response="attend", handler="H1", police_attended=1),  # after the period
    fact("a8", "2026-11-16T00:00:00.000000Z", category="welfare", outcome="POLICE_DEPLOY",
         response="attend", handler="H1", police_attended=1),  # the period's end: not in it
    fact("a9", "2026-11-12T02:00:00.000000Z", category="s136",
         outcome="PARTNER_LEAD_POLICE_STANDBY", response="standby", handler="H2",
         s136_handover="over_hour_done_agreed", s136_minutes=61.0),  # a minute past it
    fact("a10", "2026-11-13T15:00:00.000000Z", category="s136",
         outcome="PARTNER_LEAD_POLICE_STANDBY", response="standby", handler="H2",
         s136_handover="over_hour_done_no_agreement"),  # its times could not be read
]  # fmt: skip


def asked(
    uid: str, created: object, node: str, dwell: float | None, **given: int
) -> dict[str, object]:
    return {"record_uid": uid, "created_utc": created, "force_profile": "england",
            "category": "welfare", "node": node, "dwell_seconds": dwell, "changed": 0,
            "decided": 0, "disagreed": 0, "phase": "concern_for_welfare", **given}  # fmt: skip


QUESTIONS = [
    asked("a1", FACTS[0]["created_utc"], "danger_life", 4.0),
    asked("a1", FACTS[0]["created_utc"], "thr_life", 30.0, decided=1),
    asked("a2", FACTS[1]["created_utc"], "danger_life", 6.0),
    asked("a2", FACTS[1]["created_utc"], "thr_life", 50.0, changed=1, decided=1,
          disagreed=1),
    asked("a3", FACTS[2]["created_utc"], "danger_life", None),  # answered on the urgent screen
    asked("a7", FACTS[6]["created_utc"], "danger_life", 99.0),  # after the period
]  # fmt: skip

EXPECTED = {
    "calls_by_category_outcome": [
        ("awol", "", 1),
        ("s136", "PARTNER_LEAD_POLICE_STANDBY", 3),
        ("welfare", "ADVICE_AND_CLOSE", 1),
        ("welfare", "PARTNER_LEAD_NO_POLICE", 1),
        ("welfare", "POLICE_DEPLOY", 2),
    ],
    "response_by_week": [("2026-11-02", 1, 1, 0, 0, 2), ("2026-11-09", 1, 3, 1, 1, 6)],
    "recontacts_and_upgrades": [(8, 1, 1, 2, 1)],
    "safeguarding_referrals": [("made", 2), ("not_needed", 1)],
    "s136_handovers": [(1, 3)],
    "s136_handover_answers": [
        ("over_hour_done_agreed", 1),
        ("over_hour_done_no_agreement", 1),
        ("within_hour", 1),
    ],
    "s136_handover_times": [
        ("0 to 30 min", 0),
        ("31 to 60 min", 1),  # exactly the hour is within it
        ("61 to 90 min", 1),
        ("91 to 120 min", 0),
        ("over 120 min", 0),
    ],
    "s136_handover_minutes": [
        ("over_hour_done_agreed", 1, 61.0, 61.0),
        ("within_hour", 1, 60.0, 60.0),
    ],
    "disagreement_by_handler": [("H1", 3, 1), ("H2", 5, 0)],
    "partner_acceptance": [("Crisis team", 2, 21.0, 30.0)],
    "partner_arrival": [("Crisis team", 1, 90.0, 90.0)],
    "questions_for_review": [("danger_life", 3, 0, 0, 0), ("thr_life", 2, 1, 2, 1)],
    "question_dwell": [("danger_life", 2, 5.0, 6.0), ("thr_life", 2, 40.0, 50.0)],
}
EMPTY = {
    "calls_by_category_outcome": [],
    "response_by_week": [],
    "recontacts_and_upgrades": [(0, 0, 0, 0, 0)],
    "safeguarding_referrals": [],
    "s136_handovers": [(0, 0)],
    "s136_handover_answers": [],
    "s136_handover_times": [
        ("0 to 30 min", 0),
        ("31 to 60 min", 0),
        ("61 to 90 min", 0),
        ("91 to 120 min", 0),
        ("over 120 min", 0),
    ],
    "s136_handover_minutes": [],
    "disagreement_by_handler": [],
    "partner_acceptance": [],
    "partner_arrival": [],
    "questions_for_review": [],
    "question_dwell": [],
}


def on_sqlite(
    facts: list[dict[str, object]],
    questions: list[dict[str, object]],
    start: datetime,
    end: datetime,
    below: int = 0,
) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(":memory:")
    try:
        ran = run_figures(conn, facts, questions, start, end, suppress_below=below)
        return {r.figure.id: r.rows for r in ran}
    finally:
        conn.close()
