"""`forms install FILE`: a protocol pack or partner directory the force signed, installed once
its signature checks out against the force key this desk trusts (R25); `forms installed`:
what is in use, shipped and installed."""

import argparse
import sys
from pathlib import Path

from rcrp_desktop.cli.exits import Exit
from rcrp_desktop.cli.signing import add_who, sign_in_for

_ACTION = {"pack": "packs.manage", "directory": "directory.manage"}


def add_commands(forms: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    install = forms.add_parser(
        "install",
        help="install a pack or partner directory the force signed (`rcrp-central sign`)",
        description="The file is checked against the force's public signing key in the data "
        "folder (force-signing-public.pem, put there by the force's install); an unsigned, "
        "changed or wrongly signed file is refused and nothing is changed. A pack must pass "
        "every check and be newer than the version in use; the older stays, so its records "
        "replay.",
    )
    install.add_argument("file", type=Path, help="the signed file")
    add_who(install)
    forms.add_parser("list", help="the packs this desk offers and keeps, and any problems")


def install_command(args: argparse.Namespace, data_dir: Path, forms_root: Path) -> int:
    from rcrp_desktop import files
    from rcrp_desktop.calls import forms
    from rcrp_desktop.storage import installed_forms
    from rcrp_desktop.storage.errors import StorageError
    from rcrp_desktop.storage.signed_forms import (
        MAX_SIGNED_BYTES,
        SignedFileError,
        read_signed,
    )

    try:
        blob = files.read_small(args.file, MAX_SIGNED_BYTES)
    except OSError as error:
        print(f"rcrp-desktop: {args.file} cannot be read: {error.strerror or error}. "
              "Nothing was installed.", file=sys.stderr)  # fmt: skip
        return Exit.PROBLEMS
    try:
        # The permission it needs depends on what it holds: read (and checked) before signing in.
        kind = read_signed(blob, installed_forms.trusted_key(data_dir)).kind
        signed = sign_in_for(args, data_dir, _ACTION[kind])
        try:
            done = forms.install(data_dir, blob, forms_root, signed)
        finally:
            if signed is not None:
                signed.close()
    except SignedFileError as error:
        said = str(error).rstrip(".")
        print(f"rcrp-desktop: {args.file}: {said}. Nothing was installed.", file=sys.stderr)
        return Exit.PROBLEMS
    except StorageError as error:
        print(f"rcrp-desktop: {args.file}: {error}", file=sys.stderr)
        return Exit.PROBLEMS
    print(f"ok: {done.line}")
    return Exit.OK


def list_command(data_dir: Path, forms_root: Path) -> int:
    from rcrp_desktop.calls.forms import pack_catalogue

    packs, problems = pack_catalogue(forms_root, data_dir)
    for pack in sorted(packs, key=lambda p: (p.id, p.archived, p.source)):
        use = "kept for replay" if pack.archived else "offered"
        print(f"{pack.id}\t{pack.version}\t{use}\t{pack.source}")
    for problem in problems:
        print(f"problem: {problem}")
    return Exit.PROBLEMS if problems else Exit.OK
