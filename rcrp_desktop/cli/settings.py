"""Command-line force settings: shown to anyone, changed only by an administrator, logged.

    rcrp-desktop settings show
    rcrp-desktop settings set idle-lock-minutes N --as NUMBER     (1 to 60)
    rcrp-desktop settings set pins-allowed yes|no --as NUMBER
    rcrp-desktop settings set review-dip-percent N --as NUMBER   (0 to 100)
    rcrp-desktop settings set review-dip-seed TEXT --as NUMBER

A change needs "settings.manage" where the data folder has accounts, and is written to the
access log with the old value and the new. The window reads the settings when it starts.
"""

import argparse
import sys
from pathlib import Path

from rcrp_desktop.cli.exits import Exit
from rcrp_desktop.cli.signing import add_who, sign_in_for
from rcrp_desktop.storage.force_settings import (
    FILE_NAME,
    ForceSettings,
    fault,
    load_force_settings,
    save_force_settings,
)

# The names typed on the command line, and the file's keys they set.
NAMES = {
    "idle-lock-minutes": "idle_lock_minutes",
    "pins-allowed": "pins_allowed",
    "review-dip-percent": "review_dip_percent",
    "review-dip-seed": "review_dip_seed",
    "figures-suppress-below": "figures_suppress_below",
}
_YES_NO = {"yes": True, "no": False}


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `settings` and its actions on the main parser."""
    settings = commands.add_parser(
        "settings", help="the force's settings: the idle lock, whether PINs are allowed"
    )
    actions = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the settings in force, and where they come from")
    show.set_defaults(handler=show_command)
    change = actions.add_parser(
        "set",
        help="change one setting (an administrator's action, written to the access log)",
        description="idle-lock-minutes: 1 to 60 (the lock cannot be turned off); "
        "pins-allowed: yes or no; review-dip-percent: 0 to 100, the share of other calls the "
        "review queue takes; review-dip-seed: the dip sample's seed; "
        "figures-suppress-below: 0 to 100, counts under it shown as <N in the figures.",
    )
    change.add_argument("name", choices=tuple(NAMES), help="the setting")
    change.add_argument("value", help="its new value")
    add_who(change)
    change.set_defaults(handler=set_command)


def show_command(args: argparse.Namespace, data_dir: Path) -> int:
    settings = load_force_settings(data_dir)
    for name, key in NAMES.items():
        print(f"{name}\t{shown(getattr(settings, key))}")
    path = data_dir / FILE_NAME
    print(f"(from {path})" if path.exists() else f"(the defaults: there is no {path})")
    return Exit.OK


def set_command(args: argparse.Namespace, data_dir: Path) -> int:
    if args.read_only:
        print(
            "rcrp-desktop: `settings set` writes to the data folder, and --read-only writes "
            "nothing: nothing was changed.",
            file=sys.stderr,
        )
        return Exit.USAGE
    key = NAMES[args.name]
    value = _value(key, args.value)
    problem = fault(key, value)
    if key == "pins_allowed" and problem:
        problem = f"must be yes or no, not {args.value!r}"
    if problem:
        print(f"rcrp-desktop: {args.name} {problem}: nothing was changed.", file=sys.stderr)
        return Exit.USAGE
    # Signed in first: a refusal is said, and logged, before the file is read or written.
    signed = sign_in_for(args, data_dir, "settings.manage")
    try:
        old: ForceSettings = load_force_settings(data_dir)
        before = getattr(old, key)
        if before == value:
            print(f"{args.name} is {shown(value)} already: nothing was changed.")
            return Exit.OK
        save_force_settings(data_dir, old.changed(key, value))
        if signed is not None:
            signed.log("settings changed", f"{args.name}: {shown(before)} -> {shown(value)}")
    finally:
        if signed is not None:
            signed.close()
    print(
        f"{args.name}: {shown(before)} -> {shown(value)} (the window uses it from its next start)"
    )
    return Exit.OK


def _value(key: str, text: str) -> object:
    """The typed value as the setting holds it; left as typed where it cannot be, for `fault`
    to say why."""
    given = text.strip().lower()
    if key == "review_dip_seed":
        return text.strip()
    if key == "pins_allowed":
        return _YES_NO.get(given, text)
    try:
        return int(given)
    except ValueError:
        return text


def shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
