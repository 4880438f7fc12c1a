"""The recommendation at the end of a call, with the answers that decided it."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.domain.call.engine import Recommendation
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.ui.qt_helpers import named

ROLE_LABELS = {"urgent": "Urgent", "decided": "Decided it", "considered": "Considered"}


class ResultView(QWidget):
    """Shows a final Recommendation. The handler decides; this view says so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = named(QLabel(wordWrap=True), "resultTitle")
        self.partner = named(QLabel(wordWrap=True), "resultPartner")
        self.text = named(QLabel(wordWrap=True), "resultText")
        self.advisory = named(
            QLabel(
                "This is a recommendation. You decide, and your decision and rationale are "
                "what the record holds.",
                wordWrap=True,
            ),
            "advisory",
        )
        for label in (self.title, self.partner, self.text):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = named(QTableWidget(0, 4), "explanation")
        self.table.setHorizontalHeaderLabels(["Why", "Question", "Answer", "Rationale"])
        self.table.setAccessibleName("Explanation: the answers that decided the recommendation")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setMinimumHeight(180)  # a few reasons in view; the page scrolls for the rest
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)
        # Wrapped rationale needs taller rows whenever the columns change width.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.pack_label = named(QLabel(wordWrap=True), "packLabel")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.partner)
        layout.addWidget(self.text)
        layout.addWidget(self.advisory)
        layout.addWidget(QLabel("<b>Explanation</b>: the answers that decided it"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.pack_label)

    def show_recommendation(
        self, advice: Recommendation, pack: Pack, owed: list[str] | None = None
    ) -> None:
        self.title.setText(f"Recommendation: {advice.title}")
        self.title.setProperty("urgent", advice.urgent)
        self.partner.setText(f"Partner: {advice.partner_name}" if advice.partner_name else "")
        self.partner.setVisible(bool(advice.partner_name))
        text = advice.text
        if owed:
            text += (
                "\n\nDecide now: police are not kept waiting on the rest of the call. Still "
                f"owed afterwards: \u201c{owed[0]}\u201d and the questions after it "
                "(Alt+Left to answer them); the call cannot close until they are answered."
            )
        if advice.rationale_owed:
            text += (
                "\n\nRationale still to write for "
                + pack.quoted_all(advice.rationale_owed)
                + ". Go back (Alt+Left) to each and add it."
            )
        self.text.setText(text)
        self.table.setRowCount(len(advice.reasons))
        for row, reason in enumerate(advice.reasons):
            for column, value in enumerate(
                (ROLE_LABELS[reason.role], reason.question, reason.answer, reason.rationale)
            ):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.pack_label.setText(
            f"Protocol: {advice.pack_id} {advice.pack_version} · sha256 {advice.pack_hash[:16]}…"
        )
        self.table.setFocus()
