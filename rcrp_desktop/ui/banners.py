"""What the banners over a call say: the force profile's notice and the urgent instruction."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rcrp_desktop.domain.pack.protocol import Pack

if TYPE_CHECKING:
    from rcrp_desktop.calls.records import RecordedNote
    from rcrp_desktop.domain.call.engine import Recommendation
    from rcrp_desktop.domain.partners import Directory


def notice_text(
    pack: Pack,
    answers: Mapping[str, Any],
    directory: "Directory | None",
    *,
    chosen: Pack | None = None,
) -> str:
    """The pack's notice, whether this call's RCRP phase is live for the force, and, when
    another profile is `chosen` for the next call, that this one keeps its own ("" if there
    is nothing to say)."""
    lines = [pack.notice] if pack.notice else []
    if chosen is not None and chosen.id != pack.id:
        lines.insert(
            0,
            f"This call stays under {pack.title}. {chosen.title} applies to the next call "
            "(Ctrl+N).",
        )
    phase = pack.phase(answers)
    if phase and pack.rcrp_adopted and directory and not directory.is_live(phase):
        title = next((p.title for p in directory.phases if p.id == phase), phase)
        lines.append(
            f"The RCRP phase '{title}' is not live for this force: the standard "
            "THRIVE response applies. Record your decision on that basis."
        )
    return "\n".join(lines)


ALARM, DEPLOYED = "alarm", "deployed"


def urgent_banner(
    pack: Pack,
    advice: "Recommendation",
    notes: Sequence["RecordedNote"],
    *,
    decided: bool,
    closed: bool,
    preview: bool = False,
) -> tuple[str, str]:
    """The urgent banner as (state, text): an alarm until police are deployed, then a calm
    "deployed" line saying when and what, and gone ("", "") once the call is decided or closed.

    `preview`: an answer selected but not yet saved would put risk in play."""
    if closed or (decided and advice.urgent):
        return "", ""
    if not advice.urgent:
        if not preview:
            return "", ""
        return ALARM, (
            f"⚠ {pack.urgent_instruction}  The answer selected puts risk in play: "
            "press Enter to record it; the rationale can follow."
        )
    owed = (
        f"  Rationale still to write: {len(advice.rationale_owed)}."
        if advice.rationale_owed
        else ""
    )
    from rcrp_desktop.domain.call.closure import Deployment  # only once a call is urgent

    sent = [n for n in notes if isinstance(n.note, Deployment)]
    if sent:
        last = sent[-1]
        assert isinstance(last.note, Deployment)
        return DEPLOYED, (
            f"Deployed {last.local[11:16]}: {last.note.resource} ({last.note.grade}). "
            f"Now decide (Ctrl+Enter) and complete the questions still owed.{owed}"
        )
    facts = "; ".join(f"{r.question} → {r.answer}" for r in advice.reasons if r.role == "urgent")
    return ALARM, f"⚠ {pack.urgent_instruction}  Because: {facts}.{owed}"
