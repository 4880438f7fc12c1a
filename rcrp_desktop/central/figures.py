"""The monitoring figures of the force's merged records, on PostgreSQL: the same definitions
as a desk's (domain/monitoring/figures.py), each call's facts worked out from its events as
the stations wrote them."""

import json
from datetime import UTC, datetime
from typing import Any

import psycopg

from rcrp_desktop.domain.monitoring.config import MonitoringConfig
from rcrp_desktop.domain.monitoring.rows import LOOK_BACK, period_rows
from rcrp_desktop.domain.review.facts import Event, call_facts
from rcrp_desktop.storage.figures_run import FigureResult, run_figures
from rcrp_desktop.storage.records import HEADER_FIELDS
from rcrp_desktop.times import parse_utc, utc_text

_EVENTS = (
    'SELECT e.record_uid, e.station_record_id, e.kind, e.payload, e.utc, e."user" '
    "FROM events e JOIN records r ON r.uid = e.record_uid "
    "WHERE r.created_utc >= %s AND r.created_utc < %s AND r.mode = 'live' "
    "ORDER BY e.record_uid, e.seq"
)


def central_figures(
    conn: psycopg.Connection,
    start: datetime,
    end: datetime,
    config: MonitoringConfig,
    *,
    suppress_below: int = 0,
    profile: str = "",
    category: str = "",
    phase: str = "",
) -> list[FigureResult]:
    """Every figure for the live calls made in [start, end), from every station (of one
    force profile, one category, where they are given)."""
    now = datetime.now(UTC)
    since = [utc_text(start - LOOK_BACK), utc_text(end)]
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT uid, station, {', '.join(HEADER_FIELDS[1:])} FROM records "
            "WHERE created_utc >= %s AND created_utc < %s AND mode = 'live'",
            since,
        )
        headers = {row[0]: dict(zip(("uid", "station", *HEADER_FIELDS[1:]), row, strict=True))
                   for row in cursor.fetchall()}  # fmt: skip
        cursor.execute(_EVENTS, since)
        events: dict[str, list[Event]] = {}
        local_id: dict[tuple[str, int], str] = {}  # (station, its record id) -> uid
        for uid, station_record, kind, payload, utc, user in cursor.fetchall():
            events.setdefault(uid, []).append(Event(kind, _json(payload), parse_utc(utc), user))
            if uid in headers:
                local_id[(headers[uid]["station"], int(station_record))] = uid
    station_id = {uid: rid for (_, rid), uid in local_id.items()}
    calls = [
        (call_facts(station_id.get(uid, 0), header, events.get(uid, []), now), events.get(uid, []))
        for uid, header in headers.items()
    ]
    rows, questions = period_rows(
        calls, start, config, lambda f: local_id.get((headers[f.uid]["station"], f.linked_from))
    )
    with conn.transaction():
        return run_figures(
            conn, rows, questions, start, end, postgres=True, suppress_below=suppress_below,
            profile=profile, category=category, phase=phase,
        )  # fmt: skip


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
