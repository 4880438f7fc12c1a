"""Each monitoring figure's table as a CSV file: the same rows and columns as on screen and in
the report (small counts suppressed), one file per figure, each written whole."""

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from rcrp_desktop import files
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.storage.figures_run import FigureResult


def figure_csv(result: FigureResult) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(result.figure.columns)
    writer.writerows(result.rows)
    return text.getvalue().encode("utf-8")


def write_figures_csv(folder: Path, results: Sequence[FigureResult]) -> list[Path]:
    """One `<figure id>.csv` per figure in `folder` (made if need be); the files written."""
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for result in results:
            path = folder / f"{result.figure.id}.csv"
            files.write_atomically(path, figure_csv(result))
            written.append(path)
    except OSError as error:
        raise ExportError(
            f"The figures could not be saved in {folder}: {error.strerror or error}"
            + (f" ({len(written)} of {len(results)} saved)" if written else "")
        ) from error
    return written
