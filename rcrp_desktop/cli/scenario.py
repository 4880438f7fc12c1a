"""Command-line access to training scenarios: check, list, score a run, the trainees' runs.

    rcrp-desktop scenario check [PATH...]                    lint; exit 1 listing every problem
    rcrp-desktop scenario list [--json]                      the shipped scenarios
    rcrp-desktop scenario score SCENARIO --answers RUN.json [--json]
    rcrp-desktop scenario runs [--csv | --json]              every run in the training database
    rcrp-desktop scenario debrief RECORD_ID --out FILE.pdf   a run's debrief, marked TRAINING

Bad input (a run that does not fit, a scenario that is not there) gets one line and exit 2.
"""

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from rcrp_desktop import paths
from rcrp_desktop.cli.exits import record_id
from rcrp_desktop.domain.errors import Error
from rcrp_desktop.domain.problems import Problem
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.domain.training.scenario_lint import (
    PackShelf,
    check_scenarios,
    find_scenario,
    load_scenario,
    load_scenarios,
)
from rcrp_desktop.domain.training.scenario_run import ScenarioError, load_run
from rcrp_desktop.domain.training.scoring import Score, score_run
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.training_runs import RunRow, runs_csv, runs_for

PROBLEMS = 1
USAGE = 2


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `scenario` and its actions on the main parser."""
    scenario = commands.add_parser("scenario", help="training scenarios: check, list, score")
    actions = scenario.add_subparsers(dest="scenario_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="lint scenarios against their packs; exit 1 on any")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders (default: shipped)")
    check.set_defaults(handler=check_command)
    listing = actions.add_parser("list", help="the shipped scenarios")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    score = actions.add_parser("score", help="score a run of a scenario without the window")
    score.add_argument("scenario", help="a scenario id, or a scenario file")
    score.add_argument("--answers", type=Path, required=True, help="the run (JSON)")
    score.add_argument("--json", action="store_true")
    score.set_defaults(handler=score_command)
    runs = actions.add_parser("runs", help="the trainees' runs from the training database")
    output = runs.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="as CSV, for a spreadsheet")
    output.add_argument("--json", action="store_true")
    runs.set_defaults(handler=runs_command)
    debrief = actions.add_parser("debrief", help="a training run's debrief as a PDF")
    debrief.add_argument("record", type=record_id, metavar="RECORD_ID", help="the run's record")
    debrief.add_argument("--out", type=Path, required=True, help="the PDF to write")
    debrief.set_defaults(handler=debrief_command)


def forms_root(args: argparse.Namespace) -> Path:
    return args.forms or paths.forms_dir()


def scenarios_dir(args: argparse.Namespace) -> Path:
    return forms_root(args) / "scenarios"


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    sys.stderr.write(text + "\n")


def fits_line(scenario: Scenario) -> str:
    """How `forms check` and `scenario check` report a scenario that fits its pack."""
    return (
        f"fits  {scenario.source}  {scenario.id} {scenario.version}  on {scenario.pack.id} "
        f"{scenario.pack.version}  (model run: high compliance)"
    )


def check_command(args: argparse.Namespace, data_dir: Path) -> int:
    targets = args.paths or [scenarios_dir(args)]
    scenarios, problems = check_scenarios(targets, forms_root(args))
    return report_check(scenarios, problems, targets)


def report_check(scenarios: list[Scenario], problems: list[Problem], targets: list[Path]) -> int:
    for problem in problems:
        out(str(problem))
    if problems:
        err(f"{len(problems)} problem(s) found.")
        return PROBLEMS
    if not scenarios:
        err("No scenario files found in: " + ", ".join(str(t) for t in targets))
        return PROBLEMS
    for scenario in scenarios:
        out(fits_line(scenario))
    return 0


def list_command(args: argparse.Namespace, data_dir: Path) -> int:
    scenarios, problems = load_scenarios(scenarios_dir(args), forms_root(args))
    if args.json:
        out(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "version": s.version,
                        "title": s.title,
                        "pack": s.pack.id,
                        "category": s.category,
                        "outcome": s.outcome.code.value,
                        "tags": list(s.tags),
                        "source": s.source,
                    }
                    for s in scenarios
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        out(f"{'SCENARIO':<34} {'VERSION':<8} {'PACK':<13} {'CATEGORY':<10} TITLE")
        for s in scenarios:
            out(f"{s.id:<34} {s.version:<8} {s.pack.id:<13} {s.category:<10} {s.title}")
    if problems:
        err(f"rcrp-desktop: {len(problems)} problem(s) in the scenarios; see `scenario check`")
        return PROBLEMS
    return 0


def score_command(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        scenario = resolve_scenario(args.scenario, args)
        run = load_run(args.answers)
        if run.scenario and run.scenario != scenario.id:
            raise ScenarioError(
                f"{args.answers}: a run of scenario '{run.scenario}', not '{scenario.id}'"
            )
        if run.pack and run.pack != scenario.pack.id:
            raise ScenarioError(
                f"{args.answers}: written for pack '{run.pack}'; '{scenario.id}' uses "
                f"'{scenario.pack.id}'"
            )
        score = score_run(scenario, run)
    except ScenarioError as error:
        err(f"rcrp-desktop: {error}")
        return USAGE
    if args.json:
        out(json.dumps(score.to_dict(), indent=2, ensure_ascii=False))
    else:
        out(score_text(scenario, score))
    return 0


def resolve_scenario(name: str, args: argparse.Namespace) -> Scenario:
    """A scenario by id (in the shipped folder) or by file; problems become one error."""
    candidate = Path(name)
    path = candidate if candidate.suffix == ".toml" else find_scenario(scenarios_dir(args), name)
    if path is None:
        raise ScenarioError(f"no scenario '{name}' (see `rcrp-desktop scenario list`)")
    if not path.exists():
        raise ScenarioError(f"{path}: file not found")
    scenario, problems = load_scenario(path, PackShelf(forms_root(args)))
    if scenario is None:
        raise ScenarioError(
            f"{problems[0]} ({len(problems)} problem(s): run `rcrp-desktop scenario check {path}`)"
        )
    return scenario


def score_text(scenario: Scenario, score: Score) -> str:
    lines = [
        f"Scenario: {scenario.id} {scenario.version}: {scenario.title}",
        f"Band: {score.band}",
        f"Outcome expected: {score.outcome_expected}",
        f"Outcome reached:  {score.outcome_given}",
    ]
    if not score.timed:
        lines.append("Timings: not given, so the time expectations were not assessed.")
    if score.urgent_seconds is not None:
        lines.append(f"Time to the urgent decision: {score.urgent_seconds:g} s")
    if score.outcome_seconds is not None:
        lines.append(f"Time to the outcome: {score.outcome_seconds:g} s")
    met = sum(1 for f in score.findings if f.met)
    lines.append(f"Items met: {met} of {len(score.findings)}")
    if score.divergences:
        lines.append("Where the run diverged:")
    for finding in score.divergences:
        mark = "SAFETY-CRITICAL" if finding.critical else "minor"
        lines += [
            f"  - {mark}: {finding.label}",
            f"      expected: {finding.expected}",
            f"      given:    {finding.given}",
            f"      learning: {finding.learning}",
        ]
    if scenario.learning_points:
        lines.append("Learning points:")
        lines += [f"  - {point}" for point in scenario.learning_points]
    return "\n".join(lines)


def runs_command(args: argparse.Namespace, data_dir: Path) -> int:
    path = database_path(data_dir, "training")
    rows: list[RunRow] = []
    if path.exists():
        scenarios, _ = load_scenarios(scenarios_dir(args), forms_root(args))
        store = Store.open(path, "training", create=False, readonly=True)
        try:
            rows = runs_for(store, scenarios)
        finally:
            store.close()
    elif not args.csv:
        err(f"rcrp-desktop: no training database yet ({path})")
    if args.csv:
        sys.stdout.write(runs_csv(rows))
    elif args.json:
        out(json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False))
    else:
        out(f"{'TRAINEE':<22} {'STARTED (UTC)':<20} {'RECORD':>6}  {'SCENARIO':<30} BAND")
        for row in rows:
            band = row.band or f"not scored: {row.note}"
            out(
                f"{row.trainee[:22]:<22} {row.started_utc[:19]:<20} {row.record_id:>6}  "
                f"{row.scenario[:30]:<30} {band}"
            )
    return 0


def debrief_command(args: argparse.Namespace, data_dir: Path) -> int:
    """Score a stored run and save its debrief PDF (written whole, owner-only)."""
    from rcrp_desktop.export.debrief_pdf import debrief_of, save_debrief  # reportlab: only here
    from rcrp_desktop.export.errors import ExportError

    path = database_path(data_dir, "training")
    if not path.exists():
        err(f"rcrp-desktop: no training database yet ({path})")
        return USAGE
    scenarios, _ = load_scenarios(scenarios_dir(args), forms_root(args))
    store = Store.open(path, "training", create=False, readonly=True)
    try:
        debrief = debrief_of(store, args.record, scenarios)
    except (Error, StorageError) as error:
        err(f"rcrp-desktop: {error}")
        return USAGE
    finally:
        store.close()
    try:
        saved = save_debrief(debrief, args.out)
    except ExportError as error:
        err(f"rcrp-desktop: {error}")
        return USAGE
    out(f"Debrief of record {args.record} ({debrief.score.band}) saved as {saved}")
    return 0
