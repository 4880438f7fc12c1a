"""The headless protocol commands: `forms check` (packs and scenarios) and `run-script`."""

import argparse
import json
import sys
from pathlib import Path

from rcrp_desktop import paths
from rcrp_desktop.cli import records as records_cli
from rcrp_desktop.cli import scenario as scenario_cli
from rcrp_desktop.cli.exits import Exit
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.script import load_script, mismatches, run_script
from rcrp_desktop.domain.errors import PackError, ScriptError
from rcrp_desktop.domain.pack.loader import check_paths, find_pack, load_pack
from rcrp_desktop.domain.pack.merge import display_name
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.training.scenario_lint import check_scenarios, split_targets


def monitoring_problems(targets: list[Path], packs: list[Pack]) -> list[str]:
    """The monitoring config of each forms folder checked (its file, whole; the questions it
    names, against that folder's current packs)."""
    from rcrp_desktop.domain.monitoring.config import (
        FILE_NAME,
        MonitoringConfigError,
        load_monitoring,
        missing_questions,
    )

    found: list[str] = []
    for folder in (t for t in targets if t.is_dir() and (t / FILE_NAME).exists()):
        try:
            config = load_monitoring(folder)
        except MonitoringConfigError as error:
            found.append(str(error))
            continue
        inside = [p for p in packs if Path(p.source).resolve().is_relative_to(folder.resolve())]
        found += missing_questions(config, inside, display_name(folder / FILE_NAME))
    return found


def forms_check(targets: list[Path], forms_root: Path | None = None) -> int:
    """Lint packs and, in scenarios/ folders, training scenarios (their packs: forms_root)."""
    pack_targets, scenario_targets = split_targets(targets)
    packs, problems = check_paths(pack_targets)
    scenarios, scenario_problems = check_scenarios(
        scenario_targets, forms_root or paths.forms_dir()
    )
    problems += scenario_problems
    config_problems = monitoring_problems(targets, packs)
    for problem in [*problems, *config_problems]:
        print(problem)
    if problems or config_problems:
        print(f"{len(problems) + len(config_problems)} problem(s) found.", file=sys.stderr)
        return Exit.PROBLEMS
    if not packs and not scenarios:
        print(
            "No pack files found in: " + ", ".join(display_name(t) for t in targets),
            file=sys.stderr,
        )
        return Exit.PROBLEMS
    for pack in packs:
        kept = (
            "archived: kept so its records replay, never offered for a new call; " * pack.archived
        )
        print(
            f"ok  {pack.source}  {pack.id} {pack.version}  ({kept}{len(pack.nodes)} nodes, "
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
            user = records_cli.acting_handler(args, data_dir)
            record_id = records_cli.save_script(
                script, pack, data_dir, mode, args.incident or script_path.stem, user
            )
            print(f"saved as {mode} record {record_id}", file=sys.stderr)
    except records_cli.NobodyError as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return Exit.USAGE
    except (ScriptError, PackError) as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return Exit.PROBLEMS
    advice = engine.recommend(state)
    wrong = mismatches(script, advice, pack)
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
        "ready": advice.ready,
        "questions_owed": list(advice.questions_owed),
        "caller_wording": (
            state.pack.caller_wording(advice.code, advice.partner) if advice.code else ""
        ),
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
        status = "Outcome" if advice.final else "Decide now" if advice.ready else "Provisional"
        lines.append(f"{status}: {advice.code.value} ({advice.title})")
        if advice.questions_owed:
            lines.append(
                f"Still owed, to complete afterwards: '{advice.questions_owed[0]}' and the "
                "questions after it"
            )
        if advice.partner_name:
            lines.append(f"Partner: {advice.partner_name}")
        if advice.urgent:
            lines.append(f"URGENT: {advice.instruction}")
        lines.append(f"Recommendation: {advice.text}")
        lines.append("Tell the caller: " + state.pack.caller_wording(advice.code, advice.partner))
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
