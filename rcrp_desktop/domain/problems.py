"""One fault found in a protocol file, naming the file and the node."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A fault in a pack file. `node` is empty for faults outside any node."""

    file: str
    node: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: node '{self.node}'" if self.node else self.file
        return f"{where}: {self.message}"
