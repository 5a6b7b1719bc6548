"""Everything `biokg serve` does before it listens: open and validate the store, start the query engine."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
from pathlib import Path

import pyoxigraph as ox

from biokg.canned import Catalogue
from biokg.config import Settings
from biokg.dataset import ensure_loaded
from biokg.engine import QueryEngine, json_fetcher
from biokg.engine.cache import CachingEngine
from biokg.engine.pool import WorkerPool
from biokg.engine.remote import RemoteEngine
from biokg.errors import BiokgError, NonConformingDataError
from biokg.guard import QueryPolicy
from biokg.linked.dumps import DumpCache
from biokg.privacy import private_graphs, visible_copy
from biokg.search import SearchIndex
from biokg.search.service import SearchingEngine
from biokg.shipped import shipped_dir
from biokg.sources import load_sources
from biokg.stats import graph_sizes
from biokg.store import EmbeddedStore, RemoteStore, Store, open_store
from biokg.tokens import token_file
from biokg.validation import validate_quads
from biokg.web.context import ReaderViews, ServerContext
from biokg.web.sending import SendBudget
from biokg.writes import AUDIT_FILE, GraphWriter


def prepare(settings: Settings) -> ServerContext:
    """The server's context; raises NonConformingDataError when the store's graph does not conform."""
    sources = load_sources(settings.data)
    store = open_store(settings)
    if isinstance(store, RemoteStore):
        report = validate_quads(store.quads(), sources.shapes, sources.ontology)
        if not report.conforms:
            raise NonConformingDataError(report)
        index = SearchIndex.build(store)
        remote = SearchingEngine(RemoteEngine(store, settings.query_time_limit), lambda: index)
        return _context(settings, remote, index, _policy(settings), store, graph_sizes(store))
    ensure_loaded(store, sources)
    writer = None
    if settings.store is not None:  # writes are kept only by an on-disk store
        writer = GraphWriter(store, sources, settings.store / AUDIT_FILE)
    return serving(settings, store, writer)


def serving(settings: Settings, store: EmbeddedStore, writer: GraphWriter | None) -> ServerContext:
    """The context serving the embedded store as it is now, without its private graphs; made again after every
    write. With a writer, readers whose tokens name private graphs get contexts of their own."""
    private = private_graphs(store.oxigraph)
    context = _serving_view(settings, store, private, settings.warm_canned)
    if writer is None:
        return context
    renewed = functools.partial(serving, settings, store, writer)
    tokens = token_file(settings)

    def reader_view(hidden: frozenset[str]) -> ServerContext:
        view = _serving_view(settings, store, hidden, warm=False)
        return dataclasses.replace(view, writer=writer, tokens=tokens, renewed=renewed)

    readers = ReaderViews(private, reader_view)
    return dataclasses.replace(context, writer=writer, tokens=tokens, renewed=renewed, readers=readers)


def _serving_view(settings: Settings, store: EmbeddedStore, hidden: frozenset[str], warm: bool) -> ServerContext:
    """The context serving what a reader kept from the `hidden` graphs may see: a copy of it in memory, the
    workers forked from it, an empty answer cache and the text index."""
    served = visible_copy(store, hidden) if hidden else store
    memory = served.oxigraph if hidden else memory_copy(store)
    policy = _policy(settings)
    sizes = graph_sizes(served)
    workers = settings.query_workers or os.cpu_count() or 1
    memory_limit = settings.query_memory_mib * 2**20 or _machine_memory() // (2 * workers)
    pool = WorkerPool(memory, workers, settings.query_time_limit, memory_limit)
    cache = _machine_memory() // 32 if settings.cache_mib is None else settings.cache_mib * 2**20
    index = SearchIndex.build(served)
    searching = SearchingEngine(pool, lambda: index)
    engine: QueryEngine = CachingEngine(searching, cache) if cache else searching  # the data stays as loaded
    warm_canned = warm and cache > 0
    return _context(settings, engine, index, policy, served, sizes, fixed_data=True, warm_canned=warm_canned)


def _policy(settings: Settings) -> QueryPolicy:
    return QueryPolicy(max_nesting=settings.max_nesting, allow_service=settings.allow_service)


def _machine_memory() -> int:
    """Bytes of physical memory, or of the container's memory limit (cgroup v2) when that is lower."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with contextlib.suppress(OSError, ValueError):  # no cgroup v2 here, or "max" (no limit)
        return min(physical, int(Path("/sys/fs/cgroup/memory.max").read_text()))
    return physical


def _context(
    settings: Settings,
    engine: QueryEngine,
    index: SearchIndex,
    policy: QueryPolicy,
    store: Store,
    sizes: tuple[tuple[str, int], ...],
    fixed_data: bool = False,
    warm_canned: bool = False,
) -> ServerContext:
    """The context around a started engine, with the canned queries and their computed choices."""
    catalogue = Catalogue.read(settings.queries or shipped_dir("queries"))
    try:
        catalogue.compute_choices(json_fetcher(engine))
    except BiokgError:
        engine.close()
        raise
    dumps = DumpCache(store.quads)
    sending = SendBudget(settings.send_budget_mib * 2**20 or _machine_memory() // 4)
    return ServerContext(
        settings,
        engine,
        policy,
        store.name,
        sizes,
        catalogue,
        dumps,
        fixed_data=fixed_data,
        sending=sending,
        search=index,
        warm_canned=warm_canned,
    )


def memory_copy(store: EmbeddedStore) -> ox.Store:
    """The store's quads in memory, filled a predicate at a time: joins from memory were 3-4x faster than from
    RocksDB on disk, and this order made scans and paths faster than from disk too. One bulk load per predicate
    peaked at two thirds of the memory that one load of every quad took."""
    memory = ox.Store()
    for quads in store.predicate_groups():
        memory.bulk_extend(quads)
    return memory
