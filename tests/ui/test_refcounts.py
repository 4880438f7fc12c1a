"""The Qt binding keeps Python's references: whole calls must not drain None, True or False."""

import sys

from pytestqt.qtbot import QtBot

from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.qt_check import references_lost
from tests.ui.test_main_window import start_call, walk_window_to


def test_the_pinned_binding_passes_the_start_up_check(qtbot: QtBot) -> None:
    assert references_lost() is None


def test_whole_calls_leave_reference_counts_whole(qtbot: QtBot, window: MainWindow) -> None:
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for _ in range(3):
        start_call(qtbot, window, "rcrp-england")
        walk_window_to(qtbot, window, "sg_referral")
    after = [sys.getrefcount(x) for x in (None, True, False)]
    # Live references come and go; thousands of Qt calls must not drain any of them.
    for was, now in zip(before, after, strict=True):
        assert now > was - 200, (before, after)
