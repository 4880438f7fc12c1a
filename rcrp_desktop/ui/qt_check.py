"""Refuse to run on a Qt binding that loses Python references (it would crash mid-shift).

PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call that returns nothing,
and one to True on every signal emit from Python. Python 3.11's None and True are not
immortal, so after a few thousand calls (about twelve calls handled) the interpreter aborts
with "none_dealloc" or "bool_dealloc". The project pins a PySide6 that does not; this check
stops a wrong install from taking calls, with a message saying what to do.
"""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

ROUNDS = 64


class _Probe(QObject):
    fired = Signal()


def references_lost() -> str | None:
    """What the binding loses, in words, or None when it keeps every reference.

    Needs a QApplication (it makes a widget).
    """
    if sys.version_info >= (3, 12):
        return None  # None and True are immortal: nothing can run out
    label, probe = QLabel(), _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(ROUNDS):
        label.setText("probe")
        probe.fired.emit()
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    label.deleteLater()
    if lost_none < ROUNDS // 2 and lost_true < ROUNDS // 2:
        return None
    return (
        f"this PySide6 build loses Python references ({lost_none} to None and {lost_true} "
        f"to True in {ROUNDS} calls) and would crash during a shift. Install the pinned "
        "version: ./run setup"
    )
