"""The "why we ask" guidance and labelled legal and policy references beside a question."""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from rcrp_desktop.domain.pack.protocol import Question, RefKind

KIND_LABELS = {
    RefKind.LAW: "LAW",
    RefKind.NATIONAL_GUIDANCE: "NATIONAL GUIDANCE",
    RefKind.LOCAL_AGREEMENT: "LOCAL AGREEMENT",
}


class GuidancePanel(QTextBrowser):
    """Read-only guidance for the question on screen. Pack text is escaped, never markup.

    A text browser, not a word-wrapped label in a scroll area: it lays its text out once, so
    showing the next question does not re-measure the whole window (the main cost per answer).
    Each question's guidance is made into a document once and kept: a question seen again
    (the next call, going back) is shown without parsing and laying out its text again.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidancePanel")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setOpenLinks(False)
        self.setAccessibleName("Guidance: why we ask")
        self._empty = self.document()
        # id(question) -> the question (kept, so its id is not reused) and its guidance
        self._documents: dict[int, tuple[Question, QTextDocument]] = {}

    def show_question(self, question: Question | None) -> None:
        if question is None:
            self.setDocument(self._empty)
            return
        kept = self._documents.get(id(question))
        if kept is None:
            kept = self._documents[id(question)] = (question, self._document_for(question))
        self.setDocument(kept[1])
        self.setAccessibleDescription(question.why)

    def _document_for(self, question: Question) -> QTextDocument:
        parts = ["<h3>Why we ask</h3>", f"<p>{_paragraphs(question.why)}</p>"]
        if question.refs:
            parts.append("<h3>References</h3>")
            for ref in question.refs:
                note = f"<br/>{escape(ref.note)}" if ref.note else ""
                parts.append(f"<p><b>[{KIND_LABELS[ref.kind]}]</b> {escape(ref.cite)}{note}</p>")
        document = QTextDocument(self)
        document.setDefaultFont(self.font())
        document.setHtml("".join(parts))
        return document

    def text(self) -> str:
        """The guidance as HTML (what the tests and screen readers check)."""
        return self.toHtml()


def _paragraphs(text: str) -> str:
    return escape(text.strip()).replace("\n\n", "</p><p>").replace("\n", " ")
