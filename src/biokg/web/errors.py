"""biokg's errors mapped once to HTTP statuses; the body is the message, as text."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from biokg.errors import (
    BiokgError,
    EngineBusyError,
    EngineError,
    HttpError,
    LimitError,
    NotAcceptableError,
    NotFoundError,
    ParameterError,
    QuerySyntaxError,
    RefusedQueryError,
    StoreError,
    StoreTimeoutError,
)

STATUS: list[tuple[type[BiokgError], int, str]] = [
    (QuerySyntaxError, 400, "The query is malformed (line and column)"),
    (RefusedQueryError, 400, "The query is refused (an update, SERVICE, too long or too deeply nested)"),
    (ParameterError, 400, "A parameter's value does not fit its type"),
    (NotFoundError, 404, "Nothing is there"),
    (NotAcceptableError, 406, "No format that the request accepts can write this answer"),
    (LimitError, 503, "The query passed its time, memory or answer size limit, or no worker was free"),
    (EngineError, 500, "The query engine failed on the query"),
    (StoreTimeoutError, 504, "The store did not answer in time"),
    (StoreError, 502, "The store failed to answer, or answered with a partial result"),
]
"""Each kind of error with its status and how the OpenAPI description says it; the first that fits decides."""


def status_of(error: BiokgError) -> int:
    """The HTTP status of an error."""
    if isinstance(error, HttpError):
        return error.status
    return next((status for kind, status, _ in STATUS if isinstance(error, kind)), 500)


def described(*kinds: type[BiokgError]) -> dict[str, dict[str, str]]:
    """OpenAPI responses for the errors a route may answer with, by status."""
    responses: dict[str, dict[str, str]] = {}
    for kind, status, description in STATUS:
        if any(issubclass(kind, given) or issubclass(given, kind) for given in kinds):
            text = responses.get(str(status), {}).get("description")
            responses[str(status)] = {"description": f"{text}; {description.lower()}" if text else description}
    return responses


def headers_of(error: BiokgError) -> dict[str, str]:
    """The headers an error's answer comes with: when to try again, only where that can help (a query stopped at
    a limit would be stopped again, and a client honouring Retry-After would run it over and over), or that the
    connection ends because its request was not read whole."""
    if isinstance(error, EngineBusyError):
        return {"Retry-After": "5"}
    if status_of(error) == 408:
        return {"Connection": "close"}
    return {}


def install_error_handlers(app: FastAPI) -> None:
    """Answer every BiokgError with its status and its message as plain text."""

    async def handle(request: Request, error: Exception) -> PlainTextResponse:
        assert isinstance(error, BiokgError)
        return PlainTextResponse(f"{error}\n", status_code=status_of(error), headers=headers_of(error))

    app.add_exception_handler(BiokgError, handle)
