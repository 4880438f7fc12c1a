"""The caller panel: the briefing, what the caller has said so far, injects, the scenario clock."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.ui.qt_helpers import named

INJECT_BACKGROUND = QColor("#ffe08a")
INJECT_PREFIX = "NEW INFORMATION: "
DEFAULT_MINUTES = 5


def clock_text(seconds: float) -> str:
    """The scenario clock as m:ss (h:mm:ss past the hour)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class CallerPanel(QWidget):
    """Shows one run of a scenario; the trainer's controller fills it and wires its buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callerPanel")
        self.title = named(QLabel(wordWrap=True), "scenarioTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAccessibleName("Scenario")
        self.who = named(QLabel(wordWrap=True), "scenarioTrainee")
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.who.setAccessibleName("Trainee")
        self.clock = named(QLabel(), "scenarioClock")
        self.clock.setAccessibleName("Scenario clock")
        self.briefing = named(QLabel(wordWrap=True), "scenarioBriefing")
        self.briefing.setTextFormat(Qt.TextFormat.PlainText)
        self.briefing.setAccessibleName("Briefing")
        self.briefing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        said = QLabel("The caller says:")
        self.lines = named(QListWidget(), "callerLines")
        self.lines.setAccessibleName("What the caller has said, newest last")
        self.lines.setWordWrap(True)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        said.setBuddy(self.lines)
        self.minutes = named(QSpinBox(), "minutesToPass")
        self.minutes.setRange(1, 240)
        self.minutes.setValue(DEFAULT_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes of scenario time to pass (Ctrl+Shift+M)")
        self.time_passes = named(QPushButton("Let time pass (Ctrl+Shift+T)"), "timePassesButton")
        self.time_passes.setAccessibleName("Let time pass")
        self.debrief = named(QPushButton("End run and debrief (Ctrl+Shift+B)"), "debriefButton")
        self.debrief.setAccessibleName("End the run and debrief")
        self.hint = named(QLabel(wordWrap=True), "scenarioHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setAccessibleName("What happens next")

        self.clock.setWordWrap(True)
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title.setFont(title_font)
        self.lines.setSpacing(5)
        time_row = QHBoxLayout()
        time_row.addWidget(self.minutes)
        time_row.addWidget(self.time_passes, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.briefing)
        layout.addWidget(said)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.clock)
        layout.addLayout(time_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.debrief)

    def start(self, title: str, trainee: str, briefing: str) -> None:
        self.title.setText(title)
        self.who.setText(f"Trainee: {trainee or 'not given'}")
        self.briefing.setText(" ".join(briefing.split()))
        self.lines.clear()

    def add_line(self, text: str) -> None:
        self._add(QListWidgetItem(" ".join(text.split())))

    def add_inject(self, text: str) -> None:
        item = QListWidgetItem(INJECT_PREFIX + " ".join(text.split()))
        item.setBackground(QBrush(INJECT_BACKGROUND))
        item.setForeground(QBrush(QColor("#3b2f00")))
        font = QFont(self.lines.font())
        font.setBold(True)
        item.setFont(font)
        self._add(item)

    def _add(self, item: QListWidgetItem) -> None:
        self.lines.addItem(item)
        self.lines.scrollToItem(item)

    def shown(self) -> list[str]:
        """Every line on the panel, in order (for people reading it aloud, and for tests)."""
        return [self.lines.item(row).text() for row in range(self.lines.count())]

    def show_clock(self, seconds: float, passed: float, next_due: float | None) -> None:
        """The clock, the time let pass, and when time passing would bring something next."""
        text = f"Scenario clock {clock_text(seconds)}"
        if passed:
            text += f" (with {clock_text(passed)} let pass)"
        if next_due is not None:
            text += f". Next timed event in {clock_text(next_due)}."
            self.time_passes.setToolTip("Skip to the next timed event")
        else:
            text += ". Nothing timed is to come: time passes by the minutes set."
            self.time_passes.setToolTip("Let the minutes set pass")
        self.clock.setText(text)
