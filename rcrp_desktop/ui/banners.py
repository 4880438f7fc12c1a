"""What the banners over a call say: the force profile's notice and the urgent instruction."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rcrp_desktop.domain.pack.protocol import Pack

if TYPE_CHECKING:
    from rcrp_desktop.domain.call.engine import Recommendation
    from rcrp_desktop.domain.partners import Directory


def notice_text(pack: Pack, answers: Mapping[str, Any], directory: "Directory | None") -> str:
    """The pack's notice, and whether this call's RCRP phase is live for the force ("" if
    there is nothing to say)."""
    lines = [pack.notice] if pack.notice else []
    phase = pack.phase(answers)
    if phase and pack.rcrp_adopted and directory and not directory.is_live(phase):
        title = next((p.title for p in directory.phases if p.id == phase), phase)
        lines.append(
            f"The RCRP phase '{title}' is not live for this force: the standard "
            "THRIVE response applies. Record your decision on that basis."
        )
    return "\n".join(lines)


def urgent_text(pack: Pack, advice: "Recommendation") -> str:
    """The urgent banner: from the saved answers, or (not yet urgent) for an answer selected
    but not yet saved that would put risk in play."""
    if advice.urgent:
        facts = "; ".join(
            f"{r.question} → {r.answer}" for r in advice.reasons if r.role == "urgent"
        )
        text = f"⚠ {pack.urgent_instruction}  Because: {facts}"
        if advice.rationale_owed:
            text += f"  (rationale still to write: {len(advice.rationale_owed)})"
        return text
    return (
        f"⚠ {pack.urgent_instruction}  The answer selected puts risk in play: "
        "press Enter to record it; the rationale can follow."
    )
