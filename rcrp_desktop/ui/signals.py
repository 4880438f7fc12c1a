"""Emitting Qt signals from Python without corrupting the interpreter.

WORKAROUND: with PySide6 6.12.0 on Python 3.11, every SignalInstance.emit() called from
Python returns True without taking a reference to it, so each emit costs True one reference.
Python 3.11's True is not immortal: after enough emits in a long shift the interpreter aborts
("bool_dealloc: deallocating True or False"). Every emit in the app goes through `emit`,
which measures the loss once at import and gives the reference back only if it is lost, so a
fixed PySide6 (or Python 3.12+, where True is immortal) simply turns the compensation off.
tests/ui/test_signals.py walks whole calls and checks that True loses nothing.
"""

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    fired = Signal()


def _references_lost_per_emit() -> int:
    probe = _Probe()
    rounds = 64
    before = sys.getrefcount(True)
    for _ in range(rounds):
        probe.fired.emit()
    lost = (before - sys.getrefcount(True)) // rounds
    _give_back(lost * rounds)
    return max(lost, 0)


def _give_back(count: int) -> None:
    for _ in range(max(count, 0)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))


LOST_PER_EMIT = _references_lost_per_emit()


def emit(signal: SignalInstance, *args: Any) -> None:
    """signal.emit(*args), keeping Python's reference counts whole."""
    signal.emit(*args)
    if LOST_PER_EMIT:
        _give_back(LOST_PER_EMIT)
