"""Read raw pack tables into protocol dataclasses, collecting every fault on the way."""

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import (
    Answer,
    Condition,
    InputKind,
    Limb,
    Node,
    Outcome,
    Question,
    Reference,
    RefKind,
    Route,
    Section,
    Test,
)
from rcrp_desktop.domain.problems import Problem, printable

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")  # whole value (fullmatch): no trailing newline
PACK_ID_PATTERN = re.compile(r"[a-z][a-z0-9-]*")
JURISDICTIONS = ("england", "wales", "btp")
E = TypeVar("E", InputKind, Limb, RefKind)
N = TypeVar("N", Question, Answer, Condition, Outcome)
_ABSENT = object()  # a key not in a table (None is no TOML value, but say so plainly)


@dataclass(frozen=True)
class Key:
    """One allowed key of a table: its type check, a name for messages, and if required."""

    check: Callable[[Any], bool]
    type_name: str
    required: bool = False


def made(kind: type[N], **fields: Any) -> N:
    """A frozen pack dataclass with every field given, made without its generated __init__.

    That __init__ sets each field through object.__setattr__ (frozen), five times slower than
    this; a large pack makes hundreds of thousands of answers and questions. Every field must
    be given (a test holds that what is made equals what the constructor makes).
    """
    instance = object.__new__(kind)
    instance.__dict__.update(fields)
    return instance


class Keys(dict[str, Key]):
    """A table's allowed keys, with the set of required ones and the plain types made once."""

    def __init__(self, keys: Mapping[str, Key]) -> None:
        super().__init__(keys)
        self.required = _required(keys)
        # Keys whose check is one exact type (a string, true or false): checked inline, since
        # a call to the check for every key of every table was much of reading a large pack.
        self.plain_type = {
            name: plain for name, key in keys.items() if (plain := _PLAIN.get(key.check))
        }


def _required(keys: Mapping[str, Key]) -> frozenset[str]:
    return frozenset(name for name, key in keys.items() if key.required)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


# The checks that are one exact type: a value of that type passes them.
_PLAIN: dict[Callable[[Any], bool], type] = {_is_str: str, _is_bool: bool}

STR = Key(_is_str, "a string")
STR_REQ = Key(_is_str, "a string", required=True)
BOOL = Key(_is_bool, "true or false")
DATE_REQ = Key(_is_date, "a date (YYYY-MM-DD)", required=True)
STR_LIST = Key(_is_str_list, "a list of strings")
TABLES = Key(_is_table_list, "a list of tables")
TABLE = Key(_is_table, "a table")

TOP_KEYS = Keys(
    {
        "pack": Key(_is_table, "a table", required=True),
        "partners": TABLE,
        "sections": TABLES,
        "nodes": TABLES,
    }
)
PACK_KEYS = Keys(
    {
        "id": STR_REQ,
        "version": STR_REQ,
        "title": STR_REQ,
        "jurisdiction": STR_REQ,
        "effective": DATE_REQ,
        "review_by": DATE_REQ,
        "start": STR_REQ,
        "urgent_instruction": STR_REQ,
        "rcrp_adopted": BOOL,
        "notice": STR,
        "every_path": STR_LIST,
        "extends": STR,
        "referral": TABLE,
        "phases": TABLE,
        "wording_attend": STR,
        "wording_not_attend": STR,
        "wording_standard": STR,
        "wording_escalated": STR,
        "wording_standby": STR,
        "wording_remain": STR,
        "danger_screen": STR_LIST,
        "urgent_route": STR,
    }
)
SECTION_KEYS = Keys({"id": STR_REQ, "title": STR_REQ})
QUESTION_KEYS = Keys(
    {
        "id": STR_REQ,
        "kind": STR_REQ,
        "section": STR_REQ,
        "text": STR_REQ,
        "why": STR_REQ,
        "input": STR,
        "answers": TABLES,
        "next": STR,
        "refs": TABLES,
        "limb": STR,
        "rationale_required": BOOL,
        "optional": BOOL,
    }
)
ANSWER_KEYS = Keys(
    {
        "value": STR_REQ,
        "label": STR_REQ,
        "next": STR,
        "urgent": BOOL,
        "exclusive": BOOL,
        "rationale_required": BOOL,
    }
)
REF_KEYS = Keys({"kind": STR_REQ, "cite": STR_REQ, "note": STR})
CONDITION_KEYS = Keys(
    {
        "id": STR_REQ,
        "kind": STR_REQ,
        "section": STR_REQ,
        "otherwise": STR_REQ,
        "routes": TABLES,
    }
)
ROUTE_KEYS = Keys({"next": STR_REQ, "all": TABLES, "any": TABLES})
TEST_KEYS = Keys({"node": STR_REQ, "in": Key(_is_str_list, "a list of strings", required=True)})
OUTCOME_KEYS = Keys(
    {
        "id": STR_REQ,
        "kind": STR_REQ,
        "section": STR_REQ,
        "code": STR_REQ,
        "text": STR_REQ,
        "partner": STR,
    }
)
NODE_KINDS = ("question", "condition", "outcome")


class Reader:
    """Checks tables against their allowed keys and records each fault as a Problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, node: str, message: str) -> None:
        self.problems.append(Problem(self.file, node, message))

    def check_keys(
        self, table: Mapping[str, Any], keys: Mapping[str, Key], node: str, where: str
    ) -> bool:
        """Report unknown, missing and mistyped keys; True when the table is usable."""
        usable = True
        plain_type = keys.plain_type if isinstance(keys, Keys) else {}
        # The keys the table holds, then the required ones it lacks: a walk over every allowed
        # key of every table was the largest part of checking a large pack.
        for name, value in table.items():
            kind = type(value)
            if kind is plain_type.get(name) and (kind is bool or not _HIDDEN.search(value)):
                continue  # the common case, decided without a call
            key = keys.get(name)
            if key is None:
                allowed = ", ".join(sorted(keys))
                self.fail(node, f"unknown key '{name}' in {where} (allowed: {allowed})")
            elif not key.check(value):
                self.fail(
                    node,
                    f"'{name}' in {where} must be {key.type_name}, not {_describe(value)}",
                )
                usable = False
            elif (
                _HIDDEN.search(value) if isinstance(value, str) else key.check is _is_str_list
            ) and (hidden := hidden_character(value)):  # (a list of tables: read at its level)
                self.fail(node, f"'{name}' in {where} holds {hidden}: type the text plainly")
                usable = False
        required = keys.required if isinstance(keys, Keys) else _required(keys)
        if not table.keys() >= required:
            for name in sorted(required - table.keys(), key=list(keys).index):
                self.fail(node, f"missing key '{name}' in {where}")
            usable = False
        return usable

    def check_id(self, value: str, node: str, what: str) -> None:
        if not ID_PATTERN.fullmatch(value):
            self.fail(
                node,
                f"{what} '{printable(value)}' must be lower case letters, digits and '_', "
                "starting with a letter",
            )


# Characters that change what a reader sees without being seen: control characters (a new line
# and a tab aside), the bidirectional overrides and isolates that can make text read in an
# order other than the one stored, and the characters of no width that split or join words
# unseen ("ye\u200bs" shows as "yes"; no language a pack is written in needs them).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060")


# One pattern for all of them: control characters are Unicode category Cc, which is exactly
# U+0000-U+001F and U+007F-U+009F (a tab and a new line allowed). A search in C, where a loop
# over every character in Python took seconds on a large pack.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS | ZERO_WIDTH)) + "]"
)


def hidden_character(value: Any) -> str:
    """The first hidden character in a text (or a list of texts), described; "" if none."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if not isinstance(text, str):
            continue
        if found := _HIDDEN.search(text):
            char = found.group()
            name = unicodedata.name(char, "a control character")
            return f"a hidden character, U+{ord(char):04X} ({name.lower()})"
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, datetime):
        return "a date and time"
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
        date: "a date",
    }.get(type(value), type(value).__name__)


def read_sections(reader: Reader, raw: list[dict[str, Any]]) -> tuple[Section, ...]:
    sections: list[Section] = []
    seen: set[str] = set()
    for index, table in enumerate(raw, start=1):
        where = f"section #{index}"
        if not reader.check_keys(table, SECTION_KEYS, "", where):
            continue
        section_id = table["id"]
        if section_id in seen:
            reader.fail("", f"duplicate section id '{section_id}'")
            continue
        seen.add(section_id)
        if not table["title"].strip():
            reader.fail("", f"section '{printable(section_id)}' has an empty 'title'")
        sections.append(Section(id=section_id, title=table["title"]))
    return tuple(sections)


def read_node(reader: Reader, table: dict[str, Any], index: int) -> Node | None:
    """One [[nodes]] table as a Question, Condition or Outcome; None when unusable."""
    node_id = table.get("id")
    label = node_id if isinstance(node_id, str) and node_id else f"#{index}"
    kind = table.get("kind")
    if kind not in NODE_KINDS:
        if kind is None:
            reader.fail(label, "missing key 'kind' (question, condition or outcome)")
        else:
            reader.fail(label, f"unknown kind {kind!r} (question, condition or outcome)")
        return None
    if kind == "question":
        return _read_question(reader, table, label)
    if kind == "condition":
        return _read_condition(reader, table, label)
    return _read_outcome(reader, table, label)


def _read_question(reader: Reader, table: dict[str, Any], node: str) -> Question | None:
    usable = reader.check_keys(table, QUESTION_KEYS, node, "question")
    if usable:
        reader.check_id(table["id"], node, "node id")
        if not table["why"].strip():
            reader.fail(node, "missing guidance text: 'why' is empty")
        if not table["text"].strip():
            reader.fail(node, "question 'text' is empty")
    input_kind = _enum(reader, node, InputKind, table.get("input", "choice"), "input")
    if table.get("optional") is True and input_kind not in (InputKind.TEXT, None):
        reader.fail(
            node,
            "'optional' applies only to text questions: a choice or a checklist is always "
            "answered (take the key out, or give an answer such as 'unknown')",
        )
    limb = _enum(reader, node, Limb, table["limb"], "limb") if "limb" in table else None
    raw_refs = table.get("refs", [])
    read_refs = [
        _read_ref(reader, node, ref, index)
        for index, ref in enumerate(raw_refs if _is_table_list(raw_refs) else [], 1)
    ]
    refs = tuple(ref for ref in read_refs if ref is not None)
    answers = _read_answers(reader, table, node, input_kind)
    if not usable or input_kind is None or answers is None:
        return None
    return made(
        Question,
        id=table["id"],
        section=table["section"],
        text=table["text"],
        why=table["why"],
        input=input_kind,
        answers=answers,
        next=table.get("next", ""),
        refs=refs,
        limb=limb,
        rationale_required=table.get("rationale_required", False),
        optional=table.get("optional", False),
    )


def _read_answers(
    reader: Reader, table: dict[str, Any], node: str, input_kind: InputKind | None
) -> tuple[Answer, ...] | None:
    raw = table.get("answers", [])
    if not _is_table_list(raw):
        return None
    if input_kind is InputKind.TEXT:
        if raw:
            reader.fail(node, "a text question takes no 'answers'")
        if "next" not in table:
            reader.fail(node, "dead end: a text question needs 'next'")
        return ()
    if not raw:
        reader.fail(node, "dead end: the question has no answers")
        return ()
    if input_kind is InputKind.MULTI and "next" not in table:
        reader.fail(node, "dead end: a checklist question needs 'next'")
    answers: list[Answer] = []
    seen: set[str] = set()
    usable = True  # an answer left out would strand the node it leads to: none is left out
    for index, answer in enumerate(raw, start=1):
        where = f"answer #{index}"
        if not reader.check_keys(answer, ANSWER_KEYS, node, where):
            usable = False
            continue
        value = answer["value"]
        reader.check_id(value, node, "answer value")
        if not answer["label"].strip():
            reader.fail(
                node, f"answer '{value}' has an empty 'label': write what the handler picks"
            )
        if value in seen:
            reader.fail(node, f"duplicate answer value '{value}'")
            continue
        seen.add(value)
        if input_kind is InputKind.CHOICE and "next" not in answer and "next" not in table:
            reader.fail(
                node,
                f"dead end: answer '{value}' has no 'next' "
                "(and the question has no default 'next')",
            )
        if input_kind is InputKind.MULTI and "next" in answer:
            reader.fail(
                node,
                f"answer '{value}' of a checklist takes no 'next'; the question's 'next' applies",
            )
        if answer.get("exclusive") and input_kind is not InputKind.MULTI:
            reader.fail(node, f"answer '{value}': 'exclusive' applies only to checklists")
        answers.append(
            made(
                Answer,
                value=value,
                label=answer["label"],
                next=answer.get("next", ""),
                urgent=answer.get("urgent", False),
                exclusive=answer.get("exclusive", False),
                rationale_required=answer.get("rationale_required"),
            )
        )
    return tuple(answers) if usable else None


def _read_ref(reader: Reader, node: str, table: dict[str, Any], index: int) -> Reference | None:
    if not reader.check_keys(table, REF_KEYS, node, f"reference #{index}"):
        return None
    kind = _enum(reader, node, RefKind, table["kind"], f"reference #{index} kind")
    if kind is None:
        return None
    if not table["cite"].strip():
        reader.fail(node, f"reference #{index} has an empty 'cite'")
    return Reference(kind=kind, cite=table["cite"], note=table.get("note", ""))


def _read_condition(reader: Reader, table: dict[str, Any], node: str) -> Condition | None:
    usable = reader.check_keys(table, CONDITION_KEYS, node, "condition")
    routes: list[Route] = []
    raw_routes = table.get("routes", [])
    for index, raw in enumerate(raw_routes if _is_table_list(raw_routes) else [], start=1):
        where = f"route #{index}"
        if not reader.check_keys(raw, ROUTE_KEYS, node, where):
            usable = False
            continue
        tests = {
            group: _read_tests(reader, node, raw.get(group, []), f"{where} '{group}'")
            for group in ("all", "any")
        }
        if not raw.get("all") and not raw.get("any"):
            reader.fail(node, f"{where} has no tests: give 'all', 'any' or both")
        routes.append(Route(next=raw["next"], all=tests["all"], any=tests["any"]))
    if not usable:
        return None
    reader.check_id(table["id"], node, "node id")
    return made(
        Condition,
        id=table["id"],
        section=table["section"],
        otherwise=table["otherwise"],
        routes=tuple(routes),
    )


def _read_tests(
    reader: Reader, node: str, raw: list[dict[str, Any]], where: str
) -> tuple[Test, ...]:
    tests: list[Test] = []
    for index, table in enumerate(raw, start=1):
        if reader.check_keys(table, TEST_KEYS, node, f"{where} test #{index}"):
            if not table["in"]:
                reader.fail(node, f"{where} test #{index}: 'in' is empty")
            tests.append(Test(node=table["node"], values=tuple(table["in"])))
    return tuple(tests)


def _read_outcome(reader: Reader, table: dict[str, Any], node: str) -> Outcome | None:
    if not reader.check_keys(table, OUTCOME_KEYS, node, "outcome"):
        return None
    reader.check_id(table["id"], node, "node id")
    if not table["text"].strip():
        reader.fail(node, "outcome 'text' is empty: say what the handler does now")
    code = table["code"]
    if code not in OutcomeCode.__members__:
        known = ", ".join(OutcomeCode)
        reader.fail(node, f"unknown outcome code '{code}' (known: {known})")
        return None
    return made(
        Outcome,
        id=table["id"],
        section=table["section"],
        code=OutcomeCode(code),
        text=table["text"],
        partner=table.get("partner", ""),
    )


def _enum(reader: Reader, node: str, enum: type[E], value: Any, what: str) -> E | None:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum)
        reader.fail(node, f"unknown {what} {value!r} (allowed: {allowed})")
        return None
