"""biokg's errors mapped once to HTTP statuses; the body is the message, as text."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException

from biokg.errors import (
    BiokgError,
    EngineBusyError,
    EngineError,
    ForbiddenError,
    HttpError,
    LimitError,
    NonConformingDataError,
    NotAcceptableError,
    NotFoundError,
    ParameterError,
    QuerySyntaxError,
    RdfSyntaxError,
    RefusedQueryError,
    StoreError,
    StoreTimeoutError,
    UnauthorizedError,
)
from biokg.formats import PLAIN_TEXT

STATUS: list[tuple[type[BiokgError], int, str]] = [
    (QuerySyntaxError, 400, "The query is malformed (line and column)"),
    (RefusedQueryError, 400, "The query is refused (an update, SERVICE, too long or too deeply nested)"),
    (ParameterError, 400, "A parameter's value does not fit its type"),
    (RdfSyntaxError, 400, "The body does not parse (line and column)"),
    (UnauthorizedError, 401, "No bearer token, or one that is not valid"),
    (ForbiddenError, 403, "The token may not make this write"),
    (NotFoundError, 404, "Nothing is there"),
    (NotAcceptableError, 406, "No format that the request accepts can write this answer"),
    (NonConformingDataError, 422, "The write breaks the shapes: nothing was changed; the findings say how"),
    (LimitError, 503, "The query passed its time, memory or answer size limit, or no worker was free"),
    (EngineError, 500, "The query engine failed on the query"),
    (StoreTimeoutError, 504, "The store did not answer in time"),
    (StoreError, 502, "The store failed to answer, or answered with a partial result"),
]
"""Each kind of error with its status and how the OpenAPI description says it; the first that fits decides."""
ENGINE_ERRORS: tuple[type[BiokgError], ...] = (LimitError, EngineError, StoreError)
"""What any route that queries may answer with, whatever it asks."""


def status_of(error: BiokgError) -> int:
    """The HTTP status of an error."""
    if isinstance(error, HttpError):
        return error.status
    return next((status for kind, status, _ in STATUS if isinstance(error, kind)), 500)


REQUEST_STATUS = {
    304: "Not modified since the If-Modified-Since or If-None-Match of the request",
    408: "The request did not arrive in time",
    413: "The request is larger than the server takes",
    414: "The URL is too long: POST the query",
    415: "The body is of a media type the route does not take",
    431: "The request line and headers are too large",
}
"""Statuses of the HTTP layer itself (HttpError and the protocol's limits), as the OpenAPI description says them."""


def described(*kinds: type[BiokgError], statuses: tuple[int, ...] = ()) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for the errors a route may answer with (the kinds of STATUS, and `statuses` of the
    HTTP layer), by status; each answers its message as plain text, except 304, which has no body."""
    texts: dict[int, list[str]] = {status: [REQUEST_STATUS[status]] for status in statuses}
    for kind, status, description in STATUS:
        if any(issubclass(kind, given) or issubclass(given, kind) for given in kinds):
            texts.setdefault(status, []).append(description)
    plain = {PLAIN_TEXT.split(";")[0]: {"schema": {"type": "string"}}}
    return {
        str(status): {"description": "; ".join(texts[status]), **({"content": plain} if status != 304 else {})}
        for status in sorted(texts)
    }


def headers_of(error: BiokgError) -> dict[str, str]:
    """The headers an error's answer comes with: when to try again, only where that can help (a query stopped at
    a limit would be stopped again, and a client honouring Retry-After would run it over and over), or that the
    connection ends because its request was not read whole."""
    if isinstance(error, EngineBusyError):
        return {"Retry-After": "5"}
    if isinstance(error, UnauthorizedError):
        return {"WWW-Authenticate": 'Bearer realm="biokg"'}
    if status_of(error) == 408:
        return {"Connection": "close"}
    return {}


def install_error_handlers(app: FastAPI) -> None:
    """Answer every BiokgError with its status and its message as plain text."""

    async def handle(request: Request, error: Exception) -> PlainTextResponse:
        assert isinstance(error, BiokgError)
        return PlainTextResponse(f"{error}\n", status_code=status_of(error), headers=headers_of(error))

    async def handle_http(request: Request, error: Exception) -> PlainTextResponse:
        """Starlette's own errors (no such route, a method the route does not take) as text too, not JSON."""
        assert isinstance(error, HTTPException)
        return PlainTextResponse(f"{error.detail}\n", status_code=error.status_code, headers=error.headers)

    app.add_exception_handler(BiokgError, handle)
    app.add_exception_handler(HTTPException, handle_http)
