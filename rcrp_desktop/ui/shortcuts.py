"""Every keyboard shortcut, listed on F1."""

from PySide6.QtWidgets import QMessageBox, QWidget

SHORTCUTS = [
    ("Ctrl+N", "Start a new call"),
    ("Ctrl+F", "Find calls: search by incident, date, category, outcome; Enter opens one"),
    ("1 to 9", "Pick an answer (on a checklist: tick or untick)"),
    ("Alt+1 to Alt+9", "Pick an answer even while typing a rationale"),
    ("Enter", "Save this answer and move on"),
    ("Shift+Enter", "New line in the rationale"),
    ("Alt+Left / Alt+B", "Back to the previous question (to review or change it)"),
    ("Alt+Right", "Forward again without changing anything"),
    ("Tab / Shift+Tab", "Move between answers, rationale and buttons"),
    ("Ctrl+Enter", "Accept the recommendation"),
    ("Ctrl+Shift+Enter", "Disagree with it (asks your decision and why)"),
    ("Ctrl+D", "Record a deployment (at any time, urgent calls first)"),
    ("Ctrl+H / Ctrl+T / Ctrl+R", "Record the handover / what the caller / referrer was told"),
    ("Ctrl+U", "Record the supervisor's review"),
    ("Ctrl+L", "Copy the log summary for the incident log"),
    ("Ctrl+E", "Export the handover for a partner: PDF (saved and opened) or plain text"),
    ("Ctrl+Shift+C", "Close the call (only when everything needed is recorded)"),
    ("Ctrl+S", "Retry saving what could not be saved"),
    ("Ctrl+Shift+R", "Re-assess a call whose partner has not confirmed (a linked record)"),
    ("Ctrl+Shift+P", "Record that the partner confirmed"),
    ("Ctrl+Shift+D", "Edit the force's partner directory"),
    ("Ctrl+Shift+I", "Change the handler at this desk (shift change)"),
    ("Ctrl+Shift+N", "Training: start a scenario (choose it and the trainee; --training only)"),
    ("Ctrl+Shift+T", "Training: let time pass, to the next timed event (else the minutes set)"),
    ("Ctrl+Shift+M", "Training: set how many minutes pass"),
    ("Ctrl+Shift+B", "Training: end the run and show its debrief (Ctrl+S there saves the PDF)"),
    ("Ctrl+Shift+L", "Training: trainees' runs (Enter: debrief; Ctrl+E: export CSV)"),
    ("F1", "This list"),
]


def show_shortcuts(parent: QWidget) -> None:
    rows = "".join(f"<tr><td><b>{keys}</b></td><td>{what}</td></tr>" for keys, what in SHORTCUTS)
    QMessageBox.information(parent, "Keyboard shortcuts", f"<table>{rows}</table>")
