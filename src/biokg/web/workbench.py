"""What the query workbench of the `/sparql` page asks the server, instead of prefix.cc and LOV: biokg's
prefixes, the classes and properties the store holds, the labels of resources in an answer, and the canned
queries' SPARQL as examples."""

from __future__ import annotations

import json
import urllib.parse
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from biokg.canned import CannedQuery
from biokg.engine import json_fetcher
from biokg.engine.answers import read_solutions
from biokg.errors import BiokgError, NotFoundError, ParameterError
from biokg.namespaces import PREFIXES, SEARCH
from biokg.terms import text_of
from biokg.threads import in_thread
from biokg.web.context import ContextDep, ServerContext

router = APIRouter(include_in_schema=False)
VOCABULARY = {
    "classes": "SELECT DISTINCT ?term WHERE { ?s a ?term FILTER(isIRI(?term)) } ORDER BY ?term",
    "properties": "SELECT DISTINCT ?term WHERE { ?s ?term ?o } ORDER BY ?term",
}
"""The terms the editor completes, as the store holds them (what the VoID's partitions count)."""
_MAX_TERMS = 100_000
MAX_LABELS = 500


@router.get("/api/prefixes")
def prefixes() -> dict[str, str]:
    """biokg's prefixes, in the shape of prefix.cc's answer, which the editor reads."""
    return {**PREFIXES, "search": SEARCH}


@router.get("/api/vocabulary")
async def vocabulary(context: ContextDep) -> Response:
    if "vocabulary" not in context.memo:
        context.memo["vocabulary"] = (await in_thread(_vocabulary, context)).encode()
    return Response(context.memo["vocabulary"], media_type="application/json")


@router.get("/api/labels")
def labels(context: ContextDep, iri: Annotated[list[str], Query()]) -> dict[str, str]:
    """The labels the text index shows resources by, for the IRIs of an answer's table (at most 500)."""
    if len(iri) > MAX_LABELS:
        raise ParameterError(f"ask for at most {MAX_LABELS} labels at a time, not {len(iri)}")
    return {name: label for name in dict.fromkeys(iri) if (label := context.search.label(name)) is not None}


@router.get("/api/queries/{name}/sparql")
def canned_text(name: str, context: ContextDep) -> Response:
    """A canned query's SPARQL with its defaults bound, or its template when a required value has none."""
    query = context.catalogue.queries.get(name)
    if query is None:
        raise NotFoundError(f"no canned query named {name}; /api/queries lists them")
    return Response(example_text(query, context), media_type="application/sparql-query")


def example_text(query: CannedQuery, context: ServerContext) -> str:
    """The text the editor opens for a canned query: bound to its defaults where it can be, else the template."""
    try:
        bound, _ = context.catalogue.bind(query, {}, context.settings.max_rows)
    except BiokgError:
        return query.text
    return bound.text


def editor_link(query: str, title: str, run: bool = False) -> str:
    """The /sparql page with `query` open in the workbench, in a tab named `title`, and run at once if `run`."""
    fields = {"query": query, "tabTitle": title} | ({"run": "true"} if run else {})
    return "/sparql#" + urllib.parse.urlencode(fields, quote_via=urllib.parse.quote)


def map_link(iri: str, title: str) -> str:
    """The workbench showing a place with coordinates on its map."""
    query = (
        "PREFIX schema: <https://schema.org/>\n"
        f"SELECT ?place ?lat ?long WHERE {{\n  VALUES ?place {{ <{iri}> }}\n"
        "  ?place schema:latitude ?lat ; schema:longitude ?long .\n}"
    )
    return editor_link(query, title, run=True)


def _vocabulary(context: ServerContext) -> str:
    fetch = json_fetcher(context.engine)
    terms: dict[str, Any] = {
        kind: [text_of(row[0]) for row in read_solutions(fetch(query, _MAX_TERMS), _MAX_TERMS).rows]
        for kind, query in VOCABULARY.items()
    }
    return json.dumps(terms)
