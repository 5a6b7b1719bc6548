"""ASGI middleware of the server: a request size limit read before the body, the context a reader's token
chooses, and structured access logs."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from biokg.formats import PLAIN_TEXT
from biokg.threads import in_thread
from biokg.tokens import Token
from biokg.web.context import ServerContext

access_log = logging.getLogger("biokg.access")


async def _plain(send: Send, status: int, text: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", PLAIN_TEXT.encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


class BodyLimit:
    """413 for a request body over `limit` bytes: refused from its Content-Length before reading, or as soon as a
    body without one grows past the limit, so an oversized upload never sits in memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        message = f"the request body is larger than this endpoint takes ({self.limit} bytes)\n"
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _plain(send, 413, message)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return event

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _plain(send, 413, message)


class _TooLarge(Exception):
    pass


class ReaderAccess:
    """Serve a request that presents a bearer token from the context its token reads (private graphs it names
    included), by every route alike; 401 for a token that is not valid. Every answer varies with the
    Authorization header, and one read with a token is for its reader alone (Cache-Control: private)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        context = scope["app"].state.context if scope["type"] == "http" else None
        if context is None or context.tokens is None:
            await self.app(scope, receive, send)
            return
        scheme, _, presented = (Headers(scope=scope).get("authorization") or "").partition(" ")
        token = None
        if scheme.lower() == "bearer" and presented.strip():
            token = await in_thread(context.tokens.check, presented.strip())
            if token is None and await in_thread(context.tokens.tokens):
                await _plain(send, 401, "the bearer token is not valid, or was revoked\n", (_CHALLENGE,))
                return
        if token is not None:
            view = await in_thread(_reader_view, scope["app"], token)
            if view is not None:
                scope.setdefault("state", {})["context"] = view

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Authorization")
                if token is not None:
                    headers["Cache-Control"] = "private"
            await send(message)

        await self.app(scope, receive, marked)


_CHALLENGE = (b"www-authenticate", b'Bearer realm="biokg"')


def _reader_view(app: Starlette, token: Token) -> ServerContext | None:
    """The context for a reader with `token`, from the context serving now: a write may swap it meanwhile."""
    context: ServerContext = app.state.context
    view = context.readers.view(token) if context.readers else None
    while view is None and context.readers and context.readers.closed and app.state.context is not context:
        context = app.state.context
        view = context.readers.view(token) if context.readers else None
    return view


QUERY_LOG_KEYS = ("query", "form", "query_ms", "truncated", "cache")
"""What a query route may put in `request.state` for the access log: the query (its start, if long), its form,
the milliseconds the engine took, whether the row cap cut the answer, and whether the cache had it (hit, miss)."""


class AccessLog:
    """One JSON line per request: method, path, status, milliseconds, and for a query its form and engine time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        state = scope.setdefault("state", {})  # where a route leaves what the line should say of its query

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            entry: dict[str, Any] = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "client": scope["client"][0] if scope.get("client") else None,
            }
            entry.update({key: state[key] for key in QUERY_LOG_KEYS if key in state})
            access_log.info(json.dumps(entry))
