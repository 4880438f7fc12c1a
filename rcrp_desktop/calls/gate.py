"""Who is signed in to an open record database: the use cases ask it before they act, so the
window's buttons are never the only guard, and what it refuses is logged.

A gate is attached to the records the window opened for a person who signed in; records of a
data folder with no account yet have none, and the use cases act as they did.
"""

import weakref
from datetime import UTC, datetime
from pathlib import Path

from rcrp_desktop.calls.access import Access, NotPermittedError, Session, SignInError
from rcrp_desktop.domain.access.roles import shipped_roles
from rcrp_desktop.storage import cipher, keyring_file, keys
from rcrp_desktop.storage.access_store import AccessLogStore
from rcrp_desktop.storage.accounts import FILE_NAME, PRODUCTION, AccountStore, ArgonCost
from rcrp_desktop.storage.data import ACCESS_LOG_FILE, NEXT_KEYRING_FILE
from rcrp_desktop.storage.force_settings import load_force_settings
from rcrp_desktop.storage.records import Mode
from rcrp_desktop.storage.repository import Store

COST: ArgonCost = PRODUCTION  # the force's Argon2 cost (tests set a cheap one)


class Gate:
    """One person signed in, and the accounts store their actions are checked and logged in."""

    def __init__(self, access: Access, session: Session, data_key: bytes | None = None) -> None:
        self.access = access
        self.session = session
        self.data_key = data_key  # an encrypted folder's key, unwrapped with their passphrase
        # Why this person is reading each record someone else took, as they said it during
        # this sign-in: the record opened again (a call resumed from Find, from the overdue
        # bar) is logged again with it, not asked for twice. The next person starts with none.
        self.reasons: dict[int, str] = {}

    @property
    def stamp(self) -> str:
        return self.session.account.stamp()

    def require(self, action: str) -> None:
        """Refuse (NotPermittedError, logged) unless this person may do `action` here."""
        self.access.require(self.session, action, now=_now())

    def may(self, action: str) -> bool:
        """Whether this person may do `action` here (nothing is logged: see `require`)."""
        return self.access.may(self.session, action)

    def consult(self, record_id: int, taken_by: str, reason: str) -> None:
        """A record about to be shown: allowed, and logged with the reason where one is due
        (given now, or for the same record earlier in this sign-in)."""
        reason = reason.strip() or self.reasons.get(record_id, "")
        self.access.consult(self.session, record_id, taken_by, reason=reason, now=_now())
        if reason and not self.owns(taken_by):
            self.reasons[record_id] = reason

    def owns(self, taken_by: str) -> bool:
        """Whether the record stamped `taken_by` was taken by this person (no reason asked)."""
        return taken_by.split(" ", 1)[0] == self.session.account.number

    def disclose(self, record_id: int, recipient: str, basis: str) -> None:
        self.access.disclose(self.session, record_id, recipient, basis, now=_now())

    def log(self, kind: str, detail: str, record_id: int = 0) -> None:
        """Into the access log, as this person (s.62: consultation, disclosure, alteration)."""
        number = self.session.account.number
        self.access.journal.log(number, number, kind, detail, now=_now(), record_id=record_id)

    def close(self) -> None:
        """Close the accounts store the person signed in through; their hold on the folder's
        key ends (it stays unlocked while another sign-in holds it)."""
        if self.data_key is not None:
            cipher.lock_folder(self.access.store.path.parent)
            self.data_key = None
        if isinstance(self.access.journal, AccessLogStore):
            self.access.journal.close()
            self.access.journal = self.access.store
        self.access.store.close()


def open_accounts(data_dir: Path) -> Access:
    """The data folder's accounts (the file made, owner-only, if there is none yet), under the
    force's settings, read once here (a bad file: refused, nothing opened)."""
    settings = load_force_settings(data_dir)
    store = AccountStore.open(data_dir, cost=COST)
    return Access(store, shipped_roles(), settings=settings)


def accounts_of(data_dir: Path) -> Access | None:
    """The data folder's accounts, open, if it has any (none: the folder works as it did)."""
    if not (data_dir / FILE_NAME).exists():
        return None  # looked for, never made: a folder without accounts gets no file
    access = open_accounts(data_dir)
    if access.first_start():
        access.store.close()
        return None
    return access


def sign_in(access: Access, number: str, secret: str, database: Mode) -> Gate:
    """A person signed in to `database` (SignInError, logged, if refused); where the folder's
    records are encrypted, their passphrase also opens the data key, and the folder is
    unlocked for as long as they stay signed in."""
    number = number.strip()
    session = access.sign_in(number, secret, database, now=_now())
    folder = access.store.path.parent
    keyring = keyring_file.load_keyring(folder)
    if keyring is None:
        return Gate(access, session)
    try:
        data_key = keys.unlock_with_account(keyring, number, secret)
    except (keys.NoAccountWrapError, keys.WrongSecretError) as error:
        why = "no key" if isinstance(error, keys.NoAccountWrapError) else "key out of step"
        access.store.log(number, number, "sign-in refused", f"{why} to the records", now=_now())
        raise SignInError(
            f"Account {number} has no key to this folder's encrypted records yet: an "
            f"administrator must set its passphrase again (rcrp-desktop accounts reset {number})."
        ) from error
    # The access log moved there when the folder was encrypted; while a stopped rekey waits to
    # be finished it may be under either key, and actions are logged with the sign-ins.
    if (folder / ACCESS_LOG_FILE).exists() and not (folder / NEXT_KEYRING_FILE).exists():
        access.journal = AccessLogStore.open(folder, data_key)
    cipher.unlock_folder(folder, data_key)
    return Gate(access, session, data_key)


def sign_out(gate: Gate) -> None:
    """Signed out in the log; their hold on the folder's key ends (the next person at a shift
    change holds it by their own sign-in; the accounts stay open for them)."""
    try:
        gate.access.sign_out(gate.session, now=_now())
    finally:
        if gate.data_key is not None:
            cipher.lock_folder(gate.access.store.path.parent)
            gate.data_key = None


_GATES: "weakref.WeakKeyDictionary[Store, Gate]" = weakref.WeakKeyDictionary()


def attach(store: Store, gate: Gate) -> None:
    """From now on, what is done on `store` is done by the person `gate` signed in."""
    _GATES[store] = gate


def gate_of(store: Store) -> Gate | None:
    return _GATES.get(store)


def require(store: Store, action: str) -> None:
    """Asked first by a use case: refused unless the person signed in may do `action`; a
    store with no gate (a data folder without accounts) refuses nothing."""
    gate = _GATES.get(store)
    if gate is not None:
        gate.require(action)


def copied(store: Store, record_id: int, detail: str) -> None:
    """A read-only copy of a record's handover made by the person signed in: recorded nowhere
    in the record (it is read-only), so in the access log (a copy may leave the building)."""
    gate = _GATES.get(store)
    if gate is not None:
        gate.log("read-only copy made", detail, record_id)


def log(store: Store, kind: str, detail: str) -> None:
    """An entry in the access log as the person signed in to `store`; none where nobody is."""
    gate = _GATES.get(store)
    if gate is not None:
        gate.log(kind, detail)


def searched(store: Store, criteria: str) -> None:
    """A search of the records, in the access log as the person signed in (s.62: the list it
    shows is a consultation of what it names); nothing where nobody is signed in."""
    gate = _GATES.get(store)
    if gate is not None:
        gate.log("records searched", criteria)


def reason_due(store: Store, record_id: int) -> str:
    """Before a record is opened to be read: refused (NotPermittedError, logged) unless the
    person signed in may read records here. Who took the record where the person must say why
    they are opening it; "" where they need not (no gate, their own record, or a reason given
    for it already in this sign-in)."""
    gate = _GATES.get(store)
    if gate is None:
        return ""
    gate.require("record.read")
    taken_by = store.record(record_id).handler  # the stamp on the record's first event
    return "" if gate.owns(taken_by) or record_id in gate.reasons else taken_by


def require_holder(store: Store, record_id: int, holder: str) -> None:
    """Before a command that works an open call: refused (NotPermittedError, logged) unless the
    person signed in holds it; a store with no gate refuses nothing."""
    gate = _GATES.get(store)
    if gate is None or not holder or gate.owns(holder):
        return
    gate.log("refused", f"working a call held by {holder}", record_id)
    raise NotPermittedError(
        f"Call {record_id} is held by {holder}: only they work it. A supervisor can take it "
        "over, with a reason (Take over, Ctrl+Shift+O); at a shift change it passes to the next "
        "handler signed in at the same desk."
    )


def break_glass(store: Store, record_id: int, reason: str) -> None:
    """A supervisor taking over a call someone else holds: refused unless they may, and only
    with a reason typed in full; logged with it (a store with no gate asks nothing)."""
    gate = _GATES.get(store)
    if gate is not None:
        gate.access.break_glass(gate.session, "call.unlock", record_id, reason=reason, now=_now())


def give_reason(store: Store, record_id: int, reason: str) -> None:
    """Why the person signed in is opening a record someone else took, as they typed it: the
    consultation that shows the record is logged with it (`consult`)."""
    gate = _GATES.get(store)
    if gate is not None and reason.strip():
        gate.reasons[record_id] = reason.strip()


def consult(store: Store, record_id: int, reason: str = "") -> None:
    """Asked by the use case that shows a record, before anything of it is shown: refused
    (NotPermittedError, logged) unless the person signed in may read records here and, for a
    record someone else took, has said why (now, or earlier in this sign-in); the consultation
    is logged with the reason. A store with no gate (a folder without accounts) asks nothing."""
    gate = _GATES.get(store)
    if gate is not None:
        gate.consult(record_id, store.record(record_id).handler, reason)


def _now() -> datetime:
    return datetime.now(UTC)
