"""The page of /sparql for people: a query form, and the answer as a table.

A browser prefers HTML to every results format, so it gets this page where a SPARQL client gets results; a
`format=` parameter chooses either way.
"""

from __future__ import annotations

import dataclasses
import urllib.parse

from starlette.requests import Request
from starlette.responses import Response

from biokg.engine import QueryOutcome
from biokg.engine.answers import ResultTable, read_solutions, read_triples
from biokg.errors import AnswerTooLargeError, BiokgError
from biokg.formats import HTML, ResultKind, formats_of, negotiate, requested_format
from biokg.web.context import ServerContext
from biokg.web.errors import status_of
from biokg.web.pages import page

EXAMPLE = """PREFIX bkg: <https://w3id.org/biokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?organisation ?label ?class WHERE {
  ?class rdfs:subClassOf* bkg:Organization .
  ?organisation a ?class ; rdfs:label ?label .
}
ORDER BY ?label
LIMIT 25
"""
PAGE_ROWS = 1_000
"""Rows the page shows at most: a table is read back and rendered in the serving process's event loop, about
0.03 ms a row, and a person reads no further; the formats for programs give the whole answer."""
PAGE_BYTES = 5_000_000
"""The largest answer a page reads back and renders, in the event loop too: a 40 MB one (1,000 rows of 40 KB
values) held every other request for a third of a second. Larger answers are for the download formats."""


def page_bytes(context: ServerContext) -> int:
    """The largest answer a page shows under the server's own answer limit."""
    return min(PAGE_BYTES, context.settings.max_answer_bytes)


def too_large_for_a_page(context: ServerContext) -> AnswerTooLargeError:
    return AnswerTooLargeError(
        f"the answer is larger than a page shows ({page_bytes(context):,} bytes); choose a download format, "
        "such as CSV or JSON, for it"
    )


TABLE_SOURCE = {ResultKind.SOLUTIONS: "json", ResultKind.GRAPH: "ntriples"}
"""The format the engine writes an answer in for the page to read it back as a table."""


def wants_page(parameters: dict[str, list[str]], accept: str | None) -> bool:
    """Whether the request asks for the page: format=html, or no format= and HTML preferred to every results
    format (a browser's Accept; `*/*` alone still gets results)."""
    requested = requested_format(parameters)
    if requested is not None:
        return requested.strip().lower() in (HTML.name, HTML.media_type)
    if not accept or "text/" not in accept.lower():  # HTML cannot win: cheaper than negotiating, per query
        return False
    return negotiate(accept, [*formats_of(ResultKind.SOLUTIONS), HTML]) is HTML


def read_table(outcome: QueryOutcome, kind: ResultKind, max_rows: int) -> ResultTable:
    """The answer the engine wrote in TABLE_SOURCE's format, as at most `max_rows` rows; a graph as subject,
    predicate, object. `more` says whether the engine or this reading cut it."""
    read = read_solutions if kind is ResultKind.SOLUTIONS else read_triples
    table = read(outcome.body, max_rows)
    return dataclasses.replace(table, more=table.more or outcome.truncated)


def query_page(
    request: Request,
    context: ServerContext,
    query: str = EXAMPLE,
    answer: ResultTable | None = None,
    kind: ResultKind = ResultKind.SOLUTIONS,
    error: BiokgError | None = None,
) -> Response:
    """The form holding `query`, with its answer (of a kind) or the error it got (and that error's status)."""
    names = ("csv", "json") if kind is ResultKind.SOLUTIONS else ("turtle", "ntriples")
    downloads = {name: "/sparql?" + urllib.parse.urlencode({"query": query, "format": name}) for name in names}
    response = page(
        request,
        "sparql.html",
        status_of(error) if error else 200,
        query=query,
        answer=answer,
        error=error,
        formats={kind.value: formats_of(kind) for kind in ResultKind},
        graphs=context.graph_sizes,
        settings=context.settings,
        downloads=downloads,
    )
    response.headers["Vary"] = "Accept"
    return response
