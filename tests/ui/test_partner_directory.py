"""The partner directory editor and picker, driven the way a supervisor would: by keyboard."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.partners import Directory, Partner, Route
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage import directory_file
from rcrp_desktop.storage.directory_file import (
    DirectoryFileError,
    load_local,
    load_seed,
    local_path,
)
from rcrp_desktop.ui.dialogs import partners as dialogs_partners
from rcrp_desktop.ui.dialogs.partners import PartnerDirectoryDialog

SEEDS = forms_dir() / "partners"
NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def england() -> Directory:
    return load_seed(SEEDS, "england")


def open_dialog(qtbot: QtBot, directory: Directory, data_dir: Path) -> PartnerDirectoryDialog:
    dialog = PartnerDirectoryDialog(directory, data_dir)
    qtbot.add_widget(dialog)
    with qtbot.wait_active(dialog):  # shortcuts and mnemonics only reach an active window
        dialog.show()
        dialog.activateWindow()
    return dialog


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = NO) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def type_over(qtbot: QtBot, text: str) -> None:
    """Replace the focused field's text by keyboard: select all, then type."""
    press(qtbot, Qt.Key.Key_A, CTRL)
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, text)


def test_edit_a_field_and_save(qtbot: QtBot, data_dir: Path, england: Directory) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    dialog.table.setCurrentCell(3, 0)  # the ambulance service
    dialog.team.setFocus()
    type_over(qtbot, "Police liaison desk, north")

    dialog.save_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None
    assert "Police liaison desk, north" in local_path(data_dir, "england").read_text("utf-8")
    again = load_local(data_dir, "england", SEEDS)
    assert again == dialog.saved
    assert again.partner("ambulance").team == "Police liaison desk, north"
    assert again.partners[:3] == england.partners[:3]


def test_cancel_changes_nothing(qtbot: QtBot, data_dir: Path, england: Directory) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    dialog.team.setFocus()
    type_over(qtbot, "Typed but never saved")
    press(qtbot, Qt.Key.Key_Delete)  # (in a field Delete edits text, it removes no partner)

    press(qtbot, Qt.Key.Key_Escape)

    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.saved is None
    assert not local_path(data_dir, "england").exists()
    assert load_local(data_dir, "england", SEEDS) == england


def test_keyboard_only_add_edit_remove_toggle_and_save(
    qtbot: QtBot, data_dir: Path, england: Directory
) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    assert QApplication.focusWidget() is dialog.table

    # Down to the second crisis team, Enter into its form, Tab to the team, retype it.
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.agency
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.team
    type_over(qtbot, "Sampleton Crisis Team")
    press(qtbot, Qt.Key.Key_Return)  # Enter moves on; it never saves half an edit
    assert dialog.isVisible()
    assert QApplication.focusWidget() is dialog.routes

    # Alt+A adds a partner (a mnemonic "animates" its click, so wait); fill it in.
    press(qtbot, Qt.Key.Key_A, ALT)
    qtbot.wait_until(lambda: QApplication.focusWidget() is dialog.agency)
    qtbot.keyClicks(dialog.agency, "Testshire Recovery College")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.team, "Evening crisis cafe")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.routes, "Cafe desk: 01632 960777")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(dialog.routes, "Manager: 0113 496 0777")
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.hours
    qtbot.keyClicks(dialog.hours, "Daily 18:00 to 23:00")

    # Alt+R jumps to the table; Delete removes the last entry before the new one.
    press(qtbot, Qt.Key.Key_R, ALT)
    assert QApplication.focusWidget() is dialog.table
    press(qtbot, Qt.Key.Key_Up)
    removed = england.partners[-1]
    assert dialog.drafts[dialog.table.currentRow()].id == removed.id
    press(qtbot, Qt.Key.Key_Delete)

    # Alt+4 toggles phase 4 live.
    press(qtbot, Qt.Key.Key_4, ALT)
    qtbot.wait_until(dialog.phase_live["s136_handover"].isChecked)

    press(qtbot, Qt.Key.Key_S, CTRL)

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = load_local(data_dir, "england", SEEDS)
    assert saved.partner("crisis-south").team == "Sampleton Crisis Team"
    added = saved.partners[-1]
    assert added == Partner(
        id="crisis-team-1",
        key="crisis_team",
        agency="Testshire Recovery College",
        team="Evening crisis cafe",
        routes=(Route("Cafe desk", "01632 960777"), Route("Manager", "0113 496 0777")),
        hours="Daily 18:00 to 23:00",
    )
    assert removed.id not in {p.id for p in saved.partners}
    assert saved.is_live("s136_handover")
    assert len(saved.partners) == len(england.partners)


def test_agency_type_is_chosen_from_the_pack_keys(
    qtbot: QtBot, data_dir: Path, england: Directory
) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    dialog.key.setFocus()
    dialog.key.setCurrentIndex(dialog.key.findData("amhp"))

    press(qtbot, Qt.Key.Key_S, CTRL)

    saved = load_local(data_dir, "england", SEEDS)
    assert saved.partners[0].key == "amhp"
    assert dialog.table.item(0, 0).text() == "AMHP service"


def test_a_bad_route_line_is_shown_and_nothing_is_saved(
    qtbot: QtBot, data_dir: Path, england: Directory
) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    dialog.table.setCurrentCell(2, 0)
    dialog.routes.setFocus()
    press(qtbot, Qt.Key.Key_End, CTRL)
    press(qtbot, Qt.Key.Key_Return)  # in the routes box Enter starts a new line
    qtbot.keyClicks(dialog.routes, "no number here")
    dialog.table.setCurrentCell(0, 0)

    press(qtbot, Qt.Key.Key_S, CTRL)

    assert dialog.isVisible()
    assert dialog.problems.isVisible()
    assert "Partner 3" in dialog.problems.text()
    assert "line 3: write it as 'label: number'" in dialog.problems.text()
    assert dialog.table.currentRow() == 2, "the faulty partner is selected"
    assert QApplication.focusWidget() is dialog.routes
    assert not local_path(data_dir, "england").exists()


def test_a_blank_team_is_refused(qtbot: QtBot, data_dir: Path, england: Directory) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    dialog.team.setFocus()
    type_over(qtbot, "")
    press(qtbot, Qt.Key.Key_Backspace)

    press(qtbot, Qt.Key.Key_S, CTRL)

    assert dialog.isVisible()
    assert "partner 1 'crisis-north': 'team' is blank" in dialog.problems.text()
    assert not local_path(data_dir, "england").exists()


def test_a_failed_save_keeps_the_edits_on_screen(
    qtbot: QtBot, data_dir: Path, england: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(data_dir: Path, directory: Directory, gate: object = None) -> Directory:
        raise DirectoryFileError("The partner directory could not be saved (the disk is full).")

    monkeypatch.setattr(dialogs_partners, "save_directory", full)
    dialog = open_dialog(qtbot, england, data_dir)
    dialog.hours.setFocus()
    type_over(qtbot, "Weekdays")

    press(qtbot, Qt.Key.Key_S, CTRL)

    assert dialog.isVisible()
    assert "the disk is full" in dialog.problems.text()
    assert dialog.hours.text() == "Weekdays"


def test_btp_phases_cannot_go_live(qtbot: QtBot, data_dir: Path) -> None:
    dialog = open_dialog(qtbot, load_seed(SEEDS, "btp"), data_dir)

    assert all(not box.isEnabled() for box in dialog.phase_live.values())
    press(qtbot, Qt.Key.Key_1, ALT)
    qtbot.wait(300)  # longer than a mnemonic's animated click
    assert not dialog.phase_live["concern_for_welfare"].isChecked()


def test_every_control_has_an_accessible_name(
    qtbot: QtBot, data_dir: Path, england: Directory
) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QCheckBox, QTableWidget)
    controls = [w for w in dialog.findChildren(QWidget) if isinstance(w, kinds)]

    assert len(controls) > 10
    for control in controls:
        assert control.accessibleName(), control
    for button in dialog.findChildren(QPushButton):
        assert "&" in button.text(), f"{button.text()} has no Alt shortcut"


def test_removing_every_partner_disables_the_form(
    qtbot: QtBot, data_dir: Path, england: Directory
) -> None:
    dialog = open_dialog(qtbot, england, data_dir)
    for _ in england.partners:
        dialog.table.setFocus()
        press(qtbot, Qt.Key.Key_Delete)

    assert dialog.table.rowCount() == 0
    assert not dialog.form.isEnabled()
    assert not dialog.remove_button.isEnabled()


@pytest.mark.parametrize("save", [True, False], ids=["saved", "cancelled"])
def test_edit_seam_returns_the_saved_directory_or_none(
    qtbot: QtBot, data_dir: Path, england: Directory, save: bool
) -> None:
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PartnerDirectoryDialog)
        dialog.on_save() if save else dialog.reject()

    QTimer.singleShot(0, answer)
    result = PartnerDirectoryDialog.edit(None, england, data_dir)

    if save:
        assert result is not None and result.edited
        assert result == directory_file.load_local(data_dir, "england", SEEDS)
    else:
        assert result is None
        assert not local_path(data_dir, "england").exists()
