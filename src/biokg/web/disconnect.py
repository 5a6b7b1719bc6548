"""Work on a request that stops when its client goes away, so that an abandoned query frees its worker at once
instead of running on to the time limit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from starlette.requests import Request

Result = TypeVar("Result")
WATCH_AFTER = 0.5
"""Seconds of work after which the client's connection is watched too: watching from the start cost a tenth of
the requests per second of cheap queries, and a query that ends sooner frees its worker anyway."""


async def unless_disconnected(request: Request, work: Awaitable[Result]) -> Result | None:
    """`work`'s result, or None when the client disconnected first; `work` is then cancelled. Call it once the
    request body has been read: from then on the connection only says that it closed."""
    task = asyncio.ensure_future(work)
    watcher: asyncio.Task[None] | None = None
    try:
        await asyncio.wait((task,), timeout=WATCH_AFTER)
        if not task.done():
            watcher = asyncio.ensure_future(_disconnected(request))
            await asyncio.wait((task, watcher), return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the request itself is being stopped (the server shuts down)
        task.cancel()
        raise
    finally:
        if watcher is not None:
            watcher.cancel()
    if task.done():
        return task.result()  # or its error, as awaiting the work would raise
    task.cancel()
    return None


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
