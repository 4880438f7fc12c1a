"""Accounts for window tests: one per role, a window with one of them signed in, the access
log read back. Argon2 at the test cost only (the tests set gates.COST to TEST)."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import Access
from rcrp_desktop.domain.access.roles import shipped_roles
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.accounts import TEST, AccountStore
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.main_window import MainWindow

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SECRETS = {
    "A100": "copper kettle winter",
    "H200": "lantern meadow seven",
    "H201": "thistle harbour forty",
    "S300": "harbour violet eleven",
    "T400": "orchard pebble ninety",
    "U500": "granite sparrow forty",
}
PEOPLE = {
    "H200": ("Hana Handler", "handler"),
    "H201": ("Hugo Handler", "handler"),
    "S300": ("Sana Supervisor", "supervisor"),
    "T400": ("Tom Trainer", "trainer"),
    "U500": ("Una Auditor", "auditor"),
}


def make_accounts(data_dir: Path) -> None:
    """The administrator A100 and one account per person in PEOPLE."""
    store = AccountStore.open(data_dir, cost=TEST)
    access = Access(store, shipped_roles())
    admin = access.create_first_administrator(
        "A100", "Ada Admin", SECRETS["A100"], "passphrase", now=NOW
    )
    session = access.sign_in(admin.number, SECRETS["A100"], "live", now=NOW)
    for number, (name, role) in PEOPLE.items():
        access.add_account(session, number, name, (role,), SECRETS[number], "passphrase", now=NOW)
    store.close()


def stamp(number: str) -> str:
    return f"{number} {PEOPLE[number][0]}"


def log(data_dir: Path) -> list[tuple[str, str, str, int]]:
    """The access log: (account, kind, detail, record id) per entry, oldest first."""
    store = AccountStore.open(data_dir, cost=TEST)
    try:
        return [(e.account, e.kind, e.detail, e.record_id) for e in store.log_entries()]
    finally:
        store.close()


SignedWindow = Callable[[Store, str], MainWindow]


def signed_window_factory(
    qtbot: QtBot, data_dir: Path, packs: dict[str, Pack], opened: list[gates.Gate]
) -> SignedWindow:
    """Open a window on `store` with `number` signed in, as the app does after a sign-in."""

    def make(store: Store, number: str) -> MainWindow:
        access = gates.accounts_of(data_dir)
        assert access is not None
        gate = gates.sign_in(access, number, SECRETS[number], store.mode)
        opened.append(gate)
        gates.attach(store, gate)
        window = MainWindow(list(packs.values()), store, gate.stamp, default_pack="rcrp-england")
        window.gate = gate
        qtbot.add_widget(window)
        with qtbot.wait_active(window):  # shortcuts only reach an active window
            window.show()
            window.activateWindow()
        return window

    return make
