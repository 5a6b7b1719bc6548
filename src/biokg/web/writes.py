"""Writes over HTTP: the SPARQL 1.1 Graph Store Protocol at /graph-store (anyone reads a graph; curators with a
bearer token write one: PUT replaces it, POST adds to it, DELETE removes it), SPARQL 1.1 Update at /update, a
write's check at /graph-store/check, and the curator's page at /curate.

A write is checked against the shapes before it commits: one that breaks them gets 422 with the findings, as JSON
or, by content negotiation, as a SHACL validation report in Turtle, and changes nothing. Once it is on disk the
server swaps in what it serves: a new copy in memory, new workers, an empty answer cache, a new text index, dumps
and descriptions; requests already running finish on the old ones, whose workers stop after the time limit. With
no token made (`biokg token create`), writes are off.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from biokg.engine import QueryJob
from biokg.errors import (
    ForbiddenError,
    HttpError,
    NonConformingDataError,
    NotAcceptableError,
    NotFoundError,
    ParameterError,
    QuerySyntaxError,
    RefusedQueryError,
    UnauthorizedError,
)
from biokg.formats import ResultKind, choose_format, formats_of
from biokg.sources import parse_bytes
from biokg.threads import in_thread
from biokg.tokens import Token
from biokg.validation import Finding, ValidationReport
from biokg.web.canned import warm_first_pages
from biokg.web.context import ContextDep, ServerContext
from biokg.web.errors import ENGINE_ERRORS, described
from biokg.web.pages import page
from biokg.web.sparql import TRUNCATED_HEADER, parse_form
from biokg.writes import GraphWriter, Written

router = APIRouter(tags=["graph store"])
GRAPH_PARAMETER = {
    "parameters": [
        {
            "name": "graph",
            "in": "query",
            "required": True,
            "description": "The named graph's IRI",
            "schema": {"type": "string", "format": "iri", "minLength": 1},
        }
    ]
}
"""The one parameter, read from the query string by the routes themselves, so that a missing or wrong one is a
400 with a message in text like every other refusal."""
BODIES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
"""The media types a write's body comes in: triples of the graph, or quads with its source record."""
_SH = "http://www.w3.org/ns/shacl#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


_WRITE: dict[str, Any] = {
    "responses": described(
        ParameterError, UnauthorizedError, ForbiddenError, NotFoundError, NonConformingDataError, statuses=(413, 415)
    ),
    "openapi_extra": GRAPH_PARAMETER,
}
ALLOWED = "GET, PUT, POST, DELETE"


@router.get(
    "/graph-store",
    summary="A named graph's statements",
    responses=described(ParameterError, NotFoundError, NotAcceptableError, *ENGINE_ERRORS),
    openapi_extra=GRAPH_PARAMETER,
)
async def read_graph(request: Request, context: ContextDep) -> Response:
    return await _read(request, context, request.query_params.get("graph"))


@router.put("/graph-store", summary="Replace a named graph (curators)", **_WRITE)
async def put_graph(request: Request, context: ContextDep) -> Response:
    return await _write(request, context, "PUT", request.query_params.get("graph"))


@router.post("/graph-store", summary="Add statements to a named graph (curators)", **_WRITE)
async def post_graph(request: Request, context: ContextDep) -> Response:
    return await _write(request, context, "POST", request.query_params.get("graph"))


@router.delete("/graph-store", summary="Remove a named graph (curators)", **_WRITE)
async def delete_graph(request: Request, context: ContextDep) -> Response:
    return await _write(request, context, "DELETE", request.query_params.get("graph"))


@router.post(
    "/graph-store/check",
    summary="What a PUT of the body would change, and the findings if it breaks the shapes; nothing is written",
    **_WRITE,
)
async def check_graph(request: Request, context: ContextDep) -> Response:
    graph = _iri(request.query_params.get("graph")).value
    token = await _token(request, context)
    quads = _body(graph, request.headers.get("content-type"), await request.body())
    assert context.writer is not None
    preview = await in_thread(context.writer.preview, graph, quads, token)
    body = {
        "graph": graph,
        "conforms": not preview.findings,
        "findings": [_finding(finding) for finding in preview.findings],
        "added": preview.added,
        "removed": preview.removed,
    }
    return Response(json.dumps(body, indent=2) + "\n", media_type="application/json")


@router.get("/curate", include_in_schema=False)
def curate_page(request: Request) -> Response:
    """A curator's page: a token, a source's TriG, its check against the store, and the write."""
    return page(request, "curate.html")


@router.api_route("/graph-store", methods=["OPTIONS", "PATCH", "TRACE"], include_in_schema=False)
async def other_method(request: Request) -> Response:
    """405 naming every method the path takes (the router would name only those of its first route)."""
    return Response(f"{request.method} is not a method of /graph-store\n", 405, headers={"Allow": ALLOWED})


async def _read(request: Request, context: ServerContext, graph: str | None) -> Response:
    fmt = choose_format(formats_of(ResultKind.GRAPH), request.headers.get("accept"))
    named = _iri(graph)
    found = await context.engine.answer(QueryJob(f"ASK {{ GRAPH {named} {{ ?s ?p ?o }} }}", "json"))
    if json.loads(found.body)["boolean"] is not True:
        raise NotFoundError(f"no graph {named} in the store")
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {named} {{ ?s ?p ?o }} }}"
    job = QueryJob(query, fmt.name, max_rows=context.settings.max_rows, max_bytes=context.settings.max_answer_bytes)
    outcome = await context.engine.answer(job)
    cut = f"the graph was cut at {context.settings.max_rows} statements"
    headers = {TRUNCATED_HEADER: cut} if outcome.truncated else {}
    return Response(outcome.body, media_type=fmt.media_type, headers=headers)


def _iri(graph: str | None) -> ox.NamedNode:
    if not graph:
        raise ParameterError("graph= names the graph, by its IRI: /graph-store?graph=https://...")
    try:
        return ox.NamedNode(graph)
    except ValueError:
        raise ParameterError(f"graph= is an absolute IRI, not {graph!r}") from None


@router.post(
    "/update",
    summary="A SPARQL 1.1 Update (curators): committed graph by graph if the store still conforms",
    responses=described(
        QuerySyntaxError,
        RefusedQueryError,
        UnauthorizedError,
        ForbiddenError,
        NonConformingDataError,
        statuses=(415,),
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/sparql-update": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"update": {"type": "string"}}, "required": ["update"]}
                },
            },
        }
    },
)
async def update(request: Request, context: ContextDep) -> Response:
    """The SPARQL 1.1 Protocol's update operation: the text as the body, or the form's `update` field."""
    token = await _token(request, context)
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    body = await request.body()
    if media_type == "application/sparql-update":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise HttpError(400, f"the update is not UTF-8 (byte {error.start})") from None
    elif media_type == "application/x-www-form-urlencoded":
        fields = parse_form(body, "the form").get("update", [])
        if len(fields) != 1:
            raise ParameterError("the form gives the update once, as its `update` field")
        text = fields[0]
    else:
        raise HttpError(
            415, f"an update is sent as application/sparql-update or a form, not {media_type or 'untyped'}"
        )
    return await _committed(request, context, lambda writer: writer.update(text, token))


async def _write(request: Request, context: ServerContext, method: str, given: str | None) -> Response:
    graph = _iri(given).value
    token = await _token(request, context)
    quads = [] if method == "DELETE" else _body(graph, request.headers.get("content-type"), await request.body())
    return await _committed(request, context, lambda writer: [writer.write(method, graph, quads, token)])


async def _token(request: Request, context: ServerContext) -> Token:
    if context.writer is None:
        raise ForbiddenError("writes need an on-disk embedded store (biokg serve --store DIR)")
    return await in_thread(_authorised, context, request.headers.get("authorization"))


async def _committed(
    request: Request, context: ServerContext, write: Callable[[GraphWriter], list[Written]]
) -> Response:
    """Commit a write and serve what follows it: 201 if it made a graph, else 200, with what changed in each
    graph as JSON; 422 with the findings if it would break the shapes."""
    try:
        written, successor = await in_thread(_commit, context, write)
    except NonConformingDataError as refused:
        return _findings(refused.report, request.headers.get("accept"))
    if successor is not context:
        previous = request.app.state.context  # a write that came first may have swapped it since this one began
        request.app.state.context = successor
        _retire(previous, successor)
    status = 201 if any(each.created for each in written) else 200
    fields = ("graph", "method", "added", "removed", "triples")
    changes = [{field: getattr(each, field) for field in fields} for each in written]
    body = changes[0] if len(changes) == 1 and written[0].method != "UPDATE" else {"writes": changes}
    return Response(json.dumps(body) + "\n", status, media_type="application/json")


def _authorised(context: ServerContext, header: str | None) -> Token:
    """The token of a request's `Authorization: Bearer ...` header; 401 without a valid one."""
    tokens = context.tokens
    if tokens is None or not tokens.tokens():
        raise UnauthorizedError("writes are off: no curator token exists (`biokg token create --role curator`)")
    scheme, _, presented = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise UnauthorizedError("a write needs a curator's token: Authorization: Bearer biokg_...")
    token = tokens.check(presented.strip())
    if token is None:
        raise UnauthorizedError("the bearer token is not valid, or was revoked")
    return token


def _body(graph: str, content_type: str | None, body: bytes) -> list[ox.Quad]:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in BODIES:
        raise HttpError(415, f"a write's body is one of {', '.join(BODIES)}, not {media_type or 'untyped'}")
    return parse_bytes(body, BODIES[media_type], source="the request body", graph=graph, base_iri=graph)


def _commit(
    context: ServerContext, write: Callable[[GraphWriter], list[Written]]
) -> tuple[list[Written], ServerContext]:
    """Commit the write, and make what the server serves next from the store as it now is, under the writer's
    lock so that contexts are made in the order of the writes."""
    assert context.writer is not None and context.renewed is not None
    with context.writer.lock:
        written = write(context.writer)
        return written, context.renewed(context, [each.graph for each in written]) if written else context


def _retire(old: ServerContext, new: ServerContext) -> None:
    """Stop the old context's workers once the requests running on them are past their time limit; warm the
    new one's canned queries."""
    for close in (old.engine.close, *([old.readers.close] if old.readers else [])):
        timer = threading.Timer(old.settings.query_time_limit + 1, close)
        timer.daemon = True
        timer.start()
    if new.warm_canned:
        _warming.add(asyncio.get_running_loop().create_task(warm_first_pages(new)))
        for task in [task for task in _warming if task.done()]:
            _warming.discard(task)


_warming: set[asyncio.Task[None]] = set()
"""Warm-ups running, kept referenced until they finish (the event loop holds tasks only weakly)."""


def _findings(report: ValidationReport, accept: str | None) -> Response:
    """422 with the report: SHACL's vocabulary in Turtle when the client asks for it, else JSON."""
    if accept and "text/turtle" in accept:
        return Response(_report_turtle(report), 422, media_type="text/turtle")
    findings = [_finding(finding) for finding in report.findings]
    body = {"conforms": False, "message": "the write breaks the shapes: nothing was changed", "findings": findings}
    return Response(json.dumps(body, indent=2) + "\n", 422, media_type="application/json")


def _finding(finding: Finding) -> dict[str, str | None]:
    return {
        "focus": str(finding.focus.value),
        "path": finding.path,
        "value": finding.value,
        "message": finding.message,
        "shape": finding.shape,
        "severity": finding.severity,
    }


def _report_turtle(report: ValidationReport) -> bytes:
    store = ox.Store()
    root = ox.BlankNode()
    store.add(ox.Quad(root, ox.NamedNode(_RDF_TYPE), ox.NamedNode(_SH + "ValidationReport")))
    store.add(ox.Quad(root, ox.NamedNode(_SH + "conforms"), ox.Literal("false", datatype=_BOOLEAN)))
    for finding in report.findings:
        result = ox.BlankNode()
        statements = [
            (root, "result", result),
            (result, "focusNode", finding.focus),
            (result, "resultMessage", ox.Literal(finding.message)),
            (result, "sourceShape", ox.Literal(finding.shape)),
            (result, "resultSeverity", ox.NamedNode(_SH + finding.severity)),
        ]
        statements += [(result, "resultPath", ox.Literal(finding.path))] if finding.path else []
        statements += [(result, "value", ox.Literal(finding.value))] if finding.value else []
        for subject, name, value in statements:
            store.add(ox.Quad(subject, ox.NamedNode(_SH + name), value))
    dumped = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes={"sh": _SH})
    assert dumped is not None
    return dumped
