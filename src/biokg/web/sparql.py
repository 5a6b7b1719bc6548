"""The query operation of the SPARQL 1.1 Protocol at /sparql, and the Service Description at GET /sparql.

Its route is a plain Starlette route: FastAPI's request handling (dependencies, response models) cost a fifth of
the serving process's time per cheap query. `openapi_path` documents it in the application's OpenAPI.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
from typing import Any

import pyoxigraph as ox
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from biokg import formats
from biokg.engine import QueryJob, QueryOutcome
from biokg.errors import (
    AnswerTooLargeError,
    BiokgError,
    HttpError,
    NotAcceptableError,
    QuerySyntaxError,
    RefusedQueryError,
)
from biokg.formats import (
    FORM,
    SPARQL_QUERY,
    SPARQL_UPDATE,
    ResultKind,
    choose_format,
    formats_of,
    openapi_content,
    requested_format,
)
from biokg.guard import check_query
from biokg.service_description import describe_service
from biokg.web.context import ServerContext, server_context
from biokg.web.disconnect import unless_disconnected
from biokg.web.errors import ENGINE_ERRORS, described
from biokg.web.representation import http_date, not_modified, takes_gzip
from biokg.web.sparql_page import (
    PAGE_ROWS,
    TABLE_SOURCE,
    page_bytes,
    query_page,
    read_table,
    too_large_for_a_page,
    wants_page,
)

TRUNCATED_HEADER = "Biokg-Result-Truncated"
CLIENT_CLOSED_REQUEST = 499  # the status nginx logs for a request whose client left before the answer
Parameters = dict[str, list[str]]
_TIMEOUT = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(s|ms)?\s*")
LOGGED_QUERY_CHARS = 2_000
"""How much of a query its access log line holds: enough to find a slow or refused one, not a 100 KB line."""


async def sparql_endpoint(request: Request) -> Response:
    """GET (and HEAD) or POST: one route, so that a 405 names every method the endpoint takes. A browser gets the
    query page; a GET without a query, the Service Description."""
    context = server_context(request)
    try:
        parameters = await _parameters(request, context.settings.request_read_seconds)
    except ClientDisconnect:  # the client gave up sending its query: nobody to answer
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    if wants_page(parameters, request.headers.get("accept")):
        return await _page(request, context, parameters)
    if request.method != "POST" and "query" not in parameters:
        _refuse_update(parameters)
        _requested_time_limit(parameters)  # refused when it is no time, though no query runs
        return _service_description(request, context, parameters)
    return await _answer(request, context, parameters)


async def _parameters(request: Request, read_seconds: float) -> Parameters:
    """The protocol's parameters: from the URL of a GET, from the body of a POST (form-encoded, or the query
    itself as application/sparql-query with the dataset in the URL), which must arrive within `read_seconds`."""
    url_parameters = parse_form(request.scope["query_string"], "the URL")
    if request.method != "POST":
        return url_parameters
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        async with asyncio.timeout(read_seconds):
            body = await request.body()
    except TimeoutError:
        raise HttpError(408, f"the request body did not arrive within {read_seconds:g} s") from None
    if media_type == FORM:  # the body's parameters; the URL's (the dataset, format=, timeout=) where it has none
        return {**url_parameters, **parse_form(body, "the request body")}
    if media_type == SPARQL_QUERY:
        return {**url_parameters, "query": [_utf8(body, "the request body")]}
    if media_type == SPARQL_UPDATE:
        raise HttpError(400, "this endpoint is read-only: it answers queries, not SPARQL updates")
    given = media_type or "no media type"
    raise HttpError(415, f"POST a query as {FORM} or {SPARQL_QUERY}, not {given}")


async def _answer(request: Request, context: ServerContext, parameters: Parameters) -> Response:
    query, form = _checked_query(request, context, parameters)
    fmt = choose_format(formats_of(_kind(form)), request.headers.get("accept"), requested_format(parameters))
    headers = {"Vary": "Accept, Accept-Encoding"}
    if context.fixed_data and request.method != "POST":  # a GET's answer changes only when the data does
        headers |= {"Last-Modified": http_date(context.loaded_at), "Cache-Control": "no-cache"}
        if not_modified(request, None, context.loaded_at):
            return Response(status_code=304, headers=headers)
    gzip = takes_gzip(request.headers.get("accept-encoding"))
    context.sending.check()
    limits = (context.settings.max_rows, context.settings.max_answer_bytes)
    outcome = await _run(request, context, parameters, query, form, fmt.name, *limits, gzip)
    if outcome is None:  # the client went away: its query was stopped, and nobody reads an answer
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    if outcome.gzipped:
        headers["Content-Encoding"] = "gzip"
    if outcome.truncated:
        headers[TRUNCATED_HEADER] = f"the answer was cut at {context.settings.max_rows} rows"
    return context.sending.response(outcome.body, fmt.content_type, headers)


async def _page(request: Request, context: ServerContext, parameters: Parameters) -> Response:
    """The query page, with the answer of the request's query as a table, or the error it got."""
    queries = parameters.get("query", [])
    if not queries:
        return query_page(request, context)
    try:
        query, form = _checked_query(request, context, parameters)
        rows = min(PAGE_ROWS, context.settings.max_rows)
        source = TABLE_SOURCE[_kind(form)]
        outcome = await _run(request, context, parameters, query, form, source, rows, page_bytes(context))
    except AnswerTooLargeError:
        return query_page(request, context, queries[0], error=too_large_for_a_page(context))
    except BiokgError as error:
        return query_page(request, context, queries[0], error=error)
    if outcome is None:
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    return query_page(request, context, query, read_table(outcome, _kind(form), rows), _kind(form))


def _checked_query(request: Request, context: ServerContext, parameters: Parameters) -> tuple[str, str]:
    """The request's one query and its form, once the endpoint may run it; the access log says which it was."""
    _refuse_update(parameters)
    queries = parameters.get("query", [])
    if len(queries) != 1:
        raise HttpError(400, f"give exactly one query parameter, not {len(queries)}")
    query = queries[0]
    request.state.query = query if len(query) <= LOGGED_QUERY_CHARS else query[:LOGGED_QUERY_CHARS] + "…"
    return query, check_query(query, context.policy)


def _kind(form: str) -> ResultKind:
    return ResultKind.SOLUTIONS if form in ("SELECT", "ASK") else ResultKind.GRAPH


async def _run(
    request: Request,
    context: ServerContext,
    parameters: Parameters,
    query: str,
    form: str,
    format_name: str,
    max_rows: int,
    max_bytes: int,
    gzip: bool = False,
) -> QueryOutcome | None:
    """The engine's answer written in a format, at most `max_rows` rows and `max_bytes` bytes, or None when the
    client left first (its query was stopped)."""
    job = QueryJob(
        query=query,
        format_name=format_name,
        max_rows=max_rows,
        max_bytes=max_bytes,
        default_graphs=_graphs(parameters, "default-graph-uri"),
        named_graphs=_graphs(parameters, "named-graph-uri"),
        gzip=gzip,
        time_limit=_requested_time_limit(parameters),
    )
    request.state.form = form
    started = time.perf_counter()
    outcome = await unless_disconnected(request, context.engine.answer(job))
    if outcome is not None:
        request.state.query_ms = round((time.perf_counter() - started) * 1000, 2)
        request.state.truncated = outcome.truncated
        request.state.cache = "hit" if outcome.cached else "miss"
    return outcome


def _graphs(parameters: Parameters, name: str) -> tuple[str, ...]:
    """The graphs a dataset parameter names, each an absolute IRI."""
    graphs = tuple(parameters.get(name, []))
    for graph in graphs:
        try:
            ox.NamedNode(graph)
        except ValueError as error:
            raise HttpError(400, f"{name}={graph} is not an absolute IRI: {error}") from None
    return graphs


def _requested_time_limit(parameters: Parameters) -> float | None:
    """The seconds a client's timeout= gives its query (Fuseki's and GraphDB's parameter): a number of seconds,
    or with the unit s or ms; it can only shorten the server's limit."""
    given = parameters.get("timeout", [])
    if not given:
        return None
    match = _TIMEOUT.fullmatch(given[0])
    seconds = float(match[1]) / (1000 if match[2] == "ms" else 1) if match else 0.0
    if seconds <= 0:
        raise HttpError(400, f"timeout={given[0]} is not a time: give seconds above 0, such as 10, 2.5, 10s or 500ms")
    return seconds


def _service_description(request: Request, context: ServerContext, parameters: Parameters) -> Response:
    endpoint = str(request.url.replace(query=""))
    fmt = choose_format(formats_of(ResultKind.GRAPH), request.headers.get("accept"), requested_format(parameters))
    triples = describe_service(endpoint, context.graph_sizes)
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    prefixes = {"sd": "http://www.w3.org/ns/sparql-service-description#"}
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


def _refuse_update(parameters: Parameters) -> None:
    if "update" in parameters:
        raise HttpError(400, "this endpoint is read-only: it answers queries, not SPARQL updates")


def _utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HttpError(400, f"{where} is not UTF-8 (byte {error.start})") from None


def parse_form(raw: bytes, where: str) -> Parameters:
    """Form or URL parameters, percent-decoded strictly as UTF-8 (a bad byte is a 400, not a silent U+FFFD)."""
    text = _utf8(raw, where)
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError as error:
        raise HttpError(400, f"{where} holds percent-encoded bytes that are not UTF-8 (byte {error.start})") from None
    parameters: Parameters = {}
    for name, value in pairs:
        parameters.setdefault(name, []).append(value)
    return parameters


def openapi_path() -> dict[str, Any]:
    """The OpenAPI path item of /sparql: the protocol's parameters, bodies and answers."""

    def parameter(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"name": name, "in": "query", "description": description, "schema": schema or {"type": "string"}}

    graphs = {"type": "array", "items": {"type": "string", "format": "iri", "minLength": 1}}
    names = {"type": "string", "enum": [fmt.name for fmt in formats.FORMATS]}
    query = {"type": "string", "minLength": 1, "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"}
    dataset = [
        parameter("default-graph-uri", "A graph of the query's default graph (the union of all when none)", graphs),
        parameter("named-graph-uri", "A graph the query may name in GRAPH", graphs),
        parameter("format", "The answer's format, over Accept; one that can write the query's answer", names),
        parameter("output", "Another name for format (Fuseki's)", names),
        parameter(
            "timeout",
            "Seconds the query may run, below the server's limit: 10, 2.5, 10s or 500ms",
            {"type": "string", "pattern": r"^\s*(0*[1-9][0-9]*(\.[0-9]*)?|[0-9]*\.[0-9]*[1-9][0-9]*)\s*(s|ms)?\s*$"},
        ),
    ]
    errors = described(
        QuerySyntaxError, RefusedQueryError, NotAcceptableError, *ENGINE_ERRORS, statuses=(304, 408, 413, 414, 431)
    )
    ok = {
        "description": f"The answer; header {TRUNCATED_HEADER} when the row cap cut it",
        "content": openapi_content(formats.FORMATS),
    }
    form = {"type": "object", "required": ["query"], "properties": {"query": query}}
    return {
        "get": {
            "summary": "SPARQL 1.1 query (GET), or the Service Description when no query is given",
            "parameters": [
                parameter("query", "The SPARQL query; without one, the Service Description", query),
                *dataset,
            ],
            "responses": {"200": ok, **errors},
        },
        "post": {
            "summary": f"SPARQL 1.1 query (POST, form-encoded or {SPARQL_QUERY})",
            "parameters": dataset,
            "requestBody": {
                "required": True,
                "content": {
                    FORM: {"schema": form},
                    SPARQL_QUERY: {"schema": {"type": "string", "minLength": 1}},
                },
            },
            "responses": {"200": ok, **errors, **described(statuses=(415,))},
        },
    }
