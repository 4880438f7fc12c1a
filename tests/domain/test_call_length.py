"""How long a call is, counted exactly over every path of every shipped pack."""

import pytest

from rcrp_desktop.domain.pack.call_length import count, walks
from rcrp_desktop.domain.pack.loader import check_paths
from rcrp_desktop.paths import forms_dir

PACKS = {(p.id, p.version): p for p in check_paths([forms_dir()])[0]}
CURRENT = sorted(key for key, pack in PACKS.items() if not pack.archived)


@pytest.mark.parametrize("key", CURRENT, ids="-".join)
def test_the_first_urgent_capable_question_comes_within_four(key: tuple[str, str]) -> None:
    assert count(PACKS[key]).before_urgent_max <= 4


@pytest.mark.parametrize("key", [("rcrp-england", "2.1.0"), ("rcrp-wales", "2.1.0")], ids="-".join)
def test_a_calm_welfare_call_reaches_its_recommendation_within_22_questions(
    key: tuple[str, str],
) -> None:
    figures = count(PACKS[key])
    assert figures.welfare_min <= 22
    # The longest calm welfare call adds only questions its facts call for: a professional
    # caller's own checks, children at home, a door nobody answers, a red flag's ambulance.
    assert figures.welfare_max - figures.welfare_min <= 4


def test_the_figures_before_danger_first_are_kept_for_comparison() -> None:
    old = count(PACKS[("rcrp-england", "1.0.0")])
    assert (old.before_urgent_max, old.welfare_min) == (23, 32)


def test_every_calm_welfare_path_reaches_an_outcome_the_engine_agrees_on() -> None:
    pack = PACKS[("rcrp-england", "2.1.0")]
    paths = list(walks(pack, True, {"cat": "welfare"}))
    assert len(paths) == count(pack).welfare_paths
    assert all(p[:5] == ["ctx_location", "ctx_callback", *pack.danger_screen] for p in paths)
