"""One audited item of a training run, as the score and the debrief show it."""

from dataclasses import dataclass
from enum import StrEnum


class Check(StrEnum):
    """What a finding checked."""

    OUTCOME = "outcome"
    ANSWER = "answer"
    RESPONSE = "response"
    URGENT_TIME = "urgent_time"
    OUTCOME_TIME = "outcome_time"
    RATIONALE = "rationale"


@dataclass(frozen=True)
class Finding:
    """One audited item: where, what was expected, what was given, and the learning point."""

    check: Check
    node: str  # the node, or the inject's id for a response; "" for the outcome and times
    label: str  # what the item is, for people: the question, the inject, "Outcome"
    expected: str
    given: str
    met: bool
    critical: bool  # a safety-critical item (a minor one when False)
    learning: str
