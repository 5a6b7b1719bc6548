"""Curators' writes to the embedded on-disk store: a named graph replaced, added to or removed, one write at a
time, validated before it commits, and each one written to the audit trail.

A write goes through `dataset.load_quads`, as `biokg load` does: the next store is checked for what the change
affects and replaces the current one whole (a new generation, flushed, then the manifest renamed), so a write is
all or nothing on disk and a killed server finds the store before or after it. The shipped graphs (ontology,
shapes, the shipped sources) and the metadata graph are not written this way: their files are where they change.
A graph's source record comes in the same write, in the metadata graph, and is merged there.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from biokg.dataset import METADATA_GRAPH, load_quads
from biokg.errors import ForbiddenError, NotFoundError, ParameterError, StoreError
from biokg.sources import Sources
from biokg.store.embedded import EmbeddedStore
from biokg.tokens import Token

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


class GraphWriter:
    """Writes named graphs of one embedded on-disk store, one at a time, for the tokens that may."""

    def __init__(self, store: EmbeddedStore, sources: Sources, audit: Path) -> None:
        self.store = store
        self.sources = sources
        self.audit = audit
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
        after = {"PUT": given, "POST": [*before, *given], "DELETE": []}[method]
        emptied = [target] if not after else []
        load_quads(self.store, [*dict.fromkeys(after), *metadata], self.sources, emptied=emptied)
        kept = {quad.triple for quad in before}
        now = {quad.triple for quad in self.store.oxigraph.quads_for_pattern(None, None, None, target)}
        written = Written(
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            token.id,
            token.role,
            method,
            graph,
            len(now - kept),
            len(kept - now),
            len(now),
            not before,
        )
        self._log(written)
        return written

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
