"""The debrief on screen: the band, where the run diverged (safety-critical first), the rest.

Ctrl+S saves it as a PDF; the PDF is built and written on a pool thread (ui/tasks.py).
"""

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.domain.training.findings import Finding
from rcrp_desktop.export.debrief_pdf import (
    BAND_COLOURS,
    Debrief,
    outcome_text,
    save_debrief,
    urgent_text,
)
from rcrp_desktop.ui.qt_helpers import named
from rcrp_desktop.ui.tasks import run_task


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>")


def debrief_html(debrief: Debrief) -> str:
    """The debrief as the dialog shows it: every value escaped, divergences first."""
    score = debrief.score
    met = [f for f in score.findings if f.met]
    rows = [
        ("Trainee", debrief.trainee or "not given"),
        ("Scenario", f"{debrief.scenario_id} {debrief.scenario_version}: {debrief.title}"),
        ("Record", f"{debrief.record_id} ({debrief.status}), started {debrief.started}"),
        ("Outcome expected", score.outcome_expected),
        ("Outcome reached", score.outcome_given),
        ("Time to the urgent decision", urgent_text(score)),
        ("Time to the outcome", outcome_text(score)),
        ("Items met", f"{len(met)} of {len(score.findings)}"),
    ]
    parts = ["<table cellpadding='2'>"]
    parts += [f"<tr><td><b>{_text(k)}</b></td><td>{_text(v)}</td></tr>" for k, v in rows]
    parts.append("</table>")
    if debrief.clock_text:
        parts.append(f"<p><i>{_text(debrief.clock_text)}</i></p>")
    parts.append("<h3>Where the run diverged</h3>")
    if not score.divergences:
        parts.append("<p>Nowhere: every item was met.</p>")
    parts += [_finding(n, f) for n, f in enumerate(score.divergences, 1)]
    parts.append("<h3>Items met</h3>")
    parts += [f"<p>✓ {_text(f.label)} — {_text(f.given)}</p>" for f in met] or ["<p>None.</p>"]
    if debrief.learning_points:
        parts.append("<h3>Learning points</h3><ul>")
        parts += [f"<li>{_text(point)}</li>" for point in debrief.learning_points]
        parts.append("</ul>")
    return "".join(parts)


def _finding(number: int, finding: Finding) -> str:
    mark = "<span style='color:#b00020'>SAFETY-CRITICAL</span>" if finding.critical else "Minor"
    return (
        f"<p><b>{number}. {mark}: {_text(finding.label)}</b><br>"
        f"&nbsp;&nbsp;<b>Expected:</b> {_text(finding.expected)}<br>"
        f"&nbsp;&nbsp;<b>Given:</b> {_text(finding.given)}<br>"
        f"&nbsp;&nbsp;<b>Learning point:</b> {_text(finding.learning)}</p>"
    )


class DebriefDialog(QDialog):
    """One run's debrief; Ctrl+S saves the PDF, Esc closes."""

    def __init__(self, parent: QWidget | None, debrief: Debrief) -> None:
        super().__init__(parent)
        self.debrief = debrief
        self.setWindowTitle(f"Training debrief · record {debrief.record_id} · TRAINING")
        band = debrief.score.band
        self.band = named(QLabel(f"Band: {band.value.upper()}"), "debriefBand")
        self.band.setAccessibleName("Band")
        self.band.setStyleSheet(
            f"background: {BAND_COLOURS.get(band, '#333333')}; color: white; "
            "font-size: 16pt; font-weight: bold; padding: 8px;"
        )
        title = named(QLabel(debrief.title, wordWrap=True), "debriefTitle")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.body = named(QTextBrowser(), "debriefBody")
        self.body.setAccessibleName("Debrief: findings, divergences first")
        self.body.setHtml(debrief_html(debrief))
        self.status = named(QLabel(wordWrap=True), "debriefStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Saving")
        self.save_button = named(QPushButton("Save PDF… (Ctrl+S)"), "saveDebriefButton")
        self.save_button.setAccessibleName("Save the debrief as a PDF")
        self.save_button.clicked.connect(self.save_pdf)
        close = named(QPushButton("Close (Esc)"), "closeDebriefButton")
        close.setAccessibleName("Close the debrief")
        close.clicked.connect(self.reject)
        for button in (self.save_button, close):
            button.setAutoDefault(False)  # Enter in the text saves nothing by surprise
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_pdf)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.band)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self.saved: Path | None = None
        self.resize(820, 700)
        self.body.setFocus()  # Up, Down, Page Up and Page Down read it

    @classmethod
    def ask_path(cls, parent: QWidget, suggested: str) -> Path | None:
        """Where to save the PDF (tests replace this)."""
        name, _ = QFileDialog.getSaveFileName(parent, "Save the debrief", suggested, "PDF (*.pdf)")
        return Path(name) if name else None

    def save_pdf(self) -> None:
        if not self.save_button.isEnabled():
            return  # one save at a time
        suggested = f"debrief-record-{self.debrief.record_id}.pdf"
        path = self.ask_path(self, str(Path.home() / suggested))
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self.save_button.setEnabled(False)
        self.status.setText("Saving the debrief PDF…")
        debrief = self.debrief
        run_task(lambda: save_debrief(debrief, path), self.on_saved, self.on_failed, context=self)

    def on_saved(self, path: Path) -> None:
        self.saved = path
        self.save_button.setEnabled(True)
        self.status.setText(f"Saved: {path}")

    def on_failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(f"Not saved. {error}")
