"""The commands of one call, sent in order: one that cannot be saved waits, and so do those after.

A write can fail for a moment (a locked database, a full disk, a read-only file). The command
that failed is kept, by itself, with what it was for; every command sent after it waits behind
it, so the record gets them in the order the handler gave them, exactly as if nothing had
failed. Each leaves the queue only by its own success (or, if the engine refuses it once the
ones before it are written, with that refusal reported: never silently).
"""

from dataclasses import dataclass, field

from rcrp_desktop.calls.commands import CallCommand
from rcrp_desktop.calls.recorder import CallRecorder, Written
from rcrp_desktop.domain.errors import AnswerError
from rcrp_desktop.storage.errors import RefusedError, StorageError

# Refusals (a close with something missing, a closed record, records opened read-only), not
# passing failures: sending again would not help.
REFUSED = RefusedError


@dataclass(frozen=True)
class Waiting:
    """A command not saved yet, and why: the first one's own failure, or waiting behind it."""

    command: CallCommand
    error: StorageError


@dataclass(frozen=True)
class Sent:
    """What a send or a retry did: commands written, and commands the engine refused."""

    written: tuple[Written, ...] = ()
    refused: tuple[tuple[CallCommand, AnswerError | StorageError], ...] = ()


@dataclass
class Outbox:
    """One call's commands on their way to the record."""

    recorder: CallRecorder
    waiting: list[Waiting] = field(default_factory=list)

    def send(self, command: CallCommand) -> Sent:
        """Send a command: written now, or kept waiting (see `waiting`) if it cannot be saved.

        With nothing waiting, a command the engine refuses raises AnswerError (a close that is
        refused, ClosureError; a closed record, RecordClosedError; records opened read-only,
        OpenedReadOnlyError) and is not kept: the handler corrects it on screen. Behind a
        waiting command it is only checked once the ones before it are written, and a refusal
        then is reported in `Sent.refused`.
        """
        if self.waiting:
            self.waiting.append(Waiting(command, self.waiting[0].error))
            return self.retry()
        try:
            written = self.recorder.execute(command)
        except StorageError as error:
            if isinstance(error, REFUSED):
                raise
            self.waiting.append(Waiting(command, error))
            return Sent()
        return Sent((written,))

    def resend(self, command: CallCommand) -> Sent:
        """The handler entered the waiting answer again (pressed Enter again, perhaps with a
        correction): it takes the place of the one waiting for the same question, if that is
        the last one waiting, rather than queueing behind it; then everything is retried."""
        last = self.waiting[-1].command if self.waiting else None
        if last is not None and last.question and last.question == command.question:
            self.waiting[-1] = Waiting(command, self.waiting[-1].error)
            return self.retry()
        return self.send(command)

    def retry(self) -> Sent:
        """Send the waiting commands again, in order, until one still cannot be saved."""
        written: list[Written] = []
        refused: list[tuple[CallCommand, AnswerError | StorageError]] = []
        while self.waiting:
            command = self.waiting[0].command
            try:
                written.append(self.recorder.execute(command))
            except REFUSED as error:
                refused.append((command, error))
            except StorageError as error:
                self.waiting[0] = Waiting(command, error)
                self.waiting[1:] = [Waiting(w.command, error) for w in self.waiting[1:]]
                break
            except AnswerError as error:
                refused.append((command, error))
            self.waiting.pop(0)
        return Sent(tuple(written), tuple(refused))

    def discard(self) -> list[CallCommand]:
        """Give up the waiting commands (the handler chose to, when asked): what was dropped."""
        dropped = [w.command for w in self.waiting]
        self.waiting.clear()
        return dropped

    @property
    def saved(self) -> bool:
        """Whether everything sent is on disk."""
        return not self.waiting
