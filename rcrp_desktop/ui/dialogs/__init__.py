"""The dialogs: small ones here, each with an `ask` classmethod that tests can replace; the
forms (forms.py) and the partner directory (partners.py) beside them."""

from PySide6.QtWidgets import QInputDialog, QWidget


class ChangeReasonDialog:
    """Asks why an earlier answer is being changed; the reason goes into the record."""

    @classmethod
    def ask(cls, parent: QWidget, question_text: str) -> str | None:
        from rcrp_desktop.ui.dialogs.forms import Field, FormDialog

        values = FormDialog.ask(
            parent,
            "Reason for change",
            f"You are changing an earlier answer:\n\n{question_text}\n\n"
            "The old answer stays in the record with this reason. Enter saves; Shift+Enter "
            "starts a new line; Escape keeps the old answer.",
            [Field("reason", "Why", "text", required=True)],
        )
        return str(values["reason"]).strip() or None if values is not None else None


class IncidentDialog:
    """Asks for the incident or log reference at the start of a call (Enter skips it)."""

    @classmethod
    def ask(cls, parent: QWidget) -> str | None:
        reference, ok = QInputDialog.getText(
            parent, "New call", "Incident / log reference (press Enter to leave it for now):"
        )
        return reference.strip() if ok else None
