"""Roles as data: each a set of permitted actions, read from resources/access/roles.toml and
checked as it is read (every fault named with the file and the role)."""

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rcrp_desktop.domain.errors import Error
from rcrp_desktop.paths import resources_dir

DATABASES = ("live", "training")


class RolesError(Error):
    """A roles file that cannot be used: every fault, a line each."""


@dataclass(frozen=True)
class Role:
    """One role: its name, its title for people, its actions and the databases it works in."""

    name: str
    title: str
    actions: frozenset[str]
    databases: frozenset[str]


@dataclass(frozen=True)
class Roles:
    """Every action the app checks (with what it is) and every role."""

    actions: Mapping[str, str]
    roles: Mapping[str, Role]

    def allows(self, held: Iterable[str], action: str, database: str | None = None) -> bool:
        """Whether someone holding the roles `held` may do `action` (in `database`, if given)."""
        if action not in self.actions:
            raise KeyError(f"'{action}' is not an action in the roles file")
        return any(
            action in role.actions and (database is None or database in role.databases)
            for role in (self.roles[name] for name in held if name in self.roles)
        )

    def refusal(self, held: Iterable[str], action: str) -> str:
        """What to tell someone refused `action`: what it is, and which roles may."""
        who = [role.title for role in self.roles.values() if action in role.actions]
        allowed = ", ".join(who) if who else "no role"
        return f"Not permitted: {self.actions[action]} is for {allowed}."


def shipped_roles() -> Roles:
    """The roles the app ships (resources/access/roles.toml)."""
    return read_roles(resources_dir() / "access" / "roles.toml")


def read_roles(path: Path) -> Roles:
    """The roles in `path`; RolesError with every fault found."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RolesError(f"{path}: cannot be read: {error}") from error
    faults: list[str] = []
    actions = _actions(data.get("actions"), faults)
    roles: dict[str, Role] = {}
    raw_roles = data.get("roles")
    if not isinstance(raw_roles, dict) or not raw_roles:
        faults.append("no [roles.NAME] tables")
        raw_roles = {}
    for name, table in raw_roles.items():
        role = _role(name, table, actions, faults)
        if role is not None:
            roles[name] = role
    for key in sorted(set(data) - {"actions", "roles"}):
        faults.append(f"unknown table '{key}' (allowed: actions, roles)")
    if faults:
        raise RolesError("\n".join(f"{path}: {fault}" for fault in faults))
    return Roles(actions=actions, roles=roles)


def _actions(raw: Any, faults: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        faults.append("no [actions] table: every action a role may name is declared there")
        return {}
    actions: dict[str, str] = {}
    for name, text in raw.items():
        if not isinstance(text, str) or not text.strip():
            faults.append(f"action '{name}' must say what it is (a non-empty string)")
        else:
            actions[name] = text
    return actions


def _role(name: str, table: Any, actions: Mapping[str, str], faults: list[str]) -> Role | None:
    where = f"role '{name}'"
    if not isinstance(table, dict):
        faults.append(f"{where} must be a table")
        return None
    found = len(faults)
    for key in sorted(set(table) - {"title", "actions", "databases"}):
        faults.append(f"{where}: unknown key '{key}' (allowed: title, actions, databases)")
    title = table.get("title")
    if not isinstance(title, str) or not title.strip():
        faults.append(f"{where}: 'title' must be a non-empty string")
    named = _strings(table.get("actions"), f"{where}: 'actions'", faults)
    for action in named:
        if action not in actions:
            faults.append(f"{where}: unknown action '{action}' (not in [actions])")
    databases = _strings(table.get("databases"), f"{where}: 'databases'", faults)
    for database in databases:
        if database not in DATABASES:
            faults.append(f"{where}: unknown database '{database}' (live or training)")
    if len(faults) > found:
        return None
    return Role(name, str(title), frozenset(named), frozenset(databases))


def _strings(value: Any, what: str, faults: list[str]) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        faults.append(f"{what} must be a non-empty list of strings")
        return []
    return list(value)
