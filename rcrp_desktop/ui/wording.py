"""What the window says about a command: its question in words, and why the engine refused it.

Errors reach the window as data (a refusal kind and a question id); only here do they become
sentences, always with the question's text, never its id.
"""

from rcrp_desktop.calls.commands import (
    CallCommand,
    Close,
    Decide,
    LetTimePass,
    Reassess,
    RecordNote,
    StartCall,
)
from rcrp_desktop.domain.call.closure import kind_of
from rcrp_desktop.domain.errors import AnswerError, Refusal
from rcrp_desktop.domain.limits import TEXT_LIMIT
from rcrp_desktop.domain.pack.protocol import Pack

NOTE_WORDS = {
    "handover": "the handover",
    "caller_informed": "what the caller was told",
    "referrer_informed": "the referring agency told",
    "deployment": "the deployment",
    "supervisor": "the supervisor's review",
    "partner_confirmed": "the partner's confirmation",
    "reassessment": "the re-assessment",
    "exported": "the export",
}

REFUSALS = {
    Refusal.NOT_CURRENT: "{q} is not the question the call is at now.",
    Refusal.FINISHED: "The call has reached its recommendation: go back to change an answer.",
    Refusal.NOT_ANSWERED: "{q} has not been answered on this call yet.",
    Refusal.WRONG_VALUE: "That is not one of the answers to {q}.",
    Refusal.ANSWER_NEEDED: "{q} needs an answer.",
    Refusal.EXCLUSIVE: "On {q}, \u201cnone\u201d or \u201cnot known\u201d goes with nothing else.",
    Refusal.RATIONALE_NEEDED: "This answer to {q} needs a rationale: the facts you relied on.",
    Refusal.REASON_NEEDED: "Not changed: a reason is needed to change the answer to {q}.",
    Refusal.UNCHANGED: "The new answer to {q} is the same as the old one.",
    Refusal.HAS_RATIONALE: "{q} already has a rationale; change the answer to amend it.",
    Refusal.EMPTY_RATIONALE: "The rationale for {q} is empty.",
    Refusal.NO_RECOMMENDATION: "There is no recommendation to decide on yet: answer the questions.",
    Refusal.DISAGREEMENT_NEEDS_RATIONALE: "Disagreeing with the recommendation needs a rationale.",
    Refusal.NOT_A_QUESTION: "That is not a question of this protocol.",
    Refusal.BAD_EVENT: "The record does not fit its protocol.",
    Refusal.TOO_LONG: f"The text for {{q}} is longer than {TEXT_LIMIT:,} characters: shorten "
    "it (what you typed is still there).",
}


def question_words(pack: Pack, node: str) -> str:
    """A question as the handler knows it: its text, in quotes."""
    return pack.quoted(node)


def command_words(pack: Pack, command: CallCommand | StartCall) -> str:
    """What a command was for, in the handler's words."""
    if isinstance(command, StartCall):
        return f"starting the call for incident {command.incident_ref}"
    if command.question:
        return "the answer to " + question_words(pack, command.question)
    if isinstance(command, RecordNote):
        return NOTE_WORDS.get(kind_of(command.note), "a note")
    if isinstance(command, Decide):
        return "your decision"
    if isinstance(command, Close):
        return "closing the call"
    if isinstance(command, Reassess):
        return "the re-assessment"
    if isinstance(command, LetTimePass):
        return "the scenario time passing"
    return "a change to the record"


def refusal(pack: Pack, error: AnswerError) -> str:
    """Why the engine refused a step, in the handler's words."""
    text = REFUSALS.get(error.kind, "{q} could not be recorded.")
    words = question_words(pack, error.node) if error.node else "this entry"
    sentence = text.format(q=words)
    return sentence[0].upper() + sentence[1:]
