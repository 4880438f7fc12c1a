"""What must be on record before a call can be closed (R15): handover, caller, referrer, review.

Each step the handler records is a note with its own time. `blockers` lists, in plain words,
everything still missing; a call closes only when that list is empty. The rules exist because
people have died where a declined call was never picked up: nobody told the hospital, the
caller thought police were coming, or the log was closed before a supervisor saw it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

from rcrp_desktop.domain.call.engine import Decision, Recommendation
from rcrp_desktop.domain.outcomes import (
    MEANINGS,
    OutcomeCode,
    Response,
    police_attend,
    response,
)
from rcrp_desktop.domain.pack.protocol import Pack

HandoverStatus = Literal["accepted", "declined", "no_answer"]
PARTNER_LEAD = frozenset(
    {OutcomeCode.PARTNER_LEAD_NO_POLICE, OutcomeCode.PARTNER_LEAD_POLICE_STANDBY}
)
CALLER_MUST_BE_TOLD = PARTNER_LEAD | {OutcomeCode.ADVICE_AND_CLOSE}


@dataclass(frozen=True)
class Handover:
    """A partner agency contacted (R10): who, how, and whether they took the call on."""

    partner_key: str
    agency: str
    team: str
    contact: str
    method: str
    status: HandoverStatus
    reference: str = ""
    agreed_action: str = ""
    eta: str = ""  # when the partner expects to act, as the partner said it
    escalation: str = ""  # required when the partner declined or did not answer
    recheck_minutes: int = 0  # re-assess if the partner has not confirmed by then (R16)
    no_reference: str = ""  # why the partner gave no reference, when it gave none


@dataclass(frozen=True)
class CallerInformed:
    """What the caller was told (R11), with the wording read out."""

    police_attending: bool
    wording: str
    advice: str
    recontact_triggers: str
    acknowledged: bool


@dataclass(frozen=True)
class ReferrerInformed:
    """A professional referrer told of the decision (IOPC learning: the hospital never was)."""

    who: str
    route: str


@dataclass(frozen=True)
class Deployment:
    """Police resources sent; recorded at once on an urgent call, documented afterwards."""

    resource: str
    grade: str


@dataclass(frozen=True)
class SupervisorDecision:
    """A supervisor's review of an escalated or disputed call."""

    supervisor: str
    decision: str


@dataclass(frozen=True)
class PartnerConfirmed:
    """The partner confirmed it attended or acted: the handover's clock stops."""

    by: str
    detail: str


@dataclass(frozen=True)
class Reassessment:
    """This call was re-assessed as a new, linked record (the partner did not confirm)."""

    record: int
    reason: str


@dataclass(frozen=True)
class Exported:
    """A handover document given out (R23): what, to whom, on what basis, and which file exactly.

    Recorded only once the file is complete on disk; `sha256` identifies the exact bytes, and
    `anchor_seq` / `anchor_hash` the last event of the record the document was drawn from.
    """

    document: str  # "handover_pdf" or "handover_text"
    recipient: str  # the recipient type's id
    agency: str  # the receiving agency (and team) it was made for
    lawful_basis: str
    sha256: str
    file: str  # the file's name, or "(standard output)"
    contents: str  # the parts included, in the document's order
    redacted: bool  # third-party details left out
    marking: str
    anchor_seq: int
    anchor_hash: str


@dataclass(frozen=True)
class TakenOver:
    """The call passed to another handler while open: at a shift change at the same desk, or
    by a supervisor (break-glass, with a reason typed in full). Only its holder works a call."""

    holder: str  # who held it until now (their stamp)
    by: str  # who holds it from now (their stamp)
    how: str  # "shift change" or "supervisor"
    reason: str


NOTE_TYPES: dict[str, type] = {
    "handover": Handover,
    "caller_informed": CallerInformed,
    "referrer_informed": ReferrerInformed,
    "deployment": Deployment,
    "supervisor": SupervisorDecision,
    "partner_confirmed": PartnerConfirmed,
    "reassessment": Reassessment,
    "exported": Exported,
    "taken_over": TakenOver,
}
# Facts that can still arrive after a call is closed: they follow up, they do not reopen.
# A closed record can still be exported (for review, complaints or an inquest: R18).
FOLLOW_UP_KINDS = frozenset({"partner_confirmed", "reassessment", "exported", "review"})
N = TypeVar("N")


def handover_gaps(handover: Handover) -> list[str]:
    """What a handover still lacks to count (R10), in the handler's words; empty when whole.

    An accepted handover names the partner, who accepted, when they will act, and their
    reference or why there is none. One not accepted says how it was escalated."""
    gaps = []
    if not handover.agency.strip():
        gaps.append("the partner organisation")
    if handover.status == "accepted":
        if not handover.contact.strip():
            gaps.append("who accepted it (a named contact)")
        if not handover.eta.strip():
            gaps.append("when they will act")
        if not (handover.reference.strip() or handover.no_reference.strip()):
            gaps.append("their reference, or why there is none")
    elif not handover.escalation.strip():
        gaps.append("the escalation: who was told, and what happens now")
    return gaps


def note_from(kind: str, payload: Mapping[str, Any]) -> Any:
    """A stored note's payload as its dataclass (unknown extra fields are ignored)."""
    note_type = NOTE_TYPES[kind]
    names = {f.name for f in fields(note_type)}
    return note_type(**{k: v for k, v in payload.items() if k in names})


def kind_of(note: object) -> str:
    """The event kind a note is stored under."""
    return next(kind for kind, note_type in NOTE_TYPES.items() if isinstance(note, note_type))


def latest(notes: Sequence[object], kind: type[N]) -> N | None:
    found = [note for note in notes if isinstance(note, kind)]
    return found[-1] if found else None


def blockers(
    advice: Recommendation,
    decision: Decision | None,
    notes: Sequence[object],
    *,
    professional_referral: bool,
    pack: Pack,
) -> list[str]:
    """Everything still missing before the call may be closed; empty when it may."""
    if not advice.ready:
        return ["Finish the questions: the call has no recommendation yet."]
    missing: list[str] = []
    if not advice.final:
        # Urgent: police moved first; the questions still owed are completed before closing.
        missing.append(
            "Answer the questions still owed: the call was decided at once on an urgent "
            "answer, and the rest of the record is completed afterwards."
        )
    if advice.rationale_owed:
        missing.append(
            "Write the rationale still owed for " + pack.quoted_all(advice.rationale_owed)
        )
    if decision is None:
        return [
            *missing,
            "Record your decision: accept the recommendation, or disagree and say why.",
        ]
    code = decision.code
    if advice.final and decision.accepted and advice.code is not None and code != advice.code:
        # Decided at once on an urgent answer; the answers owed since moved the recommendation.
        missing.append(
            "The recommendation changed after your decision (now: "
            f"{MEANINGS[advice.code].title}): accept it, or disagree and say why."
        )
    if police_attend(code) and latest(notes, Deployment) is None:
        missing.append("Record the deployment: which resource, at what grade.")
    if code in PARTNER_LEAD:
        handover = latest(notes, Handover)
        if handover is None:
            missing.append(
                "Record the handover: which partner, who accepted, their reference "
                "and when they will act."
            )
        elif handover.status != "accepted":
            # Declined or unanswered is a fact to act on, never a way to close the call.
            said = "declined" if handover.status == "declined" else "did not answer"
            missing.append(
                f"The partner {said}: hand the call to a partner who accepts, or change "
                "your decision (escalate). A call does not close on a handover not accepted."
            )
        elif gaps := handover_gaps(handover):
            missing.append("The handover does not yet say " + "; ".join(gaps) + ".")
    caller = latest(notes, CallerInformed)
    if code in CALLER_MUST_BE_TOLD and caller is None:
        missing.append(
            "Record what the caller was told: that police will not attend, the "
            "advice given, and what would bring police back."
        )
    if caller is not None and _told_otherwise(caller, code):
        missing.append(
            "The caller was told police "
            + ("will" if caller.police_attending else "will not")
            + " attend, which no longer matches the decision: tell the "
            "caller again and record it."
        )
    if (
        professional_referral
        and code in CALLER_MUST_BE_TOLD
        and latest(notes, ReferrerInformed) is None
    ):
        missing.append("Tell the referring agency the decision and record who was told.")
    if (code is OutcomeCode.ESCALATE_SUPERVISOR or not decision.accepted) and latest(
        notes, SupervisorDecision
    ) is None:
        missing.append(
            "Record the supervisor's review (the decision was escalated or differs "
            "from the recommendation)."
        )
    return missing


def _told_otherwise(caller: CallerInformed, code: OutcomeCode) -> bool:
    """The caller was told police will (or will not) come, and the decision now says otherwise.

    A supervisor's escalation settles nothing yet, so either is consistent with it.
    """
    meaning = response(code)
    if meaning is Response.ESCALATE:
        return False
    coming = meaning in (Response.ATTEND, Response.STANDARD)
    return caller.police_attending != coming


def describe_note(note: object, local: str) -> str:
    """One line for a note, with its local time: for the screen and the log summary."""
    when = local[11:19]
    if isinstance(note, Handover):
        statuses = {"accepted": "accepted", "declined": "DECLINED", "no_answer": "NO ANSWER"}
        accepted = statuses.get(note.status, f"status '{note.status}'")  # data from disk
        text = f"Handover to {note.agency} {note.team} ({note.contact or 'no named contact'}) "
        text += f"{accepted}; ref {note.reference or 'none'}; action: {note.agreed_action or '-'}"
        text += f"; ETA {note.eta or 'not given'}"
        return f"{when}  {text}" + (f"; escalation: {note.escalation}" if note.escalation else "")
    if isinstance(note, CallerInformed):
        told = "police WILL attend" if note.police_attending else "police will NOT attend"
        return (
            f'{when}  Caller told {told}: "{note.wording}"; advice: {note.advice}; '
            f"re-contact if: {note.recontact_triggers}"
            + ("; understood" if note.acknowledged else "; NOT acknowledged")
        )
    if isinstance(note, ReferrerInformed):
        return f"{when}  Referrer told: {note.who} by {note.route}"
    if isinstance(note, Deployment):
        return f"{when}  Deployed: {note.resource}, grade {note.grade}"
    if isinstance(note, SupervisorDecision):
        return f"{when}  Supervisor {note.supervisor}: {note.decision}"
    if isinstance(note, PartnerConfirmed):
        return f"{when}  Partner confirmed ({note.by}): {note.detail}"
    if isinstance(note, Reassessment):
        return f"{when}  Re-assessed as record {note.record}: {note.reason}"
    if isinstance(note, TakenOver):
        return f"{when}  Taken over from {note.holder} by {note.by} ({note.how}): {note.reason}"
    if isinstance(note, Exported):
        kind = "PDF" if note.document == "handover_pdf" else "plain text"
        redacted = ", third-party details redacted" if note.redacted else ""
        return (
            f"{when}  Handover ({kind}, {note.marking}{redacted}) exported for {note.agency} "
            f"[{note.recipient}]; basis: {note.lawful_basis}; sha256 {note.sha256[:12]}"
        )
    return f"{when}  {note}"


def overdue_handover(
    notes: Sequence[tuple[object, datetime]], now: datetime
) -> tuple[Handover, datetime] | None:
    """The accepted handover whose re-check time has passed with no confirmation since, if any.

    `notes` are (note, when it was recorded) in order; times are timezone-aware.
    """
    pending: tuple[Handover, datetime] | None = None
    for note, when in notes:
        if isinstance(note, Handover) and note.status == "accepted" and note.recheck_minutes:
            pending = (note, when + timedelta(minutes=note.recheck_minutes))
        elif isinstance(note, PartnerConfirmed | Reassessment):
            pending = None
    if pending is not None and now >= pending[1]:
        return pending
    return None
