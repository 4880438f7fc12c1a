"""The monitoring figures (brief §9), each defined once: plain, portable SQL over the explicit
columns of one table of call facts, so the same definition runs on a desk's SQLite and on the
force's central PostgreSQL; each says how it is counted, with the caveats that apply."""

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rcrp_desktop.domain.monitoring.config import MonitoringConfig
from rcrp_desktop.domain.monitoring.recontacts import Recontact
from rcrp_desktop.domain.monitoring.s136 import handover_minutes
from rcrp_desktop.domain.outcomes import OutcomeCode, Response
from rcrp_desktop.domain.review.facts import CallFacts
from rcrp_desktop.times import utc_text

# The table the figures read: one row a call, every column explicit (no JSON in the figures).
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("record_uid", "TEXT"),
    ("created_utc", "TEXT"),  # ISO 8601, UTC: compared as text on both engines
    ("week", "TEXT"),  # the Monday (UTC) of the call's week, YYYY-MM-DD
    ("force_profile", "TEXT"),
    ("category", "TEXT"),
    ("outcome", "TEXT"),
    ("response", "TEXT"),
    ("handler", "TEXT"),
    ("police_attended", "INTEGER"),
    ("disagreed", "INTEGER"),
    ("urgent", "INTEGER"),
    ("partner_declined", "INTEGER"),
    ("partner_missed_recheck", "INTEGER"),
    ("linked", "INTEGER"),
    ("upgraded", "INTEGER"),
    ("partner", "TEXT"),
    ("partner_accepted_minutes", "DOUBLE PRECISION"),  # REAL is 4 bytes on PostgreSQL
    ("partner_confirmed_minutes", "DOUBLE PRECISION"),
    ("recontact_24h", "INTEGER"),  # same place or caller as a call up to 24 hours before
    ("recontact_72h", "INTEGER"),  # ... up to 72 hours before
    ("safeguarding_referral", "TEXT"),  # the referral decision's answer ("" if not asked)
    ("s136_handover", "TEXT"),  # the s136 handover's answer ("" if not asked)
    ("s136_within", "INTEGER"),  # handed over within the hour
    ("phase", "TEXT"),  # the category's RCRP phase, as the packs map it ("" if none)
    ("s136_minutes", "DOUBLE PRECISION"),  # arrival to handover, from the times written
)


def create_sql(table: str, columns: Sequence[tuple[str, str]]) -> str:
    """A temporary table of these columns, in SQL both engines read."""
    return f"CREATE TEMPORARY TABLE {table} ({', '.join(f'{n} {kind}' for n, kind in columns)})"


def insert_sql(table: str, columns: Sequence[tuple[str, str]]) -> str:
    """One row into it, by named parameters (pyformat() writes them as psycopg's)."""
    names = [name for name, _ in columns]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"


CREATE_FACTS = create_sql("call_facts", FACT_COLUMNS)
INSERT_FACTS = insert_sql("call_facts", FACT_COLUMNS)
PARTNER_LED = (
    OutcomeCode.PARTNER_LEAD_NO_POLICE.value,
    OutcomeCode.PARTNER_LEAD_POLICE_STANDBY.value,
)
ADVICE = OutcomeCode.ADVICE_AND_CLOSE.value
# The period, and the force profile and category chosen ('' for all): every figure's rows.
_PERIOD = (
    "created_utc >= :start AND created_utc < :end "
    "AND (:profile = '' OR force_profile = :profile) "
    "AND (:category = '' OR category = :category) "
    "AND (:phase = '' OR phase = :phase)"
)
_LED = ", ".join(f"'{code}'" for code in PARTNER_LED)
# The bands of minutes from a section 136 arrival to its handover: (name, above, up to).
S136_BANDS = (("0 to 30 min", -1, 30), ("31 to 60 min", 30, 60), ("61 to 90 min", 60, 90),
              ("91 to 120 min", 90, 120), ("over 120 min", 120, 24 * 60))  # fmt: skip
_BANDS = " UNION ALL ".join(
    f"SELECT '{name}' AS band, {above} AS low, {upto} AS high" for name, above, upto in S136_BANDS
)


@dataclass(frozen=True)
class Figure:
    """One figure: what it is, how it is counted, its SQL (named :start and :end), and the
    columns it gives. `times`: its rows are (group, minutes), summed up as median and 90th
    percentile per group; otherwise its rows are the figure."""

    id: str
    title: str
    counted: str
    sql: str
    columns: tuple[str, ...]
    times: bool = False
    counts: tuple[int, ...] = ()  # the columns holding counts (small ones are suppressed)
    personal: bool = False  # names people: never in the partnership report
    # Its first column is the answer to the question the monitoring config names by this
    # attribute (MonitoringConfig): shown by the answer's label, not its value.
    answers_of: str = ""


FIGURES: tuple[Figure, ...] = (
    Figure(
        "calls_by_category_outcome",
        "Calls by category and outcome",
        "Each call made in the period once, by its category as last answered and its outcome: "
        "the handler's decision, else the final recommendation (none yet, while there is none).",
        f"SELECT category, outcome, COUNT(*) AS calls FROM call_facts WHERE {_PERIOD} "
        "GROUP BY category, outcome ORDER BY category, outcome",
        ("Category", "Outcome", "Calls"),
        counts=(2,),
    ),
    Figure(
        "response_by_week",
        "Police attended, partner-led and advice, by week",
        "Calls by the week (Monday, UTC) they were made: police attended (deploy, deploy with "
        "a partner, or stay); partner-led (a partner leads, with or without police on "
        "standby); advice and close; and every other call (standard response, escalated, or "
        "no outcome yet).",
        "SELECT week, "
        "SUM(CASE WHEN police_attended = 1 THEN 1 ELSE 0 END) AS attended, "
        f"SUM(CASE WHEN outcome IN ({_LED}) THEN 1 ELSE 0 END) AS partner_led, "
        f"SUM(CASE WHEN outcome = '{ADVICE}' THEN 1 ELSE 0 END) AS advice, "
        f"SUM(CASE WHEN police_attended = 0 AND outcome NOT IN ({_LED}, '{ADVICE}') "
        "THEN 1 ELSE 0 END) AS other, "
        f"COUNT(*) AS calls FROM call_facts WHERE {_PERIOD} GROUP BY week ORDER BY week",
        ("Week", "Police attended", "Partner-led", "Advice", "Other", "Calls"),
        counts=(1, 2, 3, 4, 5),
    ),
    Figure(
        "recontacts_and_upgrades",
        "Re-contacts, and later upgrades to police attendance",
        "Re-assessments: calls the handler recorded as a re-assessment of an earlier call. "
        "Re-contacts within 24 and 72 hours: calls about the same place or caller (the same "
        "answer, letters and digits, to a question the monitoring config names) as a call "
        "up to 24 or 72 hours before. Upgrades: re-assessments police attended of a call made "
        "up to 72 hours before that was partner-led or advice: the signal that a decline was "
        "wrong.",
        "SELECT COUNT(*) AS calls, SUM(linked) AS reassessed, SUM(recontact_24h) AS within_24h, "
        "SUM(recontact_72h) AS within_72h, SUM(upgraded) AS upgrades "
        f"FROM call_facts WHERE {_PERIOD}",
        (
            "Calls",
            "Re-assessments",
            "Re-contacts within 24 h",
            "Re-contacts within 72 h",
            "Upgraded to police attendance",
        ),
        counts=(0, 1, 2, 3, 4),
    ),
    Figure(
        "safeguarding_referrals",
        "Safeguarding referrals, by decision",
        "Calls that reached the safeguarding referral decision, by the decision recorded "
        "(a referral made, a partner to make it, none needed).",
        "SELECT safeguarding_referral, COUNT(*) AS calls FROM call_facts "
        f"WHERE {_PERIOD} AND safeguarding_referral <> '' "
        "GROUP BY safeguarding_referral ORDER BY safeguarding_referral",
        ("Decision", "Calls"),
        counts=(1,),
        answers_of="referral_node",
    ),
    Figure(
        "s136_handovers",
        "Section 136: handover within the hour",
        "Section 136 calls with a handover recorded, by where the handover stood against the "
        "one-hour expectation (the answer given); the share handed over within the hour is "
        "the first count over the second.",
        "SELECT SUM(s136_within) AS within_hour, COUNT(*) AS handovers FROM call_facts "
        f"WHERE {_PERIOD} AND s136_handover <> ''",
        ("Handed over within the hour", "Handovers recorded"),
        counts=(0, 1),
    ),
    Figure(
        "s136_handover_answers",
        "Section 136: the handovers, by how they stood",
        "Each section 136 handover recorded in the period, by its answer: the distribution "
        "behind the share within the hour.",
        "SELECT s136_handover, COUNT(*) AS calls FROM call_facts "
        f"WHERE {_PERIOD} AND s136_handover <> '' GROUP BY s136_handover ORDER BY s136_handover",
        ("How the handover stood", "Calls"),
        counts=(1,),
        answers_of="s136_node",
    ),
    Figure(
        "s136_handover_times",
        "Section 136: minutes from arrival to handover",
        "Section 136 handovers whose times of arrival and of health staff taking over were both "
        "recorded (as the 24-hour clock), by the minutes between them: a handover at exactly 60 "
        "minutes is within the hour; one after midnight counts on from the day before. "
        "Handovers without both times are not in it.",
        # Every band, an empty one with 0: a spread is read by its gaps too.
        f"SELECT bands.band, COUNT(timed.s136_minutes) AS handovers FROM ({_BANDS}) bands "
        "LEFT JOIN (SELECT s136_minutes FROM call_facts "
        f"WHERE {_PERIOD} AND s136_minutes IS NOT NULL) timed "
        "ON timed.s136_minutes > bands.low AND timed.s136_minutes <= bands.high "
        "GROUP BY bands.band, bands.low ORDER BY bands.low",
        ("Arrival to handover", "Handovers"),
        counts=(1,),
    ),
    Figure(
        "s136_handover_minutes",
        "Section 136: minutes to handover, by how it stood",
        "The same timed handovers, by the answer recorded against the one-hour expectation: "
        "median and 90th percentile (nearest rank) of the minutes from arrival to handover.",
        "SELECT s136_handover, s136_minutes FROM call_facts "
        f"WHERE {_PERIOD} AND s136_minutes IS NOT NULL ORDER BY s136_handover",
        ("How the handover stood", "Handovers", "Median (min)", "90th percentile (min)"),
        times=True,
        counts=(1,),
        answers_of="s136_node",
    ),
    Figure(
        "disagreement_by_handler",
        "Disagreement with the recommendation, by handler",
        "Of each handler's calls with a decision, those where the decision differed from the "
        "final recommendation. A disagreement is not an error: the handler decides.",
        "SELECT handler, COUNT(*) AS calls, SUM(disagreed) AS disagreed FROM call_facts "
        f"WHERE {_PERIOD} GROUP BY handler ORDER BY handler",
        ("Handler", "Calls", "Disagreed"),
        counts=(1, 2),
        personal=True,
    ),
    Figure(
        "partner_acceptance",
        "Partner acceptance time",
        "Minutes from the call being made to a partner accepting it (its first accepted "
        "handover), by partner: median and 90th percentile (nearest rank). Calls whose partner "
        "declined or never accepted are not in it.",
        "SELECT partner, partner_accepted_minutes FROM call_facts "
        f"WHERE {_PERIOD} AND partner_accepted_minutes IS NOT NULL ORDER BY partner",
        ("Partner", "Calls", "Median (min)", "90th percentile (min)"),
        times=True,
        counts=(1,),
    ),
    Figure(
        "partner_arrival",
        "Partner arrival time",
        "Minutes from a partner accepting a call to its confirming that it attended or acted, "
        "by partner: median and 90th percentile (nearest rank). Unconfirmed calls are not in "
        "it.",
        "SELECT partner, partner_confirmed_minutes FROM call_facts "
        f"WHERE {_PERIOD} AND partner_confirmed_minutes IS NOT NULL ORDER BY partner",
        ("Partner", "Calls", "Median (min)", "90th percentile (min)"),
        times=True,
        counts=(1,),
    ),
)
QUESTION_FIGURES: tuple[Figure, ...] = (
    Figure(
        "questions_for_review",
        "For protocol review: each question",
        "Per question (by its id in the pack), over the calls made in the period: how many "
        "calls answered it; how many changed the answer afterwards; how many times it was "
        "among the answers that decided the final recommendation; and how many of those the "
        "handler then decided otherwise (disagreement by question).",
        "SELECT node, COUNT(*) AS asked, SUM(changed) AS changed, SUM(decided) AS decided, "
        f"SUM(disagreed) AS disagreed FROM question_facts WHERE {_PERIOD} "
        "GROUP BY node ORDER BY node",
        ("Question", "Answered", "Changed afterwards", "Decided the outcome", "Disagreed"),
        counts=(1, 2, 3, 4),
    ),
    Figure(
        "question_dwell",
        "For protocol review: how long handlers dwell on each question",
        "Seconds from a question being shown to its first answer, per question: median and "
        "90th percentile (nearest rank). Answers given before the question was shown (on an "
        "urgent screen) are not timed.",
        "SELECT node, dwell_seconds FROM question_facts "
        f"WHERE {_PERIOD} AND dwell_seconds IS NOT NULL ORDER BY node",
        ("Question", "Timed", "Median (s)", "90th percentile (s)"),
        times=True,
        counts=(1,),
    ),
)
CAVEATS = (
    "Counts are of calls recorded in this app: calls handled outside it are not in them.",
    "Officer hours 'avoided' are not shown: they would be an estimate from deployment time "
    "norms, not a measurement.",
    "Early RCRP evaluation counted police outcomes, not what happened to people redirected: "
    "read these figures with the partners' own.",
)


def fact_row(
    facts: CallFacts,
    upgraded: bool,
    config: MonitoringConfig,
    recontact: Recontact | None = None,
) -> dict[str, object]:
    """One call's row of the facts table."""
    s136 = facts.answers.get(config.s136_node, "")
    created = facts.created
    monday = (created - timedelta(days=created.weekday())).date()
    return {
        "record_uid": facts.uid,
        "created_utc": utc_text(created),
        "week": monday.isoformat(),
        "force_profile": facts.force_profile,
        "category": facts.category,
        "outcome": facts.outcome,
        "response": facts.response,
        "handler": facts.handler,
        "police_attended": int(facts.police_attended),
        "disagreed": int(facts.disagreed),
        "urgent": int(facts.urgent),
        "partner_declined": int(facts.partner_declined),
        "partner_missed_recheck": int(facts.partner_missed_recheck),
        "linked": int(facts.linked_from != 0),
        "upgraded": int(upgraded),
        "partner": facts.partner,
        "partner_accepted_minutes": facts.partner_accepted_minutes,
        "partner_confirmed_minutes": facts.partner_confirmed_minutes,
        "recontact_24h": int(recontact is not None and recontact.within_24h),
        "recontact_72h": int(recontact is not None),
        "safeguarding_referral": facts.answers.get(config.referral_node, ""),
        "s136_handover": s136,
        "s136_within": int(s136 in config.s136_within),
        "phase": config.phases.get(facts.category, ""),
        "s136_minutes": handover_minutes(
            facts.answers.get(config.s136_arrival_node, ""),
            facts.answers.get(config.s136_handed_at_node, ""),
        ),
    }


UPGRADE_WITHIN = timedelta(hours=72)


def upgraded(facts: CallFacts, earlier: CallFacts | None) -> bool:
    """A re-assessment police attended, of a call made up to 72 hours before it that police
    did not attend."""
    return upgraded_from(facts, earlier.response if earlier else None,
                         earlier.created if earlier else None)  # fmt: skip


def upgraded_from(facts: CallFacts, response: str | None, made: datetime | None) -> bool:
    """`upgraded`, from what is kept of the earlier call: what its outcome meant for police,
    and when it was made."""
    return bool(
        response in (Response.DECLINE.value, Response.STANDBY.value)
        and made is not None
        and facts.created - made <= UPGRADE_WITHIN
        and facts.police_attended
    )


def pyformat(sql: str) -> str:
    """The SQL with its named parameters as psycopg writes them (:start -> %(start)s)."""
    return re.sub(r":([a-z_][a-z0-9_]*)", r"%(\1)s", sql)


def summed_times(rows: Sequence[tuple[object, object]]) -> list[tuple[object, ...]]:
    """(group, minutes) rows as (group, calls, median, 90th percentile), by group."""
    groups: dict[str, list[float]] = {}
    for group, minutes in rows:
        groups.setdefault(str(group), []).append(float(minutes))  # type: ignore[arg-type]
    return [
        (group, len(values), round(statistics.median(values), 1), round(_p90(values), 1))
        for group, values in sorted(groups.items())
    ]


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def suppressed(
    figure: Figure, rows: Sequence[tuple[object, ...]], below: int
) -> list[tuple[object, ...]]:
    """Counts from 1 to `below` - 1 shown as "<below", as published statistics do (0 stays);
    the times of a group so small are not shown either."""
    if below <= 1:
        return [tuple(row) for row in rows]
    shown = []
    for row in rows:
        small = [i in figure.counts and isinstance(v, int) and 0 < v < below
                 for i, v in enumerate(row)]  # fmt: skip
        cells = [f"<{below}" if hidden else v for hidden, v in zip(small, row, strict=True)]
        if figure.times and any(small):  # a median of a few calls says what the count hides
            cells[2:] = ["-"] * (len(cells) - 2)
        shown.append(tuple(cells))
    return shown
