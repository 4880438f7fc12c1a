"""The handover as plain data: titled sections of rows, the same for the PDF and the text."""

from dataclasses import dataclass

from rcrp_desktop.export.recipients import Recipient

KEY_VALUE = ("", "")
QUESTION_COLUMNS = ("Question", "Answer", "Facts relied on (rationale)")
TRAIL_COLUMNS = ("Time", "By", "Step", "Answer or note", "Rationale or reason")


@dataclass(frozen=True)
class Section:
    """One part of the document: a titled table (or a line saying there is nothing)."""

    key: str
    title: str
    columns: tuple[str, ...]  # headings, repeated on every page when `headed`
    rows: tuple[tuple[str, ...], ...]
    headed: bool = True
    empty: str = ""  # said instead of the table when there are no rows


@dataclass(frozen=True)
class CopyNotice:
    """A handover made read-only, from a record database it does not write to: from which file,
    when and by whom. Printed on every page: it is never a disclosure recorded in the record."""

    source: str  # the database file the record was read from
    made: str  # when, as the document's "generated" time
    by: str = ""  # who made it, when they said

    def line(self) -> str:
        by = f" by {self.by}" if self.by else ""
        return (
            f"READ-ONLY COPY made from {self.source} on {self.made}{by}. Not a disclosure "
            "recorded in the record: nothing was written to it."
        )


@dataclass(frozen=True)
class Handover:
    """Everything one handover document says, already redacted and trimmed to its recipient."""

    record_id: int
    recipient: Recipient
    title: str
    marking: str
    training: bool
    agency: str
    lawful_basis: str
    redacted: bool
    incident: str
    header: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    anchor_seq: int
    anchor_hash: str
    protocol: str
    generated: str
    log_head: tuple[int, str] | None = None  # the anchor log's last entry (anchor_log.py)
    copy: CopyNotice | None = None  # made read-only: a copy, not a recorded export

    @property
    def contents(self) -> str:
        """What it holds, for the export's record (R23)."""
        return ", ".join(section.title for section in self.sections)

    def anchor_line(self) -> str:
        return f"Record {self.record_id}, event {self.anchor_seq}, sha256 {self.anchor_hash}"

    def log_line(self) -> str:
        """The anchor log's head as printed ("" while no record has been closed)."""
        if self.log_head is None:
            return ""
        return f"Anchor log entry {self.log_head[0]}, sha256 {self.log_head[1]}"
