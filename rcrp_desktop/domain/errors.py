"""The domain's exception family."""

from enum import StrEnum

from rcrp_desktop.domain.problems import Problem


class Error(Exception):
    """Base class for every error raised by the domain core."""


class PackError(Error):
    """A protocol pack could not be loaded; `problems` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Refusal(StrEnum):
    """Why the engine refused a step: data for whoever words it (the window, the CLI)."""

    NOT_A_QUESTION = "not_a_question"
    NOT_CURRENT = "not_current"  # not the question the call is at
    FINISHED = "finished"  # the call is at its outcome: change an answer instead
    NOT_ANSWERED = "not_answered"  # a change or rationale for a question never answered
    WRONG_VALUE = "wrong_value"  # not one of the question's answers (or not text)
    ANSWER_NEEDED = "answer_needed"  # a required text left blank, or nothing ticked
    EXCLUSIVE = "exclusive"  # "none" ticked with something else
    RATIONALE_NEEDED = "rationale_needed"
    REASON_NEEDED = "reason_needed"  # a change without its reason
    UNCHANGED = "unchanged"  # a change to the same answer
    HAS_RATIONALE = "has_rationale"  # a rationale completed twice
    EMPTY_RATIONALE = "empty_rationale"
    NO_RECOMMENDATION = "no_recommendation"  # a decision before there is anything to decide
    DISAGREEMENT_NEEDS_RATIONALE = "disagreement_needs_rationale"
    BAD_EVENT = "bad_event"  # a stored event that does not replay
    TOO_LONG = "too_long"  # a text over the one limit (domain/limits.py)


class AnswerError(Error):
    """An answer does not fit the pack or the state of the call.

    `kind` says why and `node` which question, so that the window can put it in the
    handler's words (question text, never ids); the message is for logs and the CLI.
    """

    def __init__(self, message: str, kind: Refusal = Refusal.BAD_EVENT, node: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.node = node


class ScriptError(Error):
    """A scripted call does not fit its pack; the message names the step."""
