"""What every route of the server needs, built once at start and shared through the app's state."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

import pyoxigraph as ox
from fastapi import Depends, Request

from biokg.canned import Catalogue
from biokg.canned.pages import WholeAnswers
from biokg.config import Settings
from biokg.engine import QueryEngine
from biokg.guard import QueryPolicy
from biokg.linked.dumps import DumpCache
from biokg.privacy import hidden_from
from biokg.search import SearchIndex
from biokg.tokens import Token, TokenFile
from biokg.web.sending import SendBudget
from biokg.writes import GraphWriter


@dataclass(frozen=True)
class ServerContext:
    """The engine that answers queries, the limits they run under, and what the store holds."""

    settings: Settings
    engine: QueryEngine
    policy: QueryPolicy
    store_name: str
    graph_sizes: tuple[tuple[str, int], ...]
    catalogue: Catalogue = field(default_factory=lambda: Catalogue({}))
    dumps: DumpCache | None = None
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    """When the served data was loaded: the Last-Modified of every document."""
    memo: dict[str, bytes] = field(default_factory=dict)
    """Documents computed once from the data, such as the VoID description, by key."""
    fixed_data: bool = False
    """Whether the data stays as loaded for this context's life (the embedded store's copy in memory, unlike a
    remote store; a curator's write makes a new context), so that an answer is as new as `loaded_at`."""
    sending: SendBudget = field(default_factory=lambda: SendBudget(2**62))
    """The budget of bytes of large answers being sent to their clients (none by default)."""
    search: SearchIndex = field(default_factory=lambda: SearchIndex(()))
    """The names of the served resources (biokg.search), built from the same data."""
    warm_canned: bool = False
    """Whether the first pages of the canned queries are answered into the answer cache once the server listens
    (biokg.web.canned.warm_first_pages); `warmed` is set when they are."""
    warmed: threading.Event = field(default_factory=threading.Event)
    whole_answers: WholeAnswers = field(default_factory=WholeAnswers)
    """The whole answers of paginated canned queries that pages are cut from, while the data stays as loaded."""
    writer: GraphWriter | None = None
    """Curators' writes, on an on-disk embedded store; None elsewhere (a remote store, or one in memory)."""
    tokens: TokenFile | None = None
    """The tokens of curators and readers, beside the on-disk store."""
    renewed: Callable[[ServerContext, Sequence[str]], ServerContext] | None = None
    """The context serving the store after a write of the given graphs, made from this one."""
    memory: ox.Store | None = None
    """The whole store's copy in memory that the workers fork from, which a write changes in place; None where
    the copy leaves out private graphs, or for a remote store."""
    readers: ReaderViews | None = None
    """The contexts of readers whose token names private graphs; None where no token can be made."""

    @property
    def triples(self) -> int:
        return sum(size for _, size in self.graph_sizes)


class ReaderViews:
    """The contexts serving the readers whose tokens name private graphs: one per set of private graphs still
    hidden from them, made when first asked (a copy of the store, its workers and text index) and closed with
    the public context, after a write."""

    def __init__(self, private: frozenset[str], make: Callable[[frozenset[str]], ServerContext]) -> None:
        self.private = private
        """The graphs marked private, which the public context leaves out."""
        self._make = make
        self._views: dict[frozenset[str], ServerContext] = {}
        self._lock = threading.Lock()
        self._closed = False

    def view(self, token: Token) -> ServerContext | None:
        """The context for a reader with `token`; None when it reads what the public does, or when these views
        were closed (a write came first: ask the context that replaced this one)."""
        hidden = hidden_from(token, self.private)
        if hidden == self.private:
            return None
        with self._lock:
            if self._closed:
                return None
            if hidden not in self._views:
                self._views[hidden] = self._make(hidden)
            return self._views[hidden]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for view in self._views.values():
                view.engine.close()

    @property
    def closed(self) -> bool:
        return self._closed


def server_context(request: Request) -> ServerContext:
    """The context serving this request: the one its reader's token chose (`middleware.ReaderAccess`), or the
    public one."""
    context = getattr(request.state, "context", None) or request.app.state.context
    assert isinstance(context, ServerContext)
    return context


async def _context_dependency(request: Request) -> ServerContext:
    """The dependency form of `server_context`: async, because FastAPI runs a plain function in a thread pool,
    a thread hop that cost 0.15 ms on every request."""
    return server_context(request)


ContextDep = Annotated[ServerContext, Depends(_context_dependency)]
