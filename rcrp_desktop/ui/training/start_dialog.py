"""The trainer's choice: which scenario, for which trainee; the briefing shown before it starts."""

from collections.abc import Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.ui.qt_helpers import named

TRAINEE_MAX = 120


def describe(scenario: Scenario) -> str:
    tags = ", ".join(scenario.tags) or "no tags"
    return f"{scenario.title}\n    {scenario.pack.id}  ·  {tags}"


class ScenarioDialog(QDialog):
    """Up and Down choose the scenario, Tab goes to the trainee, Enter starts it."""

    def __init__(self, parent: QWidget | None, scenarios: Sequence[Scenario]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a training scenario")
        self.scenarios = list(scenarios)
        intro = QLabel(
            "Choose the scenario and enter the trainee. The call starts at once in the training "
            "database; the caller panel shows the briefing and what the caller says."
        )
        intro.setWordWrap(True)
        self.choice = named(QListWidget(), "scenarioList")
        self.choice.setAccessibleName("Scenarios")
        for scenario in self.scenarios:
            item = QListWidgetItem(describe(scenario))
            item.setData(Qt.ItemDataRole.UserRole, scenario.id)
            item.setToolTip(scenario.source)
            self.choice.addItem(item)
        self.briefing = named(QLabel(wordWrap=True), "scenarioBriefingPreview")
        self.briefing.setTextFormat(Qt.TextFormat.PlainText)
        self.briefing.setAccessibleName("Briefing")
        self.briefing.setMinimumHeight(90)
        self.briefing.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.trainee = named(QLineEdit(), "traineeName")
        self.trainee.setAccessibleName("Trainee: collar number and name")
        self.trainee.setPlaceholderText("e.g. PC 4521 Sam Example")
        self.trainee.setMaxLength(TRAINEE_MAX)
        self.error = named(QLabel(), "errorLabel")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        start = buttons.button(QDialogButtonBox.StandardButton.Ok)
        start.setText("Start the scenario")
        start.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        chosen_label = QLabel("&Scenario:")
        chosen_label.setBuddy(self.choice)
        form = QFormLayout()
        trainee_label = QLabel("&Trainee:")
        trainee_label.setBuddy(self.trainee)
        form.addRow(trainee_label, self.trainee)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(chosen_label)
        layout.addWidget(self.choice, 1)
        layout.addWidget(QLabel("Briefing:"))
        layout.addWidget(self.briefing)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.choice.currentRowChanged.connect(self.on_chosen)
        self.choice.itemActivated.connect(lambda _item: self.trainee.setFocus())
        if self.scenarios:
            self.choice.setCurrentRow(0)
        self.resize(760, 620)
        self.choice.setFocus()

    @Slot(int)
    def on_chosen(self, row: int) -> None:
        scenario = self.scenarios[row] if 0 <= row < len(self.scenarios) else None
        self.briefing.setText(" ".join(scenario.briefing.split()) if scenario else "")

    def chosen(self) -> Scenario | None:
        row = self.choice.currentRow()
        return self.scenarios[row] if 0 <= row < len(self.scenarios) else None

    def accept(self) -> None:
        if self.chosen() is None:
            self._refuse("Choose a scenario.", self.choice)
        elif not self.trainee.text().strip():
            self._refuse("Enter the trainee's collar number and name.", self.trainee)
        else:
            super().accept()

    def _refuse(self, text: str, focus: QWidget) -> None:
        self.error.setText(text)
        self.error.show()
        focus.setFocus()

    @classmethod
    def ask(
        cls, parent: QWidget | None, scenarios: Sequence[Scenario]
    ) -> tuple[Scenario, str] | None:
        """The scenario and trainee chosen, or None if the trainer cancelled."""
        dialog = cls(parent, scenarios)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        scenario = dialog.chosen()
        assert scenario is not None
        return scenario, dialog.trainee.text().strip()
