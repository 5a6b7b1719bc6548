"""The facts of each source in `data/graphs/`, asserted exactly: subject, property, value and the source's graph.

`tests/facts/*.yaml` map a source graph's name (`graph:NAME`) to its facts, each written as a Turtle triple with
biokg's prefixes; at least three per source.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from biokg.namespaces import GRAPH, PREFIXES
from biokg.shipped import data_dir
from biokg.sources import Sources, parse_file

FACTS = Path(__file__).parent / "facts"
PROLOGUE = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
GRAPHS_DIR = data_dir() / "graphs"


def _listed() -> list[tuple[str, str]]:
    listed: list[tuple[str, str]] = []
    for path in sorted(FACTS.glob("*.yaml")):
        for graph, facts in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            listed.extend((graph, fact) for fact in facts)
    return listed


def _triple(fact: str) -> ox.Triple:
    (quad,) = ox.parse(PROLOGUE + fact + " .", format=ox.RdfFormat.TURTLE)
    assert isinstance(quad, ox.Quad)
    return quad.triple


def _source_graphs() -> set[str]:
    """The named graphs of the files in data/graphs but the metadata graph."""
    metadata = ox.NamedNode(str(GRAPH["metadata"]))
    return {
        quad.graph_name.value
        for path in GRAPHS_DIR.glob("*.trig")
        for quad in parse_file(path)
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name != metadata
    }


@pytest.mark.parametrize(("graph", "fact"), _listed())
def test_the_source_graph_states_the_fact(shipped: Sources, graph: str, fact: str) -> None:
    triple = _triple(fact)
    name = ox.NamedNode(str(GRAPH[graph]))
    assert ox.Quad(triple.subject, triple.predicate, triple.object, name) in set(shipped.data)


def test_every_source_has_three_facts_asserted_and_every_asserted_source_exists() -> None:
    counted: dict[str, int] = {}
    for graph, _fact in _listed():
        counted[str(GRAPH[graph])] = counted.get(str(GRAPH[graph]), 0) + 1
    assert {graph for graph, count in counted.items() if count >= 3} == _source_graphs()
