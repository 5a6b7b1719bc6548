"""Answers wait in the serving process until their clients take them; a server-wide budget bounds that memory.

An answer is written whole before it is sent (the status must say whether the query finished), so a client that
reads slowly keeps its answer in memory while it is sent, and many such clients could take the machine's memory.
Answers from STREAM_FROM_BYTES on are sent a slice at a time, each slice once the client has taken enough of the
last, and count against the budget while they are sent; an answer that would overrun it gets 503 with
Retry-After, as when every worker is busy. Smaller answers fit the connection's buffers and are sent at once.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from biokg.errors import EngineBusyError

STREAM_FROM_BYTES = 1 << 20
SLICE_BYTES = 1 << 16


class SendBudget:
    """Bytes of answers being sent, across the server, at most `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def check(self) -> None:
        """Refuse a query at once while answers being sent fill the budget: its own answer would not fit."""
        if self.held >= self.limit:
            raise self._busy()

    def response(self, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
        """The response that sends `body`, counted against the budget if it is large; 503 if it does not fit."""
        if len(body) < STREAM_FROM_BYTES:
            return Response(body, media_type=media_type, headers=headers)
        if self.held + len(body) > self.limit:
            raise self._busy()
        return _SlicedResponse(self, body, media_type, headers)

    def _busy(self) -> EngineBusyError:
        budget = f"{self.limit / 2**20:,.0f} MiB"
        return EngineBusyError(f"answers being sent to their clients fill this server's budget ({budget}); try again")


class _SlicedResponse(Response):
    """A response sent a slice at a time: uvicorn waits for the client to take each before sending the next."""

    def __init__(self, budget: SendBudget, body: bytes, media_type: str, headers: dict[str, str]) -> None:
        super().__init__(body, media_type=media_type, headers=headers)
        self._budget = budget

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        size = len(self.body)
        self._budget.held += size
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            view = memoryview(self.body)
            for start in range(0, size, SLICE_BYTES):  # after a disconnect, each send returns at once
                piece = view[start : start + SLICE_BYTES]
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self._budget.held -= size
