"""One run of a scenario as the window follows it: what the caller panel has shown, and when."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from rcrp_desktop.domain.scenario import Scenario
from rcrp_desktop.storage.recorder import CallRecorder

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass
class ScenarioRun:
    """The run's record (and any re-assessment linked from it) and the panel's memory.

    `lines` and `injects` are what the panel has shown, so it never shows them twice and never
    takes them back; `passed` is the scenario time the trainer let pass, in seconds.
    """

    scenario: Scenario
    recorder: CallRecorder  # the run's own record
    trainee: str
    created: datetime  # the record's creation: the scenario clock's zero
    passed: float = 0.0
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
