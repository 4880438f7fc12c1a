"""The handover form: the partner from the force directory, who accepted, their reference and
when they act first (the keys a handler presses most), the rest after."""

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QWidget

from rcrp_desktop.domain.call.closure import Handover, handover_gaps
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.partners import Partner
from rcrp_desktop.ui.dialogs.forms import Field, FormDialog


def ask_handover(
    parent: QWidget, pack: Pack, partner: str, known: Sequence[Partner] = ()
) -> Handover | None:
    """The handover; `known` are the force directory's partners for the recommended agency."""
    agencies = tuple(pack.partners.items())
    listed = (
        ("", "Not in the directory: type below"),
        *tuple(
            (
                p.id,
                f"{p.agency}, {p.team} ({p.hours}; "
                f"{', '.join(f'{r.label} {r.number}' for r in p.routes)})",
            )
            for p in known
        ),
    )
    values = FormDialog.ask(
        parent,
        "Handover to a partner agency",
        "Who took the call on, their reference, and when they will act (R10).",
        [
            Field(
                "directory",
                "From the partner directory",
                "choice",
                listed,
                listed[1][0] if len(listed) > 1 else "",
            ),
            Field("contact", "Who accepted (named contact)"),
            Field("reference", "Their reference"),
            Field("eta", "When they will act (ETA)"),
            Field(
                "status",
                "Outcome",
                "choice",
                (("accepted", "Accepted"), ("declined", "Declined"), ("no_answer", "No answer")),
            ),
            Field("no_reference", "If they gave no reference: why"),
            Field("agreed_action", "Agreed action", "text"),
            Field("escalation", "If not accepted: the escalation (who was told, what now)", "text"),
            Field(
                "method",
                "Contacted by",
                "choice",
                (
                    ("phone", "Phone"),
                    ("email", "Secure email"),
                    ("in_person", "In person"),
                    ("other", "Other"),
                ),
            ),
            Field("partner_key", "Agency type", "choice", agencies, partner),
            Field("agency", "Organisation (if not picked above)"),
            Field("team", "Team"),
            Field(
                "recheck_minutes",
                "Re-assess if not confirmed within",
                "choice",
                (
                    ("60", "1 hour"),
                    ("15", "15 minutes"),
                    ("30", "30 minutes"),
                    ("120", "2 hours"),
                    ("240", "4 hours"),
                    ("0", "No re-check"),
                ),
                "60",
            ),
        ],
        check=lambda values: handover_gaps(_handover_from(values, known)),
    )
    return None if values is None else _handover_from(values, known)


def _handover_from(entered: dict[str, Any], known: Sequence[Partner]) -> Handover:
    """The handover the form's values make: typed details win, the directory fills the rest."""
    values = dict(entered)
    values["recheck_minutes"] = int(values.get("recheck_minutes") or 0)
    chosen = next((p for p in known if p.id == values.pop("directory", "")), None)
    if chosen is not None:
        values["agency"] = values["agency"] or chosen.agency
        values["team"] = values["team"] or chosen.team
    return Handover(**values)
