"""Accounts and roles in the application layer: the first administrator, signing in with a
back-off after failures, each action refused for a role that lacks it (and the refusal logged),
a trainer kept out of live records; secrets kept only as Argon2id hashes."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rcrp_desktop.calls.access import Access, NotPermittedError, Session, SignInError
from rcrp_desktop.domain.access.roles import shipped_roles
from rcrp_desktop.domain.access.secrets import SecretRules
from rcrp_desktop.storage.accounts import FILE_NAME, TEST, AccountStore
from rcrp_desktop.storage.errors import StorageError

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ADMIN_SECRET = "copper kettle winter"
HANDLER_SECRET = "lantern meadow seven"


@pytest.fixture
def access(tmp_path: Path) -> Iterator[Access]:
    store = AccountStore.open(tmp_path / "data", cost=TEST)  # never the production cost here
    made = Access(store, shipped_roles(), SecretRules(pins_allowed=True))
    yield made
    store.close()


def admin_session(access: Access) -> Session:
    access.create_first_administrator("A100", "Admin Example", ADMIN_SECRET, "passphrase", now=NOW)
    return access.sign_in("A100", ADMIN_SECRET, "live", now=NOW)


def test_the_first_start_makes_an_administrator_and_only_once(access: Access) -> None:
    assert access.first_start()
    admin = access.create_first_administrator(
        "A100", "Admin Example", ADMIN_SECRET, "passphrase", now=NOW
    )
    assert admin.roles == ("administrator",)
    assert not access.first_start()
    with pytest.raises(NotPermittedError):
        access.create_first_administrator("A101", "Second", ADMIN_SECRET, "passphrase", now=NOW)


def test_each_action_is_refused_for_a_role_that_lacks_it_and_the_refusal_logged(
    access: Access,
) -> None:
    admin = admin_session(access)
    access.add_account(
        admin, "H200", "Handler Example", ("handler",), HANDLER_SECRET, "passphrase", now=NOW
    )
    handler = access.sign_in("H200", HANDLER_SECRET, "live", now=NOW)
    access.require(handler, "call.take", now=NOW)
    for action in sorted(set(access.roles.actions) - access.roles.roles["handler"].actions):
        with pytest.raises(NotPermittedError) as refused:
            access.require(handler, action, now=NOW)
        assert str(refused.value).startswith("Not permitted: ")
    with pytest.raises(NotPermittedError):
        access.add_account(
            handler, "H201", "Other", ("handler",), HANDLER_SECRET, "passphrase", now=NOW
        )
    refusals = [e for e in access.store.log_entries() if e.kind == "refused"]
    assert {e.detail for e in refusals} >= {"accounts.manage", "record.review", "store.restore"}
    assert all(e.account == e.by == "H200" for e in refusals)
    # An administrator takes no live calls unless also a handler.
    with pytest.raises(NotPermittedError):
        access.require(admin, "call.take", now=NOW)


def test_a_trainer_works_in_training_only(access: Access) -> None:
    admin = admin_session(access)
    access.add_account(
        admin, "T300", "Trainer Example", ("trainer",), HANDLER_SECRET, "passphrase", now=NOW
    )
    with pytest.raises(SignInError) as refused:
        access.sign_in("T300", HANDLER_SECRET, "live", now=NOW)
    assert "no role in the live records" in str(refused.value)
    trainer = access.sign_in("T300", HANDLER_SECRET, "training", now=NOW)
    access.require(trainer, "call.take", now=NOW)
    access.require(trainer, "training.scenarios", now=NOW)


def test_failed_sign_ins_wait_longer_and_never_say_which_part_was_wrong(access: Access) -> None:
    admin_session(access)
    for _ in range(3):
        with pytest.raises(SignInError) as wrong:
            access.sign_in("A100", "wrong wrong wrong", "live", now=NOW)
        assert str(wrong.value) == "That number and passphrase do not match an account."
    with pytest.raises(SignInError) as unknown:
        access.sign_in("Z999", ADMIN_SECRET, "live", now=NOW)
    assert str(unknown.value) == "That number and passphrase do not match an account."
    with pytest.raises(SignInError) as waiting:  # a fourth try waits, even the right one
        access.sign_in("A100", ADMIN_SECRET, "live", now=NOW)
    assert "try again in 5 seconds" in str(waiting.value)
    with pytest.raises(SignInError) as waiting:
        access.sign_in("A100", ADMIN_SECRET, "live", now=NOW + timedelta(seconds=2))
    assert "try again in 3 seconds" in str(waiting.value)
    later = NOW + timedelta(seconds=6)
    assert access.sign_in("A100", ADMIN_SECRET, "live", now=later).account.failures == 0
    kinds = [entry.kind for entry in access.store.log_entries()]
    assert kinds.count("sign-in failed") == 4 and kinds.count("sign-in refused") == 2
    assert kinds[-1] == "signed in"


def test_a_disabled_account_cannot_sign_in(access: Access) -> None:
    admin = admin_session(access)
    access.add_account(
        admin, "H200", "Handler", ("handler",), HANDLER_SECRET, "passphrase", now=NOW
    )
    access.store.set_disabled("H200", True, by="A100", now=NOW)
    with pytest.raises(SignInError) as refused:
        access.sign_in("H200", HANDLER_SECRET, "live", now=NOW)
    assert "disabled" in str(refused.value)


def test_weak_secrets_and_unknown_roles_are_refused(access: Access) -> None:
    admin = admin_session(access)
    with pytest.raises(NotPermittedError, match="12 characters"):
        access.add_account(admin, "H200", "Handler", ("handler",), "short", "passphrase", now=NOW)
    with pytest.raises(NotPermittedError, match="Unknown role"):
        access.add_account(
            admin, "H200", "Handler", ("chief",), HANDLER_SECRET, "passphrase", now=NOW
        )
    pin = access.add_account(admin, "H201", "Pin User", ("handler",), "583920", "pin", now=NOW)
    assert pin.kind == "pin"
    with pytest.raises(StorageError, match="already exists"):
        access.add_account(admin, "H201", "Again", ("handler",), "583921", "pin", now=NOW)


def test_secrets_are_kept_only_as_argon2id_hashes_and_the_log_only_grows(
    access: Access, tmp_path: Path
) -> None:
    admin_session(access)
    (secret,) = access.store.db.execute("SELECT secret FROM accounts").fetchone()
    assert secret.startswith("$argon2id$")
    access.store.db.conn.commit()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir() if p.is_file())
    assert ADMIN_SECRET.encode() not in raw
    assert (tmp_path / "data" / FILE_NAME).stat().st_mode & 0o777 == 0o600
    for statement in ("UPDATE access_log SET kind = 'x'", "DELETE FROM access_log"):
        with pytest.raises(Exception, match="only added to"):
            access.store.db.execute(statement)


def test_a_record_someone_else_took_is_opened_only_with_a_reason_and_both_are_logged(
    access: Access,
) -> None:
    admin = admin_session(access)
    for number in ("H200", "S300"):
        role = "handler" if number == "H200" else "supervisor"
        access.add_account(
            admin, number, f"{role} example", (role,), HANDLER_SECRET, "passphrase", now=NOW
        )
    handler = access.sign_in("H200", HANDLER_SECRET, "live", now=NOW)
    supervisor = access.sign_in("S300", HANDLER_SECRET, "live", now=NOW)
    access.consult(handler, 7, "H200 Handler Example", reason="", now=NOW)
    with pytest.raises(NotPermittedError, match="say why"):
        access.consult(supervisor, 7, "H200 Handler Example", reason="  ", now=NOW)
    access.consult(
        supervisor, 7, "H200 Handler Example", reason="review of a declined call", now=NOW
    )
    access.disclose(handler, 7, "crisis team", "DPA 2018 s.35", now=NOW)
    with pytest.raises(NotPermittedError):  # an administrator does not read records
        access.consult(admin, 7, "H200 Handler Example", reason="curious", now=NOW)
    about = [(e.by, e.kind, e.detail) for e in access.store.log_entries() if e.record_id == 7]
    assert about == [
        ("H200", "record consulted", "own record"),
        ("S300", "record consulted", "review of a declined call"),
        ("H200", "record disclosed", "to crisis team; lawful basis: DPA 2018 s.35"),
    ]
    assert access.store.log_faults() == []


def test_breaking_the_glass_needs_the_role_and_a_reason_and_is_logged(access: Access) -> None:
    admin = admin_session(access)
    access.add_account(
        admin, "S300", "Supervisor", ("supervisor",), HANDLER_SECRET, "passphrase", now=NOW
    )
    access.add_account(
        admin, "H200", "Handler", ("handler",), HANDLER_SECRET, "passphrase", now=NOW
    )
    supervisor = access.sign_in("S300", HANDLER_SECRET, "live", now=NOW)
    handler = access.sign_in("H200", HANDLER_SECRET, "live", now=NOW)
    with pytest.raises(NotPermittedError):
        access.break_glass(handler, "call.unlock", 9, reason="in a hurry", now=NOW)
    with pytest.raises(NotPermittedError, match="needs a reason"):
        access.break_glass(supervisor, "call.unlock", 9, reason=" ", now=NOW)
    access.break_glass(supervisor, "call.unlock", 9, reason="handler taken ill mid-call", now=NOW)
    (entry,) = [e for e in access.store.log_entries() if e.kind == "break-glass"]
    assert (entry.by, entry.record_id, entry.detail) == (
        "S300",
        9,
        "call.unlock: handler taken ill mid-call",
    )
