"""The plain-text summary of a call for pasting into the command-and-control log (R32)."""

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.closure import describe_note
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.storage.repository import RecordSummary

WIDTH_NOTE = "All times local."


def log_summary(header: RecordSummary, recorder: CallRecorder) -> str:
    """What was decided, on which answers, and what was done: short lines, no markup."""
    state = recorder.state
    advice = recorder.advice
    lines = [
        f"RCRP record {header.id} | incident {header.incident_ref or 'not given'} | "
        f"{header.force_profile} | protocol {header.pack_id} {header.pack_version} "
        f"(sha256 {header.pack_hash[:12]})",
        f"Handler: {header.handler}. Started {header.created_utc} UTC.",
    ]
    if advice.code is None:
        lines.append(f"No recommendation yet: the call is at {state.pack.quoted(state.current)}.")
    else:
        status = "Recommendation" if advice.final else "Provisional recommendation"
        partner = f" ({advice.partner_name})" if advice.partner_name else ""
        lines.append(f"{status}: {MEANINGS[advice.code].title}{partner}.")
    if advice.urgent:
        lines.append(f"URGENT: {advice.instruction}")
    decision = state.decision
    if decision is not None:
        verdict = "accepted" if decision.accepted else f"differs, because: {decision.rationale}"
        lines.append(f"Handler's decision: {MEANINGS[decision.code].title} ({verdict}).")
    for reason in advice.reasons:
        if reason.role == "considered":
            continue
        why = f" because: {reason.rationale}" if reason.rationale else ""
        lines.append(f"- {reason.question} {reason.answer}{why}")
    if advice.rationale_owed:
        lines.append("Rationale still to write for " + state.pack.quoted_all(advice.rationale_owed))
    lines += [describe_note(recorded.note, recorded.local) for recorded in recorder.notes]
    if recorder.closed:
        lines.append("Call closed.")
    lines.append(WIDTH_NOTE)
    return "\n".join(lines)
