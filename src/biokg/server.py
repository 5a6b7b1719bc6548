"""Everything `biokg serve` does before it listens: open and validate the store, start the query engine."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox

from biokg.canned import Catalogue
from biokg.canned.pages import WholeAnswers
from biokg.config import Settings
from biokg.dataset import METADATA_GRAPH, ensure_loaded
from biokg.engine import QueryEngine, json_fetcher
from biokg.engine.cache import CachingEngine
from biokg.engine.pool import WorkerPool
from biokg.engine.remote import RemoteEngine
from biokg.errors import BiokgError, NonConformingDataError
from biokg.guard import QueryPolicy
from biokg.linked.dumps import DumpCache
from biokg.namespaces import PREFIXES
from biokg.privacy import private_graphs, visible_copy
from biokg.search import SearchIndex
from biokg.search.service import SearchingEngine
from biokg.shipped import shipped_dir
from biokg.sources import load_sources
from biokg.stats import graph_sizes
from biokg.store import EmbeddedStore, RemoteStore, Store, open_store
from biokg.store.embedded import replace_graphs_in
from biokg.tokens import token_file
from biokg.validation import validate_quads
from biokg.web.context import ReaderViews, ServerContext
from biokg.web.sending import SendBudget
from biokg.writes import AUDIT_FILE, GraphWriter

_log = logging.getLogger("biokg.server")


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
    """The context serving the embedded store as it is now, without its private graphs. With a writer, readers
    whose tokens name private graphs get contexts of their own, and a write makes the next context
    (`after_write`)."""
    private = private_graphs(store.oxigraph)
    context = _serving_view(settings, store, private, settings.warm_canned)
    if writer is None:
        return context
    return dataclasses.replace(
        context,
        writer=writer,
        tokens=token_file(settings),
        renewed=functools.partial(after_write, settings, store, writer),
        readers=ReaderViews(private, functools.partial(_reader_view, settings, store, writer)),
    )


def after_write(
    settings: Settings, store: EmbeddedStore, writer: GraphWriter, previous: ServerContext, graphs: Sequence[str]
) -> ServerContext:
    """The context serving the store after a write of `graphs`: the previous one's copy in memory changed in
    place, new workers forked from it, the text index refreshed for the resources whose statements in the union
    of the graphs (which the index reads) the write changed, and the rest kept (the canned queries' choices
    among them). Where that copy leaves out private graphs, or the write changes classes (which every
    resource's index row reads), everything is made anew from the store, as `serving` does."""
    started = time.perf_counter()
    memory = previous.memory
    if memory is None or private_graphs(store.oxigraph):
        return _made_anew(settings, store, writer, "private graphs are left out of what is served")
    changed = [*(ox.NamedNode(graph) for graph in graphs), METADATA_GRAPH]
    before = {quad.triple for graph in changed for quad in memory.quads_for_pattern(None, None, None, graph)}
    now = [quad for graph in changed for quad in store.oxigraph.quads_for_pattern(None, None, None, graph)]
    after = {quad.triple for quad in now}
    added = {triple for triple in after - before if not _holds(memory, triple)}  # not stated by another graph
    if any(triple.predicate == _SUBCLASS for triple in added | (before - after)):
        return _made_anew(settings, store, writer, "the write changes classes")
    replace_graphs_in(memory, changed, now)
    moved = added | {triple for triple in before - after if not _holds(memory, triple)}  # no graph states it now
    copied = time.perf_counter()
    previous.search.refresh(store, touched_resources(store, moved))
    indexed = time.perf_counter()
    sizes = dict(previous.graph_sizes)
    for graph in changed:
        sizes[graph.value] = sum(1 for _ in memory.quads_for_pattern(None, None, None, graph))
        if not sizes[graph.value]:
            del sizes[graph.value]
    engine, caching = _engine(settings, memory, previous.search)
    steps = [copied - started, indexed - copied, time.perf_counter() - indexed]
    _log.info(
        "after a write of %d statements, served in %.0f ms (copy in memory %.0f, text index %.0f, workers %.0f)",
        len(moved),
        sum(steps) * 1000,
        *(step * 1000 for step in steps),
    )
    return dataclasses.replace(
        previous,
        engine=engine,
        graph_sizes=tuple(sorted(sizes.items())),
        dumps=DumpCache(store.quads),
        loaded_at=max(datetime.now(UTC).replace(microsecond=0), previous.loaded_at + timedelta(seconds=1)),
        memo={},
        whole_answers=WholeAnswers(),
        warmed=threading.Event(),
        warm_canned=settings.warm_canned and caching,
        readers=ReaderViews(frozenset(), functools.partial(_reader_view, settings, store, writer)),
    )


def _holds(store: ox.Store, triple: ox.Triple) -> bool:
    return next(store.quads_for_pattern(triple.subject, triple.predicate, triple.object), None) is not None


def _made_anew(settings: Settings, store: EmbeddedStore, writer: GraphWriter, reason: str) -> ServerContext:
    started = time.perf_counter()
    context = serving(settings, store, writer)
    _log.info("after a write, what is served made anew (%s) in %.1f s", reason, time.perf_counter() - started)
    return context


def touched_resources(store: EmbeddedStore, moved: set[ox.Triple]) -> set[str]:
    """The resources whose rows in the text index a change of `moved` statements alters: their subjects, and,
    where it moves a place (what contains it, whether it is a country), every resource in that place."""
    touched = {triple.subject.value for triple in moved if isinstance(triple.subject, ox.NamedNode)}
    places = {
        triple.subject
        for triple in moved
        if isinstance(triple.subject, ox.NamedNode) and (triple.predicate == _INSIDE or triple.object == _COUNTRY)
    }
    for place in places:
        inside = f"{{ ?within {_INSIDE}* {place} . ?r {_LOCATION} ?within }} UNION {{ ?r {_INSIDE}* {place} }}"
        answer = store.oxigraph.query(f"SELECT DISTINCT ?r WHERE {{ {inside} }}", use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        touched |= {row[0].value for row in answer if isinstance(row[0], ox.NamedNode)}
    return touched


_SUBCLASS = ox.NamedNode(PREFIXES["rdfs"] + "subClassOf")
_INSIDE = ox.NamedNode(PREFIXES["schema"] + "containedInPlace")
_LOCATION = ox.NamedNode(PREFIXES["schema"] + "location")
_COUNTRY = ox.NamedNode(PREFIXES["bkg"] + "Country")


def _reader_view(
    settings: Settings, store: EmbeddedStore, writer: GraphWriter, hidden: frozenset[str]
) -> ServerContext:
    """The context of a reader from whom only the `hidden` private graphs are kept."""
    view = _serving_view(settings, store, hidden, warm=False)
    renewed = functools.partial(after_write, settings, store, writer)
    return dataclasses.replace(view, writer=writer, tokens=token_file(settings), renewed=renewed, memory=None)


def _serving_view(settings: Settings, store: EmbeddedStore, hidden: frozenset[str], warm: bool) -> ServerContext:
    """The context serving what a reader kept from the `hidden` graphs may see: a copy of it in memory, the
    workers forked from it, an empty answer cache and the text index."""
    served = visible_copy(store, hidden) if hidden else store
    memory = served.oxigraph if hidden else memory_copy(store)
    sizes = graph_sizes(served)
    index = SearchIndex.build(served)
    engine, caching = _engine(settings, memory, index)
    context = _context(
        settings, engine, index, _policy(settings), served, sizes, fixed_data=True, warm_canned=warm and caching
    )
    return dataclasses.replace(context, memory=None if hidden else memory)


def _engine(settings: Settings, memory: ox.Store, index: SearchIndex) -> tuple[QueryEngine, bool]:
    """The engine over a copy in memory: workers forked from it, the text index's SERVICE, and an answer cache
    unless there is none (then False)."""
    workers = settings.query_workers or os.cpu_count() or 1
    memory_limit = settings.query_memory_mib * 2**20 or _machine_memory() // (2 * workers)
    pool = WorkerPool(memory, workers, settings.query_time_limit, memory_limit)
    cache = _machine_memory() // 32 if settings.cache_mib is None else settings.cache_mib * 2**20
    searching = SearchingEngine(pool, lambda: index)
    engine: QueryEngine = CachingEngine(searching, cache) if cache else searching  # the data stays as loaded
    return engine, cache > 0


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
