"""The bundled DejaVu Sans family, registered once with reportlab, and what each face can draw."""

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from rcrp_desktop import paths

FAMILY = "RcrpDejaVuSans"
REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Oblique"
BOLD_ITALIC = f"{FAMILY}-BoldOblique"
FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


class FontError(Exception):
    """The bundled fonts are missing or unreadable: nothing can be printed."""


def font_dir() -> Path:
    return paths.resources_dir() / "fonts"


@functools.cache
def register() -> str:
    """Register the four faces and map them as one family, so <b> and <i> find real faces.

    Idempotent, and cached: reportlab keeps fonts in a process-wide registry, and reading
    the files again for every document would cost more than the document.
    """
    known = set(pdfmetrics.getRegisteredFontNames())
    folder = font_dir()
    for face, filename in FILES.items():
        if face in known:
            continue
        try:
            pdfmetrics.registerFont(TTFont(face, str(folder / filename)))
        except (OSError, ValueError) as error:  # reportlab reports a bad file as ValueError
            raise FontError(
                f"The handover font {folder / filename} cannot be read ({error}); "
                "reinstall the app."
            ) from error
    # Without the mapping a TTF family's <b> silently stays regular (FLOOR.md).
    pdfmetrics.registerFontFamily(
        FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    return FAMILY


@functools.cache
def drawable(face: str) -> frozenset[int]:
    """The code points this face has a glyph for (its cmap): anything else would be a box."""
    register()
    font = pdfmetrics.getFont(face)
    assert isinstance(font, TTFont)
    return frozenset(font.face.charToGlyph)
