"""A data folder's first accounts, made at the window: its first administrator, then, because
an administrator takes no calls, its first handler, who is signed in to take them."""

from datetime import UTC, datetime

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import Access
from rcrp_desktop.calls.encryption import encrypt_if_provisioned, give_key
from rcrp_desktop.calls.gate import Gate
from rcrp_desktop.storage.records import Mode

KIND = "passphrase"  # PINs only where a force's settings allow them: set from the command line
FIRST_HANDLER_ROLES = ("handler",)


open_accounts = gates.open_accounts  # the file made if there is none yet


def first_administrator(
    access: Access, number: str, name: str, secret: str, database: Mode
) -> Gate:
    """The first administrator made and signed in, to add the first handler. Refused
    (NotPermittedError) with the rule a passphrase breaks, or once an administrator exists."""
    number = number.strip()
    access.create_first_administrator(number, name.strip(), secret, KIND, now=_now())
    admin = gates.sign_in(access, number, secret, database)
    encrypt_if_provisioned(admin, access.store.path.parent, secret)  # before any record
    return admin


def first_handler(admin: Gate, number: str, name: str, secret: str) -> Gate:
    """A call handler's account added by `admin`: the handler signed in, and `admin` signed
    out. Refused as any new account is (a number taken, a passphrase too short).
    Where the folder's records are encrypted, the new passphrase is given the key to them."""
    number = number.strip()
    admin.access.add_account(
        admin.session, number, name.strip(), FIRST_HANDLER_ROLES, secret, KIND, now=_now()
    )
    give_key(admin, admin.access.store.path.parent, number, secret)
    handler = gates.sign_in(admin.access, number, secret, admin.session.database)
    gates.sign_out(admin)  # only now: a handler who cannot sign in leaves the admin at the desk
    return handler


def handler_due(gate: Gate) -> bool:
    """Whether the person signed in manages accounts where no account may take calls in their
    database yet (a first start that stopped after its administrator): the first handler is
    then asked for."""
    if not gate.may("accounts.manage"):
        return False
    roles, database = gate.access.roles, gate.session.database
    return not any(
        roles.allows(account.roles, "call.take", database)
        for account in gate.access.store.accounts()
        if not account.disabled
    )


def _now() -> datetime:
    return datetime.now(UTC)
