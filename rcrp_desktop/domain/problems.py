"""One fault found in a protocol file, naming the file and the node."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A fault in a pack file. `node` is empty for faults outside any node."""

    file: str
    node: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: node '{printable(self.node)}'" if self.node else self.file
        return f"{where}: {self.message}"


def printable(text: str) -> str:
    """Text as one line of plain characters: any that would not show (a new line, a control
    or direction character) written as its escape, so a fault about it is seen, not obeyed."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
