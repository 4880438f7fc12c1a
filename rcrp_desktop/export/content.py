"""A handover's content, one per recipient: what both the PDF and the plain text show.

Question and answer wording comes from the pack the record was made under; which parts and
questions a recipient gets comes from the templates file. The PDF and the plain text are two
renderings of the same `Handover`, so they cannot say different things.
"""

from datetime import UTC, datetime

from rcrp_desktop.domain.call.closure import Handover as HandoverNote
from rcrp_desktop.domain.call.closure import SupervisorDecision
from rcrp_desktop.domain.call.walk import answer_label
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.domain.pack.protocol import Question
from rcrp_desktop.export import parts
from rcrp_desktop.export.model import (
    QUESTION_COLUMNS,
    TRAIL_COLUMNS,
    CopyNotice,
    Handover,
    Section,
)
from rcrp_desktop.export.recipients import Part, Recipient, Templates
from rcrp_desktop.export.redaction import Redactor, local_time
from rcrp_desktop.export.source import ExportSource
from rcrp_desktop.export.trail import trail_rows

LEFT_BLANK = "(left blank)"


def build_handover(
    source: ExportSource,
    recipient: Recipient,
    templates: Templates,
    *,
    marking: str,
    redact: bool,
    lawful_basis: str = "",
    prepared_by: str = "",
    now: datetime | None = None,
    copy_of: str = "",
) -> Handover:
    """The handover for this recipient: a pure function of the stored record and the options.

    `copy_of`: the database file a read-only copy is made from. The copy names who made it
    (`prepared_by`) in its copy notice, not as the handover's preparer: it prepares nothing
    for a partner and is not recorded.
    """
    redactor = Redactor(templates, redact, recipient.omit)
    handover = _handover_for(source, recipient)
    agency = _agency(source, recipient, handover)
    basis = " ".join((lawful_basis or recipient.lawful_basis).split())
    builders = {
        "receiving": lambda part: parts.receiving(part, agency, handover),
        "s136": lambda part: parts.s136(part, source, templates, handover),
        "plan": lambda part: parts.plan(part, source, handover),
        "caller": lambda part: parts.caller(part, source, redactor),
        "sharing": lambda part: parts.sharing(part, agency, basis, recipient, templates, redact),
        "acknowledgement": lambda part: parts.acknowledgement(part, source, handover),
        "trail": lambda part: Section(
            part.key, part.title, TRAIL_COLUMNS, trail_rows(source, redactor)
        ),
    }
    sections = []
    for key in recipient.parts:
        part = templates.parts[key]
        build = builders.get(key)
        sections.append(build(part) if build else _questions(part, source, redactor))
    seq, digest = source.anchor
    moment = (now or datetime.now(UTC)).astimezone()
    generated = f"{moment.isoformat(sep=' ')[:19]} (UTC{_offset(moment)})"
    copy = CopyNotice(copy_of, generated, prepared_by) if copy_of else None
    pack = source.pack
    return Handover(
        record_id=source.record_id,
        recipient=recipient,
        title=templates.title,
        marking=marking,
        training=source.header.mode == "training",
        agency=agency,
        lawful_basis=basis,
        redacted=redact,
        incident=source.header.incident_ref,
        header=_header(source, templates, recipient, agency, "" if copy else prepared_by, moment),
        sections=tuple(sections),
        anchor_seq=seq,
        anchor_hash=digest,
        protocol=f"{pack.id} {pack.version} (sha256 {pack.content_hash[:12]})",
        generated=generated,
        log_head=source.log_head,
        copy=copy,
    )


def _header(
    source: ExportSource,
    templates: Templates,
    recipient: Recipient,
    agency: str,
    prepared_by: str,
    moment: datetime,
) -> tuple[tuple[str, str], ...]:
    header, pack = source.header, source.pack
    force = templates.force.get(header.force_profile, "")
    rows = [
        ("Force", f"{force} ({header.force_profile} profile)" if force else header.force_profile),
        ("Incident reference", header.incident_ref or "not given"),
        (
            "Record",
            f"{header.id}" + ("  TRAINING: not a live record" if header.mode != "live" else ""),
        ),
        ("Call started", local_time(source.events[0].local)),
    ]
    decided = [event for event in source.events if event.kind == "decide"]
    decision = source.state.decision
    if decided and decision is not None:
        rows.append(
            ("Decision", f"{local_time(decided[-1].local)}: {MEANINGS[decision.code].title}")
        )
    else:
        rows.append(("Decision", "not yet recorded"))
    rows.append(("Handler", header.handler))
    review = source.latest(SupervisorDecision)
    if review is not None:
        note, recorded = review
        rows.append(("Supervisor", f"{note.supervisor} ({local_time(recorded.local)})"))
    rows += [
        ("Protocol", f"{pack.title} ({pack.id} {pack.version}, sha256 {pack.content_hash})"),
        ("Prepared for", f"{agency}; recipient type: {recipient.title}"),
    ]
    if prepared_by:
        rows.append(("Prepared by", prepared_by))
    rows.append(("Times", f"local time (UTC{_offset(moment)} when prepared)"))
    return tuple(rows)


def _handover_for(source: ExportSource, recipient: Recipient) -> parts.Handed:
    """The latest handover to an agency this recipient type stands for, if any."""
    found = [
        pair for pair in source.notes_of(HandoverNote) if pair[0].partner_key in recipient.partners
    ]
    return found[-1] if found else None


def _agency(
    source: ExportSource,
    recipient: Recipient,
    handover: parts.Handed,
) -> str:
    if handover is not None:
        note = handover[0]
        return ", ".join(part for part in (note.agency, note.team) if part.strip())
    partner = source.advice.partner
    key = partner if partner in recipient.partners else recipient.partners[0]
    return source.pack.partners.get(key, recipient.title)


def _questions(part: Part, source: ExportSource, redactor: Redactor) -> Section:
    pack, answers = source.pack, source.state.answers
    rows = []
    for node in part.nodes:
        question, given = pack.nodes.get(node), answers.get(node)
        if not isinstance(question, Question) or given is None or not redactor.shows(node):
            continue
        answer = answer_label(question, given.value) or LEFT_BLANK
        rows.append(
            (
                question.text,
                redactor.answer(node, answer),
                redactor.rationale(node, given.rationale),
            )
        )
    return Section(
        part.key,
        part.title,
        QUESTION_COLUMNS,
        tuple(rows),
        empty="None of these questions was asked on this call.",
    )


def _offset(moment: datetime) -> str:
    """The UTC offset of an aware time as "+01:00"."""
    return moment.isoformat()[-6:]
