"""A call's state: the answers in force, the path walked, and the full history of events."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from rcrp_desktop.domain.call.walk import Value, rationale_required
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Outcome, Pack, Question

Action = Literal["answer", "change", "rationale", "decide"]


@dataclass(frozen=True)
class Given:
    """An answer in force: the value and the handler's rationale."""

    node: str
    value: Value
    rationale: str = ""


@dataclass(frozen=True)
class Event:
    """One entry of the call's history. Derived fields are recomputed on replay."""

    seq: int
    action: Action
    node: str
    value: Value
    rationale: str = ""
    reason: str = ""  # why an answer was changed, or why the handler disagreed
    previous: Value | None = None  # the superseded value, on a change
    previous_rationale: str = ""
    dropped: tuple[str, ...] = ()  # answers taken off the path by a change

    def to_dict(self) -> dict[str, Any]:
        """The replayable part of the event, as plain JSON-ready data."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {
            "action": self.action,
            "node": self.node,
            "value": value,
            "rationale": self.rationale,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Decision:
    """What the handler decided: an outcome code, and whether it follows the recommendation."""

    code: OutcomeCode
    accepted: bool
    rationale: str


@dataclass(frozen=True)
class State:
    """Where a call stands: the answers in force, the path walked, and the full history."""

    pack: Pack
    answers: Mapping[str, Given]
    path: tuple[str, ...]
    history: tuple[Event, ...] = ()
    decision: Decision | None = None
    # Answers given earlier whose questions are off the path for now but still ahead of it:
    # they fill themselves in when the walk reaches them again.
    carried: Mapping[str, Given] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def current(self) -> str:
        """The node the call is at: the next question to ask, or the outcome reached."""
        return self.path[-1]

    @property
    def finished(self) -> bool:
        return isinstance(self.pack.nodes[self.current], Outcome)

    def questions_on_path(self) -> list[str]:
        return [n for n in self.path if isinstance(self.pack.nodes[n], Question)]

    def rationale_owed(self) -> list[str]:
        """Urgent answers given without their required rationale: to be written afterwards."""
        return [
            node
            for node in self.questions_on_path()
            if (given := self.answers.get(node))
            and not given.rationale
            and rationale_required(self.pack.question(node), given.value)
        ]
