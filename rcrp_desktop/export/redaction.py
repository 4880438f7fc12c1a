"""What a recipient may see: questions left out for it, and third-party details redacted."""

from collections.abc import Set

from rcrp_desktop.export.recipients import Templates


class Redactor:
    """Applies one recipient's omissions and, when asked, the third-party redaction."""

    def __init__(self, templates: Templates, redact: bool, omit: Set[str]) -> None:
        self.marker = templates.redacted
        self.hidden = templates.third_party if redact else frozenset()
        self.omit = omit

    def shows(self, node: str) -> bool:
        """Whether the recipient gets this question at all (minimum necessary)."""
        return node not in self.omit

    def answer(self, node: str, text: str) -> str:
        """An answer or rationale as the recipient sees it; blank stays blank."""
        return self.marker if node in self.hidden and text.strip() else text

    def rationale(self, node: str, text: str) -> str:
        """A question's rationale as the recipient sees it: hidden with its answer, or alone
        where only the note holds a third party's details ("NODE.rationale")."""
        if f"{node}.rationale" in self.hidden and text.strip():
            return self.marker
        return self.answer(node, text)

    def note(self, kind: str, field: str, text: str) -> str:
        return self.marker if f"{kind}.{field}" in self.hidden and text.strip() else text


def local_time(stored: str) -> str:
    """An event's stored local time (ISO, with offset) as people read it: date and seconds."""
    return stored[:19].replace("T", " ")
