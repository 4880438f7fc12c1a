"""Training runs in the training database: recorded like any call, scored, listed and exported."""

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.domain.training.scoring import Band
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.repository import NewEvent, Store
from rcrp_desktop.storage.training_runs import (
    SCENARIO_NOTE,
    run_from_events,
    runs_csv,
    runs_for,
    scenario_note,
    score_record,
)

TRAINER = "Sgt 1180 Alex Trainer"


def work(
    store: Store,
    scenario: Scenario,
    trainee: str,
    *,
    rationales: dict[str, str] | None = None,
) -> CallRecorder:
    """A trainee works the scenario as its model run does, in the training database."""
    recorder = CallRecorder.start(
        store,
        scenario.pack,
        incident_ref=f"TRAINING {scenario.id}",
        user=trainee,
        scenario=scenario_note(scenario, trainee),
    )
    for step in scenario.model:
        rationale = (rationales or {}).get(step.node, step.rationale)
        if step.action == "answer":
            recorder.answer(step.node, step.value, rationale)
        elif step.action == "change":
            recorder.change(step.node, step.value, step.rationale, step.reason)
        elif step.action == "reassess":
            recorder.reassess(step.reason)
    return recorder


def test_a_stored_run_of_the_model_scores_high_compliance(
    training: Store, shipped: dict[str, Scenario], data_dir: Path
) -> None:
    scenario = shipped["late-overdose-disclosure"]
    recorder = work(training, scenario, "PC 4521 Sam Example")
    score = score_record(training, recorder.record_id, shipped.values())
    assert score.band is Band.HIGH_COMPLIANCE
    assert score.timed
    assert score.urgent_seconds is not None and score.urgent_seconds < 5
    assert not database_path(data_dir, "live").exists(), "never mixed with live records"


def test_a_re_assessment_is_part_of_the_run_and_its_new_record_is_not_a_run(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    scenario = shipped["partner-never-arrives"]
    recorder = work(training, scenario, "PC 4521 Sam Example")
    run = run_from_events(training.events(recorder.record_id))
    assert run.steps[-1].action == "reassess"
    assert run.trainee == "PC 4521 Sam Example"
    rows = runs_for(training, shipped.values())
    assert [row.record_id for row in rows] == [recorder.record_id]
    # Worked in seconds, not the scenario's forty minutes: the no-show never came up in time.
    assert rows[0].band == Band.PARTIAL.value


def test_times_run_from_the_records_creation(training: Store, shipped: dict[str, Scenario]) -> None:
    scenario = shipped["late-overdose-disclosure"]
    start = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)
    record, _ = training.create_record(
        incident_ref="TRAINING",
        handler=TRAINER,
        force_profile="england",
        pack_id=scenario.pack.id,
        pack_version=scenario.pack.version,
        pack_hash=scenario.pack.content_hash,
        now=start,
    )
    training.append(record, [NewEvent(SCENARIO_NOTE, scenario_note(scenario, "Sam"))], TRAINER)
    first = scenario.model[0]
    training.append(
        record,
        [NewEvent("answer", {"node": first.node, "value": first.value, "rationale": ""})],
        TRAINER,
        now=start + timedelta(seconds=42),
    )
    run = run_from_events(training.events(record))
    assert [step.at for step in run.steps] == [42.0]
    assert run.trainee == "Sam"


def test_each_trainees_runs_over_time(training: Store, shipped: dict[str, Scenario]) -> None:
    overdose = shipped["late-overdose-disclosure"]
    child = shipped["child-alone-adult-in-crisis"]
    first = work(training, overdose, "PC 2 Zara Sample", rationales={"thr_crime": "No."}).record_id
    work(training, child, "PC 1 Ann Example")
    second = work(training, overdose, "PC 2 Zara Sample").record_id
    rows = runs_for(training, shipped.values())
    assert [(r.trainee, r.scenario) for r in rows] == [
        ("PC 1 Ann Example", "child-alone-adult-in-crisis"),
        ("PC 2 Zara Sample", "late-overdose-disclosure"),
        ("PC 2 Zara Sample", "late-overdose-disclosure"),
    ]
    assert [r.record_id for r in rows[1:]] == [first, second]
    assert rows[2].band == "high compliance"
    assert (rows[1].band, rows[1].divergences, rows[1].critical_divergences) == ("compliant", 1, 0)
    assert rows[1].status == "open"
    assert rows[1].title == overdose.title


def test_a_run_of_a_scenario_not_installed_is_listed_unscored(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    recorder = work(training, shipped["late-overdose-disclosure"], "PC 7 Sam Example")
    others = [s for s in shipped.values() if s.id != "late-overdose-disclosure"]
    [row] = runs_for(training, others)
    assert row.record_id == recorder.record_id
    assert row.band == ""
    assert "not installed here" in row.note
    with pytest.raises(StorageError, match="not installed here"):
        score_record(training, recorder.record_id, others)


def test_an_ordinary_training_call_is_not_a_run(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    scenario = shipped["late-overdose-disclosure"]
    plain = CallRecorder.start(training, scenario.pack, incident_ref="PRACTICE", user=TRAINER)
    assert runs_for(training, shipped.values()) == []
    with pytest.raises(StorageError, match="not a training scenario run"):
        score_record(training, plain.record_id, shipped.values())


def test_runs_are_never_read_from_the_live_records(
    data_dir: Path, shipped: dict[str, Scenario]
) -> None:
    live = Store.open(database_path(data_dir, "live"), "live")
    try:
        with pytest.raises(StorageError, match="only in the training database"):
            runs_for(live, shipped.values())
    finally:
        live.close()


def test_runs_as_csv(training: Store, shipped: dict[str, Scenario]) -> None:
    work(training, shipped["late-overdose-disclosure"], '=HYPERLINK("http://example.invalid")')
    work(training, shipped["naloxone-walkout"], "PC 3 Sam Example, nights")
    text = runs_csv(runs_for(training, shipped.values()))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["trainee"] for row in rows] == [
        '\'=HYPERLINK("http://example.invalid")',
        "PC 3 Sam Example, nights",
    ]
    assert rows[1]["band"] == "high compliance"
    assert rows[1]["scenario"] == "naloxone-walkout"
    assert float(rows[1]["urgent_seconds"]) >= 0
    assert text.startswith("trainee,started_utc,record_id,scenario,")
    assert runs_csv([]).count("\n") == 1
