"""The window's speed, each figure against the bare stack's floor in the same run.

    python bench/bench_window.py [--rounds R] [--calls C] [--only start|answer]

Two measures, each interleaved with its floor (the machines are noisy: only a ratio taken side
by side means anything, FLOOR.md):

- app start: a fresh process per start, timed from just before the parent spawns it to the end
  of the main window's first paint (the child prints `time.time()` then). Ours runs `app.run`'s
  own steps: `make_application`, the data folder's lock, `app.show_window` (the default pack
  read, the saved handler read, `MainWindow` shown), `app.exec()`. Every pack is checked after
  the paint, before the records open: that is in the time to the records open. The window takes
  keys from its first paint; the records open on the next turn of the event loop (a key pressed
  meanwhile waits in the queue), and the time to that is reported too (the database made by a
  warm-up start, so each timed start opens an existing one, as at the start of a shift). Floor:
  FLOOR.md's bare window, `import PySide6.QtWidgets`, `QApplication`, `QMainWindow().show()`. R
  rounds, taking turns at going first; target: median within 2x of the floor's. Also reported:
  the same start with `rcrp_desktop.cli` imported first, as the installed command.
- answer to next question shown: a `MainWindow` on a store in a temporary data folder walks the
  welfare script C times (21 answers a call in the 2.0.0 pack: 20 show a next question, the
  last shows the recommendation and is reported apart). Timed from the Enter key press on the
  focused widget (`QTest.keyClick`: the commit and the re-render run inside it) until the posted
  events (layout, deferred deletes) and the paint have been processed, checked by a paint of the
  next question's text. Floor: a bare durable commit (sqlite-utils, WAL + synchronous=FULL, one-row
  insert in `atomic()`, in the same folder) plus a bare widget update (`QLabel.setText` +
  `repaint()` on a shown `QMainWindow`, then the events that posted), alternating answer by
  answer. p50 and p99; target:
  our p99 within one 60 Hz frame (16.7 ms); ratios reported.

Prints a table and exits 1 if a target is missed.
"""

# ruff: noqa: E402
# The start-up children run this file too, and everything it imports at the top would be timed
# in both of them: they stop at the guard below, before the imports only the parent needs.
import sys
import time


def child(kind: str, data_dir: str) -> int:
    """One start, in a fresh process: print `time.time()` when the first paint has finished,
    then (ours only) again when the records are open and a call can be started.

    "Finished" is when control is back in the event loop after the main window's first paint
    event (a zero-timeout timer started by that event), so the children painted too.
    """
    closers = []
    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([sys.argv[0]])
        window = QMainWindow()
        window.show()
    else:
        if kind == "cli":
            import rcrp_desktop.cli  # noqa: F401  (the installed command's first import)
        from pathlib import Path

        from rcrp_desktop.app import make_application, show_window
        from rcrp_desktop.paths import forms_dir
        from rcrp_desktop.storage.lock import InstanceLock

        # app.run's steps, in its order (sys.excepthook left alone). The handler was saved in
        # the data folder before the first start, so it is read, not asked for.
        folder = Path(data_dir)
        app = make_application()
        lock = InstanceLock(folder).acquire()
        opener = show_window(forms_dir(), "rcrp-england", folder, training=False)
        assert opener is not None, "no handler saved in the data folder"
        window = opener.window

        def ready() -> None:
            print(repr(time.time()), flush=True)
            app.quit()

        opener.opened.connect(ready)
        closers += [lambda: opener.store and opener.store.close(), lock.release]

    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        painted = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if not self.painted and event.type() == QEvent.Type.Paint:
                self.painted = True
                QTimer.singleShot(0, self.report)
            return False

        def report(self) -> None:
            print(repr(time.time()), flush=True)
            if kind == "bare":
                app.quit()

    probe = FirstPaint()
    window.installEventFilter(probe)
    code = app.exec()
    for close in closers:
        close()
    return code


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    sys.exit(child(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""))


# -- the parent ---------------------------------------------------------------------------------

import argparse
import ctypes
import gc
import math
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rcrp_desktop.storage.identity import Handler, save_handler

from bench_storage import bare_commit, bare_durable_db

HERE = Path(__file__).resolve()
SCRIPT = "welfare-crisis-team.json"
START_TARGET = 2.0  # ratio of medians, ours to the bare window
FRAME_MS = 1000 / 60  # one 60 Hz frame: the answer p99 target
KINDS = ("bare", "app", "cli")
HANDLER = Handler("B1234", "Bench Handler", "call handler")
# Two question-length texts for the floor's label, so every update changes what is shown.
FLOOR_TEXTS = (
    "Is there a real and immediate risk to life or of serious harm to the person or others?",
    "Has the person been assessed by a mental health professional in the last 24 hours?",
)


@dataclass(frozen=True)
class Row:
    """One line of the result table."""

    measure: str
    ours_ms: float
    floor_ms: float
    target: str = "(report)"
    passed: bool | None = None  # None: reported, not held to a target

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.floor_ms


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (as bench_storage's p99)."""
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


# -- app start ----------------------------------------------------------------------------------


def start_env(pycache: Path) -> dict[str, str]:
    """The children's environment: offscreen, and byte-code cached as an installed app has it.

    With PYTHONDONTWRITEBYTECODE (set on these machines) every start would compile the app's
    sources again (40-50 ms); site-packages came with their .pyc. A cache folder of the run's
    own, filled by the warm-up starts, gives both sides byte-code without touching the checkout.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def start_once(kind: str, data_dir: Path, env: dict[str, str]) -> tuple[float, float]:
    """Spawn one start: ms from just before the spawn to the end of the first paint, and to
    the records being open (the same as the paint for the bare window)."""
    command = [sys.executable, str(HERE), "--child", kind, str(data_dir)]
    spawned = time.time()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    times = done.stdout.split()
    if done.returncode != 0 or not times:
        raise RuntimeError(f"{kind} start failed ({done.returncode}):\n{done.stderr}")
    painted, ready = float(times[0]), float(times[-1])
    return (painted - spawned) * 1000, (ready - spawned) * 1000


@dataclass
class Starts:
    """Per kind, ms from spawn to the end of the main window's first paint, round by round."""

    done: dict[str, list[float]]
    ready: list[float] = field(default_factory=list)  # ours: to the records open

    def rows(self) -> list[Row]:
        bare = statistics.median(self.done["bare"])
        app = statistics.median(self.done["app"])
        rows = [
            Row(
                f"app start to first paint, median of {len(self.done['app'])}",
                app,
                bare,
                f"<= {START_TARGET:g}x",
                app / bare <= START_TARGET,
            )
        ]
        if self.ready:
            rows.append(
                Row(
                    "app start to records open (a call can start)",
                    statistics.median(self.ready),
                    bare,
                )
            )
        if self.done.get("cli"):
            cli = statistics.median(self.done["cli"])
            rows.append(Row("start through rcrp_desktop.cli, median", cli, bare))
        return rows

    def summary(self) -> str:
        ratios = [a / b for a, b in zip(self.done["app"], self.done["bare"], strict=True)]
        spread = ", ".join(
            f"{kind} {min(times):.0f}-{max(times):.0f} ms" for kind, times in self.done.items()
        )
        return (
            f"starts: per-round ratio app/bare median {statistics.median(ratios):.2f}x "
            f"(range {min(ratios):.2f}-{max(ratios):.2f}x); {spread}"
        )


def measure_start(
    folder: Path, rounds: int, kinds: tuple[str, ...] = KINDS, warmup: int = 2
) -> Starts:
    """`rounds` starts of each kind, the order rotating round by round; warm-ups not kept."""
    data_dir = folder / "data"
    save_handler(data_dir, HANDLER)
    env = start_env(folder / "pycache")
    starts = Starts({kind: [] for kind in kinds})
    for number in range(warmup + rounds):
        turn = number % len(kinds)
        for kind in kinds[turn:] + kinds[:turn]:
            painted, ready = start_once(kind, data_dir, env)
            if number >= warmup:
                starts.done[kind].append(painted)
                if kind == "app":
                    starts.ready.append(ready)
    return starts


# -- answer to next question shown --------------------------------------------------------------


@dataclass
class Answers:
    """Milliseconds per answer, ours and the floor's, taken alternately; ours split in parts.

    `ours` holds the answers followed by a next question (31 of the welfare script's 32); the
    last answer of each call shows the recommendation instead and is kept apart in `last`.
    """

    ours: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    commit: list[float] = field(default_factory=list)  # key press -> `committed` emitted
    render: list[float] = field(default_factory=list)  # -> key press handled (re-rendered)
    paint: list[float] = field(default_factory=list)  # -> posted events and paint processed
    last: list[float] = field(default_factory=list)  # the final answer: recommendation shown
    none_given_back: int = 0  # references to None given back by RefGuard

    def rows(self) -> list[Row]:
        p99 = percentile(self.ours, 0.99)
        floor_p50 = percentile(self.floor, 0.5)
        return [
            Row("answer to next question shown, p50", percentile(self.ours, 0.5), floor_p50),
            Row(
                "answer to next question shown, p99",
                p99,
                percentile(self.floor, 0.99),
                f"<= {FRAME_MS:.1f} ms",
                p99 <= FRAME_MS,
            ),
            Row(
                f"last answer to recommendation shown, p50 ({len(self.last)} calls)",
                percentile(self.last, 0.5),
                floor_p50,
            ),
        ]

    def parts(self) -> str:
        def line(name: str, values: list[float]) -> str:
            return (
                f"  {name:<44} p50 {percentile(values, 0.5):6.2f} ms"
                f"  p99 {percentile(values, 0.99):6.2f} ms  max {max(values):6.2f} ms"
            )

        return "\n".join(
            [
                f"ours: {len(self.ours)} answers to a next question, in parts:",
                line("key press to committed (engine + commit)", self.commit),
                line("committed to key handled (re-render)", self.render),
                line("then posted events + paint", self.paint),
                line("last answer of a call (recommendation)", self.last),
                f"None's reference count topped back up to its start by {self.none_given_back:,}"
                " (RefGuard)",
            ]
        )


class RefGuard:
    """Gives back the references PySide6 6.12 loses on Python 3.11, so this process survives.

    Every call of a Qt method returning void (`setText`, `show`, `processEvents`, ...) returns
    None without taking a reference to it, and Python 3.11's None is not immortal: a window
    walking welfare calls loses about 960 a call and the interpreter aborts ("none_dealloc")
    during the 13th. The app has the same fault (it compensates only for `emit` and True);
    here the counts are topped back up between answers, outside the timed region.
    """

    def __init__(self) -> None:
        self.baseline = {id(obj): (obj, sys.getrefcount(obj)) for obj in (None, True, False)}
        self.given_back = 0  # references to None, once below the count at start

    def top_up(self) -> None:
        for obj, baseline in self.baseline.values():
            missing = baseline - sys.getrefcount(obj)
            for _ in range(missing):
                ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
            if obj is None and missing > 0:
                self.given_back += missing


def measure_answers(folder: Path, calls: int, warmup: int = 1) -> Answers:
    """The welfare script through the window by keyboard, alternating with the floor."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, Qt, qInstallMessageHandler
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLabel, QMainWindow

    from rcrp_desktop.app import load_packs, make_application, open_records
    from rcrp_desktop.domain.call.script import load_script
    from rcrp_desktop.domain.pack.protocol import InputKind
    from rcrp_desktop.paths import examples_dir, forms_dir
    from rcrp_desktop.ui.dialogs import IncidentDialog
    from rcrp_desktop.ui.main_window import MainWindow

    class Paints(QObject):
        """Counts paint events of the widgets it watches."""

        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    def quiet(mode: object, context: object, message: str) -> None:
        # The offscreen platform says this on every layout change; a real one does not.
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    refs = RefGuard()
    script = load_script(examples_dir() / SCRIPT)
    app = make_application()
    previous = qInstallMessageHandler(quiet)
    data_dir = folder / "data"
    lock, store = open_records(data_dir, training=False)
    bare = bare_durable_db(data_dir / "floor.sqlite3")
    clock = time.perf_counter_ns
    result = Answers()
    asked = IncidentDialog.__dict__["ask"]
    try:
        packs, errors = load_packs(forms_dir())
        # The floor's window first, shown without taking activation from ours.
        floor_window = QMainWindow()
        floor_window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        label = QLabel(FLOOR_TEXTS[1], wordWrap=True)
        floor_window.setCentralWidget(label)
        floor_window.resize(800, 200)
        floor_window.show()
        window = MainWindow(
            packs,
            store,
            HANDLER.stamp(),
            default_pack=script.pack,
            load_errors=errors,
            data_dir=data_dir,
        )
        window.show()
        window.activateWindow()
        for _ in range(200):
            if window.isActiveWindow():
                break
            app.processEvents()
            time.sleep(0.005)
        assert window.isActiveWindow(), "the main window never became active"
        view = window.question_view
        paints = Paints()
        view.text_label.installEventFilter(paints)
        window.call_page.result_view.title.installEventFilter(paints)
        committed: list[int] = []
        floor_round = 0

        def floor() -> float:
            nonlocal floor_round
            floor_round += 1
            started = clock()
            bare_commit(bare)
            label.setText(FLOOR_TEXTS[floor_round % 2])
            label.repaint()
            # What the update posted (its window's layout pass) is the floor's own: left in
            # the queue, it was run, and timed, inside our next answer.
            app.processEvents()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            return (clock() - started) / 1e6

        for call in range(warmup + calls):
            reference = f"BENCH-{call:05d}"
            IncidentDialog.ask = classmethod(lambda cls, parent, ref=reference: ref)
            window.new_call()
            assert window.session is not None, "no call started"
            window.session.committed.connect(lambda seq: committed.append(clock()))
            for number, step in enumerate(script.steps):
                assert not step.reason, "the welfare script answers straight through"
                question = view.question
                assert question is not None, f"no question on screen, {step.node} expected"
                assert question.id == step.node, f"{question.id} on screen, {step.node} expected"
                # The answer entered (not timed): typed text, or number keys and a rationale.
                if question.input is InputKind.TEXT:
                    view.text_input.setText(step.answer)
                else:
                    values = step.answer if isinstance(step.answer, list) else [step.answer]
                    for value in values:
                        digit = getattr(Qt.Key, f"Key_{question.values.index(value) + 1}")
                        QTest.keyClick(window.focusWidget(), digit)
                    if step.rationale:
                        view.rationale.setFocus()
                        view.rationale.setPlainText(step.rationale)
                app.processEvents()
                refs.top_up()
                target = window.focusWidget()
                for is_ours in (True, False) if number % 2 else (False, True):
                    if not is_ours:
                        took = floor()
                        if call >= warmup:
                            result.floor.append(took)
                        continue
                    committed.clear()
                    paints.count = 0
                    started = clock()
                    QTest.keyClick(target, Qt.Key.Key_Return)
                    handled = clock()
                    app.processEvents()
                    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                    ended = clock()
                    took = (ended - started) / 1e6
                    assert len(committed) == 1, f"{step.node}: {len(committed)} commits"
                    assert paints.count, f"{step.node}: the next screen was not painted"
                    if call < warmup:
                        continue
                    if number == len(script.steps) - 1:
                        result.last.append(took)
                        continue
                    result.commit.append((committed[0] - started) / 1e6)
                    result.render.append((handled - committed[0]) / 1e6)
                    result.paint.append((ended - handled) / 1e6)
                    result.ours.append(took)
                refs.top_up()
            assert window.call_stack.currentIndex() == 1, "the call did not reach its outcome"
        window.close()
        floor_window.close()
        result.none_given_back = refs.given_back
    finally:
        IncidentDialog.ask = asked
        qInstallMessageHandler(previous)
        store.close()
        lock.release()
        bare.close()
        refs.top_up()
    return result


# -- running it all -----------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    lines = [
        "| measure | ours | floor | ratio | target | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        verdict = "-" if row.passed is None else ("PASS" if row.passed else "FAIL")
        lines.append(
            f"| {row.measure} | {row.ours_ms:.2f} ms | {row.floor_ms:.2f} ms "
            f"| {row.ratio:.2f}x | {row.target} | {verdict} |"
        )
    return "\n".join(lines)


@dataclass
class Results:
    rows: list[Row]
    starts: Starts | None
    answers: Answers | None

    def report(self) -> str:
        lines = [table(self.rows)]
        if self.starts is not None:
            lines.append(self.starts.summary())
        if self.answers is not None:
            lines.append(self.answers.parts())
        return "\n".join(lines)


def run(
    *,
    rounds: int,
    calls: int,
    only: str | None = None,
    kinds: tuple[str, ...] = KINDS,
    scratch: Path | None = None,
) -> Results:
    """Both measures (or `only` one); `scratch` holds the temporary data folders."""
    rows: list[Row] = []
    starts = answers = None
    gc.collect()
    if only in (None, "start"):
        with tempfile.TemporaryDirectory(dir=scratch, prefix="start-") as folder:
            starts = measure_start(Path(folder), rounds, kinds)
        rows += starts.rows()
    if only in (None, "answer"):
        # Whatever ran before (in CI: the crash soak and the 200,000-event storage benchmark)
        # can leave the disk writing back for a while; every commit timed here, ours and the
        # floor's, would queue behind it. Flush first, so the figures are this run's own.
        os.sync()
        # Run among other tests (the long suite), this process may hold the storage benchmark's
        # hundreds of thousands of objects: every full collection during a timed answer, ours
        # or the floor's, would walk them. Freeze what is already here, so the collector sees
        # what an app process holds (objects made from here on are still collected).
        gc.collect()
        gc.freeze()
        try:
            with tempfile.TemporaryDirectory(dir=scratch, prefix="answers-") as folder:
                answers = measure_answers(Path(folder), calls)
        finally:
            gc.unfreeze()
        rows += answers.rows()
    return Results(rows, starts, answers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="starts of each kind")
    parser.add_argument(
        "--calls", type=int, default=20, help="welfare calls answered (32 answers each)"
    )
    parser.add_argument("--only", choices=["start", "answer"], help="run one measure")
    args = parser.parse_args(argv)
    results = run(rounds=args.rounds, calls=args.calls, only=args.only)
    print(results.report())
    failed = [row.measure for row in results.rows if row.passed is False]
    if failed:
        print(f"missed target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
