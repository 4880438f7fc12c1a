"""Command line: parse arguments, then run a headless command or open the window.

Start-up order: arguments are parsed first; headless commands (`forms check`, `run-script`)
never import Qt; `gui` (the default) checks for a display before importing PySide6, so a
machine with no screen gets one clear line instead of a Qt abort.
"""

import argparse
import json
import logging
import os
import sys
from enum import IntEnum
from pathlib import Path

from rcrp_desktop import __version__, paths, records_cli, scenario_cli
from rcrp_desktop.domain import engine
from rcrp_desktop.domain.errors import PackError, ScriptError
from rcrp_desktop.domain.loader import check_paths, display_name, find_pack, load_pack
from rcrp_desktop.domain.protocol import Pack
from rcrp_desktop.domain.scenario_lint import check_scenarios, split_targets
from rcrp_desktop.domain.script import load_script, mismatches, run_script
from rcrp_desktop.storage.errors import StorageError

DEFAULT_PACK = "rcrp-england"
QT_LIBS_APT = (
    "apt-get install -y libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 "
    "libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 "
    "libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core"
)


class Exit(IntEnum):
    """Process exit codes."""

    OK = 0
    PROBLEMS = 1
    USAGE = 2
    NO_DISPLAY = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rcrp-desktop",
        description="Right Care, Right Person decision support. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help=f"where records live (also ${paths.DATA_DIR_ENV})")
    parser.add_argument("--forms", type=Path, help="protocol folder (default: the shipped forms/)")
    parser.add_argument("--debug", action="store_true", help="log debug messages to stderr")
    parser.add_argument(
        "--pack", default=DEFAULT_PACK, help="force profile (pack id) the window starts with"
    )
    parser.add_argument(
        "--training", action="store_true", help="use the training database, not live records"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="open the app (the default)")

    forms = commands.add_parser("forms", help="protocol pack tools")
    forms_commands = forms.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    check = forms_commands.add_parser("check", help="lint protocol packs; exit 1 on any problem")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders (default: forms/)")

    script = commands.add_parser("run-script", help="replay a scripted call through the engine")
    script.add_argument("script", type=Path, help="a scripted call (JSON)")
    script.add_argument("--json", action="store_true", help="print the result as JSON")
    script.add_argument("--save", action="store_true", help="store the call as a record")
    script.add_argument("--incident", help="incident reference for --save (default: the file)")
    records_cli.add_commands(commands)
    scenario_cli.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.OK


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(name)s: %(levelname)s: %(message)s",
    )
    forms_root: Path = args.forms or paths.forms_dir()
    data_dir = paths.data_dir(args.data_dir)
    if args.command == "forms":
        return forms_check(args.paths or [forms_root], forms_root)
    try:
        if args.command == "run-script":
            return run_script_command(args, forms_root, data_dir)
        if hasattr(args, "handler"):
            return int(args.handler(args, data_dir))
    except StorageError as error:
        return records_cli.report(error)
    return gui(forms_root, args.pack, data_dir, training=args.training)


def forms_check(targets: list[Path], forms_root: Path | None = None) -> int:
    """Lint packs and, in scenarios/ folders, training scenarios (their packs: forms_root)."""
    pack_targets, scenario_targets = split_targets(targets)
    packs, problems = check_paths(pack_targets)
    scenarios, scenario_problems = check_scenarios(
        scenario_targets, forms_root or paths.forms_dir()
    )
    problems += scenario_problems
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return Exit.PROBLEMS
    if not packs and not scenarios:
        print(
            "No pack files found in: " + ", ".join(display_name(t) for t in targets),
            file=sys.stderr,
        )
        return Exit.PROBLEMS
    for pack in packs:
        print(
            f"ok  {pack.source}  {pack.id} {pack.version}  ({len(pack.nodes)} nodes, "
            f"sha256 {pack.content_hash[:12]})"
        )
    for scenario in scenarios:
        print(scenario_cli.fits_line(scenario))
    return Exit.OK


def resolve_pack(forms_root: Path, pack: str) -> Pack:
    """A pack given by id (searched under forms_root) or by file path."""
    candidate = Path(pack)
    if candidate.suffix == ".toml" and candidate.exists():
        return load_pack(candidate)
    found = find_pack([forms_root], pack)
    if found is None:
        raise ScriptError(f"no pack with id '{pack}' under {display_name(forms_root)}")
    return load_pack(found)


def run_script_command(args: argparse.Namespace, forms_root: Path, data_dir: Path) -> int:
    script_path: Path = args.script
    as_json: bool = args.json
    try:
        script = load_script(script_path)
        pack = resolve_pack(forms_root, script.pack)
        state = run_script(pack, script)
        if args.save:
            mode = records_cli.mode_of(args)
            record_id = records_cli.save_script(
                script, pack, data_dir, mode, args.incident or script_path.stem
            )
            print(f"saved as {mode} record {record_id}", file=sys.stderr)
    except (ScriptError, PackError) as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return Exit.PROBLEMS
    advice = engine.recommend(state)
    wrong = mismatches(script, advice)
    if as_json:
        print(
            json.dumps(
                result_json(script.title, state, advice, wrong), indent=2, ensure_ascii=False
            )
        )
    else:
        print(result_text(script.title, state, advice))
    for line in wrong:
        print(f"rcrp-desktop: {script_path}: {line}", file=sys.stderr)
    return Exit.PROBLEMS if wrong else Exit.OK


def result_json(
    title: str, state: engine.State, advice: engine.Recommendation, wrong: list[str]
) -> dict[str, object]:
    return {
        "title": title,
        "finished": state.finished,
        "outcome": advice.code.value if advice.code else None,
        "outcome_title": advice.title,
        "outcome_node": advice.outcome_node,
        "police_attend": advice.police_attend,
        "urgent": advice.urgent,
        "instruction": advice.instruction,
        "recommendation": advice.text,
        "partner": advice.partner,
        "partner_name": advice.partner_name,
        "floor_applied": advice.floor_applied,
        "explanation": [
            {
                "node": r.node,
                "question": r.question,
                "answer": r.answer,
                "rationale": r.rationale,
                "role": r.role,
            }
            for r in advice.reasons
        ],
        "path": list(state.path),
        "pack": {"id": advice.pack_id, "version": advice.pack_version, "sha256": advice.pack_hash},
        "mismatches": wrong,
    }


def result_text(title: str, state: engine.State, advice: engine.Recommendation) -> str:
    roles = {"urgent": "URGENT", "decided": "decided", "considered": "considered"}
    lines = [
        f"Call: {title}" if title else "Call",
        f"Pack: {advice.pack_id} {advice.pack_version} (sha256 {advice.pack_hash})",
    ]
    if advice.code is None:
        lines.append(f"No recommendation yet: the call is at '{state.current}'.")
    else:
        status = "Outcome" if advice.final else "Provisional"
        lines.append(f"{status}: {advice.code.value} ({advice.title})")
        if advice.partner_name:
            lines.append(f"Partner: {advice.partner_name}")
        if advice.urgent:
            lines.append(f"URGENT: {advice.instruction}")
        lines.append(f"Recommendation: {advice.text}")
        if advice.floor_applied:
            lines.append(
                "Note: an urgent answer overrode the pack's route to a non-police outcome."
            )
    lines.append("Explanation:")
    for reason in advice.reasons:
        rationale = f" ({reason.rationale})" if reason.rationale else ""
        lines.append(f"  {roles[reason.role]:<9} {reason.node}: {reason.answer}{rationale}")
    lines.append("Path: " + " -> ".join(state.path))
    lines.append("The handler decides; this is a recommendation.")
    return "\n".join(lines)


def display_problem() -> str | None:
    """Why a window cannot open here, or None when a display (or offscreen) is available."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "rcrp-desktop: no display found (DISPLAY is not set). Run it from a desktop "
            "session, or on a virtual screen with `xvfb-run -a rcrp-desktop`; "
            "headless commands: `rcrp-desktop --help`."
        )
    return None


def gui(forms_root: Path, pack: str, data_dir: Path, *, training: bool = False) -> int:
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return Exit.NO_DISPLAY
    try:
        from rcrp_desktop import app
    except ImportError as error:
        print(
            f"rcrp-desktop: Qt could not be loaded ({error}). Install the system libraries "
            f"it needs: sudo {QT_LIBS_APT}",
            file=sys.stderr,
        )
        return Exit.NO_DISPLAY
    return app.run(forms_root=forms_root, pack=pack, data_dir=data_dir, training=training)
