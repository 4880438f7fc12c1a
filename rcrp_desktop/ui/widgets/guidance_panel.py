"""The "why we ask" guidance and labelled legal and policy references beside a question."""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from rcrp_desktop.domain.protocol import Question, RefKind
from rcrp_desktop.ui.qt_helpers import named

KIND_LABELS = {
    RefKind.LAW: "LAW",
    RefKind.NATIONAL_GUIDANCE: "NATIONAL GUIDANCE",
    RefKind.LOCAL_AGREEMENT: "LOCAL AGREEMENT",
}


class GuidancePanel(QScrollArea):
    """Read-only guidance for the question on screen. Pack text is escaped, never markup."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidancePanel")
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body = named(QLabel(wordWrap=True), "guidanceText")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAccessibleName("Guidance: why we ask")
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.addWidget(self.body)
        self.setWidget(holder)

    def show_question(self, question: Question | None) -> None:
        if question is None:
            self.body.setText("")
            return
        parts = ["<h3>Why we ask</h3>", f"<p>{_paragraphs(question.why)}</p>"]
        if question.refs:
            parts.append("<h3>References</h3>")
            for ref in question.refs:
                note = f"<br/><span class='note'>{escape(ref.note)}</span>" if ref.note else ""
                parts.append(
                    f"<p><b class='{ref.kind.value}'>[{KIND_LABELS[ref.kind]}]</b> "
                    f"{escape(ref.cite)}{note}</p>"
                )
        self.body.setText("".join(parts))
        self.body.setAccessibleDescription(question.why)


def _paragraphs(text: str) -> str:
    return escape(text.strip()).replace("\n\n", "</p><p>").replace("\n", " ")
