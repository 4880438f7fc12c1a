"""One run of a scenario as the window follows it: what the caller panel has shown, and when.

Qt-free: the trainer (controller.py) keeps one of these for the run on screen.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from rcrp_desktop.calls.followups import Overdue, overdue_records
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.storage.repository import Store, StoredEvent
from rcrp_desktop.storage.training_runs import (
    CLOCK_NOTE,
    SCENARIO_NOTE,
    RunRow,
    runs_csv,
    runs_for,
    scenario_note,
    scenario_of,
)
from rcrp_desktop.times import parse_utc

# The trainees' runs, and the notes that mark a record as a run, for the window's trainer view.
__all__ = [
    "CLOCK_NOTE",
    "SCENARIO_NOTE",
    "RunRow",
    "ScenarioRun",
    "overdue_on_clock",
    "resumed_run",
    "runs_csv",
    "runs_for",
    "scenario_note",
]

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass
class ScenarioRun:
    """The run's record (and any re-assessment linked from it) and the panel's memory.

    `lines` and `injects` are what the panel has shown, so it never shows them twice and never
    takes them back; `passed` is the scenario time the trainer let pass, in seconds, as the
    run's record holds it (a time let pass that is still waiting to be saved does not count).
    """

    scenario: Scenario
    recorder: CallRecorder  # the run's own record
    trainee: str
    created: datetime  # the record's creation: the scenario clock's zero
    lines: set[int] = field(default_factory=set)
    injects: dict[str, datetime] = field(default_factory=dict)  # id: when it was shown
    records: set[int] = field(default_factory=set)
    seen: dict[int, tuple[int, bool]] = field(default_factory=dict)  # decisions, closed
    debriefed: bool = False

    def __post_init__(self) -> None:
        self.records.add(self.recorder.record_id)

    @property
    def record_id(self) -> int:
        return self.recorder.record_id

    @property
    def passed(self) -> float:
        return self.recorder.time_passed

    def elapsed(self, now: datetime) -> float:
        """The scenario clock: real seconds since the record was made, plus time let pass."""
        return max(0.0, (now - self.created).total_seconds()) + self.passed

    def next_due(self, now: datetime, recorder: CallRecorder) -> float | None:
        """Seconds of scenario time until the next thing the clock brings, or None.

        That is a caller's line or an inject revealed by time and not shown yet, or the re-check
        time of a handover in the run that the partner has not confirmed.
        """
        clock = self.elapsed(now)
        timed = [
            *(line.trigger for n, line in enumerate(self.scenario.caller) if n not in self.lines),
            *(i.trigger for i in self.scenario.injects if i.id not in self.injects),
        ]
        times = [t.after_seconds for t in timed if not t.node]
        pending = recorder.overdue(FAR_FUTURE)  # the handover awaiting confirmation, if any
        if pending is not None:
            times.append(clock + (pending[1] - now).total_seconds() - self.passed)
        later = [t - clock for t in times if t > clock]
        return min(later) if later else None

    def partner_failed(self, recorder: CallRecorder) -> datetime | None:
        """When an inject calling for re-assessment came up while the run's handover was still
        unconfirmed: in the scenario the partner has failed, so the overdue bar says so then.
        """
        if recorder.overdue(FAR_FUTURE) is None:
            return None
        shown = [
            self.injects[i.id] for i in self.scenario.injects if i.reassess and i.id in self.injects
        ]
        return min(shown) if shown else None

    def waiting(self) -> bool:
        """Whether an inject the clock will bring is still to come."""
        return any(
            not inject.trigger.node and inject.id not in self.injects
            for inject in self.scenario.injects
        )

    def decided_now(self, recorder: CallRecorder) -> bool:
        """Whether `recorder`'s call (one of the run's) was decided or closed since last asked.

        The first look at a record only notes where it stands: a resumed call that was decided
        before does not count as deciding now.
        """
        state = recorder.state
        now = (sum(1 for e in state.history if e.action == "decide"), recorder.closed)
        before = self.seen.get(recorder.record_id)
        self.seen[recorder.record_id] = now
        return before is not None and (now[0] > before[0] or (now[1] and not before[1]))


def resumed_run(
    events: Sequence[StoredEvent], recorder: CallRecorder, scenarios: Iterable[Scenario]
) -> ScenarioRun | None:
    """The run a stored record is, picked up again (with the time let pass), or None."""
    note = scenario_of(events)
    scenario = next((s for s in scenarios if note and s.id == note.get("scenario")), None)
    if note is None or scenario is None or not events:
        return None
    return ScenarioRun(
        scenario,
        recorder,
        str(note.get("trainee", "")),
        when(events[0].utc),
    )


def overdue_on_clock(
    store: Store, run: ScenarioRun | None, recorder: CallRecorder | None
) -> list[Overdue]:
    """Partners not confirmed by their re-check time on the scenario clock, oldest first.

    And the run's own handover once an inject says the partner has failed (`partner_failed`).
    """
    passed = run.passed if run is not None else 0.0
    found = overdue_records(store, datetime.now(UTC) + timedelta(seconds=passed))
    if run is None or recorder is None or any(o.record.id == run.record_id for o in found):
        return found
    failed = run.partner_failed(recorder)
    pending = recorder.overdue(FAR_FUTURE)
    if failed is not None and pending is not None:
        found.insert(0, Overdue(store.record(run.record_id), pending[0], failed))
    return found


def when(utc: str) -> datetime:
    return parse_utc(utc)
