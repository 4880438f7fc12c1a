"""Under the recommendation: the handler's decision, what has been recorded, and what is missing."""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rcrp_desktop.domain.call.closure import describe_note
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.ui.action_table import button_text, buttons, off_in_read_only
from rcrp_desktop.ui.qt_helpers import named

if TYPE_CHECKING:
    from rcrp_desktop.calls.recorder import CallRecorder


class ClosurePanel(QWidget):
    """Shows the decision, the notes recorded with their times, and the closure blockers."""

    def __init__(self, parent: QWidget | None = None, *, read_only: bool = False) -> None:
        super().__init__(parent)
        # Read-only: the buttons that record something stay off, whatever the call's state
        # (Export makes a copy there, recorded nowhere, and stays on).
        self.off = off_in_read_only() if read_only else frozenset()
        self.decision = named(QLabel(wordWrap=True), "decisionLabel")
        self.decision.setTextFormat(Qt.TextFormat.PlainText)
        self.notes = named(QLabel(wordWrap=True), "notesLabel")
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.blockers = named(QLabel(wordWrap=True), "blockersLabel")
        self.blockers.setTextFormat(Qt.TextFormat.PlainText)
        self.blockers.setAccessibleName("Before the call can be closed")
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for index, (name, text) in enumerate(
            (a.name, button_text(a, read_only)) for a in buttons()
        ):
            button = named(QPushButton(text), f"{name}Button")
            button.setAccessibleName(text.split(" (")[0].rstrip("…"))
            button.setEnabled(name not in self.off)
            self.buttons[name] = button
            grid.addWidget(button, index // 3, index % 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.decision)
        layout.addLayout(grid)
        layout.addWidget(self.notes)
        layout.addWidget(self.blockers)

    def show_call(self, recorder: "CallRecorder") -> None:
        decision = recorder.state.decision
        if decision is None:
            self.decision.setText(
                "Your decision: not recorded yet. Accept the recommendation, "
                "or disagree and say why."
            )
        elif decision.accepted:
            self.decision.setText(f"Your decision: accepted ({MEANINGS[decision.code].title}).")
        else:
            self.decision.setText(
                f"Your decision: {MEANINGS[decision.code].title}, differing "
                f"from the recommendation because: {decision.rationale} "
                "(flagged for supervisor review)."
            )
        self.notes.setText(
            "\n".join(describe_note(n.note, n.local) for n in recorder.notes)
            or "Nothing recorded yet after the recommendation."
        )
        missing = [] if recorder.closed else recorder.closure_blockers()
        if recorder.closed:
            self.blockers.setText("This call is closed.")
        elif missing:
            self.blockers.setText(
                "Before the call can be closed:\n" + "\n".join(f"• {m}" for m in missing)
            )
        else:
            self.blockers.setText("Everything needed is recorded: the call can be closed.")
        self.blockers.setProperty("complete", "yes" if not missing else "no")
        open_to = {
            "close_call": not missing and not recorder.closed,
            "accept_recommendation": decision is None and not recorder.closed,
            "disagree": decision is None and not recorder.closed,
        }
        for name, enabled in open_to.items():
            self.buttons[name].setEnabled(enabled and name not in self.off)
