"""Every text colour the stylesheets set meets WCAG AA (4.5:1) against its background: the
rule's own background where it sets one, else the theme's surface."""

import json
import re
from pathlib import Path

import pytest

from rcrp_desktop import paths

LIGHT_SURFACES = ("#efefef", "#ffffff", "#f6f8fa")  # the window, boxes, side panels
DIM_SURFACES = ("#1e1f22", "#2a2c30", "#25272b")
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
COLOUR = re.compile(r"(?<![-\w])(color|background)\s*:\s*(#[0-9a-fA-F]{6}|white)")


def luminance(hex_colour: str) -> float:
    value = "#ffffff" if hex_colour == "white" else hex_colour
    channels = [int(value[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def pairs(sheet: Path, surfaces: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every rule that sets a text colour."""
    found = []
    text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
    for selector, body in RULE.findall(text):
        colours = dict(COLOUR.findall(body))
        if "color" not in colours:
            continue
        backgrounds = [colours["background"]] if "background" in colours else list(surfaces)
        found += [(selector.strip(), colours["color"], bg) for bg in backgrounds]
    return found


@pytest.mark.parametrize(
    ("sheet", "surfaces"),
    [
        (paths.resources_dir() / "stylesheets" / "00_base.qss", LIGHT_SURFACES),
        (paths.resources_dir() / "themes" / "dim.qss", DIM_SURFACES),
    ],
    ids=["light", "dim"],
)
def test_every_text_colour_reads_at_4_5_to_1(sheet: Path, surfaces: tuple[str, ...]) -> None:
    checked = pairs(sheet, surfaces)
    assert len(checked) >= 10
    poor = [
        f"{selector}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"
        for selector, fg, bg in checked
        if contrast(fg, bg) < 4.5
    ]
    assert poor == []


def test_the_check_can_fail() -> None:
    assert contrast("#777777", "#efefef") < 4.5 < contrast("#44546a", "#efefef")


# Text roles on the grounds they are drawn on, in each theme's palette.
PALETTE_PAIRS = (
    ("WindowText", "Window"),
    ("Text", "Base"),
    ("Text", "AlternateBase"),
    ("PlaceholderText", "Base"),
    ("ButtonText", "Button"),
    ("HighlightedText", "Highlight"),
    ("ToolTipText", "ToolTipBase"),
    ("Link", "Window"),
    ("LinkVisited", "Window"),
)
THEMES = ("light", "dim")


def palette_data(theme: str) -> dict[str, dict[str, str]]:
    return json.loads((paths.resources_dir() / "themes" / f"{theme}.palette.json").read_text())


@pytest.mark.parametrize("theme", THEMES)
def test_every_palette_reads_at_4_5_to_1(theme: str) -> None:
    data = palette_data(theme)
    active = data["active"]
    disabled = {**active, **data["disabled"]}
    poor = [
        f"{text} on {ground}: {contrast(active[text], active[ground]):.2f}:1"
        for text, ground in PALETTE_PAIRS
        if contrast(active[text], active[ground]) < 4.5
    ]
    # A control that is off is still read (what it would do, why it is off): its text too.
    poor += [
        f"disabled {text} on {ground}: {contrast(disabled[text], disabled[ground]):.2f}:1"
        for text, ground in PALETTE_PAIRS
        if contrast(disabled[text], disabled[ground]) < 4.5
    ]
    assert poor == []


@pytest.mark.parametrize("theme", THEMES)
def test_every_palette_sets_every_role(theme: str) -> None:
    """Nothing is left to the platform's palette (a desktop in dark mode) or the style's."""
    from PySide6.QtGui import QPalette

    roles = {role.name for role in QPalette.ColorRole} - {"NoRole", "NColorRoles"}
    data = palette_data(theme)
    assert set(data["active"]) == roles
    assert set(data["disabled"]) <= roles
