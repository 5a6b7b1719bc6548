"""biokg's errors mapped once to HTTP statuses; the body is the message, as text."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from biokg.canned import ParameterError
from biokg.errors import (
    AnswerTooLargeError,
    BiokgError,
    NotFoundError,
    PartialResultError,
    QuerySyntaxError,
    StoreError,
    StoreTimeoutError,
)
from biokg.guard import RefusedQueryError
from biokg.workers import (
    EngineBusyError,
    EngineCrashError,
    QueryEvaluationError,
    QueryMemoryError,
    QueryTimeoutError,
)


class HttpError(BiokgError):
    """An error of the request itself (missing parameter, wrong media type ...) with its status."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


STATUS: list[tuple[type[BiokgError], int]] = [
    (QuerySyntaxError, 400),
    (ParameterError, 400),
    (RefusedQueryError, 400),
    (NotFoundError, 404),
    (QueryTimeoutError, 503),
    (QueryMemoryError, 503),
    (AnswerTooLargeError, 503),
    (EngineBusyError, 503),
    (EngineCrashError, 500),
    (QueryEvaluationError, 500),
    (PartialResultError, 502),
    (StoreTimeoutError, 504),
    (StoreError, 502),
]


def status_of(error: BiokgError) -> int:
    """The HTTP status of an error."""
    if isinstance(error, HttpError):
        return error.status
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


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
