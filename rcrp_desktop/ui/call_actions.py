"""The handler's actions after the questions: decide, record each step, close, copy the log."""

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStatusBar, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.widgets.overdue_bar import OverdueBar

# The commands, the dialogs and the storage layer are imported where they are first needed,
# not here: the window is on screen before any is loaded (start-up benchmark,
# bench/bench_window.py).
if TYPE_CHECKING:
    from rcrp_desktop.calls.commands import CallCommand
    from rcrp_desktop.calls.gate import Gate
    from rcrp_desktop.calls.recorder import CallRecorder, Written
    from rcrp_desktop.calls.records import Records as Store
    from rcrp_desktop.domain.partners import Directory
    from rcrp_desktop.ui.export_flow import ExportFlow
    from rcrp_desktop.ui.idle_lock import IdleLock
    from rcrp_desktop.ui.session import CallSession
    from rcrp_desktop.ui.widgets.save_guard import SaveGuard


class CallActionsMixin:
    """Slots of the main window for the decision, the notes, closure and the handler.

    Every write to the call is a command sent through the window's `send`, so one that cannot
    be saved waits, named, and is retried in order like an answer.
    """

    if TYPE_CHECKING:  # provided by MainWindow; declared for the type checker only
        session: CallSession | None
        user: str
        gate: Gate | None
        data_dir: Path | None  # None in a read-only window: it keeps nothing in the folder
        read_only: bool
        packs: list[Pack]

        overdue_bar: OverdueBar
        not_saved_bar: SaveGuard
        directory: Directory | None

        @property
        def store(self) -> Store: ...
        @property
        def records_open(self) -> bool: ...
        def send(self, command: CallCommand) -> bool: ...
        def send_to(self, recorder: CallRecorder, command: CallCommand) -> Written | None: ...
        def _open_session(self, recorder: CallRecorder) -> None: ...
        def hand_over_at_shift_change(self, signed: Gate) -> None: ...
        def find_pack(self, pack_id: str, version: str, digest: str) -> Pack | None: ...
        def selected_pack(self) -> Pack | None: ...
        def statusBar(self) -> QStatusBar: ...

    _export: "ExportFlow | None" = None  # the Export… flow, made on first use
    idle_lock: "IdleLock | None" = None  # where someone signed in: the desk locks (app.py)

    @property
    def _widget(self) -> QWidget:
        """This window, as the parent for dialogs."""
        return cast(QWidget, self)

    def _recorder(self) -> "CallRecorder | None":
        return self.session.recorder if self.session is not None else None

    @Slot()
    def accept_recommendation(self) -> None:
        session = self.session
        advice = session.recommendation() if session else None
        if session is None or advice is None or not advice.ready or advice.code is None:
            return
        from rcrp_desktop.calls.commands import Decide

        self.send(Decide(record_id=session.record_id, code=advice.code.value))

    @Slot()
    def disagree(self) -> None:
        session = self.session
        advice = session.recommendation() if session else None
        if session is None or advice is None or not advice.ready or advice.code is None:
            return
        from rcrp_desktop.calls.commands import Decide
        from rcrp_desktop.ui.dialogs.forms import ask_disagreement

        chosen = ask_disagreement(self._widget, advice.code)
        if chosen is not None:
            code, rationale = chosen
            self.send(Decide(record_id=session.record_id, code=code.value, rationale=rationale))

    def _record_note(self, note: object | None) -> None:
        session = self.session
        if session is not None and note is not None:
            from rcrp_desktop.calls.commands import RecordNote

            self.send(RecordNote(record_id=session.record_id, note=note))

    @Slot()
    def record_handover(self) -> None:
        from rcrp_desktop.ui.dialogs.handover import ask_handover

        if self.session is not None:
            advice = self.session.recommendation()
            pack = self.session.pack
            known = self.partner_directory(pack.jurisdiction).for_agency(advice.partner)
            self._record_note(ask_handover(self._widget, pack, advice.partner, known))

    @Slot()
    def record_caller_informed(self) -> None:
        from rcrp_desktop.domain.call.closure import Handover
        from rcrp_desktop.ui.dialogs.forms import ask_caller_informed

        if self.session is not None:
            state = self.session.state
            advice = self.session.recommendation()
            code = state.decision.code if state.decision else advice.code
            handovers = [
                n.note for n in self.session.recorder.notes if isinstance(n.note, Handover)
            ]
            accepted = bool(handovers) and handovers[-1].status == "accepted"
            if code is not None:
                self._record_note(
                    ask_caller_informed(
                        self._widget,
                        self.session.pack,
                        code,
                        advice.partner,
                        handed_over=accepted,
                    )
                )

    @Slot()
    def record_referrer_informed(self) -> None:
        from rcrp_desktop.ui.dialogs.forms import ask_referrer_informed

        if self.session is not None:
            self._record_note(ask_referrer_informed(self._widget))

    @Slot()
    def record_deployment(self) -> None:
        from rcrp_desktop.ui.dialogs.forms import ask_deployment

        if self.session is not None:
            self._record_note(ask_deployment(self._widget))

    @Slot()
    def record_supervisor(self) -> None:
        from rcrp_desktop.ui.dialogs.forms import ask_supervisor

        if self.session is not None:
            self._record_note(ask_supervisor(self._widget))

    @Slot()
    def close_call(self) -> None:
        from rcrp_desktop.calls.commands import Close

        session = self.session
        if session is not None and self.send(Close(record_id=session.record_id)):
            self.statusBar().showMessage(f"Record {session.record_id} closed.", 10000)

    @Slot()
    def change_handler(self) -> None:
        """A shift change: from now on events carry the new handler (earlier ones keep theirs).
        Where the folder has accounts, the next person signs in; open calls stay open."""
        if self.gate is not None:
            self._switch_account()
            return
        if self.data_dir is None:
            return
        from rcrp_desktop.calls.desk import load_handler, save_handler

        try:
            current = load_handler(self.data_dir)
        except StorageError:
            current = None
        from rcrp_desktop.ui.dialogs.forms import ask_handler

        handler = ask_handler(self._widget, current)
        if handler is None:
            return
        try:
            save_handler(self.data_dir, handler)
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        self.user = handler.stamp()
        if self.session is not None:
            self.session.recorder.user = self.user
        if self.records_open:
            self.statusBar().showMessage(f"Records: {self.store.path} · handler {self.user}")

    def _switch_account(self) -> None:
        from rcrp_desktop.calls import gate as gates
        from rcrp_desktop.calls.access import SignInError
        from rcrp_desktop.ui.dialogs.sign_in import SignInDialog

        current = self.gate
        assert current is not None
        signed: list[gates.Gate] = []

        def attempt(number: str, secret: str) -> str | None:
            try:
                signed.append(
                    gates.sign_in(current.access, number, secret, current.session.database)
                )
            except SignInError as error:
                return str(error)
            return None

        intro = (
            f"Signed in: {current.stamp}. The next person signs in here; the calls open stay "
            "open, and what is recorded from now on is stamped with their account."
        )
        if SignInDialog.ask(self._widget, intro, attempt) and signed:
            self.switch_to(signed[0])

    def switch_to(self, signed: "Gate") -> None:
        """The next person, signed in, takes the desk: the call on screen is handed to them,
        the last one is signed out, and what is recorded from now on carries the new stamp
        (the calls open stay open)."""
        from rcrp_desktop.calls import gate as gates

        self.hand_over_at_shift_change(signed)  # as the person leaving, who holds the call
        if self.gate is not None:
            gates.sign_out(self.gate)
        self.gate = signed
        self.user = self.gate.stamp
        if self.records_open:
            gates.attach(self.store, self.gate)
            self.statusBar().showMessage(f"Records: {self.store.path} · handler {self.user}")
        if self.session is not None:
            self.session.recorder.user = self.user

    @Slot()
    def lock_now(self) -> None:
        """The idle lock at once: every window's content hidden until someone signs in."""
        if self.idle_lock is not None:
            self.idle_lock.lock(by_key=True)
        else:
            self.statusBar().showMessage(
                "Nothing to lock: nobody signs in to this data folder (it has no accounts).", 10000
            )

    @Slot()
    def copy_summary(self) -> None:
        recorder = self._recorder()
        if recorder is None:
            return
        from rcrp_desktop.calls.log_summary import log_summary

        text = log_summary(self.store.record(recorder.record_id), recorder)
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage("Log summary copied: paste it into the incident log.", 10000)

    @Slot()
    def export_handover(self) -> None:
        """Export… : the handover for a partner, built off the GUI thread, recorded (R23)."""
        from rcrp_desktop.ui.export_flow import ExportFlow

        session = self.session
        if session is None:
            return
        if self._export is None:
            self._export = ExportFlow(
                self._widget,
                self.store,
                self.user,
                self.find_pack,
                lambda text: self.statusBar().showMessage(text, 15000),
            )
        self._export.user = self.user
        # The export lands on its own record and reports there, whatever is on screen by then.
        self._export.start(session.record_id, session.recorder, self._export_done)

    def _export_done(self) -> None:
        session = self.session
        if session is not None:
            session.changed.emit()

    @Slot()
    def check_overdue(self) -> None:
        """Partners past their agreed time without confirming (R16): say so, on every screen.

        Not in a read-only window: the bar asks for a re-assessment or a confirmation now, both
        writes (in a backup, every handover never confirmed would raise it); the record's notes
        say whether the partner confirmed."""
        from rcrp_desktop.calls.followups import overdue_records

        if not self.records_open or self.read_only:
            return
        try:
            self.overdue_bar.show_overdue(overdue_records(self.store))
        except StorageError as error:
            self.statusBar().showMessage(f"Could not check partner ETAs: {error}", 10000)

    def _overdue_recorder(self) -> "CallRecorder | None":
        item = self.overdue_bar.current
        if item is None:
            return None
        if self.session is not None and self.session.record_id == item.record.id:
            return self.session.recorder
        from rcrp_desktop.calls.recorder import CallRecorder
        from rcrp_desktop.ui.dialogs.reading import may_open

        if not may_open(self._widget, self.store, item.record.id):  # another's: why, first
            return None
        try:
            return CallRecorder.resume(self.store, item.record.id, self.find_pack, self.user)
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return None

    @Slot()
    def reassess_overdue(self) -> None:
        """Start a linked record for the call whose partner did not confirm, and open it."""
        from rcrp_desktop.calls.commands import Reassess
        from rcrp_desktop.calls.recorder import CallRecorder

        item = self.overdue_bar.current
        if item is None or not self.not_saved_bar.may_leave():
            return  # the new record opens in place of the call on screen: nothing left unsaved
        recorder = self._overdue_recorder()
        if recorder is None:
            return
        due = item.due.astimezone().strftime("%H:%M")
        reason = f"{item.handover.agency} did not confirm by {due}"
        written = self.send_to(recorder, Reassess(record_id=recorder.record_id, reason=reason))
        if written is None:
            return
        self.check_overdue()
        try:  # opened as any record is: consulted, and logged (calls/gate.py)
            opened = CallRecorder.resume(
                self.store, written.opened, lambda *_: recorder.state.pack, self.user
            )
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        self._open_session(opened)

    @Slot()
    def confirm_overdue(self) -> None:
        recorder = self._overdue_recorder()
        from rcrp_desktop.calls.commands import RecordNote
        from rcrp_desktop.ui.dialogs.forms import ask_partner_confirmed

        note = ask_partner_confirmed(self._widget) if recorder is not None else None
        if (
            recorder is not None
            and note is not None
            and self.send_to(recorder, RecordNote(record_id=recorder.record_id, note=note))
            is not None
        ):
            self.check_overdue()
            if self.session is not None:
                self.session.changed.emit()

    def partner_directory(self, jurisdiction: str) -> "Directory":
        """The force's partner directory: the local edited copy, else the shipped seed."""
        from rcrp_desktop.calls.desk import partner_directory

        directory, problem = partner_directory(self.data_dir, jurisdiction)
        if problem:
            self.statusBar().showMessage(problem, 15000)
        return directory

    def edit_partner_directory(self) -> None:
        pack = self.selected_pack()
        if pack is None or self.data_dir is None:
            return
        from rcrp_desktop.calls.desk import may_edit_directory
        from rcrp_desktop.ui.dialogs.partners import PartnerDirectoryDialog

        try:  # refused before the editor opens, not after the edits
            may_edit_directory(self.gate)
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        directory = self.partner_directory(pack.jurisdiction)
        PartnerDirectoryDialog.edit(
            self._widget, directory, self.data_dir, agency_names=pack.partners, gate=self.gate
        )
