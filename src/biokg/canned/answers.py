"""A canned query's answer: read from the engine's JSON, cut at its page or row cap, written in any format.

Both engines (query workers, remote stores) answer in SPARQL JSON; reading it back here lets one code path cut a
page at exactly its size, know whether another page follows, and write CSV, TSV, XML, JSON or an HTML table.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import pyoxigraph as ox

from biokg.formats import Format
from biokg.result_writers import SOLUTION_WRITERS, Row


@dataclass(frozen=True)
class CannedAnswer:
    """Rows of a SELECT (or the boolean of an ASK), and whether rows past the limit were left out."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]
    more: bool = False
    boolean: bool | None = None

    def write(self, fmt: Format) -> bytes:
        """The answer in a SPARQL results format."""
        if self.boolean is not None:
            document = json.dumps({"head": {}, "boolean": self.boolean}).encode()
            parsed = ox.parse_query_results(
                document, format=ox.QueryResultsFormat.JSON
            )  # QueryBoolean has no constructor
            return parsed.serialize(format=fmt.oxigraph) or b""  # type: ignore[arg-type]
        return SOLUTION_WRITERS[fmt.name](self.variables, self.rows, self.more)


def read_answer(body: bytes, limit: int) -> CannedAnswer:
    """An answer from SPARQL JSON, keeping at most `limit` rows; `more` says whether there were others."""
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return CannedAnswer((), (), boolean=bool(parsed))
    variables = tuple(variable.value for variable in parsed.variables)
    rows = [tuple(solution) for solution in itertools.islice(parsed, limit + 1)]
    return CannedAnswer(variables, tuple(rows[:limit]), more=len(rows) > limit)
