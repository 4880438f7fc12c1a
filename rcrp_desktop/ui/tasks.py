"""Slow work off the GUI thread: run a function in a thread pool, get its result on the GUI thread.

The function runs in a pool thread and must not touch widgets or a connection opened on the GUI
thread (SQLite connections belong to the thread that opened them): it opens what it needs, for
instance its own read-only `Store` on the same file, and closes it. Its result, or the
exception it raised, comes back through a queued signal to `on_done` or `on_error`, called on
the GUI thread. With a `context` QObject, nothing is delivered once the context is gone.
(Picard's `util/thread.py: run_task`; Anki's `CollectionOp`.)
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")

# Deliveries whose task has not reported yet. Qt does not own them and the pool thread only
# borrows them, so this keeps each alive until its result has been delivered.
_in_flight: set["_Delivery"] = set()


class _Delivery(QObject):
    """Made on the GUI thread, so a pool thread's emit reaches these slots there (queued).

    Signals:
        succeeded(object): the task returned this value.
        failed(object): the task raised this exception.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        context: QObject | None,
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self._context = context
        self.succeeded.connect(self.on_succeeded)
        self.failed.connect(self.on_failed)

    @Slot(object)
    def on_succeeded(self, result: Any) -> None:
        _in_flight.discard(self)
        if self._wanted():
            self._on_done(result)

    @Slot(object)
    def on_failed(self, error: Exception) -> None:
        _in_flight.discard(self)
        if self._wanted():
            self._on_error(error)

    def _wanted(self) -> bool:
        return self._context is None or shiboken6.isValid(self._context)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], delivery: _Delivery) -> None:
        super().__init__()
        self._fn = fn
        self._delivery = delivery

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as error:  # every failure goes back to the GUI thread to be shown
            log.debug("background task failed", exc_info=True)
            self._delivery.failed.emit(error)
        else:
            self._delivery.succeeded.emit(result)


def run_task(
    fn: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[Exception], None],
    *,
    context: QObject | None = None,
    pool: QThreadPool | None = None,
) -> None:
    """Run `fn()` in `pool` (the global pool by default); call back on the GUI thread.

    Call this from the GUI thread. `on_done(result)` or `on_error(exception)` is called later,
    from the event loop, never from inside this call.
    """
    delivery = _Delivery(on_done, on_error, context)
    _in_flight.add(delivery)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, delivery))
