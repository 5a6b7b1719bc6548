"""Canned queries over HTTP: /api/queries (one OpenAPI operation per query) and an HTML page per query."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import urllib.parse
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response

from biokg.canned import MAX_PAGE, PAGE, BoundQuery, CannedQuery, Kind, Parameter, describe_parameters
from biokg.canned.pages import WHOLE_ROWS, WholeAnswer
from biokg.canned.parameters import XSD
from biokg.engine import QueryJob
from biokg.engine.answers import ResultTable, read_solutions
from biokg.errors import AnswerTooLargeError, BiokgError, NotAcceptableError, ParameterError
from biokg.formats import ResultKind, choose_format, formats_of, openapi_content, results_schema
from biokg.web.context import ContextDep, ServerContext, server_context
from biokg.web.disconnect import unless_disconnected
from biokg.web.errors import ENGINE_ERRORS, described, status_of
from biokg.web.pages import page
from biokg.web.sparql import CLIENT_CLOSED_REQUEST, TRUNCATED_HEADER, parse_form
from biokg.web.sparql_page import PAGE_ROWS, page_bytes, too_large_for_a_page
from biokg.web.workbench import editor_link, example_text

FORMAT = "format"
_SCHEMAS: dict[Kind, dict[str, Any]] = {
    Kind.IRI: {"type": "string", "format": "iri", "minLength": 1},
    Kind.STRING: {"type": "string", "minLength": 1},
    Kind.INTEGER: {"type": "integer"},
    Kind.NUMBER: {"type": "number"},
    Kind.LANGUAGE: {"type": "string", "minLength": 1},
}
_TYPED_SCHEMAS: dict[str, dict[str, Any]] = {
    XSD + "date": {"type": "string", "format": "date"},
    XSD + "dateTime": {"type": "string", "format": "date-time"},
    XSD + "gYear": {"type": "string", "pattern": "^-?[0-9]{4,}$"},
    XSD + "integer": {"type": "integer"},
    XSD + "decimal": {"type": "number"},
    XSD + "boolean": {"type": "boolean"},
}
router = APIRouter()
_log = logging.getLogger("biokg.canned")
WARMING_SECONDS = 10.0
"""The longest a canned query runs to warm the cache: a slower one is left to the first person who asks, and
the workers stay free for those who ask meanwhile."""


@router.get("/api/queries", summary="The canned queries: name, summary, description and parameters", tags=["queries"])
def list_queries(request: Request, context: ContextDep) -> list[dict[str, Any]]:
    catalogue = context.catalogue
    return [
        {
            "name": query.name,
            "summary": query.summary,
            "description": query.description,
            "tags": list(query.tags),
            "url": str(request.url_for("canned_" + query.name)),
            "parameters": [_parameter_listing(query, p, catalogue.choices(query)) for p in query.parameters],
            "pagination": query.pagination,
            "variables": list(query.variables),
        }
        for query in catalogue.queries.values()
    ]


@router.get("/queries", include_in_schema=False)
def queries_page(request: Request, context: ContextDep) -> Response:
    queries = list(context.catalogue.queries.values())
    described = {query.name: describe_parameters(query) for query in queries}
    return page(request, "queries.html", queries=queries, parameters=described)


@router.get("/queries/{name}", include_in_schema=False)
async def query_page(name: str, request: Request, context: ContextDep) -> Response:
    query = context.catalogue.get(name)
    given = _given(request)
    answer, next_page = None, None
    editor_text = example_text(query, context)
    failure: BiokgError | None = None
    if any(given.values()) or _runs_on_defaults(query):
        try:
            answered = await _run(request, context, query, given, *_page_limits(context))
        except AnswerTooLargeError:
            failure = too_large_for_a_page(context)
        except BiokgError as refused:
            failure = refused
        else:
            if answered is None:
                return Response(status_code=CLIENT_CLOSED_REQUEST)
            bound, answer = answered
            next_page = _next_page_url(request, bound, answer)
            editor_text = bound.text
    choices = context.catalogue.choices(query)
    query_string = urllib.parse.urlencode([(k, v) for k, values in given.items() for v in values if k != PAGE])
    message = str(failure) if failure else None
    labels = {choice: context.search.label(choice) for options in choices.values() for choice in options}
    values = {
        "query": query,
        "given": given,
        "choices": choices,
        "labels": labels,
        "editor": editor_link(editor_text, query.name),
        "answer": answer,
        "error": message,
    }
    status = status_of(failure) if failure else 200  # 400 for a bad value, 503 for a query stopped at a limit
    return page(request, "query.html", status, next_page=next_page, query_string=query_string, **values)


def add_query_routes(app: FastAPI, context: ServerContext) -> None:
    """One GET operation per canned query, so that the OpenAPI description types each query's parameters."""
    for query in context.catalogue.queries.values():
        app.add_api_route(
            f"/api/queries/{query.name}",
            _endpoint(query),
            methods=["GET"],
            name="canned_" + query.name,
            summary=query.summary,
            description=query.description,
            tags=["queries", *query.tags],
            openapi_extra={
                "parameters": _openapi_parameters(query, context.catalogue.choices(query)),
                "responses": {
                    "200": _openapi_response(query),
                    **described(ParameterError, NotAcceptableError, *ENGINE_ERRORS),
                },
            },
            response_class=Response,
        )
    app.add_api_route("/api/queries/{name}", _unknown_query, methods=["GET"], include_in_schema=False)


def _unknown_query(name: str, context: ContextDep) -> Response:
    context.catalogue.get(name)  # raises NotFoundError, which names the way to list the queries
    raise AssertionError("every known query has its own route")


def _endpoint(query: CannedQuery) -> Any:
    async def run_canned(request: Request) -> Response:
        context = server_context(request)
        given = _given(request)
        requested = next(iter(given.pop(FORMAT, [])), None)
        blank = sorted(name for name, values in given.items() if "" in values)
        if blank:  # the HTML form sends a blank for a value left out; a program leaves it out
            raise ParameterError(f"parameter {blank[0]!r} is empty: give it a value, or leave it out")
        fmt = choose_format(formats_of(ResultKind.SOLUTIONS), request.headers.get("accept"), requested)
        answered = await _run(request, context, query, given, *_api_limits(context))
        if answered is None:
            return Response(status_code=CLIENT_CLOSED_REQUEST)
        bound, answer = answered
        headers = {"Vary": "Accept"}
        next_page = _next_page_url(request, bound, answer)
        if next_page:
            headers["Link"] = f'<{next_page}>; rel="next"'
        elif answer.more:
            headers[TRUNCATED_HEADER] = f"the answer was cut at {context.settings.max_rows} rows"
        return context.sending.response(answer.write(fmt), fmt.content_type, headers)

    run_canned.__name__ = "canned_" + query.name.replace("-", "_")
    return run_canned


async def _run(
    request: Request,
    context: ServerContext,
    query: CannedQuery,
    given: dict[str, list[str]],
    max_rows: int,
    max_bytes: int,
) -> tuple[BoundQuery, ResultTable] | None:
    """Bind and run a canned query in a query worker, reading a page or at most `max_rows` rows and `max_bytes`
    bytes; None when the client left first (its query was stopped)."""
    answered = await unless_disconnected(request, _answer(context, query, given, max_rows, max_bytes))
    if answered is None:
        return None
    bound, answer, cached = answered
    request.state.cache = "hit" if cached else "miss"
    return bound, answer


async def _answer(
    context: ServerContext,
    query: CannedQuery,
    given: dict[str, list[str]],
    max_rows: int,
    max_bytes: int,
    time_limit: float | None = None,
) -> tuple[BoundQuery, ResultTable, bool]:
    """The bound query, its answer, and whether that came from what the server keeps. A page of a paginated
    query over fixed data is cut from the query's whole answer, read once."""
    bound, limit, job = _job(context, query, given, max_rows, max_bytes)
    job = dataclasses.replace(job, time_limit=time_limit)
    if bound.page_size and context.fixed_data:
        wholes = context.whole_answers
        known = wholes.known(bound.whole)
        if not known and bound.page > 1:
            await _read_whole(context, bound, time_limit)
        elif not known:
            _read_whole_later(context, bound)  # the first page is asked of the engine meanwhile
        page = wholes.page(bound.whole, bound.page, bound.page_size, max_bytes)
        if page is not None:
            return bound, page, known
    outcome = await context.engine.answer(job)
    return bound, read_solutions(outcome.body, limit), outcome.cached


async def _read_whole(context: ServerContext, bound: BoundQuery, time_limit: float | None) -> None:
    """Read the whole answer of a paginated query into `context.whole_answers`, up to WHOLE_ROWS rows; one
    larger than the server sends is remembered as not kept (its pages are then asked one at a time)."""
    whole = QueryJob(
        bound.whole,
        "tsv",
        max_rows=WHOLE_ROWS,
        max_bytes=context.settings.max_answer_bytes,
        time_limit=time_limit,
        cacheable=False,  # kept, in `context.whole_answers`
    )
    try:
        outcome = await context.engine.answer(whole)
    except AnswerTooLargeError:
        context.whole_answers.keep(bound.whole, None)
        return
    context.whole_answers.keep(bound.whole, WholeAnswer.of(outcome.body, outcome.truncated))


def _read_whole_later(context: ServerContext, bound: BoundQuery) -> None:
    """Read the whole answer in the background once the first page is answered, so that the next pages are
    ready when they are asked; one at a time, which leaves the other workers to those who ask."""
    if context.whole_answers.claim():
        task = asyncio.get_running_loop().create_task(_read_ahead(context, bound))
        _reading_ahead.add(task)
        task.add_done_callback(_reading_ahead.discard)


async def _read_ahead(context: ServerContext, bound: BoundQuery) -> None:
    try:
        await _read_whole(context, bound, None)
    except BiokgError as failed:  # asked for, its next page is read again, under the client's own limits
        _log.info("the whole answer of a canned query was not read ahead: %s", failed)
    finally:
        context.whole_answers.release()


_reading_ahead: set[asyncio.Task[None]] = set()
"""Whole answers being read ahead, kept referenced until they finish (the event loop holds tasks only weakly)."""


def _job(
    context: ServerContext, query: CannedQuery, given: dict[str, list[str]], max_rows: int, max_bytes: int
) -> tuple[BoundQuery, int, QueryJob]:
    """The bound query, the rows to read of it, and the job that runs it (a row more says if there are more)."""
    bound, limit = context.catalogue.bind(query, given, max_rows)
    return bound, limit, QueryJob(bound.text, "json", max_rows=limit + 1, max_bytes=max_bytes)


def _api_limits(context: ServerContext) -> tuple[int, int]:
    return context.settings.max_rows, context.settings.max_answer_bytes


def _page_limits(context: ServerContext) -> tuple[int, int]:
    return min(PAGE_ROWS, context.settings.max_rows), page_bytes(context)


def _runs_on_defaults(query: CannedQuery) -> bool:
    """Whether the query runs with no value given: every required parameter has a default."""
    return not any(p.required and p.name not in query.defaults for p in query.parameters)


async def warm_first_pages(context: ServerContext) -> None:
    """Answer the first page of every canned query that runs on its defaults, as the API and the page ask for
    it, into the answer cache: the first person to ask gets it from there, where a few whole-graph queries
    (ordering every organisation, counting the sources of each) take seconds to run. QLever's warm-up does the
    same for the queries its interface asks."""
    started = time.perf_counter()
    queries = [query for query in context.catalogue.queries.values() if _runs_on_defaults(query)]
    for query in queries:
        try:
            if query.pagination:  # its pages, as the API and as the page ask them, are cut from it
                await _read_whole(context, context.catalogue.bind(query, {}, 1)[0], WARMING_SECONDS)
            for limits in (_api_limits(context), _page_limits(context)):
                await _answer(context, query, {}, *limits, time_limit=WARMING_SECONDS)
        except BiokgError as failed:  # asked, it runs again under the client's own limits
            _log.warning("canned query %s was not answered on its defaults: %s", query.name, failed)
    context.warmed.set()
    _log.info("first pages of %d canned queries answered in %.1f s", len(queries), time.perf_counter() - started)


def _given(request: Request) -> dict[str, list[str]]:
    return parse_form(request.scope["query_string"], "the URL")


def _next_page_url(request: Request, bound: BoundQuery, answer: ResultTable) -> str | None:
    """The URL of the next page, only when the answer had rows past this page (one more row was fetched)."""
    if not (bound.page_size and answer.more):
        return None
    pairs = [(k, v) for k, v in urllib.parse.parse_qsl(request.url.query, keep_blank_values=True) if k != PAGE]
    return str(request.url.replace(query=urllib.parse.urlencode([*pairs, (PAGE, str(bound.page + 1))])))


def _schema(parameter: Parameter) -> dict[str, Any]:
    if parameter.kind is Kind.TYPED:
        return dict(_TYPED_SCHEMAS.get(parameter.datatype or "", {"type": "string", "minLength": 1}))
    return dict(_SCHEMAS[parameter.kind])


def _parameter_listing(
    query: CannedQuery, parameter: Parameter, choices: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "type": parameter.type_label,
        "required": parameter.required and parameter.name not in query.defaults,
        "default": query.defaults.get(parameter.name),
        "choices": list(choices.get(parameter.name, ())) or None,
    }


def _openapi_parameters(query: CannedQuery, choices: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    described = []
    for parameter in query.parameters:
        item = _schema(parameter)
        if parameter.name in choices:
            item["enum"] = list(choices[parameter.name])
        schema: dict[str, Any] = {"type": "array", "items": item}
        if parameter.name in query.defaults:
            schema["default"] = [query.defaults[parameter.name]]
        described.append(
            {
                "name": parameter.name,
                "in": "query",
                "required": parameter.required and parameter.name not in query.defaults,
                "description": f"{parameter.type_label}; repeat the parameter for several values",
                "schema": schema,
                "style": "form",
                "explode": True,
            }
        )
    if query.pagination:
        described.append(
            {
                "name": PAGE,
                "in": "query",
                "required": False,
                "description": f"Page of {query.pagination} rows; a Link header (rel=next) points to the next one",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            }
        )
    described.append(
        {
            "name": FORMAT,
            "in": "query",
            "required": False,
            "description": "Answer format, instead of the Accept header",
            "schema": {"type": "string", "enum": [fmt.name for fmt in formats_of(ResultKind.SOLUTIONS)]},
        }
    )
    return described


def _openapi_response(query: CannedQuery) -> dict[str, Any]:
    schemas = {"json": results_schema(query.variables)}
    return {
        "description": "The answer, as SPARQL 1.1 Query Results",
        "content": openapi_content(formats_of(ResultKind.SOLUTIONS), schemas),
    }
