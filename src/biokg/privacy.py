"""Private graphs: a named graph whose description in the metadata graph says `bkg:private true` is served only
to readers whose token names it. Everyone else is served a copy of the store without it.

The copy leaves out, besides the graph's statements, everything that would tell of it: its description in the
metadata graph, the records of the sources it derives from (even when a public graph derives from them too: a
private deal's source stays private), what only those records lead to (their publishers, files), and every
statement, in any graph, about or pointing to any of these.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pyoxigraph as ox

from biokg.dataset import METADATA_GRAPH
from biokg.namespaces import PREFIXES
from biokg.store.embedded import EmbeddedStore
from biokg.tokens import Token

PRIVATE = ox.NamedNode(PREFIXES["bkg"] + "private")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean"))
_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
_SOURCE_GRAPH = ox.NamedNode(PREFIXES["bkg"] + "SourceGraph")
_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
Node = ox.NamedNode | ox.BlankNode


def private_graphs(store: ox.Store) -> frozenset[str]:
    """The graphs the metadata graph marks private."""
    marked = store.quads_for_pattern(None, PRIVATE, _TRUE, METADATA_GRAPH)
    return frozenset(quad.subject.value for quad in marked if isinstance(quad.subject, ox.NamedNode))


def hidden_from(token: Token | None, private: Collection[str]) -> frozenset[str]:
    """The private graphs a reader with `token` (None: anonymous) may not read: all but those it names, and none
    for a token that names no graph (it reads every graph)."""
    if token is None:
        return frozenset(private)
    if not token.graphs:
        return frozenset()
    return frozenset(private) - set(token.graphs)


def withheld(store: ox.Store, hidden: Collection[str]) -> set[Node]:
    """The nodes whose statements a reader kept from `hidden` may not see: the hidden graphs, the sources they
    derive from, and the metadata nodes those lead to which no public description leads to as well."""
    if not hidden:
        return set()
    links = _metadata_links(store)
    described = store.quads_for_pattern(None, _TYPE, _SOURCE_GRAPH, METADATA_GRAPH)
    graphs: set[Node] = {quad.subject for quad in described if isinstance(quad.subject, ox.NamedNode)}
    hidden_graphs: set[Node] = {ox.NamedNode(graph) for graph in hidden}
    sources = {
        quad.object
        for graph in hidden_graphs
        for quad in store.quads_for_pattern(graph, _DERIVED_FROM, None, METADATA_GRAPH)
        if isinstance(quad.object, ox.NamedNode | ox.BlankNode)
    }
    private_side = _reached(hidden_graphs | sources, links, stop=graphs - hidden_graphs)
    reachable_from_graphs = _reached(graphs, links, stop=set())
    public_roots = (graphs - hidden_graphs) | (set(links) - reachable_from_graphs)
    public_side = _reached(public_roots, links, stop=hidden_graphs | sources)
    return hidden_graphs | sources | (private_side - public_side)


def visible_copy(store: EmbeddedStore, hidden: Collection[str]) -> EmbeddedStore:
    """An in-memory store holding what a reader kept from `hidden` may see, filled a predicate at a time as the
    server's copy in memory is (`server.memory_copy`)."""
    kept = withheld(store.oxigraph, hidden)
    view = EmbeddedStore()
    view.name, view.stamp = store.name, store.stamp
    for quads in store.predicate_groups():
        view.oxigraph.bulk_extend(quad for quad in quads if _visible(quad, kept))
    return view


def visible_quads(store: ox.Store, hidden: Collection[str]) -> ox.Store:
    """What a reader kept from `hidden` may see, as a store of its own in memory (for an update to run over)."""
    kept = withheld(store, hidden)
    view = ox.Store()
    view.bulk_extend((quad for quad in store if _visible(quad, kept)) if kept else store)
    return view


def _visible(quad: ox.Quad, withheld: set[Node]) -> bool:
    return not (quad.graph_name in withheld or quad.subject in withheld or quad.object in withheld)


def _metadata_links(store: ox.Store) -> dict[Node, set[Node]]:
    """Each subject of the metadata graph, with the nodes its statements point to."""
    links: dict[Node, set[Node]] = {}
    for quad in store.quads_for_pattern(None, None, None, METADATA_GRAPH):
        if isinstance(quad.subject, ox.NamedNode | ox.BlankNode):
            targets = links.setdefault(quad.subject, set())
            if isinstance(quad.object, ox.NamedNode | ox.BlankNode):
                targets.add(quad.object)
    return links


def _reached(start: Iterable[Node], links: dict[Node, set[Node]], stop: set[Node]) -> set[Node]:
    """The nodes reached from `start` along the metadata graph's links, never entering a node of `stop`."""
    reached = set(start)
    pending = list(reached)
    while pending:
        for target in links.get(pending.pop(), ()):
            if target not in reached and target not in stop:
                reached.add(target)
                pending.append(target)
    return reached
