"""Roles are data: the shipped file reads cleanly and says what the issue asks of each role; a
faulty file is refused with every fault named by file and role."""

from pathlib import Path

import pytest

from rcrp_desktop.domain.access.roles import RolesError, read_roles, shipped_roles


def test_the_shipped_roles_permit_what_each_role_is_for() -> None:
    roles = shipped_roles()
    assert set(roles.roles) == {"handler", "supervisor", "trainer", "administrator", "auditor"}
    assert roles.allows(["handler"], "call.take", "live")
    assert not roles.allows(["handler"], "record.review")
    assert roles.allows(["supervisor"], "record.review") and roles.allows(
        ["supervisor"], "call.unlock"
    )
    # A trainer works in the training database only.
    assert roles.allows(["trainer"], "call.take", "training")
    assert not roles.allows(["trainer"], "call.take", "live")
    assert not roles.allows(["trainer"], "record.read", "live")
    # An administrator takes no live calls unless also a handler.
    assert not roles.allows(["administrator"], "call.take", "live")
    assert roles.allows(["administrator", "handler"], "call.take", "live")
    assert roles.allows(["administrator"], "accounts.manage")
    # An auditor only reads.
    auditor = roles.roles["auditor"].actions
    assert auditor == {"record.read", "store.verify", "access_log.read", "figures.read"}
    assert not roles.allows([], "record.read")
    assert not roles.allows(["no-such-role"], "record.read")


def test_every_action_is_held_by_some_role_and_a_refusal_says_who_may() -> None:
    roles = shipped_roles()
    held = set().union(*(role.actions for role in roles.roles.values()))
    assert held == set(roles.actions)
    line = roles.refusal(["handler"], "accounts.manage")
    assert line == (
        "Not permitted: add, change and disable accounts and their roles is for Administrator."
    )


def test_an_action_the_file_does_not_declare_is_a_mistake_in_the_code() -> None:
    with pytest.raises(KeyError):
        shipped_roles().allows(["handler"], "call.teke")


def test_a_faulty_roles_file_is_refused_with_every_fault_named(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(
        """
[actions]
"call.take" = "take calls"
"record.read" = ""

[roles.handler]
title = "Call handler"
databases = ["live", "archive"]
actions = ["call.take", "call.teke"]
colour = "blue"

[roles.nobody]
actions = []

[extra]
""",
        encoding="utf-8",
    )
    with pytest.raises(RolesError) as raised:
        read_roles(path)
    lines = str(raised.value).splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines)
    text = str(raised.value)
    for fault in (
        "action 'record.read' must say what it is",
        "role 'handler': unknown key 'colour'",
        "role 'handler': unknown action 'call.teke'",
        "role 'handler': unknown database 'archive'",
        "role 'nobody': 'title' must be a non-empty string",
        "role 'nobody': 'actions' must be a non-empty list of strings",
        "unknown table 'extra'",
    ):
        assert fault in text, text


def test_a_roles_file_that_is_not_toml_gets_one_line(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text("[actions\n", encoding="utf-8")
    with pytest.raises(RolesError) as raised:
        read_roles(path)
    assert str(raised.value).startswith(f"{path}: cannot be read:")
    assert "\n" not in str(raised.value)
