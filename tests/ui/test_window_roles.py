"""Roles at the window: each action a role lacks is refused in one line and the refusal is in
the access log; a record someone else took opens only once the reader says why (the reason
logged), one's own with no question; an auditor reads but takes no call; a trainer signed in
to training never sees live records."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QApplication, QMessageBox, QTableWidget
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.accounts import TEST
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.dialogs.reading import ReasonDialog
from rcrp_desktop.ui.dialogs.sign_in import Attempt, SignInDialog
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.models.records_model import RecordIdRole
from rcrp_desktop.ui.widgets.records_panel import RecordsPanel
from tests.ui.signed_in import (
    SECRETS,
    SignedWindow,
    log,
    make_accounts,
    signed_window_factory,
    stamp,
)

REASON = "The caller rang back about the same person: checking what was agreed."
TAKE = "Not permitted: start a live or training call and work it"


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests


@pytest.fixture
def accounts(data_dir: Path) -> None:
    make_accounts(data_dir)


@pytest.fixture
def signed_window(
    qtbot: QtBot, data_dir: Path, packs: dict[str, Pack], accounts: None
) -> Iterator[SignedWindow]:
    opened: list[gates.Gate] = []
    yield signed_window_factory(qtbot, data_dir, packs, opened)
    for gate in opened:
        gate.access.store.close()


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What message boxes said (the refusals), in order."""
    said: list[str] = []
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name, lambda parent, title, text, *a: said.append(text))
    return said


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """The reason dialog, answered with REASON; each (record, taken by) it was asked for."""
    seen: list[tuple[int, str]] = []

    def ask(cls: type, parent: object, record_id: int, taken_by: str) -> str:
        seen.append((record_id, taken_by))
        return REASON

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(ask))
    return seen


def taken(store: Store, england: Pack, number: str, incident: str = "INC-OTHER") -> int:
    """A call taken by `number` (written with nobody's gate: before this sign-in)."""
    return CallRecorder.start(store, england, incident_ref=incident, user=stamp(number)).record_id


def open_from_find(qtbot: QtBot, window: MainWindow, record_id: int) -> RecordsPanel:
    """Ctrl+F, the record's row made current, Enter."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.records_panel
    assert panel is not None and not panel.refused
    qtbot.wait_until(
        lambda: panel.model.query == panel.query() and not panel.model.loading, timeout=5000
    )
    model = panel.model
    row = next(
        r for r in range(model.rowCount()) if model.index(r, 0).data(RecordIdRole) == record_id
    )
    panel.table.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    return panel


def any_answer(window: MainWindow) -> object:
    """An answer the question on screen takes (its first choice, or a line of text)."""
    question = window.question_view.question
    assert question is not None
    return question.values[0] if question.values else "12 Example Street"


def consulted(data_dir: Path) -> list[tuple[str, str, int]]:
    return [
        (who, detail, record)
        for who, kind, detail, record in log(data_dir)
        if kind == "record consulted"
    ]


def test_opening_another_s_record_asks_why_and_logs_the_reason(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    asked: list[tuple[int, str]],
) -> None:
    other = taken(store, england, "H201")
    window = signed_window(store, "H200")
    open_from_find(qtbot, window, other)
    assert asked == [(other, "H201 Hugo Handler")]
    assert window.session is not None and window.session.record_id == other
    assert consulted(data_dir) == [("H200", REASON, other)]
    window.resume_call(other)  # opened again in the same sign-in: logged, not asked again
    assert len(asked) == 1
    assert consulted(data_dir) == [("H200", REASON, other)] * 2


def test_cancelling_the_reason_opens_nothing_and_logs_nothing(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = taken(store, england, "H201")
    window = signed_window(store, "H200")
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, r, by: None))
    open_from_find(qtbot, window, other)
    assert window.session is None
    assert window.pages.currentWidget() is window.records_panel  # still on the list
    assert consulted(data_dir) == []


def test_one_s_own_record_opens_with_no_question(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    own = taken(store, england, "H200")
    window = signed_window(store, "H200")
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda *a: pytest.fail("asked why")))
    open_from_find(qtbot, window, own)
    assert window.session is not None and window.session.record_id == own
    assert consulted(data_dir) == [("H200", "own record", own)]


def test_an_unfinished_call_someone_else_took_asks_why_from_the_start_page(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    asked: list[tuple[int, str]],
) -> None:
    other = taken(store, england, "H201")
    window = signed_window(store, "H200")
    calls = window.start_page.calls
    assert calls.count() == 1
    calls.setFocus()
    qtbot.keyClick(window.start_page, Qt.Key.Key_Return)
    assert asked == [(other, "H201 Hugo Handler")]
    assert window.session is not None and window.session.record_id == other
    assert consulted(data_dir) == [("H200", REASON, other)]


def test_the_use_case_refuses_another_s_record_without_a_reason(
    data_dir: Path, store: Store, england: Pack, signed_window: SignedWindow, told: list[str]
) -> None:
    """The window cannot forget to ask: opened with no reason given, nothing is shown."""
    other = taken(store, england, "H201")
    window = signed_window(store, "H200")
    window.resume_call(other)
    assert window.session is None
    assert told == [
        f"Record {other} was taken by H201 Hugo Handler: say why you are opening it "
        "(the access log keeps the reason)."
    ]
    assert consulted(data_dir) == []


def test_an_auditor_reads_but_cannot_take_a_call(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    asked: list[tuple[int, str]],
    told: list[str],
) -> None:
    other = taken(store, england, "H200")
    window = signed_window(store, "U500")
    window.new_call()
    assert window.session is None
    assert len(told) == 1 and told[0].startswith(TAKE) and "\n" not in told[0]
    assert len(store.record_rows()) == 1  # nothing was written
    open_from_find(qtbot, window, other)
    assert window.session is not None and window.session.record_id == other
    assert consulted(data_dir) == [("U500", REASON, other)]
    before = len(store.events(other))
    window.on_submitted(any_answer(window), "An auditor trying to answer.")
    assert window.question_view.error_label.text().startswith(f"Not saved: {TAKE}")
    assert len(store.events(other)) == before  # nothing added
    refused = [(who, detail) for who, kind, detail, _ in log(data_dir) if kind == "refused"]
    assert refused == [("U500", "call.take"), ("U500", "call.take")]


def test_someone_who_may_not_read_records_is_refused_find_and_the_start_page(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    told: list[str],
) -> None:
    taken(store, england, "H200")
    window = signed_window(store, "A100")  # an administrator: accounts, not records
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.records_panel
    assert panel is not None
    refusal = "Not permitted: find records and open one to read it is for "
    assert panel.refused.startswith(refusal) and panel.summary.text() == panel.refused
    qtbot.wait_until(lambda: bool(told), timeout=2000)
    assert told == [panel.refused]
    assert panel.model.rowCount() == 0  # nothing was searched
    window.show_start_page()
    assert window.start_page.calls.count() == 0  # the unfinished call is not even listed
    qtbot.keyClick(window.start_page, Qt.Key.Key_Return)
    assert window.session is None
    window.new_call()  # refused before the incident reference is asked for
    assert len(told) == 2
    assert told[1].startswith(TAKE)
    refused = [(who, detail) for who, kind, detail, _ in log(data_dir) if kind == "refused"]
    assert refused == [("A100", "record.read"), ("A100", "call.take")]


def test_a_shift_change_to_someone_who_may_not_take_calls_stops_the_call_being_worked(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    packs: dict[str, Pack],
    signed_window: SignedWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = signed_window(store, "H200")
    window.new_call()
    assert window.session is not None
    record = window.session.record_id

    def ask(parent: object, intro: str, attempt: Attempt) -> bool:
        return attempt("U500", SECRETS["U500"]) is None

    monkeypatch.setattr(SignInDialog, "ask", staticmethod(ask))
    window.change_handler()
    assert window.user == "U500 Una Auditor"
    before = len(store.events(record))
    window.on_submitted(any_answer(window), "")
    assert window.question_view.error_label.text().startswith(f"Not saved: {TAKE}")
    assert len(store.events(record)) == before
    assert ("U500", "refused", "call.take", 0) in log(data_dir)


@pytest.fixture
def shown(qtbot: QtBot, data_dir: Path) -> Iterator[list[app.OpenAfterFirstPaint]]:
    """Windows shown by `app.show_window`, closed (and signed out) after the test."""
    windows: list[app.OpenAfterFirstPaint] = []
    lock = InstanceLock(data_dir).acquire()
    yield windows
    for opener in windows:
        app._sign_out(opener.window)
        if opener.store is not None:
            opener.store.close()
    lock.release()


def sign_in_as(monkeypatch: pytest.MonkeyPatch, number: str) -> list[str]:
    """The sign-in dialog answered as `number`; what it said back."""
    said: list[str] = []

    def ask(parent: object, intro: str, attempt: Attempt) -> bool:
        problem = attempt(number, SECRETS[number])
        if problem is not None:
            said.append(problem)
        return problem is None

    monkeypatch.setattr(SignInDialog, "ask", staticmethod(ask))
    return said


def test_a_trainer_signed_in_to_training_never_sees_live_records_nor_exports(
    qtbot: QtBot,
    data_dir: Path,
    england: Pack,
    accounts: None,
    shown: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
    told: list[str],
) -> None:
    for mode in ("live", "training"):
        records = Store.open(database_path(data_dir, mode), mode)
        CallRecorder.start(records, england, incident_ref=f"INC-{mode.upper()}", user=stamp("H200"))
        records.close()
    said = sign_in_as(monkeypatch, "T400")
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: told.append(text))
    assert app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False) is None
    assert said == ["The account T400 has no role in the live records."]
    assert told == ["Nobody signed in: the records stay closed."]
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=True)
    assert opener is not None
    shown.append(opener)
    qtbot.add_widget(opener.window)
    with qtbot.waitSignal(opener.opened, timeout=5000):
        pass
    window = opener.window
    assert window.store.mode == "training"
    assert window.store.path == database_path(data_dir, "training")
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, r, by: REASON))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.records_panel
    assert panel is not None
    qtbot.wait_until(
        lambda: panel.model.total is not None and not panel.model.loading, timeout=5000
    )
    incidents = {panel.model.index(r, 1).data() for r in range(panel.model.rowCount())}
    assert incidents == {"INC-TRAINING"}
    told.clear()
    window.new_call()  # a trainer takes training calls
    assert window.session is not None and window.user == "T400 Tom Trainer"
    window.export_handover()  # but makes no handover for a partner
    assert len(told) == 1 and told[0].startswith("Not permitted: make a handover document")
    assert ("T400", "refused", "record.export", 0) in log(data_dir)


def test_the_reason_dialog_opens_only_with_a_reason_and_escape_opens_nothing(
    qtbot: QtBot,
) -> None:
    dialog = ReasonDialog(None, 7, "H201 Hugo Handler")
    qtbot.add_widget(dialog)
    with qtbot.wait_active(dialog):
        dialog.show()
    assert dialog.reason.hasFocus()
    assert dialog.reason.accessibleName() == "Reason for opening the record"
    assert "taken by H201 Hugo Handler" in dialog.reason.accessibleDescription()
    assert not dialog.open_button.isEnabled()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # nothing typed: nothing opens
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "Checking the plan")
    assert dialog.open_button.isEnabled()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(dialog.reason, "agreed with the crisis team")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.text() == "Checking the plan\nagreed with the crisis team"
    again = ReasonDialog(None, 7, "H201 Hugo Handler")
    qtbot.add_widget(again)
    with qtbot.wait_active(again):
        again.show()
    qtbot.keyClicks(again.reason, "Changed my mind")
    qtbot.keyClick(again.reason, Qt.Key.Key_Escape)
    assert again.result() == again.DialogCode.Rejected


def test_the_partner_directory_is_edited_only_by_whoever_may_and_the_change_is_logged(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    signed_window: SignedWindow,
    told: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rcrp_desktop.calls.desk import partner_directory, save_directory
    from rcrp_desktop.ui.dialogs.partners import PartnerDirectoryDialog

    opened: list[object] = []

    def edit(cls: type, parent: object, directory: object, folder: Path, **kw: object) -> None:
        opened.append(kw.get("gate"))
        save_directory(folder, partner_directory(folder, "england")[0], kw["gate"])  # type: ignore[arg-type]

    monkeypatch.setattr(PartnerDirectoryDialog, "edit", classmethod(edit))
    handler = signed_window(store, "H200")
    handler.data_dir = data_dir  # where the edited directory is kept, as the app opens it
    handler.edit_partner_directory()
    assert opened == []  # refused before the editor opens
    assert told[0].startswith("Not permitted: edit the partner directory")
    admin = signed_window(store, "A100")
    admin.data_dir = data_dir
    admin.edit_partner_directory()
    assert opened == [admin.gate]
    entries = [(who, kind, detail) for who, kind, detail, _ in log(data_dir)]
    assert ("H200", "refused", "directory.manage") in entries
    assert any(who == "A100" and kind == "partner directory changed" for who, kind, _ in entries)


def test_each_search_in_find_is_in_the_access_log_with_its_criteria(
    qtbot: QtBot, data_dir: Path, store: Store, england: Pack, signed_window: SignedWindow
) -> None:
    taken(store, england, "H200", incident="INC-20261207-0042")
    window = signed_window(store, "H200")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.records_panel
    assert panel is not None
    qtbot.keyClicks(panel.incident, "0042")
    qtbot.keyClick(panel.incident, Qt.Key.Key_Return)
    qtbot.wait_until(lambda: panel.model.rowCount() == 1, timeout=3000)
    searched = [detail for who, kind, detail, _ in log(data_dir) if kind == "records searched"]
    assert searched[0] == "every record"  # the list Find opens on
    assert searched[-1] == "incident containing '0042'"


def test_the_trainees_runs_are_a_trainer_s_to_read(
    qtbot: QtBot, data_dir: Path, signed_window: SignedWindow, told: list[str]
) -> None:
    training = Store.open(database_path(data_dir, "training"), "training")
    try:
        handler = signed_window(training, "H200")
        handler.training.trainer.trainer_view()
        assert handler.training.trainer.trainer_dialog is None  # refused: nothing shown
        assert told[0].startswith("Not permitted: run training scenarios")
        trainer = signed_window(training, "T400")
        trainer.training.trainer.trainer_view()
        assert trainer.training.trainer.trainer_dialog is not None
        trainer.training.trainer.trainer_dialog.close()
        entries = [(who, kind, detail) for who, kind, detail, _ in log(data_dir)]
        assert ("H200", "refused", "training.scenarios") in entries
        assert ("T400", "training runs read", "the trainer's view") in entries
    finally:
        training.close()


def test_a_bundle_is_made_from_the_window_only_by_whoever_may_and_is_logged(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    told: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from rcrp_desktop.storage import bundles
    from rcrp_desktop.storage.station import station_key
    from rcrp_desktop.ui import oversight_actions

    force = X25519PrivateKey.generate()
    taken(store, england, "H200", incident="INC-BUNDLE-1")
    out = tmp_path / "carried" / "bundle.rcrp"
    named: list[str] = []

    def ask(parent: object, folder: Path, name: str) -> Path:
        named.append(name)
        return out

    monkeypatch.setattr(oversight_actions, "ask_bundle_path", ask)
    handler = signed_window(store, "H200")
    handler.data_dir = data_dir
    qtbot.keyClick(handler, Qt.Key.Key_X, CTRL_SHIFT)
    assert named == [] and told[-1].startswith("Not permitted: write the records not yet sent")
    admin = signed_window(store, "A100")
    admin.data_dir = data_dir
    admin.bundle_for_force()  # no force key in the folder yet: said, nothing written
    assert "no force key" in told[-1] and not out.exists()
    public = force.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (data_dir / bundles.FORCE_KEY_FILE).write_bytes(public)
    qtbot.keyClick(admin, Qt.Key.Key_X, CTRL_SHIFT)
    assert told[-1].startswith("Bundle 1 written to") and out.exists()
    assert named[-1].startswith("bundle-") and named[-1].endswith("-1.rcrp")
    opened = bundles.open_bundle(out.read_bytes(), station_key(data_dir).public_key(), force)
    assert [r["incident_ref"] for r in bundles.records_of(opened.content)] == ["INC-BUNDLE-1"]
    admin.bundle_for_force()
    assert told[-1] == "Every event has left in a bundle: nothing to send."
    entries = [(who, kind) for who, kind, _, _ in log(data_dir)]
    assert ("H200", "refused") in entries and ("A100", "bundle exported") in entries


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_supervisor_works_the_review_queue_by_keyboard_and_a_handler_may_not_open_it(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    told: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rcrp_desktop.domain.call.script import load_script
    from rcrp_desktop.ui.dialogs.review_queue import ReviewForm

    steps = load_script(paths.examples_dir() / "welfare-crisis-team.json").steps
    made = []
    for incident in ("INC-Q1", "INC-Q2"):
        recorder = CallRecorder.start(store, england, incident_ref=incident, user=stamp("H200"))
        for step in steps:
            recorder.answer(step.node, step.answer, step.rationale)
        made.append(recorder.record_id)
    handler = signed_window(store, "H200")
    handler.data_dir = data_dir
    qtbot.keyClick(handler, Qt.Key.Key_Q, CTRL_SHIFT)
    assert told[-1].startswith("Not permitted: add a supervisor's review")
    asked: list[int] = []

    def answer(cls: type, parent: object, item: object) -> tuple[str, str]:
        asked.append(item.facts.record_id)  # type: ignore[attr-defined]
        return "learning_point", "The crisis team's arrival time was not asked for."

    monkeypatch.setattr(ReviewForm, "ask", classmethod(answer))
    supervisor = signed_window(store, "S300")
    supervisor.data_dir = data_dir
    qtbot.keyClick(supervisor, Qt.Key.Key_Q, CTRL_SHIFT)
    queue = supervisor._review_queue
    assert queue is not None and queue.isVisible()
    assert queue.table.rowCount() == 2
    assert queue.table.item(0, 1).text() == "INC-Q1"  # oldest first
    assert "Police did not attend" in queue.table.item(0, 4).text()
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    assert asked == [made[0]]
    assert queue.table.rowCount() == 1 and queue.table.item(0, 1).text() == "INC-Q2"
    assert queue.status.text().startswith(f"Record {made[0]} reviewed (Learning point")
    last = store.events(made[0])[-1]
    assert (last.kind, last.user) == ("review", stamp("S300"))
    handler.activateWindow()  # back at the handler's desk
    qtbot.waitUntil(lambda: QApplication.activeWindow() is handler, timeout=5000)
    qtbot.keyClick(handler, Qt.Key.Key_Y, CTRL_SHIFT)  # the handler reads the review of it
    feedback = handler._feedback
    assert feedback is not None, told[-1]
    assert feedback.table.rowCount() == 1
    assert feedback.table.item(0, 3).text() == "Learning point for the handler"
    assert feedback.table.item(0, 4).text() == stamp("S300")
    other = signed_window(store, "H201")
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other, timeout=5000)
    qtbot.keyClick(other, Qt.Key.Key_Y, CTRL_SHIFT)  # another handler sees none of it
    assert other._feedback is not None and other._feedback.table.rowCount() == 0
    entries = [(who, kind) for who, kind, _, _ in log(data_dir)]
    assert ("H200", "refused") in entries and ("S300", "record consulted") in entries


def test_the_monitoring_figures_open_for_an_auditor_with_csv_and_report_not_for_a_handler(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    told: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from rcrp_desktop.domain.call.script import load_script
    from rcrp_desktop.ui.dialogs.monitoring import MonitoringView

    for _ in range(6):  # over the force's suppression threshold (5)
        recorder = CallRecorder.start(store, england, incident_ref="INC-M", user=stamp("H200"))
        for step in load_script(paths.examples_dir() / "welfare-crisis-team.json").steps:
            recorder.answer(step.node, step.answer, step.rationale)
    handler = signed_window(store, "H200")
    handler.data_dir = data_dir
    qtbot.keyClick(handler, Qt.Key.Key_G, CTRL_SHIFT)
    assert told[-1].startswith("Not permitted: read the monitoring figures")
    monkeypatch.setattr(MonitoringView, "ask_folder", classmethod(lambda cls, p: tmp_path / "csv"))
    monkeypatch.setattr(
        MonitoringView, "ask_report_path", classmethod(lambda cls, p: tmp_path / "report.pdf")
    )
    auditor = signed_window(store, "U500")
    auditor.data_dir = data_dir
    qtbot.keyClick(auditor, Qt.Key.Key_G, CTRL_SHIFT)
    view = auditor._monitoring
    assert view is not None and view.isVisible()
    table = view.findChild(QTableWidget, "table_calls_by_category_outcome")
    assert table is not None and table.item(0, 2).text() == "6"
    assert (
        view.findChild(QSvgWidget, "chart_response_by_week") is not None
    )  # the chart, beside its table
    asked = view.findChild(QTableWidget, "table_questions_for_review")
    assert asked is not None  # each question by its words, never its id
    shown = {asked.item(r, 0).text() for r in range(asked.rowCount())}
    assert england.question("danger_life").text in shown and "danger_life" not in shown
    assert [view.category.itemText(i) for i in range(view.category.count())] == [
        "All categories", "welfare",
    ]  # fmt: skip
    assert view.phase.findData("concern_for_welfare") > 0  # the packs' phases, to narrow by
    view.profile.setCurrentIndex(view.profile.findData("wales"))
    assert view.show_figures()  # no Welsh calls: every figure says so, none fails
    qtbot.waitUntil(  # the last period's tables go (deleted on the next turn of the loop)
        lambda: view.findChild(QTableWidget, "table_calls_by_category_outcome") is None
    )
    view.profile.setCurrentIndex(0)
    assert view.show_figures()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=5000)
    qtbot.keyClick(view.start, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "csv" / "response_by_week.csv").exists()
    qtbot.keyClick(view.start, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "Partnership report saved" in view.status.text()
    entries = [(who, kind) for who, kind, _, _ in log(data_dir)]
    assert ("H200", "refused") in entries and ("U500", "figures read") in entries
