"""Section progress down the side: done, current and still to come."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from rcrp_desktop.domain.protocol import Pack


class ProgressPanel(QListWidget):
    """Lists the pack's sections and marks where the call is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressPanel")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Section progress")
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_progress(self, pack: Pack, visited: list[str], current: str | None) -> None:
        """visited: section ids of the path so far; current: the section on screen."""
        self.clear()
        for section in pack.sections:
            if section.id == current:
                mark, state = "▶", "current"
            elif section.id in visited:
                mark, state = "✓", "done"
            else:
                mark, state = "·", "todo"
            item = QListWidgetItem(f"{mark}  {section.title}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{section.title}: {state}")
            if state == "current":
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.addItem(item)
