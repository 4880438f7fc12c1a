"""Export… : choose the recipient and the options, build the handover off the GUI thread, open it.

The record is read on the GUI thread (its connection lives there), the PDF is built and written
in a pool thread (`tasks.run_task`), and the export is recorded back on the GUI thread, after the
file is whole on disk (`export.handover`'s three steps). On records opened read-only it is made
as a read-only copy (calls/export_copy.py): every page says so, and nothing is recorded.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.calls.export_copy import as_copy, copy_made
from rcrp_desktop.calls.exports import ExportResult, record_export, refuse_over_the_records
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.export.handover import (
    Built,
    HandoverRequest,
    build_handover_pdf,
    build_handover_text,
)
from rcrp_desktop.export.recipients import Recipient, load_templates, recipients_for
from rcrp_desktop.export.source import ExportSource, load_source
from rcrp_desktop.ui.dialogs.forms import Field, FormDialog
from rcrp_desktop.ui.tasks import run_task

if TYPE_CHECKING:
    from rcrp_desktop.calls.recorder import CallRecorder
    from rcrp_desktop.calls.records import Records as Store
    from rcrp_desktop.domain.pack.protocol import PackFinder

PDF_FILE, TEXT_CLIPBOARD = "pdf", "text"


@dataclass(frozen=True)
class ExportChoice:
    """What the handler asked for: the handover (prepared by the handler) and how to send it."""

    form: str  # PDF_FILE or TEXT_CLIPBOARD
    request: HandoverRequest  # its recipient a Recipient, chosen from those that fit

    @property
    def recipient(self) -> Recipient:
        return cast(Recipient, self.request.recipient)


COPY_TEXT = (
    "Only what the chosen recipient needs is included. This window is read-only, so this is a "
    "read-only copy: every page says so, and it is not recorded in the record."
)


def ask_export(parent: QWidget, source: ExportSource) -> ExportChoice | None:
    """The recipient types that fit the record, and how to send it; None if cancelled."""
    return _ask(parent, source, copy=False)


def ask_copy(parent: QWidget, source: ExportSource) -> ExportChoice | None:
    """The same, for a read-only copy (the form says it is one, recorded nowhere)."""
    return _ask(parent, source, copy=True)


def _ask(parent: QWidget, source: ExportSource, *, copy: bool) -> ExportChoice | None:
    templates = load_templates()
    fitting = recipients_for(source, templates)
    if not fitting:
        QMessageBox.information(
            parent,
            APP_TITLE,
            "No handover fits this record yet: record the handover to a partner (Ctrl+H), "
            "or answer the questions that call for one.",
        )
        return None
    values = FormDialog.ask(
        parent,
        f"Export {'a read-only copy of ' if copy else ''}the handover for record "
        f"{source.record_id}",
        COPY_TEXT
        if copy
        else "Only what the chosen recipient needs is included. The export is recorded in the "
        "record: what, to whom, when and on what basis.",
        [
            Field(
                "recipient",
                "Recipient",
                "choice",
                tuple((r.id, r.title) for r in fitting),
                fitting[0].id,
            ),
            Field(
                "form",
                "Send as",
                "choice",
                (
                    (PDF_FILE, "PDF file (saved, then opened)"),
                    (TEXT_CLIPBOARD, "Plain text (copied, for a secure e-mail or message)"),
                ),
                PDF_FILE,
            ),
            Field("marking", "Protective marking", "line", default=templates.marking),
            Field("redact", "Leave out third parties' details", "check", default=False),
            Field(
                "lawful_basis",
                "Information-sharing basis (blank: the recipient type's own)",
                "line",
            ),
        ],
    )
    if values is None:
        return None
    recipient = next(r for r in fitting if r.id == values["recipient"])
    return ExportChoice(
        str(values["form"]),
        HandoverRequest(
            recipient,
            marking=str(values["marking"]).strip() or templates.marking,
            redact=bool(values["redact"]),
            lawful_basis=str(values["lawful_basis"]).strip(),
        ),
    )


def ask_pdf_path(parent: QWidget, suggested: Path) -> Path | None:
    """Where to save the PDF (a seam: tests answer it)."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Save the handover PDF", str(suggested), "PDF files (*.pdf)"
    )
    return Path(chosen) if chosen else None


def open_document(path: Path) -> None:
    """Open the saved file in the system's viewer; if that cannot be done, open its folder."""
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def default_folder() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


class ExportFlow:
    """One export from the window: ask, build in the background, record, then open or copy."""

    def __init__(
        self,
        parent: QWidget,
        store: "Store",
        user: str,
        find_pack: "PackFinder",
        say: Callable[[str], None],
    ) -> None:
        self.parent = parent
        self.store = store
        self.user = user
        self.find_pack = find_pack
        self.say = say  # the status bar
        self.busy = False

    def start(
        self, record_id: int, recorder: "CallRecorder | None", done: Callable[[], None]
    ) -> None:
        if self.busy:
            self.say("A handover is still being built: wait for it to finish.")
            return
        copy = self.store.readonly  # read-only records: a copy, recorded nowhere
        try:
            # Refused (and logged) before the form, not once the file is made: a read-only
            # copy too, since it may leave the building as the handover would.
            gates.require(self.store, "record.export")
            source = load_source(self.store, record_id, self.find_pack)
        except (ExportError, StorageError) as error:
            QMessageBox.warning(self.parent, APP_TITLE, str(error))
            return
        choice = (ask_copy if copy else ask_export)(self.parent, source)
        if choice is None:
            return
        if choice.form == TEXT_CLIPBOARD:
            self._text(source, choice, recorder, done)
            return
        name = f"rcrp-{record_id}-{choice.recipient.id}{'-copy' if copy else ''}.pdf"
        path = ask_pdf_path(self.parent, default_folder() / name)
        if path is None:
            return
        if path.suffix.lower() != ".pdf":  # a name typed without it
            path = path.with_name(path.name + ".pdf")
        try:
            refuse_over_the_records(self.store, path)
        except ExportError as error:
            QMessageBox.warning(self.parent, APP_TITLE, f"No handover was made: {error}")
            return
        self.busy = True
        self.say(f"Building the handover for {choice.recipient.title}…")
        run_task(
            lambda: build_handover_pdf(source, self._request(choice), path),
            lambda built: self._built(built, recorder, done),
            self._failed,
            context=self.parent,
        )

    def _request(self, choice: ExportChoice) -> HandoverRequest:
        request = replace(choice.request, prepared_by=self.user)
        return as_copy(self.store, request) if self.store.readonly else request

    def _text(
        self,
        source: ExportSource,
        choice: ExportChoice,
        recorder: "CallRecorder | None",
        done: Callable[[], None],
    ) -> None:
        try:
            built = build_handover_text(source, self._request(choice), shown_as="clipboard")
            if built.handover.copy is not None:
                QGuiApplication.clipboard().setText(copy_made(self.store, built).text)
                self.say(
                    f"A read-only copy of the handover for {built.handover.agency} copied as "
                    "text; nothing was recorded."
                )
                return
            result = record_export(self.store, built, self.user, recorder)
        except (ExportError, StorageError) as error:
            self._failed(error)
            return
        QGuiApplication.clipboard().setText(result.text)
        self.say(f"Handover for {result.agency} copied as text; the export is recorded.")
        done()

    def _built(
        self, built: Built, recorder: "CallRecorder | None", done: Callable[[], None]
    ) -> None:
        self.busy = False
        if built.handover.copy is not None:
            made = copy_made(self.store, built)
            assert made.path is not None
            self.say(
                f"Read-only copy saved: {made.path} ({_pages(made.pages)}); nothing was recorded."
            )
            open_document(made.path)
            return
        try:
            result: ExportResult = record_export(self.store, built, self.user, recorder)
        except StorageError as error:  # record_export has removed the file again
            QMessageBox.warning(
                self.parent,
                APP_TITLE,
                f"The handover was not saved, because the export could not be recorded: {error}",
            )
            return
        assert result.path is not None
        self.say(f"Handover saved: {result.path} ({_pages(result.pages)}); the export is recorded.")
        done()
        open_document(result.path)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        if isinstance(error, ExportError | StorageError | OSError):
            QMessageBox.warning(self.parent, APP_TITLE, f"No handover was made: {error}")
            return
        raise error


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"
