"""The force's partner directory: an editor dialog, and the picker the handover form uses."""

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.calls.desk import save_directory
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.domain.partners import (
    AGENCY_KEYS,
    AGENCY_LABELS,
    Directory,
    DirectoryError,
    Partner,
    Phase,
    format_routes,
    parse_routes,
    validate,
)
from rcrp_desktop.ui.qt_helpers import named
from rcrp_desktop.ui.row_table import row_table

if TYPE_CHECKING:
    from rcrp_desktop.calls.gate import Gate

COLUMNS = ("Agency type", "Agency", "Team", "Phone routes", "Hours")


@dataclasses.dataclass
class _Draft:
    """One partner row while it is being edited (routes kept as the typed text)."""

    id: str
    key: str
    agency: str = ""
    team: str = ""
    routes: str = ""
    hours: str = ""
    notes: str = ""

    @classmethod
    def of(cls, partner: Partner) -> "_Draft":
        return cls(
            partner.id,
            partner.key,
            partner.agency,
            partner.team,
            format_routes(partner.routes),
            partner.hours,
            partner.notes,
        )


class PartnerDirectoryDialog(QDialog):
    """Edits the phases and partners; Save (Ctrl+S) writes the local copy, Esc discards."""

    def __init__(
        self,
        directory: Directory,
        data_dir: Path,
        parent: QWidget | None = None,
        agency_names: Mapping[str, str] | None = None,
        gate: "Gate | None" = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Partner directory: {directory.title}")
        self.directory = directory
        self.data_dir = data_dir
        self.gate = gate  # the person signed in: the save is asked of them and logged
        self.saved: Directory | None = None
        self.names = {**AGENCY_LABELS, **(agency_names or {})}
        self.drafts = [_Draft.of(partner) for partner in directory.partners]
        self._loading = False

        layout = QVBoxLayout(self)
        edited = f", edited {directory.edited}" if directory.edited else ""
        layout.addWidget(QLabel(f"<b>{directory.title}</b> (version {directory.version}{edited})"))
        # The phases and the partners scroll, the buttons stay: on a 768-high desk the whole
        # editor is taller than the screen.
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self._phase_box())
        inner.addWidget(self._partner_box())
        scroll = QScrollArea()
        scroll.setObjectName("directoryScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        scroll.setMinimumWidth(content.minimumSizeHint().width())
        layout.addWidget(scroll, 1)
        self.problems = named(QLabel(wordWrap=True), "directoryProblems")
        self.problems.setAccessibleName("Problems")
        self.problems.hide()
        layout.addWidget(self.problems)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save")
        self.save_button.setToolTip("Save the directory (Ctrl+S)")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("&Cancel")
        cancel.setToolTip("Discard every change (Esc)")
        buttons.accepted.connect(self.on_save)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter in a field must not save or close the dialog
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.on_save)
        self._fill_table()
        self.table.setFocus()
        # Never past the screen (a 1366x768 desk): the partner table gives up height first.
        available = self.screen().availableGeometry().size()
        self.setMaximumSize(available)
        wanted = content.sizeHint() + (self.sizeHint() - scroll.sizeHint())
        self.resize(
            min(max(wanted.width(), 960), available.width()),  # room for the phases' notes
            min(wanted.height(), available.height()),
        )

    @classmethod
    def edit(
        cls,
        parent: QWidget | None,
        directory: Directory,
        data_dir: Path,
        agency_names: Mapping[str, str] | None = None,
        gate: "Gate | None" = None,
    ) -> Directory | None:
        """Show the editor; the directory as saved, or None if the handler cancelled."""
        dialog = cls(directory, data_dir, parent, agency_names, gate)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.saved if accepted else None
        finally:
            dialog.deleteLater()

    # Building -----------------------------------------------------------------------------

    def _phase_box(self) -> QGroupBox:
        box = QGroupBox("Phases live in this force")
        grid = QGridLayout(box)
        self.phase_live: dict[str, QCheckBox] = {}
        self.phase_note: dict[str, QLineEdit] = {}
        if not self.directory.rcrp_adopted:
            grid.addWidget(QLabel("RCRP is not adopted by this force: no phase can be live."))
        for row, phase in enumerate(self.directory.phases, start=1):
            # Alt+1 to Alt+4 toggle the phases: the mnemonic sits on the phase number.
            live = QCheckBox(phase.title.replace(f"Phase {row}", f"Phase &{row}", 1))
            live.setChecked(phase.live)
            live.setAccessibleName(f"{phase.title} live")
            live.setEnabled(self.directory.rcrp_adopted)
            note = QLineEdit(phase.note)
            note.setCursorPosition(0)  # show the start of a long note, not its end
            note.setAccessibleName(f"Note for {phase.title}")
            grid.addWidget(live, row, 0)
            grid.addWidget(note, row, 1)
            self.phase_live[phase.id], self.phase_note[phase.id] = live, note
        grid.setColumnStretch(1, 1)
        return box

    def _partner_box(self) -> QGroupBox:
        box = QGroupBox("Partners")
        self.table = row_table("partnerTable", COLUMNS, "Partners")  # Tab: to the form below
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)  # a few partners in view; the page scrolls for more
        self.table.currentCellChanged.connect(self._on_row_changed)
        QShortcut(
            QKeySequence.StandardKey.Delete,
            self.table,
            self.on_remove,
            Qt.ShortcutContext.WidgetShortcut,
        )
        table_label = QLabel("Pa&rtners (Delete removes the selected one):")
        table_label.setBuddy(self.table)

        self.add_button = QPushButton("&Add partner", autoDefault=False)
        self.add_button.clicked.connect(self.on_add)
        self.remove_button = QPushButton("Re&move partner", autoDefault=False)
        self.remove_button.clicked.connect(self.on_remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        self.key = QComboBox()
        for key in AGENCY_KEYS:
            self.key.addItem(self.names[key], key)
        self.agency = QLineEdit()
        self.team = QLineEdit()
        self.routes = QPlainTextEdit(tabChangesFocus=True)
        self.routes.setPlaceholderText("One per line, e.g. Duty desk: 01632 960000")
        self.hours = QLineEdit(placeholderText="e.g. 24/7, or Mon to Fri 09:00 to 17:00")
        self.notes = QPlainTextEdit(tabChangesFocus=True)
        self.form = QWidget()
        form = QFormLayout(self.form)
        for caption, field, accessible in (
            ("Agency t&ype:", self.key, "Agency type"),
            ("&Organisation:", self.agency, "Agency (organisation)"),
            ("&Team:", self.team, "Team"),
            ("&Phone routes:", self.routes, "Phone routes, one per line as label: number"),
            ("&Hours:", self.hours, "Hours"),
            ("&Notes:", self.notes, "Notes"),
        ):
            field.setAccessibleName(accessible)
            label = QLabel(caption)
            label.setBuddy(field)
            form.addRow(label, field)
        self.key.currentIndexChanged.connect(self._on_field_edited)
        for line in (self.agency, self.team, self.hours):
            line.textEdited.connect(self._on_field_edited)
        for editor in (self.routes, self.notes):
            editor.textChanged.connect(self._on_field_edited)

        layout = QVBoxLayout(box)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.form, 1)
        return box

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The button box makes Save the default button as it is shown; Enter must not save.
        self.save_button.setDefault(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves on (the table to its form, a field to the next) and presses a button.

        QDialog would press the default button instead, saving half-typed edits and closing.
        """
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        focus = self.focusWidget()
        if isinstance(focus, QPushButton):
            focus.click()
        elif focus is self.table and self.form.isEnabled():
            self.agency.setFocus()
        else:
            self.focusNextChild()
        event.accept()

    # Rows and fields --------------------------------------------------------------------

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.drafts))
        for row in range(len(self.drafts)):
            self._show_row(row)
        self.table.setCurrentCell(0 if self.drafts else -1, 0)
        self._on_row_changed(self.table.currentRow())

    def _show_row(self, row: int) -> None:
        draft = self.drafts[row]
        routes = "; ".join(line for line in draft.routes.splitlines() if line.strip())
        cells = (self.names.get(draft.key, draft.key), draft.agency, draft.team, routes)
        for column, text in enumerate((*cells, draft.hours)):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def _on_row_changed(self, row: int, *_: int) -> None:
        selected = 0 <= row < len(self.drafts)
        self.form.setEnabled(selected)
        self.remove_button.setEnabled(selected)
        draft = self.drafts[row] if selected else _Draft("", AGENCY_KEYS[0])
        self._loading = True
        self.key.setCurrentIndex(max(self.key.findData(draft.key), 0))
        self.agency.setText(draft.agency)
        self.team.setText(draft.team)
        self.routes.setPlainText(draft.routes)
        self.hours.setText(draft.hours)
        self.notes.setPlainText(draft.notes)
        self._loading = False

    def _on_field_edited(self, *_: object) -> None:
        row = self.table.currentRow()
        if self._loading or not 0 <= row < len(self.drafts):
            return
        draft = self.drafts[row]
        draft.key = self.key.currentData()
        draft.agency = self.agency.text()
        draft.team = self.team.text()
        draft.routes = self.routes.toPlainText()
        draft.hours = self.hours.text()
        draft.notes = self.notes.toPlainText()
        self._show_row(row)

    def on_add(self) -> None:
        row = self.table.currentRow()
        key = self.drafts[row].key if 0 <= row < len(self.drafts) else AGENCY_KEYS[0]
        taken = {draft.id for draft in self.drafts}
        number = 1
        while f"{key.replace('_', '-')}-{number}" in taken:
            number += 1
        self.drafts.append(_Draft(f"{key.replace('_', '-')}-{number}", key))
        self.table.insertRow(len(self.drafts) - 1)
        self._show_row(len(self.drafts) - 1)
        self.table.setCurrentCell(len(self.drafts) - 1, 0)
        self.agency.setFocus()

    def on_remove(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.drafts):
            return
        del self.drafts[row]
        self.table.removeRow(row)
        if self.drafts:
            self.table.setCurrentCell(min(row, len(self.drafts) - 1), 0)
        self._on_row_changed(self.table.currentRow())
        self.table.setFocus()

    # Saving -----------------------------------------------------------------------------

    def edited_directory(self) -> Directory:
        """The directory as it now stands on screen; ValueError names a bad routes line."""
        partners = []
        for row, draft in enumerate(self.drafts):
            try:
                routes = parse_routes(draft.routes)
            except ValueError as error:
                self.table.setCurrentCell(row, 0)
                where = f"Partner {row + 1} ({draft.team or 'no team'})"
                raise ValueError(f"{where}: phone routes {error}") from None
            partner = Partner(
                id=draft.id,
                key=draft.key,
                agency=draft.agency.strip(),
                team=draft.team.strip(),
                routes=routes,
                hours=draft.hours.strip(),
                notes=draft.notes.strip(),
            )
            partners.append(partner)
        phases = tuple(
            Phase(p.id, self.phase_live[p.id].isChecked(), self.phase_note[p.id].text().strip())
            for p in self.directory.phases
        )
        return dataclasses.replace(self.directory, phases=phases, partners=tuple(partners))

    def on_save(self) -> None:
        try:
            edited = self.edited_directory()
        except ValueError as error:
            self._show_problems([str(error)])
            self.routes.setFocus()
            return
        problems = validate(edited)
        if problems:
            self._show_problems(problems)
            return
        try:
            self.saved = save_directory(self.data_dir, edited, self.gate)
        except (StorageError, DirectoryError) as error:
            self._show_problems([str(error), "Your edits are still here: save again when you can."])
            return
        self.accept()

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setText("Not saved:\n" + "\n".join(problems))
        self.problems.show()
