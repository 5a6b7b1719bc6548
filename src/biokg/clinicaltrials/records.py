"""Reading ClinicalTrials.gov's CSV export: one study a row, its cells keyed by the header's column names.

Cells may hold newlines, so a record is placed at the physical line where it starts (`file:line`), which a curator
can open in an editor. A row whose cells do not fit the header is reported instead of guessed at, and a line that
is not UTF-8 text at its own line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from biokg.errors import NotFoundError
from biokg.importing.records import Read

COLUMNS = (
    "NCT Number",
    "Study Title",
    "Study URL",
    "Acronym",
    "Study Status",
    "Conditions",
    "Interventions",
    "Sponsor",
    "Collaborators",
    "Phases",
    "Enrollment",
    "Funder Type",
    "Study Type",
    "Other IDs",
    "Start Date",
    "Primary Completion Date",
    "Completion Date",
    "First Posted",
    "Last Update Posted",
)
"""The columns biokg reads, of the export's 30 standard ones (the long free texts are left out)."""


def read_studies(path: Path) -> Iterator[Read]:
    """Every study of an export, in order. A file whose header lacks a column biokg reads gives one problem that
    names the missing columns, and nothing else."""
    if not path.is_file():
        raise NotFoundError(f"no ClinicalTrials.gov export at {path}")
    with path.open("rb") as stream:
        rows = csv.reader(_text_lines(stream))
        try:
            header = next(rows, [])
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                names = ", ".join(repr(column) for column in missing)
                yield Read(f"{path.name}:1", None, f"not a ClinicalTrials.gov CSV export: the header lacks {names}")
                return
            end = rows.line_num
            for cells in rows:
                start, end = end + 1, rows.line_num
                if not cells:  # a blank line
                    continue
                where = f"{path.name}:{start}"
                if len(cells) != len(header):
                    problem = (
                        f"the row has {len(cells)} cells where the header has {len(header)}: "
                        "a quote is not closed, or a cell with a comma is not quoted"
                    )
                    yield Read(where, None, problem)
                    continue
                yield Read(where, dict(zip(header, cells, strict=True)))
        # Neither error lets the reader find where the next record starts: the rest of the file is not read.
        except csv.Error as error:
            yield Read(f"{path.name}:{rows.line_num}", None, f"not CSV: {error}; the rest of the file is not read")
        except _NotText as error:
            yield Read(f"{path.name}:{error.line}", None, f"{error}; the rest of the file is not read")


class _NotText(ValueError):
    """A line that is not UTF-8 text."""

    def __init__(self, line: int, error: UnicodeDecodeError) -> None:
        self.line = line
        super().__init__(f"not UTF-8 text: {error.reason} at byte {error.start + 1} of the line")


def _text_lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's physical lines as text, decoded one by one so that a byte that is not UTF-8 is placed exactly."""
    for number, line in enumerate(stream, start=1):
        try:
            # utf-8-sig: the export may begin with a byte order mark, which would otherwise stick to "NCT Number".
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise _NotText(number, error) from None
