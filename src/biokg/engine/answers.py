"""Answers read and written: at most N rows of any answer, an engine's answer written in a format, and written
answers read back as tables (for canned queries, pages and descriptions).

Every reader and writer cuts at a row cap the same way, through `at_most`: one row more than the cap is read, so
that a cut answer is known to be cut and says so.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from biokg.errors import QuerySyntaxError
from biokg.formats import Format, Row
from biokg.namespaces import prefixes_used

Item = TypeVar("Item")
OxigraphAnswer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def at_most(items: Iterable[Item], limit: int | None) -> tuple[list[Item], bool]:
    """The first `limit` items (all of them for None), and whether there were more."""
    if limit is None:
        return list(items), False
    taken = list(itertools.islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


@dataclass(frozen=True)
class ResultTable:
    """Rows of a SELECT (or the boolean of an ASK), and whether rows past the limit were left out."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]
    more: bool = False
    boolean: bool | None = None

    def write(self, fmt: Format) -> bytes:
        """The answer in a SPARQL results format."""
        if self.boolean is not None:
            document = json.dumps({"head": {}, "boolean": self.boolean}).encode()
            parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)  # no QueryBoolean()
            return parsed.serialize(format=fmt.oxigraph) or b""  # type: ignore[arg-type]
        assert fmt.writer is not None
        return fmt.writer(self.variables, self.rows, self.more)


def read_solutions(body: bytes, limit: int | None) -> ResultTable:
    """An answer from SPARQL JSON, keeping at most `limit` rows; `more` says whether there were others."""
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return ResultTable((), (), boolean=bool(parsed))
    variables = tuple(variable.value for variable in parsed.variables)
    rows, more = at_most((tuple(solution) for solution in parsed), limit)
    return ResultTable(variables, tuple(rows), more=more)


def read_triples(body: bytes, limit: int | None) -> ResultTable:
    """A graph answer from N-Triples as rows of subject, predicate and object, at most `limit` of them."""
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    rows, more = at_most(((quad.subject, quad.predicate, quad.object) for quad in triples), limit)
    return ResultTable(("subject", "predicate", "object"), tuple(rows), more=more)


_PREFIXED_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)


def write_answer(answer: OxigraphAnswer, fmt: Format, max_rows: int | None) -> tuple[bytes, bool]:
    """An engine's answer written in `fmt`, at most `max_rows` rows or triples, and whether it was cut."""
    if isinstance(answer, ox.QueryTriples) != isinstance(fmt.oxigraph, ox.RdfFormat):
        raise QuerySyntaxError(f"the format {fmt.name} does not fit the answer of this query")
    if isinstance(answer, ox.QueryBoolean):
        return answer.serialize(format=fmt.oxigraph) or b"", False  # type: ignore[arg-type]
    if isinstance(answer, ox.QuerySolutions):
        assert fmt.writer is not None
        variables = [variable.value for variable in answer.variables]
        rows, truncated = at_most((tuple(solution) for solution in answer), max_rows)  # 3x faster than [name]
        return fmt.writer(variables, rows, truncated), truncated
    triples, truncated = at_most(answer, max_rows)
    if fmt.oxigraph in _PREFIXED_FORMATS:  # written with the prefixes its IRIs use, as the resource pages are
        iris = (term.value for triple in triples for term in triple if isinstance(term, ox.NamedNode))
        prefixes = prefixes_used(iris)
        return ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes) or b"", truncated  # type: ignore[arg-type]
    return ox.serialize(triples, format=fmt.oxigraph) or b"", truncated  # type: ignore[arg-type]
