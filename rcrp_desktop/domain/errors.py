"""The domain's exception family."""

from rcrp_desktop.domain.problems import Problem


class Error(Exception):
    """Base class for every error raised by the domain core."""


class PackError(Error):
    """A protocol pack could not be loaded; `problems` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class AnswerError(Error):
    """An answer does not fit the pack or the state of the call."""


class ScriptError(Error):
    """A scripted call does not fit its pack; the message names the step."""
