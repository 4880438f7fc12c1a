"""First start: a fresh data folder makes its first administrator, then its first handler, who
is signed in, the new accounts in the access log; a folder already in use (records and a saved
handler) goes on as it did, with no accounts made."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import keys as keys_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage import keyring_file
from rcrp_desktop.storage.accounts import TEST
from rcrp_desktop.storage.data import ACCOUNTS_FILE, KEYRING_FILE, database_path
from rcrp_desktop.storage.identity import FILE_NAME as HANDLER_FILE
from rcrp_desktop.storage.identity import Handler, save_handler
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.dialogs.first_start import Make, NewAccountDialog
from rcrp_desktop.ui.dialogs.sign_in import Attempt, SignInDialog
from tests.ui.signed_in import SECRETS, log

ADMIN = ("A100", "Ada Admin", SECRETS["A100"])
HANDLER = ("H200", "Hana Handler", SECRETS["H200"])


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests


@pytest.fixture
def shown(qtbot: QtBot, data_dir: Path) -> Iterator[list[app.OpenAfterFirstPaint]]:
    """Windows shown by `app.show_window`, closed (and signed out) after the test."""
    windows: list[app.OpenAfterFirstPaint] = []
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(data_dir).acquire()
    yield windows
    for opener in windows:
        app._sign_out(opener.window)
        if opener.store is not None:
            opener.store.close()
    lock.release()


def typed(monkeypatch: pytest.MonkeyPatch, *forms: tuple[str, str, str] | None) -> list[str]:
    """Fill the new-account forms in turn with (number, name, passphrase), None to cancel one;
    the titles of the forms shown, and each refusal they said, in order."""
    queue = list(forms)
    said: list[str] = []

    def ask(parent: object, title: str, intro: str, make: Make, button: str) -> bool:
        said.append(title)
        while queue:
            given = queue.pop(0)
            if given is None:
                return False
            problem = make(*given)
            if problem is None:
                return True
            said.append(problem)
        return False

    monkeypatch.setattr(NewAccountDialog, "ask", staticmethod(ask))
    return said


def show(
    qtbot: QtBot, data_dir: Path, shown: list[app.OpenAfterFirstPaint]
) -> app.OpenAfterFirstPaint:
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False)
    assert opener is not None
    shown.append(opener)
    qtbot.add_widget(opener.window)
    with qtbot.waitSignal(opener.opened, timeout=5000):
        pass
    return opener


def test_a_fresh_folder_makes_an_administrator_then_a_handler_who_is_signed_in(
    qtbot: QtBot,
    data_dir: Path,
    england: Pack,
    shown: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said = typed(
        monkeypatch, ("A100", "Ada Admin", "too short"), ADMIN, ("A100", "Al", "x" * 12), HANDLER
    )
    opener = show(qtbot, data_dir, shown)
    assert said == [
        "First start: the administrator",
        "A passphrase is 12 characters or more: three words you will remember and nobody "
        "would guess.",
        "First start: the first call handler",
        "An account numbered A100 already exists.",
    ]
    window = opener.window
    assert window.user == "H200 Hana Handler"
    assert window.gate is not None and window.gate.session.account.roles == ("handler",)
    assert not (data_dir / HANDLER_FILE).exists()  # the account stamps the records now
    assert opener.store is not None
    recorder = CallRecorder.start(opener.store, england, incident_ref="INC-1", user=window.user)
    assert opener.store.record(recorder.record_id).handler == "H200 Hana Handler"
    entries = [(who, kind, detail) for who, kind, detail, _ in log(data_dir)]
    assert entries == [
        ("A100", "account added", "Ada Admin; roles administrator"),
        ("A100", "signed in", ""),
        ("H200", "account added", "Hana Handler; roles handler"),
        ("H200", "signed in", ""),
        ("A100", "signed out", ""),
    ]


def test_no_administrator_made_keeps_the_records_closed(
    data_dir: Path, shown: list[app.OpenAfterFirstPaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed(monkeypatch, None)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: told.append(text))
    assert app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False) is None
    assert told == [
        "No administrator was made: the records stay closed. Start the app again to make one."
    ]
    assert not database_path(data_dir, "live").exists()
    assert log(data_dir) == []  # nothing made; the next start is a first start again


def test_the_first_handler_left_for_later_is_asked_for_at_the_administrator_s_next_sign_in(
    qtbot: QtBot,
    data_dir: Path,
    shown: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed(monkeypatch, ADMIN, None)
    opener = show(qtbot, data_dir, shown)
    assert opener.window.user == "A100 Ada Admin"  # signed in, and takes no call
    app._sign_out(opener.window)  # the app closed; started again on the same folder
    shown.clear()
    if opener.store is not None:
        opener.store.close()

    def sign_in(parent: object, intro: str, attempt: Attempt) -> bool:
        return attempt("A100", SECRETS["A100"]) is None

    monkeypatch.setattr(SignInDialog, "ask", staticmethod(sign_in))
    said = typed(monkeypatch, HANDLER)
    again = show(qtbot, data_dir, shown)
    assert said == ["First start: the first call handler"]
    assert again.window.user == "H200 Hana Handler"


def test_a_folder_in_use_goes_on_with_its_saved_handler_and_no_accounts(
    qtbot: QtBot,
    data_dir: Path,
    england: Pack,
    shown: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_handler(data_dir, Handler("PC4821", "Alex Example", "call handler"))
    store = Store.open(database_path(data_dir, "live"), "live")
    CallRecorder.start(store, england, incident_ref="INC-7", user="PC4821 Alex Example")
    store.close()
    monkeypatch.setattr(NewAccountDialog, "ask", staticmethod(lambda *a: pytest.fail("asked")))
    opener = show(qtbot, data_dir, shown)
    assert opener.window.user == "PC4821 Alex Example (call handler)"
    assert opener.window.gate is None
    assert not (data_dir / ACCOUNTS_FILE).exists()


def test_a_folder_with_a_saved_handler_and_no_records_yet_goes_on_as_it_did(
    qtbot: QtBot,
    data_dir: Path,
    shown: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_handler(data_dir, Handler("PC4821", "Alex Example", "call handler"))
    monkeypatch.setattr(NewAccountDialog, "ask", staticmethod(lambda *a: pytest.fail("asked")))
    opener = show(qtbot, data_dir, shown)
    assert opener.window.gate is None
    assert not (data_dir / ACCOUNTS_FILE).exists()


def test_the_form_checks_both_passphrases_says_a_refusal_and_makes_on_enter(
    qtbot: QtBot,
) -> None:
    made: list[tuple[str, str, str]] = []

    def make(number: str, name: str, secret: str) -> str | None:
        made.append((number, name, secret))
        return None if len(secret) >= 12 else "A passphrase is 12 characters or more."

    dialog = NewAccountDialog(None, "First start: the administrator", "Intro.", make, "Make it")
    qtbot.add_widget(dialog)
    with qtbot.wait_active(dialog):
        dialog.show()
    assert dialog.number.hasFocus()
    names = [w.accessibleName() for w in (dialog.number, dialog.name, dialog.secret, dialog.again)]
    assert names == ["Collar or staff number", "Name", "Passphrase", "Passphrase again"]
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password  # never shown
    assert dialog.again.echoMode() == dialog.again.EchoMode.Password
    qtbot.keyClicks(dialog.number, "A100")
    qtbot.keyClicks(dialog.name, "Ada Admin")
    qtbot.keyClicks(dialog.secret, "copper kettle winter")
    qtbot.keyClicks(dialog.again, "copper kettle summer")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.problem.text() == "The two passphrases differ: type them again."
    assert made == [] and dialog.secret.text() == "" and dialog.again.text() == ""
    qtbot.keyClicks(dialog.secret, "short")
    qtbot.keyClicks(dialog.again, "short")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.problem.text() == "A passphrase is 12 characters or more."
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.secret, "copper kettle winter")
    qtbot.keyClicks(dialog.again, "copper kettle winter")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert made[-1] == ("A100", "Ada Admin", "copper kettle winter")


@pytest.fixture
def encrypted_without_handler(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An administrator, the force recovery key and the folder encrypted, from the command
    line, and no handler yet."""
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS["A100"])
    monkeypatch.setenv(keys_cli.RECOVERY_SECRET_ENV, "quartz river lantern ninety")
    folder = ["--data-dir", str(data_dir)]
    assert main([*folder, "accounts", "init", "A100", "--name", "Ada Admin"]) == 0
    private = data_dir.parent / "offline" / "recovery.pem"
    as_admin = ["--as", "A100"]
    assert main([*folder, "keys", "recovery-init", "--private-out", str(private), *as_admin]) == 0
    assert main([*folder, "encrypt", *as_admin]) == 0
    assert (data_dir / KEYRING_FILE).exists()


def test_the_first_handler_of_an_encrypted_folder_is_given_the_key_to_its_records(
    qtbot: QtBot,
    data_dir: Path,
    encrypted_without_handler: None,
    shown: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first handler made at the window opens the encrypted records with their own
    passphrase."""

    def sign_in(parent: object, intro: str, attempt: Attempt) -> bool:
        return attempt("A100", SECRETS["A100"]) is None

    monkeypatch.setattr(SignInDialog, "ask", staticmethod(sign_in))
    said = typed(monkeypatch, HANDLER)
    opener = show(qtbot, data_dir, shown)
    assert said == ["First start: the first call handler"]
    assert opener.window.user == "H200 Hana Handler"
    assert opener.window.gate is not None and opener.window.gate.data_key is not None
    assert opener.store is not None and opener.store.record_rows() == []  # open, and readable


def test_a_fresh_folder_with_the_recovery_key_is_encrypted_before_its_first_call(
    qtbot: QtBot,
    data_dir: Path,
    england: Pack,
    shown: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The force's install put its recovery key in the data folder: the first administrator's
    first start encrypts it, the first handler gets a key, and the first call is encrypted."""
    from rcrp_desktop.storage import keys

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "recovery-public.pem").write_bytes(keys.make_recovery_key_pair(None).public_pem)
    typed(monkeypatch, ADMIN, HANDLER)
    opener = show(qtbot, data_dir, shown)
    keyring = keyring_file.load_keyring(data_dir)
    assert keyring is not None and keyring.numbers() == ("A100", "H200")
    assert opener.store is not None and opener.store.key
    recorder = CallRecorder.start(opener.store, england, incident_ref="INC-ENC-1", user="x")
    assert opener.store.record(recorder.record_id).incident_ref == "INC-ENC-1"
    assert not any(
        b"INC-ENC-1" in path.read_bytes() for path in data_dir.iterdir() if path.is_file()
    )
