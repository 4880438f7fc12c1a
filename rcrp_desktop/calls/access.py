"""Who is signed in and what they may do: the application layer asks before every action, so a
hidden button is never the only guard, and every refusal is written to the account log."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rcrp_desktop.domain.access.roles import Roles
from rcrp_desktop.domain.access.secrets import SecretRules, next_try
from rcrp_desktop.storage.access_log import Entry
from rcrp_desktop.storage.accounts import Account, AccountStore
from rcrp_desktop.storage.errors import RefusedError
from rcrp_desktop.storage.force_settings import ForceSettings
from rcrp_desktop.storage.records import Mode
from rcrp_desktop.times import parse_utc


class Journal(Protocol):
    """An append-only access log a signed-in person's actions are written to."""

    def log(
        self, account: str, by: str, kind: str, detail: str, *, now: datetime, record_id: int = 0
    ) -> None: ...

    def log_entries(self) -> list[Entry]: ...

    def log_faults(self) -> list[str]: ...


class NotPermittedError(RefusedError):
    """The person signed in may not do this (their roles, or the database, do not allow it)."""


class SignInError(RefusedError):
    """Sign-in refused: a wrong number or secret (never said which), a wait, or a disabled
    account."""


@dataclass(frozen=True)
class Session:
    """One person signed in, to one of the databases."""

    account: Account
    database: Mode


class Access:
    """Accounts, roles and the force's rules for secrets, as the window and the CLI use them."""

    def __init__(
        self,
        store: AccountStore,
        roles: Roles,
        rules: SecretRules | None = None,
        settings: ForceSettings | None = None,
    ):
        self.store = store
        self.settings = settings or ForceSettings()  # the force's, read once with the accounts
        # Where what a person does once signed in is logged: the accounts' own log, or, where
        # the records are encrypted, the access log under the data key (storage/access_store.py).
        self.journal: Journal = store
        self.roles = roles
        self.rules = rules or self.settings.secret_rules()

    def first_start(self) -> bool:
        """True while there is no account: the first one made is an administrator."""
        return not self.store.accounts()

    def create_first_administrator(
        self, number: str, name: str, secret: str, kind: str, *, now: datetime
    ) -> Account:
        if not self.first_start():
            raise NotPermittedError("The first administrator exists already: sign in.")
        self._check_secret(secret, kind)
        return self.store.add(number, name, ("administrator",), secret, kind, by=number, now=now)

    def sign_in(self, number: str, secret: str, database: Mode, *, now: datetime) -> Session:
        account = self.store.account(number)
        if account is not None and account.failures:
            last = parse_utc(account.last_failure) if account.last_failure else None
            allowed = next_try(account.failures, last)
            if allowed is not None and now < allowed:
                seconds = math.ceil((allowed - now).total_seconds())
                self.store.log(number, number, "sign-in refused", f"waiting {seconds} s", now=now)
                raise SignInError(f"Too many failed tries: try again in {seconds} seconds.")
        if not self.store.secret_matches(number, secret):
            if account is not None:
                self.store.count_failure(number, now=now)
            else:
                self.store.log(number, number, "sign-in failed", "no such account", now=now)
            raise SignInError("That number and passphrase do not match an account.")
        assert account is not None
        if account.disabled:
            self.store.log(number, number, "sign-in refused", "account disabled", now=now)
            raise SignInError(f"The account {number} is disabled: ask an administrator.")
        if account.kind == "pin" and not self.rules.pins_allowed:  # turned off since it was set
            self.store.log(number, number, "sign-in refused", "PINs not allowed", now=now)
            raise SignInError(
                f"This force no longer allows PINs: an administrator must set a passphrase for "
                f"{number} (rcrp-desktop accounts reset {number})."
            )
        if not any(
            database in self.roles.roles[r].databases
            for r in account.roles
            if r in self.roles.roles
        ):
            self.store.log(number, number, "sign-in refused", f"no role in {database}", now=now)
            raise SignInError(f"The account {number} has no role in the {database} records.")
        self.store.signed_in(number, now=now)
        return Session(self.store.account(number) or account, database)

    def sign_out(self, session: Session, *, now: datetime) -> None:
        number = session.account.number
        self.journal.log(number, number, "signed out", "", now=now)

    def may(self, session: Session, action: str) -> bool:
        return self.roles.allows(session.account.roles, action, session.database)

    def require(self, session: Session, action: str, *, now: datetime) -> None:
        """Refuse (and log the refusal) unless the person signed in may do `action`."""
        if self.may(session, action):
            return
        number = session.account.number
        self.journal.log(number, number, "refused", action, now=now)
        raise NotPermittedError(self.roles.refusal(session.account.roles, action))

    def consult(
        self, session: Session, record_id: int, taken_by: str, *, reason: str, now: datetime
    ) -> None:
        """Before a record is shown: the person may read records here, and one they did not
        take needs a reason. Logged either way, with the reason (s.62: a consultation is logged
        with its justification). `taken_by`: the stamp on the record's first event."""
        self.require(session, "record.read", now=now)
        own = taken_by.split(" ", 1)[0] == session.account.number
        if not own and not reason.strip():
            raise NotPermittedError(
                f"Record {record_id} was taken by {taken_by}: say why you are opening it "
                "(the access log keeps the reason)."
            )
        number = session.account.number
        detail = reason.strip() or "own record"
        self.journal.log(number, number, "record consulted", detail, now=now, record_id=record_id)

    def break_glass(
        self, session: Session, action: str, record_id: int, *, reason: str, now: datetime
    ) -> None:
        """A supervisor doing what their roles do not otherwise allow, in an emergency: only with
        a typed reason, and written to the log with it."""
        self.require(session, "access.break_glass", now=now)
        if not reason.strip():
            raise NotPermittedError("Breaking the glass needs a reason, typed in full.")
        number = session.account.number
        detail = f"{action}: {reason.strip()}"
        self.journal.log(number, number, "break-glass", detail, now=now, record_id=record_id)

    def disclose(
        self, session: Session, record_id: int, recipient: str, basis: str, *, now: datetime
    ) -> None:
        """Before a handover leaves: the person may export, and the disclosure is logged with
        its recipient and lawful basis."""
        self.require(session, "record.export", now=now)
        number = session.account.number
        detail = f"to {recipient}; lawful basis: {basis}"
        self.journal.log(number, number, "record disclosed", detail, now=now, record_id=record_id)

    def add_account(
        self,
        session: Session,
        number: str,
        name: str,
        roles: tuple[str, ...],
        secret: str,
        kind: str,
        *,
        now: datetime,
    ) -> Account:
        self.require(session, "accounts.manage", now=now)
        self._known_roles(roles)
        self._check_secret(secret, kind)
        return self.store.add(number, name, roles, secret, kind, by=session.account.number, now=now)

    def set_secret(
        self, session: Session, number: str, secret: str, kind: str, *, now: datetime
    ) -> None:
        """An administrator sets an account's passphrase or PIN again (forgotten, or the
        account has no key to encrypted records yet)."""
        self.require(session, "accounts.manage", now=now)
        self._check_secret(secret, kind)
        self.store.set_secret(number, secret, kind, by=session.account.number, now=now)

    def set_roles(
        self, session: Session, number: str, roles: tuple[str, ...], *, now: datetime
    ) -> None:
        """An administrator changes an account's roles (never leaving the folder with nobody
        to manage its accounts)."""
        self.require(session, "accounts.manage", now=now)
        self._known_roles(roles)
        self._keeps_an_administrator(number, roles=roles)
        self.store.set_roles(number, roles, by=session.account.number, now=now)

    def set_disabled(self, session: Session, number: str, disabled: bool, *, now: datetime) -> None:
        """An administrator disables an account (someone who has left: it signs in no more)
        or enables it again."""
        self.require(session, "accounts.manage", now=now)
        if disabled:
            self._keeps_an_administrator(number, roles=())
        self.store.set_disabled(number, disabled, by=session.account.number, now=now)

    def _known_roles(self, roles: tuple[str, ...]) -> None:
        unknown = [role for role in roles if role not in self.roles.roles]
        if unknown or not roles:
            raise NotPermittedError(
                f"Unknown role(s): {', '.join(unknown) or 'none given'} "
                f"(the roles: {', '.join(self.roles.roles)})."
            )

    def _keeps_an_administrator(self, number: str, *, roles: tuple[str, ...]) -> None:
        """Refused if `number` holding `roles` would leave no enabled account that manages
        accounts: the folder would have nobody to add, reset or disable anyone."""
        if self.store.account(number) is None:
            raise NotPermittedError(f"There is no account numbered {number}.")
        managers = [
            account.number
            for account in self.store.accounts()
            if not account.disabled
            and self.roles.allows(
                roles if account.number == number else account.roles, "accounts.manage", "live"
            )
        ]
        if not managers:
            raise NotPermittedError(
                f"That would leave no enabled account able to manage accounts: give another "
                f"account the administrator role first. Account {number} is unchanged."
            )

    def _check_secret(self, secret: str, kind: str) -> None:
        fault = self.rules.fault(secret, kind)
        if fault:
            raise NotPermittedError(fault)
