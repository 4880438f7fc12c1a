"""The handover's parts drawn from the record's notes: agency, s136 times, plan, caller, basis."""

from dataclasses import replace

from rcrp_desktop.domain.call.closure import (
    CallerInformed,
    Deployment,
    PartnerConfirmed,
    Reassessment,
    ReferrerInformed,
    SupervisorDecision,
)
from rcrp_desktop.domain.call.closure import (
    Handover as HandoverNote,
)
from rcrp_desktop.domain.call.walk import answer_label
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.domain.pack.protocol import Outcome, Question
from rcrp_desktop.export.model import KEY_VALUE, Section
from rcrp_desktop.export.recipients import Part, Recipient, Templates
from rcrp_desktop.export.redaction import Redactor, local_time
from rcrp_desktop.export.source import ExportSource
from rcrp_desktop.storage.records import RecordedNote

Handed = tuple[HandoverNote, RecordedNote] | None


def _kv(part: Part, rows: list[tuple[str, str]], empty: str = "") -> Section:
    kept = tuple(row for row in rows if row[1].strip())
    return Section(part.key, part.title, KEY_VALUE, kept, headed=False, empty=empty)


def receiving(part: Part, agency: str, handover: Handed) -> Section:
    if handover is None:
        return _kv(
            part,
            [("Agency", agency), ("Status", "no handover to this agency is on record yet")],
        )
    note, recorded = handover
    statuses = {"accepted": "accepted", "declined": "DECLINED", "no_answer": "NO ANSWER"}
    return _kv(
        part,
        [
            ("Agency", note.agency),
            ("Team", note.team),
            ("Named contact", note.contact or "no named contact"),
            ("Contact route", note.method),
            ("Status", f"{statuses.get(note.status, note.status)} at {local_time(recorded.local)}"),
            ("Their reference", note.reference or "none given"),
            ("Agreed response", note.eta),
            ("Recorded by", recorded.user),
        ],
    )


def s136(
    part: Part,
    source: ExportSource,
    templates: Templates,
    handover: Handed,
) -> Section:
    fields, answers, pack = templates.s136, source.state.answers, source.pack
    arrival = answers.get(fields.arrival)
    expectation = answers.get(fields.expectation)
    question = pack.nodes.get(fields.expectation)
    against = (
        answer_label(question, expectation.value)
        if expectation is not None and isinstance(question, Question)
        else "not recorded"
    )
    accepted = handover is not None and handover[0].status == "accepted"
    handed_at = answers.get(fields.handed_at)
    handed = (
        str(handed_at.value)  # the time health staff took over, as the handler wrote it
        if handed_at is not None
        else f"{local_time(handover[1].local)}, accepted by "
        f"{handover[0].contact or 'no named contact'} ({handover[0].agency})"
        if handover is not None and accepted
        else "not yet recorded as accepted by health staff"
    )
    extended = expectation is not None and expectation.value in fields.extension
    return _kv(
        part,
        [
            ("Arrival at the place of safety", str(arrival.value) if arrival else "not recorded"),
            ("Handover to health staff", handed),
            ("Against the one-hour expectation", against),
            ("Extension agreed by both agencies", "yes" if extended else "no"),
            ("Who agreed, and why", expectation.rationale if expectation else ""),
        ],
    )


def plan(part: Part, source: ExportSource, handover: Handed) -> Section:
    advice, decision = source.advice, source.state.decision
    rows: list[tuple[str, str]] = []
    if advice.code is None:
        rows.append(("Recommendation", "none yet: the questions are not finished"))
    else:
        partner = f" ({advice.partner_name})" if advice.partner_name else ""
        rows.append(("Recommendation", f"{advice.title}{partner}"))
        outcome = source.pack.nodes.get(advice.outcome_node)
        if isinstance(outcome, Outcome):
            rows.append(("The protocol's plan", " ".join(outcome.text.split())))
    if advice.urgent:
        rows.append(("URGENT", advice.instruction))
    code = decision.code if decision is not None else advice.code
    if decision is not None:
        verdict = (
            "follows the recommendation"
            if decision.accepted
            else f"differs from the recommendation, because: {decision.rationale}"
        )
        rows.append(("Handler's decision", f"{MEANINGS[decision.code].title}; {verdict}"))
    if code is not None:
        rows.append(("What police will do", f"{MEANINGS[code].title}. {MEANINGS[code].summary}"))
    for note, recorded in source.notes_of(Deployment):
        rows.append(
            ("Deployed", f"{note.resource}, grade {note.grade} ({local_time(recorded.local)})")
        )
    if handover is not None:
        note_h = handover[0]
        action = note_h.agreed_action + (f"; expected {note_h.eta}" if note_h.eta else "")
        rows += [("What the partner will do", action), ("Escalation", note_h.escalation)]
    caller = source.latest(CallerInformed)
    if caller is not None:
        rows.append(("Police come back if (re-contact triggers)", caller[0].recontact_triggers))
    review = source.latest(SupervisorDecision)
    if review is not None:
        rows.append(("Supervisor's review", f"{review[0].supervisor}: {review[0].decision}"))
    for again, _ in source.notes_of(Reassessment):
        rows.append(("Re-assessed", f"as record {again.record}: {again.reason}"))
    return _kv(part, rows)


def caller(part: Part, source: ExportSource, redactor: Redactor) -> Section:
    rows: list[tuple[str, str]] = []
    told = source.latest(CallerInformed)
    if told is not None:
        note, recorded = told
        will = "will attend" if note.police_attending else "will not attend"
        rows += [
            ("Told", f"police {will} ({local_time(recorded.local)})"),
            ("Words used", note.wording),
            ("Advice given", note.advice),
            ("Told to call back if", note.recontact_triggers),
            ("Caller understood", "yes" if note.acknowledged else "NO"),
        ]
    for referrer, recorded in source.notes_of(ReferrerInformed):
        shown = replace(referrer, who=redactor.note("referrer_informed", "who", referrer.who))
        rows.append(
            (
                "Referring agency told",
                f"{shown.who} by {shown.route} ({local_time(recorded.local)})",
            )
        )
    return _kv(part, rows, empty="Nothing is recorded yet about what the caller was told.")


def sharing(
    part: Part,
    agency: str,
    basis: str,
    recipient: Recipient,
    templates: Templates,
    redact: bool,
) -> Section:
    shared = [templates.parts[key].title for key in recipient.parts if key != "sharing"]
    return _kv(
        part,
        [
            ("Shared with", agency),
            ("Lawful basis", basis),
            ("What is shared", "; ".join(shared)),
            ("Third-party details", "redacted" if redact else "included"),
            ("Minimum necessary", "only the parts listed, which this recipient needs to act"),
        ],
    )


def acknowledgement(part: Part, source: ExportSource, handover: Handed) -> Section:
    rows: list[tuple[str, str]] = []
    if handover is not None:
        note, recorded = handover
        rows.append(
            (
                "Accepted by",
                f"{note.contact or 'no named contact'}, {note.status.replace('_', ' ')} "
                f"at {local_time(recorded.local)}; reference {note.reference or 'none given'}",
            )
        )
    confirmed = source.latest(PartnerConfirmed)
    rows.append(
        (
            "Partner confirmed",
            f"{confirmed[0].by}: {confirmed[0].detail} ({local_time(confirmed[1].local)})"
            if confirmed is not None
            else "not yet",
        )
    )
    rows.append(("Received by (name, role, time)", "." * 60))
    return _kv(part, rows)
