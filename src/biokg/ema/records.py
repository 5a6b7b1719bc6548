"""Reading the European Medicines Agency's "Medicines output" spreadsheet, one medicine a row.

The sheet opens with heading rows (empty or a title), then the header row, then one row per medicine. A record
is the row as column name -> cell value, where it was found being the row number a curator sees in the sheet.
Dates are kept as days: the sheet stores them as datetimes with a spurious hour (2002-03-19 01:00), an artefact
of time zones, not a time of day.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from biokg.errors import NotFoundError
from biokg.importing.records import Read

COLUMNS = (
    "Category",
    "Medicine name",
    "Therapeutic area",
    "International non-proprietary name (INN) / common name",
    "Active substance",
    "Product number",
    "Authorisation status",
    "ATC code",
    "Additional monitoring",
    "Generic",
    "Biosimilar",
    "Conditional approval",
    "Exceptional circumstances",
    "Accelerated assessment",
    "Orphan medicine",
    "Marketing authorisation date",
    "Date of refusal of marketing authorisation",
    "Marketing authorisation holder/company name",
    "Human pharmacotherapeutic group",
    "Vet pharmacotherapeutic group",
    "Date of opinion",
    "Decision date",
    "Revision number",
    "Species",
    "ATCvet code",
    "Revision date",
    "URL",
)
"""The columns the mapper reads; a header row without one of them is reported, not guessed around."""


def read_medicines(path: Path) -> Iterator[Read]:
    """Every medicine of the sheet, in order; a sheet without the expected header is one Read with the problem."""
    if not path.is_file():
        raise NotFoundError(f"no EMA medicines table at {path}")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        yield Read(path.name, None, f"not an Excel (.xlsx) workbook: {error}")
        return
    try:
        yield from _rows(workbook.worksheets[0].iter_rows(values_only=True), path.name)
    finally:
        workbook.close()  # read-only mode keeps the file open until closed


def _rows(rows: Iterator[tuple[Any, ...]], name: str) -> Iterator[Read]:
    header: list[str | None] | None = None
    for number, cells in enumerate(rows, start=1):
        values = [_value(cell) for cell in cells]
        filled = [value for value in values if value is not None]
        if header is None:
            if len(filled) < 2:  # an empty heading row, or a title
                continue
            header = [value.strip() if isinstance(value, str) else None for value in values]
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                problem = "the header row lacks the columns " + ", ".join(repr(column) for column in missing)
                yield Read(f"{name}:row {number}", None, problem)
                return
            continue
        if not filled:
            continue
        values += [None] * (len(header) - len(values))  # a short row: its last cells are empty
        record = {column: value for column, value in zip(header, values, strict=False) if column}
        yield Read(f"{name}:row {number}", record)
    if header is None:
        yield Read(name, None, "no header row: the sheet has no row naming its columns")


def _value(cell: Any) -> Any:
    """A cell's value, with a datetime as its day and a blank text as no value."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, str) and not cell.strip():
        return None
    return cell
