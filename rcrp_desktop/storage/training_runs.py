"""Training runs in the training database: which scenario and trainee a record was, and scores.

A training record is an ordinary record in the training database (never the live one) that
holds one `training_scenario` event, written with the record when the trainer starts the
scenario (a StartCall naming it, rcrp_desktop/calls/commands.py):

    StartCall(pack=..., incident_ref=..., scenario=scenario_note(scenario, trainee="PC 1"))

Nothing about the schema changes. The run is scored from the record's own events: the engine
steps and any re-assessment, each timed from the record's `created` event, on the scenario
clock: time the trainer let pass (a `training_clock` event, {"seconds": 300}, recorded when it
was done) counts as time on the call for every step after it. The events keep their real times.
"""

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from rcrp_desktop.domain.errors import Error
from rcrp_desktop.domain.training.scenario import Run, RunStep, Scenario
from rcrp_desktop.domain.training.scenario_run import ACTIONS, check_timings
from rcrp_desktop.domain.training.scoring import Score, score_run
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.repository import RecordSummary, Store, StoredEvent
from rcrp_desktop.times import parse_utc

SCENARIO_NOTE = "training_scenario"
REASSESSMENT = "reassessment"
CLOCK_NOTE = "training_clock"  # the trainer let scenario time pass: {"seconds": n}
MAX_RUNS = 100_000
# Spreadsheet programs run a cell starting with one of these as a formula: quote it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def scenario_note(scenario: Scenario, trainee: str) -> dict[str, Any]:
    """The payload of the event that makes a training record a run of `scenario`."""
    return {
        "scenario": scenario.id,
        "version": scenario.version,
        "title": scenario.title,
        "sha256": scenario.content_hash,
        "trainee": trainee.strip(),
    }


def run_from_events(events: Sequence[StoredEvent], source: str = "<record>") -> Run:
    """A record's engine steps and re-assessments as a run, timed from its creation."""
    start = _when(events[0].utc) if events else None
    trainee = ""
    steps: list[RunStep] = []
    passed = 0.0  # scenario time the trainer let pass before this event
    for event in events:
        data = event.payload
        if event.kind == CLOCK_NOTE:
            passed += time_passed(data)
        at = max(0.0, (_when(event.utc) - start).total_seconds()) + passed if start else None
        if event.kind == SCENARIO_NOTE:
            trainee = str(data.get("trainee", ""))
        elif event.kind == REASSESSMENT:
            steps.append(RunStep("reassess", reason=str(data.get("reason", "")), at=at))
        elif event.kind in ACTIONS:
            steps.append(
                RunStep(
                    event.kind,
                    str(data.get("node", "")),
                    data.get("value"),
                    str(data.get("rationale", "")),
                    str(data.get("reason", "")),
                    at,
                )
            )
    check_timings(steps, source)
    return Run(tuple(steps), trainee, source=source)


def time_passed(payload: dict[str, Any]) -> float:
    """The seconds a training_clock event let pass (0 for anything that is not a number)."""
    seconds = payload.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return 0.0
    return float(seconds) if math.isfinite(seconds) and seconds > 0 else 0.0


def scenario_of(events: Sequence[StoredEvent]) -> dict[str, Any] | None:
    """The training_scenario payload of a record's events, if it has one."""
    return next((e.payload for e in events if e.kind == SCENARIO_NOTE), None)


def score_record(store: Store, record_id: int, scenarios: Iterable[Scenario]) -> Score:
    """Score a stored training record against the scenario it was a run of."""
    _training_only(store)
    events = store.events(record_id)
    note = scenario_of(events)
    if note is None:
        raise StorageError(f"Record {record_id} is not a training scenario run.")
    scenario = _find(scenarios, str(note.get("scenario", "")))
    if scenario is None:
        raise StorageError(
            f"Record {record_id} is a run of scenario '{note.get('scenario')}', which is not "
            "installed here."
        )
    header = store.record(record_id)
    if header.pack_id != scenario.pack.id:
        raise StorageError(
            f"Record {record_id} was made under {header.pack_id}, but scenario "
            f"'{scenario.id}' is written for {scenario.pack.id}."
        )
    return score_run(scenario, run_from_events(events, f"record {record_id}"))


@dataclass(frozen=True)
class RunRow:
    """One trainee's run of one scenario, for the trainer's view and the CSV export."""

    trainee: str
    started_utc: str
    record_id: int
    scenario: str
    scenario_version: str
    title: str
    status: str  # the record's: open or closed
    band: str  # "" when the run could not be scored (see note)
    outcome_expected: str
    outcome_given: str
    divergences: int
    critical_divergences: int
    urgent_seconds: float | None
    outcome_seconds: float | None
    note: str = ""


def runs_for(store: Store, scenarios: Iterable[Scenario], limit: int = MAX_RUNS) -> list[RunRow]:
    """Every scenario run in the training database, by trainee and then oldest first.

    A run that cannot be scored (its scenario is not installed, its events do not replay)
    is listed with an empty band and the reason in `note`.
    """
    _training_only(store)
    installed = list(scenarios)
    rows = [_row(store, header, installed) for header in store.recent_with(SCENARIO_NOTE, limit)]
    return sorted(rows, key=lambda r: (r.trainee.casefold(), r.started_utc, r.record_id))


def _row(store: Store, header: RecordSummary, scenarios: list[Scenario]) -> RunRow:
    note = scenario_of(store.events(header.id)) or {}
    row = RunRow(
        trainee=str(note.get("trainee") or header.handler),
        started_utc=header.created_utc,
        record_id=header.id,
        scenario=str(note.get("scenario", "")),
        scenario_version=str(note.get("version", "")),
        title=str(note.get("title", "")),
        status=header.status,
        band="",
        outcome_expected="",
        outcome_given="",
        divergences=0,
        critical_divergences=0,
        urgent_seconds=None,
        outcome_seconds=None,
    )
    try:
        score = score_record(store, header.id, scenarios)
    except (Error, StorageError) as error:
        return replace(row, note=str(error))
    return replace(
        row,
        band=score.band.value,
        outcome_expected=score.outcome_expected,
        outcome_given=score.outcome_given,
        divergences=len(score.divergences),
        critical_divergences=sum(1 for f in score.divergences if f.critical),
        urgent_seconds=score.urgent_seconds,
        outcome_seconds=score.outcome_seconds,
    )


def runs_csv(rows: Iterable[RunRow]) -> str:
    """The rows as CSV with a header line; cells a spreadsheet would run as formulas are quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [f.name for f in fields(RunRow)]
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name in names])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _find(scenarios: Iterable[Scenario], scenario_id: str) -> Scenario | None:
    return next((s for s in scenarios if s.id == scenario_id), None)


def _training_only(store: Store) -> None:
    if store.mode != "training":
        raise StorageError("Training runs are kept only in the training database.")


def _when(utc: str) -> datetime:
    return parse_utc(utc)
