"""The monitoring figures of this desk's records for a period: read by those whose role allows
(figures.read), worked out in memory (nothing is written to the records), the reading logged."""

import dataclasses
import functools
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from rcrp_desktop import paths
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.review import stored_events
from rcrp_desktop.domain.monitoring.config import (
    MonitoringConfig,
    MonitoringConfigError,
    category_phases,
    load_monitoring,
)
from rcrp_desktop.domain.monitoring.rows import LOOK_BACK, period_rows
from rcrp_desktop.domain.pack.loader import check_paths
from rcrp_desktop.domain.review.facts import CallFacts, Event, call_facts
from rcrp_desktop.storage import figure_facts
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.figures_run import FigureResult, run_figures, run_queries
from rcrp_desktop.storage.force_settings import load_force_settings
from rcrp_desktop.storage.records import RECORD_COLUMNS
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.times import parse_utc

__all__ = ["FigureResult", "figures_for", "figures_from_events", "suppression"]


def figures_for(
    store: Store,
    start: datetime,
    end: datetime,
    *,
    suppress_below: int = 0,
    now: datetime | None = None,
    config: MonitoringConfig | None = None,
    profile: str = "",
    category: str = "",
    phase: str = "",
) -> list[FigureResult]:
    """Every figure for the calls made in [start, end) in this store (of one force profile,
    one category, one phase, where they are given)."""
    gates.require(store, "figures.read")
    moment = now or datetime.now(UTC)
    asked = config or monitoring_config()
    chosen = "".join(
        f"; {k} {v}"
        for k, v in (("profile", profile), ("category", category), ("phase", phase))
        if v
    )
    gates.log(store, "figures read", f"{start:%Y-%m-%d} to {end:%Y-%m-%d}{chosen}")
    narrowed = {"suppress_below": suppress_below, "profile": profile, "category": category,
                "phase": phase}  # fmt: skip
    if not store.readonly:
        figure_facts.refresh(store, asked, moment)  # the events added since, kept
    if figure_facts.up_to_date(store):
        return run_queries(store.db.conn, start, end, **narrowed)  # type: ignore[arg-type]
    # Records opened only to read, whose kept facts are behind: worked out from the events.
    return figures_from_events(store, start, end, asked, moment, **narrowed)  # type: ignore[arg-type]


def figures_from_events(
    store: Store,
    start: datetime,
    end: datetime,
    config: MonitoringConfig,
    now: datetime,
    *,
    suppress_below: int = 0,
    profile: str = "",
    category: str = "",
    phase: str = "",
) -> list[FigureResult]:
    """Every figure worked out from the events themselves, in memory: for records that can
    only be read while their kept facts are behind (and to check the kept ones by)."""
    calls: list[tuple[CallFacts, list[Event]]] = []
    for row in store.record_rows():
        header = dict(zip(RECORD_COLUMNS, row, strict=True))
        made = parse_utc(str(header["created_utc"]))
        if header["mode"] == store.mode and start - LOOK_BACK <= made < end:
            events = stored_events(store, int(header["id"]))
            calls.append((call_facts(int(header["id"]), header, events, now), events))
    uid_of = {facts.record_id: facts.uid for facts, _ in calls}
    rows, questions = period_rows(calls, start, config, lambda f: uid_of.get(f.linked_from))
    # A database of its own in memory: the figures write nothing where the records are.
    scratch = sqlite3.connect(":memory:")
    try:
        return run_figures(
            scratch, rows, questions, start, end, suppress_below=suppress_below,
            profile=profile, category=category, phase=phase,
        )  # fmt: skip
    finally:
        scratch.close()


def monitoring_config() -> MonitoringConfig:
    """Where the figures find their answers (forms/monitoring/config.toml; StorageError if
    bad), with each category's phase as the shipped packs map it."""
    return _config(paths.forms_dir())


@functools.cache
def _config(forms_root: Path) -> MonitoringConfig:
    try:
        config = load_monitoring(forms_root)
    except MonitoringConfigError as error:
        raise StorageError(f"The monitoring figures cannot be counted: {error}") from error
    packs, _ = check_paths([forms_root])
    return dataclasses.replace(config, phases=category_phases(packs))


def suppression(data_dir: Path) -> int:
    """The force's threshold under which a count is shown as "<N" (its settings' file)."""
    return load_force_settings(data_dir).figures_suppress_below
