"""Running the engine's blocking calls off the event loop, in a way that shutdown can abandon."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

Result = TypeVar("Result")
Argument = TypeVar("Argument")


async def in_thread(function: Callable[[Argument], Result], argument: Argument) -> Result:
    """Run a blocking call in a worker thread. A cancelled request (server shutdown) stops waiting for the thread
    at once instead of holding the shutdown until the query ends; closing the engine then ends the thread."""
    return await anyio.to_thread.run_sync(function, argument, abandon_on_cancel=True)
