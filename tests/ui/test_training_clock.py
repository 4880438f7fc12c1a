"""The scenario clock: time the trainer lets pass is recorded, and scoring counts it honestly."""

from datetime import UTC, datetime, timedelta

import pytest

from rcrp_desktop.calls.commands import LetTimePass
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.calls.training_run import ScenarioRun
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.domain.training.scoring import Band
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.training_runs import (
    run_from_events,
    scenario_note,
    score_record,
    time_passed,
)

S136 = "s136-handover-past-an-hour"


def begin(store: Store, scenario: Scenario) -> CallRecorder:
    recorder = CallRecorder.start(
        store,
        scenario.pack,
        incident_ref="TRAINING",
        user="PC 1",
        scenario=scenario_note(scenario, "PC 4521 Sam Example"),
    )
    return recorder


def work(recorder: CallRecorder, scenario: Scenario, *, skip_before_change: float) -> None:
    """The model run, done in a few milliseconds, with time let pass before the change."""
    for step in scenario.model:
        if step.action == "answer":
            recorder.answer(step.node, step.value, step.rationale)
        elif step.action == "change":
            if skip_before_change:
                recorder.execute(
                    LetTimePass(record_id=recorder.record_id, seconds=int(skip_before_change))
                )
            recorder.change(step.node, step.value, step.rationale, step.reason)


def test_time_let_pass_counts_for_every_step_after_it_and_no_step_before(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    recorder = begin(training, shipped[S136])
    work(recorder, shipped[S136], skip_before_change=420)
    run = run_from_events(training.events(recorder.record_id))
    change = run.steps[-1]
    assert change.action == "change"
    assert change.at is not None and 420 <= change.at < 430
    assert all(s.at is not None and s.at < 10 for s in run.steps[:-1])
    events = training.events(recorder.record_id)
    real = next(e for e in events if e.kind == "change")
    created = datetime.fromisoformat(events[0].utc.replace("Z", "+00:00"))
    written = datetime.fromisoformat(real.utc.replace("Z", "+00:00"))
    assert written - created < timedelta(seconds=10), "the record keeps the real time"


def test_an_inject_answered_after_its_time_passed_scores_as_answered(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    """Without the clock note the change would come "before" the inject at 420 s."""
    passed = begin(training, shipped[S136])
    work(passed, shipped[S136], skip_before_change=420)
    rushed = begin(training, shipped[S136])
    work(rushed, shipped[S136], skip_before_change=0)
    assert score_record(training, passed.record_id, shipped.values()).band is Band.HIGH_COMPLIANCE
    missed = score_record(training, rushed.record_id, shipped.values())
    assert any(f.node == "past_hour" and not f.met for f in missed.divergences)


@pytest.mark.parametrize(
    ("payload", "seconds"),
    [
        ({"seconds": 300}, 300.0),
        ({"seconds": 12.5}, 12.5),
        ({"seconds": -60}, 0.0),
        ({"seconds": "300"}, 0.0),
        ({"seconds": True}, 0.0),
        ({"seconds": float("nan")}, 0.0),
        ({}, 0.0),
    ],
)
def test_only_a_positive_number_of_seconds_passes_time(
    payload: dict[str, object], seconds: float
) -> None:
    assert time_passed(payload) == seconds


def test_time_passing_goes_to_the_next_thing_the_clock_brings(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    scenario = shipped[S136]
    recorder = begin(training, scenario)
    created = datetime.now(UTC)
    run = ScenarioRun(scenario, recorder, "PC 1", created)
    assert run.next_due(created + timedelta(seconds=20), recorder) == 400  # the inject at 420
    recorder.execute(LetTimePass(record_id=recorder.record_id, seconds=400))
    assert run.passed == 400
    assert run.waiting()
    run.injects["past_hour"] = created
    assert not run.waiting()
    assert run.next_due(created + timedelta(seconds=20), recorder) is None
