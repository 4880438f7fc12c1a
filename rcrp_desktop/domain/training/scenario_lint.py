"""Load and lint training scenarios against their packs; the scenario half of `forms check`.

A scenario is checked the way a pack is: every problem is listed, each naming the file and the
node or model step, and a fault is reported where it starts rather than again downstream. On
top of the shape of the file and the names it uses, the model run must replay through the
engine, reach the expected outcome, give an expected answer at every threshold limb and every
danger-screen question on its path, come to every inject it reveals at a node, and score "high
compliance".
"""

import hashlib
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rcrp_desktop.domain.errors import PackError
from rcrp_desktop.domain.pack.loader import find_pack, load_pack
from rcrp_desktop.domain.pack.merge import display_name, top_level
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.pack.schema import PACK_ID_PATTERN
from rcrp_desktop.domain.problems import Problem
from rcrp_desktop.domain.training.findings import Check
from rcrp_desktop.domain.training.scenario import Scenario, reached
from rcrp_desktop.domain.training.scenario_read import (
    SCENARIO_KEYS,
    TOP_KEYS,
    ScenarioReader,
    read_caller,
    read_expected,
    read_injects,
    read_model,
    read_outcome,
    read_time,
)
from rcrp_desktop.domain.training.scenario_run import StepError, replay
from rcrp_desktop.domain.training.scoring import Band, score_run

SCENARIO_FOLDER = "scenarios"


class PackShelf:
    """The packs scenarios name, found by id under a forms folder and loaded once each."""

    def __init__(self, forms_root: Path) -> None:
        self.forms_root = forms_root
        self._found: dict[str, tuple[Pack | None, str]] = {}

    def get(self, pack_id: str) -> tuple[Pack | None, str]:
        """The pack, or None and why not."""
        if pack_id not in self._found:
            path = find_pack([self.forms_root], pack_id)
            if path is None:
                where = display_name(self.forms_root)
                self._found[pack_id] = (None, f"unknown pack '{pack_id}' (none under {where})")
            else:
                try:
                    self._found[pack_id] = (load_pack(path), "")
                except PackError as error:
                    problems = len(error.problems)
                    self._found[pack_id] = (
                        None,
                        f"its pack '{pack_id}' has {problems} problem(s): run "
                        f"`rcrp-desktop forms check {display_name(path)}`",
                    )
        return self._found[pack_id]


def is_scenario_file(path: Path) -> bool:
    """A TOML file in a scenarios folder: packs are never looked for there."""
    return path.suffix == ".toml" and SCENARIO_FOLDER in path.parent.parts[-1:]


def looks_like_scenario(path: Path) -> bool:
    """A file given by name is a scenario if it sits in a scenarios folder or says [scenario]."""
    if is_scenario_file(path):
        return True
    data = top_level(path)  # with the pack reader's limits
    return data is not None and "scenario" in data and "pack" not in data


def split_targets(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """For `forms check`: (what to lint as packs, what to lint as scenarios). Folders: both."""
    packs: list[Path] = []
    scenarios: list[Path] = []
    for path in paths:
        if path.is_dir():
            packs.append(path)
            scenarios.append(path)
        elif looks_like_scenario(path):
            scenarios.append(path)
        else:
            packs.append(path)
    return packs, scenarios


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """The scenario files named by `paths`: files as given, folders searched for scenarios/."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*.toml")
                if SCENARIO_FOLDER in p.relative_to(path).parts[:-1] or path.name == SCENARIO_FOLDER
            )
        else:
            files.append(path)
    return files


def load_scenario(path: Path, shelf: PackShelf) -> tuple[Scenario | None, list[Problem]]:
    """Read and check one scenario; None and every problem found when it does not fit."""
    shown = display_name(path)
    try:
        content = path.read_bytes()
        data = tomllib.loads(content.decode("utf-8"))
    except FileNotFoundError:
        return None, [Problem(shown, "", "file not found")]
    except OSError as error:
        return None, [Problem(shown, "", f"cannot read: {error.strerror or error}")]
    except UnicodeDecodeError as error:
        return None, [Problem(shown, "", f"not UTF-8 text: {error}")]
    except tomllib.TOMLDecodeError as error:
        return None, [Problem(shown, "", f"TOML syntax error: {error}")]
    probe = ScenarioReader(shown, None)
    if not probe.check_keys(data, TOP_KEYS, "", "the file") or not probe.check_keys(
        data["scenario"], SCENARIO_KEYS, "", "[scenario]"
    ):
        return None, probe.problems
    head = data["scenario"]
    if not PACK_ID_PATTERN.fullmatch(head["id"]):
        probe.fail("", f"scenario id '{head['id']}' must be lower case letters, digits and '-'")
    pack, why = shelf.get(head["pack"])
    if pack is None:
        probe.fail("", why)
    elif head.get("pack_version", pack.version) != pack.version:
        probe.fail(
            "",
            f"written for {pack.id} {head['pack_version']}; the pack here is {pack.version}",
        )
    reader = ScenarioReader(shown, pack)
    reader.problems = probe.problems
    scenario = _build(reader, data, hashlib.sha256(content).hexdigest())
    if scenario is not None and not reader.problems:
        check_model(reader, scenario)
    if reader.problems or scenario is None:
        return None, sorted(set(reader.problems), key=reader.problems.index)
    return scenario, []


def _build(reader: ScenarioReader, data: dict[str, Any], digest: str) -> Scenario | None:
    head = data["scenario"]
    injects = read_injects(reader, data.get("injects", []))
    caller = read_caller(reader, data.get("caller", []))
    expected = read_expected(reader, data.get("expect", []))
    outcome = read_outcome(reader, data["outcome"])
    time = read_time(reader, data.get("time", {}), injects)
    model = read_model(reader, data["model"])
    for number, point in enumerate(head.get("learning_points", []), 1):
        if not point.strip():
            reader.fail("", f"learning point {number} is empty")
    if reader.pack is None or outcome is None or model is None:
        return None
    return Scenario(
        id=head["id"],
        version=head["version"],
        title=head["title"].strip(),
        pack=reader.pack,
        briefing=head["briefing"].strip(),
        caller=caller,
        injects=injects,
        expected=expected,
        outcome=outcome,
        time=time,
        model=model,
        learning_points=tuple(p.strip() for p in head.get("learning_points", [])),
        tags=tuple(head.get("tags", [])),
        rationale_learning=head.get("rationale_learning", "").strip(),
        source=reader.file,
        content_hash=digest,
    )


def check_model(reader: ScenarioReader, scenario: Scenario) -> None:
    """The model run replays, reaches the outcome, covers the limbs and scores the top band."""
    try:
        moments = replay(scenario.pack, scenario.model, "model")
    except StepError as error:
        reader.fail(error.node, str(error).replace("model: step", "model step"))
        return
    last = moments[-1]
    if not last.advice.final:
        reader.fail(last.state.current, "the model run stops before an outcome")
        return
    for node in last.state.questions_on_path():
        if scenario.expectation(node) is not None:
            continue
        if scenario.pack.question(node).limb:
            reader.fail(node, "a threshold limb on the model run's path has no expected answer")
        elif node in scenario.pack.danger_screen:
            reader.fail(
                node, "a danger-screen question on the model run's path has no expected answer"
            )
    for inject in scenario.injects:
        if inject.trigger.node and not reached(last.state, inject.trigger.node):
            reader.fail(
                inject.trigger.node,
                f"inject '{inject.id}' never comes up: the model run does not reach this node",
            )
    if reader.problems:
        return
    score = score_run(scenario, scenario.model_run)
    if score.band is Band.HIGH_COMPLIANCE:
        return
    for finding in score.divergences:
        if finding.check is Check.OUTCOME:
            message = (
                f"expected outcome {finding.expected} is not reached by the model run "
                f"(it reaches {finding.given})"
            )
        else:
            message = (
                f"the model run scores '{score.band}', not 'high compliance': {finding.label}: "
                f"expected {finding.expected}; given {finding.given}"
            )
        reader.fail(finding.node, message)


def check_scenarios(
    paths: Iterable[Path], forms_root: Path
) -> tuple[list[Scenario], list[Problem]]:
    """Lint every scenario file named by `paths`; the scenarios that fit and every problem."""
    shelf = PackShelf(forms_root)
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for file in scenario_files(paths):
        scenario, found = load_scenario(file, shelf)
        problems += found
        if scenario is not None:
            scenarios.append(scenario)
    seen: dict[str, str] = {}
    for scenario in scenarios:
        if scenario.id in seen:
            problems.append(
                Problem(
                    scenario.source,
                    "",
                    f"scenario id '{scenario.id}' is also used by {seen[scenario.id]}",
                )
            )
        seen[scenario.id] = scenario.source
    return scenarios, problems


def load_scenarios(
    folder: Path, forms_root: Path | None = None
) -> tuple[list[Scenario], list[Problem]]:
    """Every scenario in `folder` (forms/scenarios), its packs found under `forms_root`.

    `forms_root` defaults to the folder above (forms/). Scenarios with problems are left out
    of the list and their problems returned; the others are ready to use.
    """
    return check_scenarios([folder], forms_root or folder.parent)


def find_scenario(folder: Path, scenario_id: str) -> Path | None:
    """The scenario file in `folder` whose [scenario] id is `scenario_id`."""
    for file in scenario_files([folder]):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        head = data.get("scenario")
        if isinstance(head, dict) and head.get("id") == scenario_id:
            return file
    return None
