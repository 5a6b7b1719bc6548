"""The query operation of the SPARQL 1.1 Protocol at /sparql, and the Service Description at GET /sparql.

Its route is a plain Starlette route: FastAPI's request handling (dependencies, response models) cost a fifth of
the serving process's time per cheap query. `OPENAPI_PATH` documents it in the application's OpenAPI.
"""

from __future__ import annotations

import time
import urllib.parse
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from biokg.formats import FORMATS, Format, ResultKind, candidates_for, format_for_parameter, negotiate
from biokg.guard import check_query
from biokg.service_description import describe_service
from biokg.web.context import ServerContext, server_context
from biokg.web.disconnect import unless_disconnected
from biokg.web.errors import HttpError
from biokg.workers import QueryJob

TRUNCATED_HEADER = "Biokg-Result-Truncated"
CLIENT_CLOSED_REQUEST = 499  # the status nginx logs for a request whose client left before the answer
Parameters = dict[str, list[str]]


async def sparql_endpoint(request: Request) -> Response:
    """GET (and HEAD) or POST: one route, so that a 405 names every method the endpoint takes."""
    context = server_context(request)
    if request.method == "POST":
        return await _post(request, context)
    return await _get(request, context)


async def _get(request: Request, context: ServerContext) -> Response:
    """A query in the URL, or the Service Description when there is none."""
    parameters = parse_form(request.scope["query_string"], "the URL")
    if "query" not in parameters:
        _refuse_update(parameters)
        return _service_description(request, context, parameters)
    return await _answer(request, context, parameters)


async def _post(request: Request, context: ServerContext) -> Response:
    """A query posted form-encoded or as application/sparql-query."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    url_parameters = parse_form(request.scope["query_string"], "the URL")
    body = await request.body()
    if media_type == "application/x-www-form-urlencoded":
        parameters = parse_form(body, "the request body")
        for name in ("default-graph-uri", "named-graph-uri"):
            parameters.setdefault(name, url_parameters.get(name, []))
    elif media_type == "application/sparql-query":
        parameters = {**url_parameters, "query": [_utf8(body, "the request body")]}
    elif media_type == "application/sparql-update":
        raise HttpError(400, "this endpoint is read-only: it answers queries, not SPARQL updates")
    else:
        given = media_type or "no media type"
        raise HttpError(
            415, f"POST a query as application/x-www-form-urlencoded or application/sparql-query, not {given}"
        )
    return await _answer(request, context, parameters)


async def _answer(request: Request, context: ServerContext, parameters: Parameters) -> Response:
    _refuse_update(parameters)
    queries = parameters.get("query", [])
    if len(queries) != 1:
        raise HttpError(400, f"give exactly one query parameter, not {len(queries)}")
    form = check_query(queries[0], context.policy)
    kind = ResultKind.SOLUTIONS if form in ("SELECT", "ASK") else ResultKind.GRAPH
    fmt = _choose_format(kind, parameters, request.headers.get("accept"))
    job = QueryJob(
        query=queries[0],
        format_name=fmt.name,
        max_rows=context.settings.max_rows,
        max_bytes=context.settings.max_answer_bytes,
        default_graphs=tuple(parameters.get("default-graph-uri", [])),
        named_graphs=tuple(parameters.get("named-graph-uri", [])),
    )
    request.state.form = form
    started = time.perf_counter()
    outcome = await unless_disconnected(request, context.engine.answer(job))
    if outcome is None:  # the client went away: its query was stopped, and nobody reads an answer
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    request.state.query_ms = round((time.perf_counter() - started) * 1000, 2)
    request.state.truncated = outcome.truncated
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers[TRUNCATED_HEADER] = f"the answer was cut at {context.settings.max_rows} rows"
    return Response(outcome.body, media_type=fmt.content_type, headers=headers)


def _choose_format(kind: ResultKind, parameters: Parameters, accept: str | None) -> Format:
    """The format= parameter if given (a short name or a media type), else the Accept header's choice."""
    candidates = candidates_for(kind)
    requested = parameters.get("format", [])
    if requested:
        named = format_for_parameter(requested[0], kind)
        if named is not None:
            return named
        names = ", ".join(fmt.name for fmt in candidates)
        raise HttpError(406, f"format={requested[0]} cannot write this answer; use one of: {names}")
    chosen = negotiate(accept, candidates)
    if chosen is None:
        types = ", ".join(fmt.media_type for fmt in candidates)
        raise HttpError(406, f"none of the accepted media types ({accept}) can write this answer; offered: {types}")
    return chosen


def _service_description(request: Request, context: ServerContext, parameters: Parameters) -> Response:
    endpoint = str(request.url.replace(query=""))
    fmt = _choose_format(ResultKind.GRAPH, parameters, request.headers.get("accept"))
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


def _openapi_path() -> dict[str, Any]:
    """The OpenAPI path item of /sparql: the protocol's parameters, bodies and answers."""

    def parameter(name: str, description: str, many: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
        return {"name": name, "in": "query", "description": description, "schema": schema}

    dataset = [
        parameter("default-graph-uri", "A graph of the query's default graph (the union of all when none)", True),
        parameter("named-graph-uri", "A graph the query may name in GRAPH", True),
        parameter("format", f"The answer's format, over Accept: {', '.join(fmt.name for fmt in FORMATS)}"),
    ]
    answers: dict[str, Any] = {fmt.media_type: {} for fmt in FORMATS}
    errors = {
        "400": {"description": "The query is malformed (line and column), refused, or the parameters are wrong"},
        "406": {"description": "No accepted media type can write this answer"},
        "413": {"description": "The request is larger than the endpoint takes"},
        "414": {"description": "The URL is too long: POST the query"},
        "431": {"description": "The request line and headers are too large"},
        "503": {"description": "The query passed its time, memory or answer size limit, or no worker was free"},
    }
    ok = {"description": f"The answer; header {TRUNCATED_HEADER} when the row cap cut it", "content": answers}
    form = {"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}}
    return {
        "get": {
            "summary": "SPARQL 1.1 query (GET), or the Service Description when no query is given",
            "parameters": [parameter("query", "The SPARQL query; without one, the Service Description"), *dataset],
            "responses": {"200": ok, **errors},
        },
        "post": {
            "summary": "SPARQL 1.1 query (POST, form-encoded or application/sparql-query)",
            "parameters": dataset,
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form},
                    "application/sparql-query": {"schema": {"type": "string"}},
                },
            },
            "responses": {"200": ok, **errors, "415": {"description": "The body is not a query"}},
        },
    }


OPENAPI_PATH = _openapi_path()
