"""Small typed helpers for building widgets."""

import re
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from rcrp_desktop.domain.protocol import Pack, Question

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tooltip: str = "") -> W:
    """Give a widget its object name (stylesheets and tests find it by that) and a tooltip."""
    widget.setObjectName(name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def plain_message(message: str, pack: Pack) -> str:
    """An engine message for the handler: node ids are for the record, not the screen."""

    def question_text(match: re.Match[str]) -> str:
        node = pack.nodes.get(match.group(1))
        return f"\u201c{node.text}\u201d" if isinstance(node, Question) else match.group(0)

    text = re.sub(r"'([a-z][a-z0-9_]*)'", question_text, message)
    return text[0].upper() + text[1:] if text else text
