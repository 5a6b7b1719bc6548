"""Running the engine's blocking calls off the event loop, in a way that shutdown can abandon."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread

Result = TypeVar("Result")
Arguments = ParamSpec("Arguments")


async def in_thread(
    function: Callable[Arguments, Result], *args: Arguments.args, **kwargs: Arguments.kwargs
) -> Result:
    """Run a blocking call in a worker thread. A cancelled request (server shutdown) stops waiting for the thread
    at once instead of holding the shutdown until the query ends; closing the engine then ends the thread."""
    return await anyio.to_thread.run_sync(functools.partial(function, *args, **kwargs), abandon_on_cancel=True)
