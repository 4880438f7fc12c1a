"""A call's use cases as commands: small frozen objects naming the record, the question and the
values. The window and the CLI send them; `CallRecorder.execute` runs each in one transaction.

Every command carries an id, stored with the events it writes: sent again (a retry after a
failure, or after a crash between the commit and the screen), it writes nothing twice.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rcrp_desktop.domain.pack.protocol import Pack

# Ids made by new_id in this process and not yet sent. A command whose id is here has never
# been written anywhere, so its first sending needs no look-up in the record (each costs a
# scan of the record's events). An id given by hand, or sent before, is always looked up.
_UNSENT: set[str] = set()


def new_id() -> str:
    made = uuid.uuid4().hex
    _UNSENT.add(made)
    return made


def first_sending(command_id: str) -> bool:
    """Whether this is the first sending of the command with this id (from now on, it is not)."""
    try:
        _UNSENT.remove(command_id)
    except KeyError:
        return False
    return True


@dataclass(frozen=True, kw_only=True)
class Command:
    """What every command has: the record it is for and its own id."""

    record_id: int
    command_id: str = field(default_factory=new_id)

    @property
    def question(self) -> str:
        """The question this command is for ("" when it is for none): the window words a
        failure by that question's text."""
        return ""


@dataclass(frozen=True, kw_only=True)
class AnswerQuestion(Command):
    """Answer the question the call is at."""

    node: str
    value: Any
    rationale: str = ""

    @property
    def question(self) -> str:
        return self.node


@dataclass(frozen=True, kw_only=True)
class ChangeAnswer(Command):
    """Change an earlier answer; the old one stays in the history with the reason."""

    node: str
    value: Any
    rationale: str
    reason: str

    @property
    def question(self) -> str:
        return self.node


@dataclass(frozen=True, kw_only=True)
class CompleteRationale(Command):
    """Write the rationale an urgent answer was given without (deploy first, document after)."""

    node: str
    rationale: str

    @property
    def question(self) -> str:
        return self.node


@dataclass(frozen=True, kw_only=True)
class Decide(Command):
    """The handler's decision: accept the recommendation, or another code with a rationale."""

    code: str
    rationale: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordNote(Command):
    """A handover, what the caller or referrer was told, a deployment, a review, an export."""

    note: object


@dataclass(frozen=True, kw_only=True)
class Close(Command):
    """Close the call: refused, with everything missing, until R15 is met."""


@dataclass(frozen=True, kw_only=True)
class Reassess(Command):
    """Re-assess the call as a new record for the same incident, linked both ways (R16)."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class LetTimePass(Command):
    """Training: the trainer lets scenario time pass (the record's own times stay real)."""

    seconds: int


@dataclass(frozen=True, kw_only=True)
class StartCall:
    """Open a record for a new call, at the pack's first question.

    There is no record yet, so no record_id: the command's id becomes the new record's uid,
    and a start sent again (its success never heard) finds that record instead of making a
    second. A training run names its scenario, written with the record in one transaction.
    """

    pack: Pack
    incident_ref: str
    scenario: Mapping[str, Any] | None = None
    command_id: str = field(default_factory=new_id)

    @property
    def record_uid(self) -> str:
        return str(uuid.UUID(self.command_id))


CallCommand = (
    AnswerQuestion
    | ChangeAnswer
    | CompleteRationale
    | Decide
    | RecordNote
    | Close
    | Reassess
    | LetTimePass
)
