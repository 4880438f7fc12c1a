"""The force profiles and partner directories: shipped seeds, and every fault named clearly."""

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from rcrp_desktop.domain.pack.protocol import Outcome, Pack
from rcrp_desktop.domain.partners import (
    AGENCY_KEYS,
    PHASES,
    Directory,
    DirectoryError,
    Route,
    format_routes,
    from_data,
    load_directory,
    parse_directory,
    parse_routes,
    to_data,
    validate,
)
from rcrp_desktop.paths import forms_dir

SEEDS = forms_dir() / "partners"
JURISDICTION_PACK = {"england": "rcrp-england", "wales": "rcrp-wales", "btp": "btp-standard"}
# Ofcom's numbers reserved for drama, and the public short codes 999 and 111.
FICTIONAL = re.compile(r"^(01632 960\d{3}|0113 496 0\d{3}|07700 900\d{3}|999|111)$")


def seed(jurisdiction: str) -> Directory:
    return load_directory(SEEDS / f"{jurisdiction}.json")


def seed_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SEEDS / "england.json").read_text(encoding="utf-8"))
    return data


def problems_of(data: Any) -> list[str]:
    with pytest.raises(DirectoryError) as caught:
        from_data(data, "example.json")
    assert str(caught.value).startswith("example.json: ")
    return caught.value.problems


@pytest.mark.parametrize("jurisdiction", list(JURISDICTION_PACK))
def test_every_shipped_seed_loads(jurisdiction: str) -> None:
    directory = seed(jurisdiction)

    assert directory.jurisdiction == jurisdiction
    assert [phase.id for phase in directory.phases] == list(PHASES)
    assert directory.partners
    assert directory.edited == ""
    assert validate(directory) == []


def test_the_seed_folder_holds_exactly_the_three_profiles() -> None:
    assert sorted(p.name for p in SEEDS.iterdir()) == ["btp.json", "england.json", "wales.json"]


@pytest.mark.parametrize("jurisdiction", ["england", "wales"])
def test_every_agency_an_outcome_names_has_a_partner(
    packs: dict[str, Pack], jurisdiction: str
) -> None:
    pack = packs[JURISDICTION_PACK[jurisdiction]]
    named = {n.partner for n in pack.nodes.values() if isinstance(n, Outcome) and n.partner}
    directory = seed(jurisdiction)

    assert named
    for key in named:
        assert directory.for_agency(key), f"{jurisdiction}: no partner for '{key}'"


def test_the_agency_keys_are_the_packs_partner_keys(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        assert set(pack.partners) == set(AGENCY_KEYS), pack.id


@pytest.mark.parametrize("jurisdiction", list(JURISDICTION_PACK))
def test_profile_matches_its_pack_on_adoption(packs: dict[str, Pack], jurisdiction: str) -> None:
    assert seed(jurisdiction).rcrp_adopted == packs[JURISDICTION_PACK[jurisdiction]].rcrp_adopted


def test_btp_has_not_adopted_rcrp_and_no_phase_is_live() -> None:
    btp = seed("btp")

    assert not btp.rcrp_adopted
    assert not any(phase.live for phase in btp.phases)
    assert not any(btp.is_live(phase_id) for phase_id in PHASES)


def test_wales_offers_nhs_111_press_2() -> None:
    crisis = seed("wales").for_agency("crisis_team")

    assert any("press 2" in p.team and p.routes[0].number == "111" for p in crisis)


@pytest.mark.parametrize("jurisdiction", list(JURISDICTION_PACK))
def test_shipped_numbers_are_fictional_or_public_short_codes(jurisdiction: str) -> None:
    for partner in seed(jurisdiction).partners:
        for route in partner.routes:
            assert FICTIONAL.match(route.number), f"{partner.id}: {route.number}"


def test_for_agency_keeps_directory_order_and_knows_no_strangers() -> None:
    england = seed("england")

    teams = [partner.id for partner in england.for_agency("crisis_team")]

    assert teams == ["crisis-north", "crisis-south", "nhs111-mental-health"]
    assert england.for_agency("no_such_agency") == []
    assert england.partner("ambulance").routes[0] == Route("Emergency", "999")
    with pytest.raises(KeyError):
        england.partner("nobody")


def test_is_live_follows_the_phase_flags() -> None:
    england = seed("england")

    assert england.is_live("concern_for_welfare")
    assert not england.is_live("s136_handover")
    assert england.stamp == "england partner directory 1.0.0"


def test_data_round_trip_is_exact() -> None:
    england = seed("england")

    assert from_data(to_data(england), "again") == england


def test_toml_reads_the_same_as_json(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_text(
        """
[profile]
jurisdiction = "england"
title = "Small"
version = "1"
rcrp_adopted = true
phases.concern_for_welfare = { live = true, note = "Live" }
phases.walkouts_and_awol = { live = false }
phases.conveyance = { live = false }
phases.s136_handover = { live = false }

[[partners]]
id = "crisis"
key = "crisis_team"
agency = "Testshire Trust"
team = "Testshire Crisis Resolution Team"
routes = [ { label = "Duty desk", number = "01632 960001" } ]
hours = "24/7"
""",
        encoding="utf-8",
    )

    directory = load_directory(path)

    assert directory.for_agency("crisis_team")[0].routes == (Route("Duty desk", "01632 960001"),)
    assert directory.is_live("concern_for_welfare")
    assert directory.source.endswith("small.toml")


def mutate(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(seed_data())
    change(data)
    return data


def drop_team(data: dict[str, Any]) -> None:
    del data["partners"][2]["team"]


def bad_key(data: dict[str, Any]) -> None:
    data["partners"][0]["key"] = "police"


def duplicate_id(data: dict[str, Any]) -> None:
    data["partners"][4]["id"] = "crisis-north"


def unknown_key(data: dict[str, Any]) -> None:
    data["partners"][1]["phone"] = "01632 960000"


def bad_number(data: dict[str, Any]) -> None:
    data["partners"][3]["routes"][1]["number"] = "ring the desk"


def no_routes(data: dict[str, Any]) -> None:
    data["partners"][3]["routes"] = []


def blank_hours(data: dict[str, Any]) -> None:
    data["partners"][3]["hours"] = "  "


def missing_phase(data: dict[str, Any]) -> None:
    del data["profile"]["phases"]["conveyance"]


def unknown_phase(data: dict[str, Any]) -> None:
    data["profile"]["phases"]["phase_5"] = {"live": True}


def live_without_adoption(data: dict[str, Any]) -> None:
    data["profile"]["rcrp_adopted"] = False


def bad_jurisdiction(data: dict[str, Any]) -> None:
    data["profile"]["jurisdiction"] = "scotland"


def string_live(data: dict[str, Any]) -> None:
    data["profile"]["phases"]["conveyance"]["live"] = "yes"


def newer_format(data: dict[str, Any]) -> None:
    data["format"] = 2


def unknown_top(data: dict[str, Any]) -> None:
    data["contacts"] = []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (drop_team, "partner 3 'nhs111-mental-health': missing 'team'"),
        (bad_key, "partner 1 'crisis-north': agency key 'police' is not one of crisis_team"),
        (duplicate_id, "partner 5 'crisis-north': id 'crisis-north' is also used by partner 1"),
        (unknown_key, "partner 2 'crisis-south': unknown key 'phone' (allowed: id, key"),
        (bad_number, "partner 4 'ambulance' route 2: 'ring the desk' is not a phone number"),
        (no_routes, "partner 4 'ambulance': needs at least one phone route"),
        (blank_hours, "partner 4 'ambulance': 'hours' is blank"),
        (missing_phase, "phases: missing phase 'conveyance'"),
        (unknown_phase, "phases: unknown phase 'phase_5'"),
        (live_without_adoption, "phase 'concern_for_welfare': live, but rcrp_adopted is false"),
        (bad_jurisdiction, "profile: jurisdiction 'scotland' is not one of"),
        (string_live, "phase 'conveyance': 'live' must be true or false"),
        (newer_format, "was written by a newer version of the app (format 2"),
        (unknown_top, "the file: unknown key 'contacts'"),
    ],
)
def test_faults_name_the_entry(change: Any, expected: str) -> None:
    problems = problems_of(mutate(change))

    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_fault_is_reported_at_once() -> None:
    data = mutate(lambda d: (drop_team(d), bad_key(d), missing_phase(d)))

    assert len(problems_of(data)) == 3


def test_missing_profile_and_non_table_file() -> None:
    assert problems_of({"partners": []}) == ["the file: missing 'profile'"]
    assert problems_of([1, 2]) == ["the file: must be a table"]


@pytest.mark.parametrize(
    ("raw", "suffix", "expected"),
    [
        (b"{not json", ".json", "is not valid JSON"),
        (b"[profile\n", ".toml", "is not valid TOML"),
        (b"\xff\xfe{}", ".json", "is not UTF-8 text"),
        (b'{"format": 1, "format": 1}', ".json", "key 'format' appears twice"),
        (b"{}", ".yaml", "unknown file type '.yaml'"),
    ],
)
def test_unreadable_files_name_the_file(raw: bytes, suffix: str, expected: str) -> None:
    with pytest.raises(DirectoryError) as caught:
        parse_directory(raw, "local/partners.json", suffix)

    assert str(caught.value).startswith("local/partners.json: ")
    assert expected in str(caught.value)


def test_a_missing_file_is_a_directory_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="cannot be read"):
        load_directory(tmp_path / "absent.json")


def test_routes_text_round_trip() -> None:
    routes = (Route("Duty desk: north", "01632 960001"), Route("Emergency", "999"))

    assert parse_routes(format_routes(routes)) == routes
    spaced = "\n  Duty desk : 01632 960001 \n\n"
    assert parse_routes(spaced) == (Route("Duty desk", "01632 960001"),)


@pytest.mark.parametrize("line", ["01632 960001", "Duty desk:", ": 01632 960001"])
def test_routes_text_names_the_bad_line(line: str) -> None:
    with pytest.raises(ValueError, match="line 2: write it as 'label: number'"):
        parse_routes(f"Emergency: 999\n{line}")
