"""Curators' writes to the embedded on-disk store: a named graph replaced, added to or removed, one write at a
time, validated before it commits, and each one written to the audit trail.

A write goes through `dataset.load_quads`, as `biokg load` does: what the change affects is checked, and a small
change commits in one transaction of the store, a large one as a new generation (flushed, then the manifest
renamed), so a write is all or nothing on disk and a killed server finds the store before or after it. The
shipped graphs (ontology, shapes, the shipped sources) and the metadata graph are not written this way: their
files are where they change.
A graph's source record comes in the same write, in the metadata graph, and is merged there.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from biokg.dataset import METADATA_GRAPH, check_load, load_quads, validator_of
from biokg.errors import (
    ForbiddenError,
    NonConformingDataError,
    NotFoundError,
    ParameterError,
    RefusedQueryError,
    StoreError,
    engine_query_error,
)
from biokg.privacy import hidden_from, private_graphs, visible_quads, withheld
from biokg.sources import Sources
from biokg.sparql_text import blank_opaque_parts
from biokg.store.embedded import EmbeddedStore
from biokg.tokens import Token
from biokg.validation import Finding

AUDIT_FILE = "audit.jsonl"
METHODS = ("PUT", "POST", "DELETE")
"""PUT replaces the graph with the statements given, POST adds them to it, DELETE removes it."""


@dataclass(frozen=True)
class Written:
    """One committed write, as the audit trail keeps it."""

    time: str
    token: str
    role: str
    method: str
    graph: str
    added: int
    removed: int
    triples: int
    """Statements in the graph after the write."""
    created: bool


@dataclass(frozen=True)
class Preview:
    """What a write would do: the findings that would refuse it (none: it would commit), and the statements it
    would add to and remove from its graph, in N-Triples."""

    findings: tuple[Finding, ...]
    added: list[str]
    removed: list[str]


class GraphWriter:
    """Writes named graphs of one embedded on-disk store, one at a time, for the tokens that may."""

    def __init__(self, store: EmbeddedStore, sources: Sources, audit: Path) -> None:
        self.store = store
        self.sources = sources
        self.audit = audit
        validator_of(sources).prepare_for_changes()
        self.lock = threading.Lock()
        """Held for a whole write, and by whoever swaps in what the server serves after it, in order."""
        shipped = (quad.graph_name for quad in (*sources.ontology, *sources.shapes, *sources.data))
        self._fixed = {graph.value for graph in shipped if isinstance(graph, ox.NamedNode)} | {METADATA_GRAPH.value}

    def write(self, method: str, graph: str, quads: Sequence[ox.Quad], token: Token) -> Written:
        """Commit one write of `graph` with the statements of `quads` (those of the graph, and its source
        record in the metadata graph); the caller holds `lock`. Raises NonConformingDataError, changing nothing,
        when the store would not conform."""
        self._refuse_unless_allowed(method, graph, quads, token)
        target = ox.NamedNode(graph)
        before = list(self.store.oxigraph.quads_for_pattern(None, None, None, target))
        if method == "DELETE" and not before:
            raise NotFoundError(f"no graph <{graph}> in the store")
        given = [quad for quad in quads if quad.graph_name == target]
        metadata = [quad for quad in quads if quad.graph_name == METADATA_GRAPH]
        self._refuse_withheld(metadata, token)
        after = {"PUT": given, "POST": [*before, *given], "DELETE": []}[method]
        emptied = [target] if not after else []
        load_quads(self.store, [*dict.fromkeys(after), *metadata], self.sources, emptied=emptied)
        return self._record(method, graph, {quad.triple for quad in before}, token)

    def _record(self, method: str, graph: str, before: set[ox.Triple], token: Token) -> Written:
        """The committed write of `graph`, which held `before`, appended to the audit trail."""
        now = self._statements(self.store.oxigraph, graph)
        time = datetime.now(UTC).isoformat(timespec="milliseconds")
        added, removed = len(now - before), len(before - now)
        written = Written(time, token.id, token.role, method, graph, added, removed, len(now), not before)
        self._log(written)
        return written

    @staticmethod
    def _statements(store: ox.Store, graph: str) -> set[ox.Triple]:
        return {quad.triple for quad in _graph(store, graph)}

    def preview(self, graph: str, quads: Sequence[ox.Quad], token: Token) -> Preview:
        """What a PUT of `graph` with `quads` would change, and the findings if it would break the shapes;
        nothing is written."""
        self._refuse_unless_allowed("PUT", graph, quads, token)
        target = ox.NamedNode(graph)
        before = self._statements(self.store.oxigraph, graph)
        after = {quad.triple for quad in quads if quad.graph_name == target}
        metadata = [quad for quad in quads if quad.graph_name == METADATA_GRAPH]
        findings: tuple[Finding, ...] = ()
        try:
            statements = [ox.Quad(t.subject, t.predicate, t.object, target) for t in after]
            check_load(self.store, [*statements, *metadata], self.sources)
        except NonConformingDataError as refused:
            findings = refused.report.findings
        return Preview(findings, sorted(map(str, after - before)), sorted(map(str, before - after)))

    def update(self, text: str, token: Token) -> list[Written]:
        """Run a SPARQL 1.1 Update over a copy of the store and commit what it changed, graph by graph, as a
        write of each (its source record's statements in the metadata graph merged, as a load merges them);
        the caller holds `lock`. LOAD and SERVICE are refused: an update reads this store only."""
        blanked = blank_opaque_parts(text)
        for word in ("LOAD", "SERVICE"):
            if re.search(rf"\b{word}\b", blanked, re.IGNORECASE):
                raise RefusedQueryError(f"{word} is refused in updates: an update reads and writes this store only")
        hidden = hidden_from(token, private_graphs(self.store.oxigraph))
        visible = visible_quads(self.store.oxigraph, hidden)  # the update reads what its token may read
        copy = ox.Store()
        copy.bulk_extend(visible)
        try:
            copy.update(text)
        except SyntaxError as error:
            raise engine_query_error(str(error)) from None
        except OSError as error:
            raise RefusedQueryError(f"the update failed: {error}") from None
        differing = _digests(visible).items() ^ _digests(copy).items()
        changed = sorted({graph.value for graph, _ in differing})
        if not changed:
            return []
        graphs = [graph for graph in changed if graph != METADATA_GRAPH.value]
        for graph in graphs:
            self._refuse_unless_allowed("PUT", graph, [], token)
        if METADATA_GRAPH.value in changed and not graphs:
            raise ForbiddenError("an update changes the metadata graph only with the graphs its records describe")
        metadata = _changed_records(visible, copy)
        self._refuse_withheld(metadata, token)
        quads = [quad for graph in graphs for quad in copy.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
        before = {graph: self._statements(self.store.oxigraph, graph) for graph in graphs}
        emptied = [ox.NamedNode(graph) for graph in graphs if not any(True for _ in _graph(copy, graph))]
        load_quads(self.store, [*quads, *metadata], self.sources, emptied=emptied)
        return [self._record("UPDATE", graph, before[graph], token) for graph in graphs]

    def _refuse_unless_allowed(self, method: str, graph: str, quads: Sequence[ox.Quad], token: Token) -> None:
        if method not in METHODS:
            raise ParameterError(f"a write is one of {', '.join(METHODS)}, not {method}")
        if graph in self._fixed:
            raise ForbiddenError(f"<{graph}> is shipped with biokg or is its metadata graph: change it in its file")
        if not token.may_write(graph):
            raise ForbiddenError(f"token {token.id} may write {', '.join(token.graphs)}, not <{graph}>")
        others = sorted({str(quad.graph_name) for quad in quads} - {f"<{graph}>", str(METADATA_GRAPH)})
        if others:
            raise ParameterError(
                f"a write holds statements of its graph <{graph}> and its source record in the metadata graph "
                f"only, not of {others[0]}"
            )

    def _refuse_withheld(self, metadata: Sequence[ox.Quad], token: Token) -> None:
        """Refuse statements in the metadata graph about what a private graph hidden from the token keeps there
        (its description, its source's record): merged, they would replace it, and could make it public."""
        hidden = hidden_from(token, private_graphs(self.store.oxigraph))
        touched = withheld(self.store.oxigraph, hidden) & {quad.subject for quad in metadata}
        if touched:
            described = sorted(map(str, touched))[0]
            raise ForbiddenError(f"token {token.id} may not describe {described} in the metadata graph")

    def _log(self, written: Written) -> None:
        """Append the write to the audit trail, on disk before the write is answered."""
        try:
            with self.audit.open("a", encoding="utf-8") as trail:
                trail.write(json.dumps(asdict(written)) + "\n")
                trail.flush()
                os.fsync(trail.fileno())
        except OSError as error:
            raise StoreError(f"{self.audit}: cannot append to the audit trail ({error.strerror})") from None


def history(audit: Path, graph: str | None = None) -> Iterator[Written]:
    """The writes of the audit trail, oldest first; of one graph if given."""
    if not audit.exists():
        return
    for line in audit.read_text(encoding="utf-8").splitlines():
        written = Written(**json.loads(line))
        if graph is None or written.graph == graph:
            yield written


def _graph(store: ox.Store, graph: str) -> Iterator[ox.Quad]:
    return store.quads_for_pattern(None, None, None, ox.NamedNode(graph))


def _digests(store: ox.Store) -> dict[ox.NamedNode, tuple[int, int]]:
    """Each named graph's size and a digest of its statements that does not depend on their order: equal for a
    graph an update left as it was."""
    digests: dict[ox.NamedNode, tuple[int, int]] = {}
    for quad in store:
        if isinstance(quad.graph_name, ox.NamedNode):
            size, digest = digests.get(quad.graph_name, (0, 0))
            digests[quad.graph_name] = (size + 1, digest ^ hash(str(quad)))
    return digests


def _changed_records(before: ox.Store, after: ox.Store) -> list[ox.Quad]:
    """The statements about each subject of the metadata graph that an update changed, as they are after it: a
    load merges them in place of the subject's statements. A subject left with none is refused: a source
    record leaves the graph with its file."""
    old = set(before.quads_for_pattern(None, None, None, METADATA_GRAPH))
    new = set(after.quads_for_pattern(None, None, None, METADATA_GRAPH))
    subjects = {quad.subject for quad in old ^ new}
    block = [quad for quad in new if quad.subject in subjects]
    gone = subjects - {quad.subject for quad in block}
    if gone:
        raise ForbiddenError(
            f"an update may not remove every statement of {sorted(map(str, gone))[0]} in the metadata graph"
        )
    return block
