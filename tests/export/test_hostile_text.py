"""Text that must not break the handover (RELIABILITY.md P1, P2): markup, scripts, controls, size.

What the tests hold the PDF to, read back with pypdf:
- markup and entities print literally: the extracted text equals the input once line
  wrapping is taken out (`squash` removes all whitespace; Unicode NFC, as printed);
- NUL and every other control or format character is shown visibly as [U+XXXX], never
  dropped and never a crash;
- Welsh, Gaelic, central European, Vietnamese, Greek and Cyrillic print as typed;
- right-to-left scripts (Arabic, Urdu, Hebrew), scripts that need shaping (Bengali,
  Gurmukhi), CJK and emoji fail closed: nothing is written, nothing recorded, and the error
  names every such character.
"""

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from rcrp_desktop.calls.exports import export_handover
from rcrp_desktop.domain.call.closure import CallerInformed, Handover
from rcrp_desktop.domain.limits import TEXT_LIMIT
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export import fonts
from rcrp_desktop.export.errors import UnprintableError
from rcrp_desktop.export.handover import HandoverRequest, build_handover_pdf
from rcrp_desktop.export.source import load_source
from rcrp_desktop.export.text import clean, markup
from rcrp_desktop.storage.repository import Store

from .records import CASES, USER, body, make_record, pages, squash

MARKUP = [
    "&",
    "<",
    ">",
    "</para>",
    "<para>",
    "<b>not bold</b>",
    "<i>unbalanced",
    "</font>",
    '<img src="C:\\Windows\\win.ini"/>',
    '<img src="http://example.invalid/x.png" width="900" height="900"/>',
    '<a href="http://example.invalid/">a link</a>',
    '<font color="[[[red]]]" name="Courier">x</font>',
    '<onDraw name="evil" label="x"/>',
    '<index item="x"/>',
    '<seq id="n"/><seqreset/>',
    "<br/>",
    "&amp;",
    "&amp;amp;",
    "&lt;b&gt;",
    "&#60;b&#62;",
    "&nbsp;&copy;&unknown;",
    "<![CDATA[x]]>",
    "<!-- comment -->",
    "<?xml version='1.0'?>",
    "\"quotes\" and 'apostrophes'",
]
LANGUAGES = [
    "Welsh: ŵ ŷ Ŵ Ŷ ẁ ẃ ẅ ỳ â ê î ô û — Gwŷr Caerdydd, ŵyr, Llanelwy",
    "Irish and Gaelic: Seán Ó Súilleabháin, Màiri NicDhòmhnaill",
    "Polish, Romanian, Turkish, Czech: Łódź, Ștefan Țăranu, İzmir ğüşöç, Dvořák",
    "Vietnamese: Nguyễn Thị Minh Khai, Đà Nẵng",
    "Greek and Cyrillic: Αθηνά Παπαδοπούλου, Ёлка Щукина",
    "Symbols: £ € ½ ☺ ✓ ★",
]
REFUSED = {
    "Arabic": "عائشة",
    "Urdu": "کراچی",
    "Hebrew": "שלום",
    "Bengali": "বাংলা",
    "Gurmukhi": "ਪੰਜਾਬੀ",
    "CJK": "中文",
    "emoji": "😀",
    "emoji missing from the font": "🙂",
}


def hostile_record(store: Store, packs: dict[str, Pack], text: Callable[[str], str]) -> int:
    """The crisis-team call with every free-text answer, rationale and note field hostile."""
    case = CASES["crisis_team"]
    free_text = ["ctx_location", "ctx_why_now", "ctx_callback"]
    changes: dict[str, tuple[object, str]] = {node: (text(node), "") for node in free_text}
    changes["thr_life"] = ("no", text("thr_life rationale"))
    changes["thr_crime"] = ("no", text("thr_crime rationale"))
    handover = Handover(
        "crisis_team",
        text("agency"),
        text("team"),
        text("contact"),
        "phone",
        "accepted",
        reference=text("reference"),
        agreed_action=text("action"),
        eta=text("eta"),
    )
    told = CallerInformed(False, text("wording"), text("advice"), text("triggers"), True)
    return make_record(
        store,
        packs,
        case,
        incident=text("incident")[:200],
        changes=changes,
        notes=(handover, told),
        user=text("handler"),
    )


def test_markup_prints_literally_and_nothing_is_fetched(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    corpus = " ".join(MARKUP)
    record = hostile_record(store, packs, lambda field: f"{field}: {corpus}")
    source = load_source(store, record)
    build_handover_pdf(
        source, HandoverRequest("crisis_team"), tmp_path / "warm.pdf"
    )  # imports done first
    with audited() as seen:
        build_handover_pdf(source, HandoverRequest("crisis_team"), tmp_path / "h.pdf")
    allowed = (fonts.font_dir().resolve(), tmp_path.resolve())
    opened = [
        Path(os.fsdecode(path)).resolve()
        for name, (path, *_) in seen
        if name == "open" and not isinstance(path, int)  # an int is a descriptor already open
    ]
    assert opened, "the audit hook saw the file being written"
    assert all(any(p.is_relative_to(folder) for folder in allowed) for p in opened), opened
    assert not [name for name, _ in seen if name.startswith(("socket", "urllib", "http"))]
    assert not [name for name, _ in seen if name in ("subprocess.Popen", "os.system")]
    text = squash(body(tmp_path / "h.pdf"))
    for field in (
        "ctx_location",
        "ctx_why_now",
        "thr_life rationale",
        "agency",
        "contact",
        "reference",
        "action",
        "wording",
        "triggers",
        "handler",
    ):
        assert squash(f"{field}: {corpus}") in text, field
    raw = (tmp_path / "h.pdf").read_bytes()
    for active in (b"/URI", b"/Annots", b"/JavaScript", b"/XObject", b"/Link"):
        assert active not in raw, active  # no link, no image: the markup was never obeyed


def test_the_markup_function_escapes_before_it_adds_line_breaks() -> None:
    assert markup("<b>a</b> & b\nc") == "&lt;b&gt;a&lt;/b&gt; &amp; b<br/>c"
    assert markup("&amp;") == "&amp;amp;"
    assert markup("a\r\nb\rc\u2028d") == "a<br/>b<br/>c<br/>d"


def test_control_characters_are_shown_not_dropped_and_never_crash(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    nasty = "NUL\x00 BEL\x07 ESC\x1b[31m DEL\x7f NEL\x85 RLO\u202e ZWSP\u200b end"
    shown = (
        "NUL[U+0000] BEL[U+0007] ESC[U+001B][31m DEL[U+007F] NEL[U+0085] RLO[U+202E] "
        "ZWSP[U+200B] end"
    )
    assert clean(nasty) == shown
    assert clean("tab\there") == "tab here" and clean(shown) == shown
    record = hostile_record(store, packs, lambda field: f"{field} {nasty}")
    export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    text = squash("\n".join(pages(tmp_path / "h.pdf")))
    assert squash(f"ctx_why_now {shown}") in text
    assert "\x00" not in text and "\u202e" not in text


@pytest.mark.parametrize("sample", LANGUAGES, ids=[s.split(":")[0] for s in LANGUAGES])
def test_latin_greek_and_cyrillic_scripts_print_as_typed(
    sample: str, store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    record = hostile_record(store, packs, lambda field: f"{field} {sample}")
    export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    text = squash("\n".join(pages(tmp_path / "h.pdf")))
    for field in ("ctx_location", "agency", "handler", "incident"):
        assert squash(f"{field} {sample}") in text, field
    for ch in set(squash(sample)):
        assert ord(ch) in fonts.drawable(fonts.REGULAR)  # a real glyph, not .notdef


@pytest.mark.parametrize("script", sorted(REFUSED))
def test_what_cannot_be_printed_correctly_fails_closed_naming_it(
    script: str, store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    sample = REFUSED[script]
    record = hostile_record(
        store, packs, lambda field: f"{field} {sample}" if field == "ctx_location" else field
    )
    before = len(store.events(record))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UnprintableError) as refused:
        export_handover(
            store, record, HandoverRequest("crisis_team", prepared_by=USER), out / "h.pdf"
        )
    message = str(refused.value)
    for ch in set(sample):
        assert f"U+{ord(ch):04X}" in message, ch
    assert "Where is the person now?" in message  # where the handler will find it
    assert list(out.iterdir()) == []  # not the file, not a temporary one
    assert len(store.events(record)) == before  # and no export recorded


def test_a_right_to_left_script_is_refused_with_the_reason(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    record = hostile_record(store, packs, lambda field: f"{field} عائشة")
    with pytest.raises(UnprintableError, match="right-to-left"):
        export_handover(
            store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
        )


def test_a_20000_character_rationale_flows_across_pages_under_repeated_headings(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    words = [f"fact{n:05d}" for n in range(2300)]  # 20,699 characters
    long = " ".join(words)
    assert 20_000 < len(long) <= TEXT_LIMIT
    token = "x" * 20_000  # and one with no space to break at
    record = make_record(
        store,
        packs,
        CASES["crisis_team"],
        changes={"thr_life": ("no", long), "thr_harm": ("no", token)},
    )
    result = export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    every = pages(tmp_path / "h.pdf")
    assert result.pages == len(every) >= 10
    text = "\n".join(every)
    found = [w for w in text.split() if w.startswith("fact")]
    # Twice in order: the threshold part, then the trail; no word lost, none out of order.
    assert found == words + words
    runs = re.findall("x{100,}", squash(text))
    assert 40_000 <= sum(len(run) for run in runs) < 40_010  # twice, all of it
    appendix = next(i for i, page in enumerate(every) if "Appendix: full decision trail" in page)
    spanned = [page for page in every[:appendix] if "fact" in page]
    heading = squash("Question Answer Facts relied on (rationale)")
    assert len(spanned) >= 3 and all(heading in squash(page) for page in spanned)
    trail_heading = squash("Time By Step Answer or note Rationale or reason")
    assert sum(trail_heading in squash(page) for page in every) >= 3


def test_thousands_of_blank_lines_still_paginate(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    record = make_record(
        store,
        packs,
        CASES["crisis_team"],
        changes={"thr_life": ("no", "top" + "\n" * 3000 + "bottom")},
    )
    result = export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    text = "\n".join(pages(tmp_path / "h.pdf"))
    assert result.pages > 2 and "top" in text and "bottom" in text


# Audit events seen while `audited()` is active. Python cannot remove an audit hook, so the
# hook stays installed for the rest of the run and does nothing while this list is empty.
_SEEN: list[list[tuple[str, tuple[Any, ...]]]] = []
_WATCHED = ("socket", "urllib", "http", "subprocess", "os.system", "os.exec", "os.spawn")


def _hook(name: str, args: tuple[Any, ...]) -> None:
    if _SEEN and (name == "open" or name.startswith(_WATCHED)):
        _SEEN[-1].append((name, args))


@contextmanager
def audited() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every file opened, socket made or process started while the block runs."""
    if not getattr(sys, "_rcrp_export_audit", False):
        sys.addaudithook(_hook)
        sys._rcrp_export_audit = True  # type: ignore[attr-defined]
    seen: list[tuple[str, tuple[Any, ...]]] = []
    _SEEN.append(seen)
    try:
        yield seen
    finally:
        _SEEN.pop()
