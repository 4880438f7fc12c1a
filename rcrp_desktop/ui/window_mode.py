"""What the window is opened on (training, read-only and which file), said where it is seen.

The title, the TRAINING and READ-ONLY bars, the status lines and the start page's text. A
read-only window's writing controls are off (window_actions.py), but nothing relies on that:
the application layer refuses every command sent to records opened read-only
(calls/records.py).
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from rcrp_desktop import APP_TITLE
from rcrp_desktop.ui.qt_helpers import named

TRAINING_TEXT = (
    "TRAINING: these calls go to the training database only; they never appear among live records."
)
READ_ONLY_STATUS = "Read-only: nothing can be changed"  # the status bar's lasting right corner


def window_title(training: bool, read_only: Path | None) -> str:
    """The title: TRAINING, and READ-ONLY with the file, as they apply; the app's name alone
    otherwise. Qt adds " — " and the app's name to any other title (make_application sets it
    as the display name), so it is not written twice."""
    parts = ["TRAINING"] if training else []
    if read_only is not None:
        parts.append(f"READ-ONLY {read_only}")
    return " · ".join(parts) or APP_TITLE


def read_only_line(path: Path) -> str:
    """The line that stays at the top of a read-only window: what it is, which file, and what
    can be done in it."""
    return (
        f"READ-ONLY: {path} — nothing can be changed. Ctrl+F finds records and Enter opens "
        "one to read; Ctrl+E makes a read-only copy of its handover, recorded nowhere."
    )


def mode_banners(training: bool, read_only: Path | None) -> tuple[QLabel, QLabel]:
    """The training banner and the read-only banner, each shown only when it applies."""
    training_banner = named(QLabel(TRAINING_TEXT, wordWrap=True), "trainingBanner")
    training_banner.setVisible(training)
    read_only_banner = named(QLabel(wordWrap=True), "readOnlyBanner")
    read_only_banner.setTextFormat(Qt.TextFormat.PlainText)  # a path is shown as it is
    read_only_banner.setAccessibleName("Read-only")
    read_only_banner.setText(read_only_line(read_only) if read_only is not None else "")
    read_only_banner.setVisible(read_only is not None)
    return training_banner, read_only_banner


def start_text(read_only: bool, load_errors: list[str]) -> str:
    """The start page's text: how to begin a call, or, read-only, how to find and read one."""
    if read_only:
        text = (
            "This window only reads the records: press Ctrl+F to find a record, and Enter to "
            "open it. Alt+Left and Alt+Right step through its answers; F1 lists every shortcut."
        )
    else:
        text = (
            "Choose the force profile, then press Ctrl+N to start a call.\n\n"
            "You will be asked one question at a time. Number keys pick an answer, "
            "Enter moves on. F1 lists every shortcut. Every answer is saved as you give it."
        )
    if load_errors:
        text += "\n\nSome protocol packs could not be loaded:\n" + "\n".join(load_errors)
    return text


def say_read_only(label: QLabel) -> None:
    """The status bar's lasting right corner, in a read-only window: says so, in a colour of
    its own (not the green of "saved", nor the red of NOT SAVED)."""
    label.setText(READ_ONLY_STATUS)
    label.setProperty("readOnly", "yes")
    label.style().polish(label)  # the colour follows the property, once polished again


def records_line(path: Path, user: str, read_only: bool) -> str:
    """The status bar's line once the records are open."""
    if read_only:
        return f"Read-only: {path} — nothing can be changed"
    return f"Records: {path} · handler {user}"


def opened_line(record_id: int, read_only: bool) -> str:
    """The status bar's right corner when a record is opened."""
    return f"Record {record_id}: read-only" if read_only else f"Record {record_id}: saved"
