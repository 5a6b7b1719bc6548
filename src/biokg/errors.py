"""The errors of biokg, one hierarchy for the whole core, every class of it in this module.

    BiokgError
    ├── RdfSyntaxError          a file or text that does not parse (file, line, column)
    ├── UnsafeInputError        input refused before parsing (XML entities, ...)
    ├── NonConformingDataError  data that violates the shapes (carries the report)
    ├── UnsupportedShapeError   a shape using SHACL that biokg's validator does not compile
    ├── ImportFailedError       an import whose records still do not conform once the wrong ones are left out
    ├── QuerySyntaxError        a SPARQL query that does not parse (line, column)
    ├── RefusedQueryError       a query the public endpoint will not run (an update, SERVICE, too deep ...)
    ├── ParameterError          a value that does not fit a canned query's parameter
    ├── CannedQueryError        a `.rq` file that is not a canned query biokg can serve
    ├── NotAcceptableError      a format that is unknown or cannot write the answer
    ├── NotFoundError           a file, graph, query or resource that is not there
    ├── TokenFileError          a file of curators' tokens that cannot be read or written
    ├── UnauthorizedError       a write without a token, or with one that is not (or no longer) valid
    ├── ForbiddenError          a write its token may not make, or of a graph no token writes
    ├── HttpError               a request the web layer refuses, with its status (408, 415 ...)
    ├── LimitError              a query stopped at one of the server's limits; it would be stopped again
    │   ├── QueryTimeoutError   ... its time limit
    │   ├── QueryMemoryError    ... the memory a query may take
    │   ├── AnswerTooLargeError ... the bytes an answer may have
    │   └── EngineBusyError     ... every worker busy, or the send budget full (the one worth retrying)
    ├── EngineError             the query engine failed on a query that parsed
    │   ├── QueryEvaluationError ... with an error of its own
    │   └── EngineCrashError    ... by crashing its worker
    └── StoreError              the store failed to answer
        ├── StoreTimeoutError   ... within its time limit
        └── PartialResultError  ... completely (a result cut at a limit)

Edges map these once: the CLI to exit codes and messages (`biokg.cli`), the web app to HTTP statuses
(`biokg.web.errors`).
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


class UnsupportedShapeError(BiokgError):
    """A shape that uses a part of SHACL biokg's validator does not compile: refused, never skipped."""


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


class ImportFailedError(BiokgError):
    """The records left after the rejections still do not conform (a fault no single record can be blamed for)."""


class RefusedQueryError(BiokgError):
    """A query the endpoint will not run; the message says why."""


class ParameterError(BiokgError):
    """A value that does not fit its parameter (wrong type, missing, unknown name)."""


class CannedQueryError(BiokgError):
    """A `.rq` file that is not a canned query biokg can serve: its decorators, its form or its text."""


class NotAcceptableError(BiokgError):
    """A format name biokg does not know, or no format that the request accepts and that can write the answer."""


class NotFoundError(BiokgError):
    """A file, graph, query or resource that is not there."""


class TokenFileError(BiokgError):
    """A file of curators' tokens (biokg.tokens) that cannot be read or written; the message names the file."""


class UnauthorizedError(BiokgError):
    """A write without a bearer token, or with one that is not, or no longer, valid."""


class ForbiddenError(BiokgError):
    """A write its token may not make (another graph), or of a graph that is written only through its file."""


class HttpError(BiokgError):
    """An error of the request itself (a body too slow to arrive, a wrong media type ...) with its status."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class LimitError(BiokgError):
    """A query stopped at one of the server's limits: its time, its memory, its answer's size, or a busy server."""


class QueryTimeoutError(LimitError):
    """A query ran past the time limit and was stopped (or, over a remote store, its answer was abandoned)."""


class QueryMemoryError(LimitError):
    """A query needed more memory than a worker may take, and was stopped."""


class EngineBusyError(LimitError):
    """Every worker stayed busy for the whole time limit, or answers being sent fill the server's budget."""


class AnswerTooLargeError(LimitError):
    """An answer larger than the endpoint sends: rows are capped, but one value can be huge."""

    @classmethod
    def over(cls, max_bytes: int) -> AnswerTooLargeError:
        return cls(
            f"the answer is larger than this endpoint sends ({max_bytes:,} bytes); ask for fewer or shorter values"
        )


class EngineError(BiokgError):
    """The engine failed on a query that parsed."""


class QueryEvaluationError(EngineError):
    """The engine failed while evaluating a query, with an error of its own."""


class EngineCrashError(EngineError):
    """The worker running a query died (the query crashed the engine); a fresh worker has taken its place."""


class StoreError(BiokgError):
    """The store failed to answer; the message names the store and what it said."""


class StoreTimeoutError(StoreError):
    """The store did not answer within the time limit."""


class PartialResultError(StoreError):
    """The store answered with a result cut at one of its limits; it is never passed off as complete."""
