"""Whole calls in the window leave Python's reference counts whole (PySide6 emit workaround)."""

import sys

from pytestqt.qtbot import QtBot

from rcrp_desktop.ui import signals
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.test_main_window import start_call, walk_window_to


def test_emitting_a_signal_costs_no_reference(qtbot: QtBot) -> None:
    probe = signals._Probe()
    before = sys.getrefcount(True)
    for _ in range(500):
        signals.emit(probe.fired)
    assert sys.getrefcount(True) >= before


def test_a_whole_call_costs_true_no_reference(qtbot: QtBot, window: MainWindow) -> None:
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(3):
        start_call(qtbot, window, "rcrp-england")
        walk_window_to(qtbot, window, "sg_referral")
    after = sys.getrefcount(True), sys.getrefcount(False)
    # Live references come and go, but hundreds of emits must not drain either object.
    assert after[0] > before[0] - 50
    assert after[1] > before[1] - 50
