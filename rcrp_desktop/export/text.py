"""Text from a record made safe to print: visible control characters, escaped markup, glyph checks.

Everything a handler typed is data, never markup (STYLE.md §1.10): it is cleaned, escaped with
`xml.sax.saxutils.escape`, and only then does the renderer add its own tags. What cannot be
drawn correctly is refused, naming the characters, rather than printed as a box or in the
wrong order (RELIABILITY.md P2).
"""

import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Line breaks of every kind become "\n"; a tab is a space (a paragraph has no tab stops).
_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n"}
# Control, format, surrogate, private-use and unassigned characters are shown as [U+XXXX]:
# a NUL or a right-to-left override in a handover is a fault to see, not to hide or obey.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Scripts whose letters need shaping or mark positioning, which reportlab does not do: even
# where the font has the glyphs they would print wrongly (Indic scripts, Thai, Lao, Tibetan,
# Myanmar, Khmer, Mongolian).
_SHAPED = ((0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x109F), (0x1780, 0x18AF))


def clean(text: str) -> str:
    """Text as it will be printed: NFC, one kind of line break, invisible characters shown.

    Idempotent. NUL and other controls become e.g. "[U+0000]", so the reader sees that
    something was there; nothing is silently dropped.
    """
    text = unicodedata.normalize("NFC", text)
    for old, new in _BREAKS.items():
        text = text.replace(old, new)
    text = text.replace("\t", " ")
    if text.isprintable():
        return text  # the common case, checked in C
    return "".join(
        f"[U+{ord(ch):04X}]" if ch != "\n" and unicodedata.category(ch) in _INVISIBLE else ch
        for ch in text
    )


def markup(text: str) -> str:
    """Text for a platypus Paragraph: cleaned, every <, > and & escaped, then line breaks.

    The escape comes first so that the only tags in the result are the <br/> added here.
    """
    return escape(clean(text)).replace("\n", "<br/>")


@dataclass(frozen=True)
class Unprintable:
    """One character that cannot be printed correctly, where it was, and why."""

    where: str
    char: str
    why: str

    def __str__(self) -> str:
        name = unicodedata.name(self.char, "unnamed")
        return f"{self.where}: {self.char!r} U+{ord(self.char):04X} {name} ({self.why})"


def unprintable(text: str, drawable: frozenset[int], where: str) -> list[Unprintable]:
    """The characters of `text` (as cleaned) that would not print correctly in this face."""
    found: dict[str, Unprintable] = {}
    for ch in clean(text):
        if ch == "\n" or ch in found:
            continue
        why = _why_not(ch, drawable)
        if why:
            found[ch] = Unprintable(where, ch, why)
    return list(found.values())


def _why_not(ch: str, drawable: frozenset[int]) -> str:
    code = ord(ch)
    if unicodedata.bidirectional(ch) in ("R", "AL"):
        return (
            "a right-to-left script: the PDF engine lays text out left to right and does not "
            "join letters, so it would print this wrongly"
        )
    if any(low <= code <= high for low, high in _SHAPED):
        return "a script that needs letter shaping, which the PDF engine does not do"
    if code > 0xFFFF:
        return "beyond U+FFFF (emoji and the like): the PDF's text layer cannot carry it"
    if code not in drawable:
        return "the bundled font has no glyph for it"
    return ""
