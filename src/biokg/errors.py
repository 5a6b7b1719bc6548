"""The errors of biokg, one hierarchy for the whole core.

    BiokgError
    ├── RdfSyntaxError          a file or text that does not parse (file, line, column)
    ├── UnsafeInputError        input refused before parsing (XML entities, ...)
    ├── NonConformingDataError  data that violates the shapes (carries the report)
    ├── QuerySyntaxError        a SPARQL query that does not parse (line, column)
    ├── NotFoundError           a file, graph or resource that is not there
    ├── AnswerTooLargeError     an answer larger than the endpoint sends
    └── StoreError              the store failed to answer
        ├── StoreTimeoutError   ... within its time limit
        └── PartialResultError  ... completely (a result cut at a limit)

Edges map these once: the CLI to exit codes and messages, the web app to HTTP statuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from biokg.validation import ValidationReport


class BiokgError(Exception):
    """Base of every error biokg raises on purpose."""


@dataclass(frozen=True)
class Position:
    """Where in a text an error was found; line and column count from 1."""

    line: int
    column: int


# Oxigraph writes positions as "line 3 column 11" (RDF parsers) or "error at 2:9" (SPARQL parser).
_POSITION_PATTERNS = (re.compile(r"line (\d+) column (\d+)"), re.compile(r"at (\d+):(\d+)"))


def position_in(message: str) -> Position | None:
    """The first position an Oxigraph error message names, if any."""
    for pattern in _POSITION_PATTERNS:
        match = pattern.search(message)
        if match:
            return Position(int(match[1]), int(match[2]))
    return None


class RdfSyntaxError(BiokgError):
    """An RDF file or text that does not parse."""

    def __init__(self, source: str, message: str, position: Position | None) -> None:
        self.source = source
        self.message = message
        self.position = position
        where = f"{source}:{position.line}:{position.column}" if position else source
        super().__init__(f"{where}: {message}")


class UnsafeInputError(BiokgError):
    """Input refused before parsing because parsing it could harm the process."""


class NonConformingDataError(BiokgError):
    """Data that violates the shapes; `report` says how."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(f"the data does not conform to the shapes: {len(report.findings)} violation(s)")


class QuerySyntaxError(BiokgError):
    """A SPARQL query that does not parse."""

    def __init__(self, message: str, position: Position | None = None) -> None:
        self.message = message
        self.position = position
        where = f"line {position.line}, column {position.column}: " if position else ""
        super().__init__(f"malformed SPARQL query: {where}{message}")


def engine_query_error(message: str) -> QuerySyntaxError:
    """Oxigraph's SPARQL parser message ("error at 2:9: expected ...") as a QuerySyntaxError with its position."""
    return QuerySyntaxError(re.sub(r"^(error )?at \d+:\d+: ", "", message), position_in(message))


class NotFoundError(BiokgError):
    """A file, graph or resource that is not there."""


class AnswerTooLargeError(BiokgError):
    """An answer larger than the endpoint sends: rows are capped, but one value can be huge."""

    @classmethod
    def over(cls, max_bytes: int) -> AnswerTooLargeError:
        return cls(
            f"the answer is larger than this endpoint sends ({max_bytes:,} bytes); ask for fewer or shorter values"
        )


class StoreError(BiokgError):
    """The store failed to answer; the message names the store and what it said."""


class StoreTimeoutError(StoreError):
    """The store did not answer within the time limit."""


class PartialResultError(StoreError):
    """The store answered with a result cut at one of its limits; it is never passed off as complete."""
