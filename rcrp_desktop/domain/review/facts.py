"""What a supervisor's review and the monitoring figures need to know of one call, worked out
from its stored events: explicit fields, the same whichever engine holds the events."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rcrp_desktop.domain.call.closure import Handover, note_from
from rcrp_desktop.domain.outcomes import MEANINGS, OutcomeCode, Response

# The event kinds read here, as the recorder writes them (calls/events.py, closure.NOTE_TYPES).
REVIEW_KIND = "review"
RESULTS = {
    "agreed": "Agreed",
    "learning_point": "Learning point for the handler",
    "referred_on": "Referred on",
}


@dataclass(frozen=True)
class Event:
    """One stored event as the facts need it (any store's events fit)."""

    kind: str
    payload: Mapping[str, Any]
    when: datetime  # UTC, timezone-aware
    user: str


@dataclass(frozen=True)
class CallFacts:
    """One call, as review rules and figures read it."""

    record_id: int
    uid: str
    incident_ref: str
    handler: str
    created: datetime
    closed: bool
    category: str
    recommended: str  # the last final recommendation's code ("" before there is one)
    decided: str  # the handler's decision ("" before there is one)
    outcome: str  # the decision, else the recommendation
    response: str  # what the outcome means for police (outcomes.Response), "" if none yet
    police_attended: bool
    disagreed: bool  # decided otherwise than recommended
    urgent: bool  # an urgent recommendation was made on the call
    rationale_afterwards: bool  # an urgent call's owed rationale was written afterwards
    partner_declined: bool  # a partner declined, or did not answer
    partner_missed_recheck: bool  # a partner not confirmed by its re-check time
    supervisor_decided: bool  # a supervisor's decision is recorded on it
    linked_from: int  # the record this one re-assesses (0: none)
    reviewed: bool
    review_result: str  # the last review's result ("" if none)
    force_profile: str = ""
    taken_over: bool = False  # a supervisor took it over from its holder (break-glass)
    partner: str = ""  # the agency of the first handover ("" if none)
    partner_accepted_minutes: float | None = None  # call made -> a partner accepted it
    partner_confirmed_minutes: float | None = None  # accepted -> the partner confirmed it acted
    # Each question's last answer, as text (a list joined by commas): what the monitoring
    # config (forms/monitoring/config.toml) reads by question id.
    answers: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Set once the calls around it are known (monitoring/recontacts.py): the earlier call about
    # the same place or caller, and how many hours before it was made.
    recontact_of: int = 0
    recontact_hours: float | None = None

    @property
    def police_did_not_attend(self) -> bool:
        """Partner lead, standby or advice: the calls every review starts from."""
        return self.response in (Response.DECLINE.value, Response.STANDBY.value)


def call_facts(
    record_id: int,
    header: Mapping[str, Any],
    events: Sequence[Event],
    now: datetime,
) -> CallFacts:
    """The facts of one call from its header and its events, in order, at `now`."""
    category = recommended = decided = review_result = ""
    urgent = rationale_afterwards = declined = missed = supervisor = reviewed = closed = False
    taken_over = False
    linked_from = 0
    due: datetime | None = None
    partner = ""
    accepted_at: datetime | None = None
    confirmed_after: float | None = None
    created = _created(header, events)
    answers: dict[str, str] = {}
    for event in events:
        payload, kind = event.payload, event.kind
        if kind in ("answer", "change"):
            _answered(answers, payload)
            if isinstance(payload.get("category"), str):
                category = str(payload["category"])
            if kind == "change":
                decided = ""  # a changed answer voids the decision, as in the engine
        elif kind == "recommendation":
            urgent = urgent or bool(payload.get("urgent"))
            recommended = str(payload.get("code") or "") if payload.get("final") else ""
        elif kind == "decide":
            decided = str(payload.get("value") or "")
        elif kind == "rationale":
            rationale_afterwards = rationale_afterwards or urgent
        elif kind == "handover":
            handover = _handover(payload)
            partner = partner or (handover.agency if handover is not None else "")
            if handover is not None and handover.status != "accepted":
                declined = True
            elif handover is not None:
                accepted_at = accepted_at or event.when
                if handover.recheck_minutes:
                    due = event.when + timedelta(minutes=handover.recheck_minutes)
        elif kind in ("partner_confirmed", "reassessment"):
            missed = missed or (due is not None and event.when > due)
            due = None
            if kind == "partner_confirmed" and accepted_at and confirmed_after is None:
                confirmed_after = _minutes(event.when - accepted_at)
        elif kind == "supervisor":
            supervisor = True
        elif kind == "taken_over":
            taken_over = taken_over or payload.get("how") == "supervisor"
        elif kind == "closure":
            closed = True
        elif kind == "linked":
            linked_from = int(payload.get("previous") or 0)
        elif kind == REVIEW_KIND:
            reviewed, review_result = True, str(payload.get("result") or "")
    missed = missed or (due is not None and now > due)
    outcome = decided or recommended
    response = _response(outcome)
    return CallFacts(
        record_id=record_id,
        uid=str(header.get("uid", "")),
        incident_ref=str(header.get("incident_ref", "")),
        handler=str(header.get("handler", "")),
        created=created,
        closed=closed,
        category=category,
        recommended=recommended,
        decided=decided,
        outcome=outcome,
        response=response,
        police_attended=response == Response.ATTEND.value,
        disagreed=bool(decided and recommended and decided != recommended),
        urgent=urgent,
        rationale_afterwards=rationale_afterwards,
        partner_declined=declined,
        partner_missed_recheck=missed,
        supervisor_decided=supervisor,
        linked_from=linked_from,
        reviewed=reviewed,
        review_result=review_result,
        force_profile=str(header.get("force_profile", "")),
        taken_over=taken_over,
        partner=partner,
        partner_accepted_minutes=_minutes(accepted_at - created) if accepted_at else None,
        partner_confirmed_minutes=confirmed_after,
        answers=answers,
    )


def _answered(answers: dict[str, str], payload: Mapping[str, Any]) -> None:
    node, value = str(payload.get("node") or ""), payload.get("value")
    if node:
        answers[node] = ",".join(map(str, value)) if isinstance(value, list) else str(value or "")
    for dropped in payload.get("dropped") or []:  # a change that takes questions off the path
        answers.pop(str(dropped), None)


def _minutes(span: timedelta) -> float:
    return round(span.total_seconds() / 60, 2)


def _handover(payload: Mapping[str, Any]) -> Handover | None:
    try:
        note = note_from("handover", payload)
    except (TypeError, ValueError):
        return None
    return note if isinstance(note, Handover) else None


def outcome_title(code: str) -> str:
    """An outcome code in words, as every screen shows it ("(none yet)" before there is one)."""
    if not code:
        return "(none yet)"
    try:
        return MEANINGS[OutcomeCode(code)].title
    except ValueError:
        return code


def _response(code: str) -> str:
    try:
        return MEANINGS[OutcomeCode(code)].response.value
    except ValueError:
        return ""


def _created(header: Mapping[str, Any], events: Sequence[Event]) -> datetime:
    return events[0].when if events else datetime.fromisoformat(str(header["created_utc"]))
