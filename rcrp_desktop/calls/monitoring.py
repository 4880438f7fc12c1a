"""The monitoring figures of this desk's records for a period: read by those whose role allows
(figures.read), worked out in memory (nothing is written to the records), the reading logged."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.review import stored_events
from rcrp_desktop.domain.monitoring.figures import fact_row, upgraded
from rcrp_desktop.domain.monitoring.questions import question_rows
from rcrp_desktop.domain.review.facts import CallFacts, call_facts
from rcrp_desktop.storage.figures_run import FigureResult, run_figures
from rcrp_desktop.storage.force_settings import load_force_settings
from rcrp_desktop.storage.records import RECORD_COLUMNS
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.times import parse_utc

__all__ = ["FigureResult", "figures_for", "suppression"]


def figures_for(
    store: Store,
    start: datetime,
    end: datetime,
    *,
    suppress_below: int = 0,
    now: datetime | None = None,
) -> list[FigureResult]:
    """Every figure for the calls made in [start, end) in this store."""
    gates.require(store, "figures.read")
    moment = now or datetime.now(UTC)
    facts: dict[int, CallFacts] = {}
    questions: list[dict[str, object]] = []
    for row in store.record_rows():
        header = dict(zip(RECORD_COLUMNS, row, strict=True))
        if header["mode"] == store.mode and start <= parse_utc(str(header["created_utc"])) < end:
            record_id = int(header["id"])
            events = stored_events(store, record_id)
            facts[record_id] = call_facts(record_id, header, events, moment)
            questions += question_rows(facts[record_id], events)
    # An upgrade's earlier call is looked for among the period's calls, as centrally.
    rows = [fact_row(f, upgraded(f, facts.get(f.linked_from))) for f in facts.values()]
    gates.log(store, "figures read", f"{start:%Y-%m-%d} to {end:%Y-%m-%d}: {len(rows)} call(s)")
    # A database of its own in memory: the figures write nothing where the records are.
    scratch = sqlite3.connect(":memory:")
    try:
        return run_figures(scratch, rows, questions, start, end, suppress_below=suppress_below)
    finally:
        scratch.close()


def suppression(data_dir: Path) -> int:
    """The force's threshold under which a count is shown as "<N" (its settings' file)."""
    return load_force_settings(data_dir).figures_suppress_below
