"""Facts written as rows, a statement a line, compiled to the TriG of a source's graph (as ROBOT templates and
QuickStatements let curators write rows): TriG stays what biokg loads; rows are quicker to type and review.

    graph: osaka-trifft-muenchen
    facts:
      - organization:remohab a bkg:Company
      - organization:remohab rdfs:label "Remohab Inc."@en
      - [organization:remohab, schema:location, city:1853909]

Each row is a Turtle triple with biokg's prefixes, written whole or as three terms; an error names the file and
the row's line and column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import yaml

from biokg.errors import Position, RdfSyntaxError
from biokg.namespaces import GRAPH, PREFIXES
from biokg.sources import message_without_position

_PROLOGUE = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())


def compile_rows(path: Path) -> bytes:
    """The TriG of the graph the rows of `path` describe; RdfSyntaxError at the first row that is no statement."""
    source = str(path)
    try:
        document = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = Position(mark.line + 1, mark.column + 1) if mark is not None else None
        raise RdfSyntaxError(source, f"not YAML: {getattr(error, 'problem', error)}", where) from None
    fields = {key.value: value for key, value in document.value} if isinstance(document, yaml.MappingNode) else {}
    graph_node, facts = fields.get("graph"), fields.get("facts")
    if not isinstance(graph_node, yaml.ScalarNode) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", graph_node.value):
        raise RdfSyntaxError(source, "give `graph:` the source's slug (lower-case letters, digits, hyphens)", None)
    if not isinstance(facts, yaml.SequenceNode):
        raise RdfSyntaxError(source, "give `facts:` a list of rows", None)
    graph = ox.NamedNode(str(GRAPH[graph_node.value]))
    quads = [ox.Quad(*_statement(row, source), graph) for row in facts.value]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_used(quads)) or b""


Statement = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def _statement(row: yaml.Node, source: str) -> Statement:
    where = Position(row.start_mark.line + 1, row.start_mark.column + 1)
    if isinstance(row, yaml.ScalarNode):
        text = row.value
    elif isinstance(row, yaml.SequenceNode) and len(row.value) == 3:
        text = " ".join(str(term.value) for term in row.value)
    else:
        raise RdfSyntaxError(source, "a row is one statement: `subject predicate object`, or a list of three", where)
    try:
        parsed = list(ox.parse(_PROLOGUE + text + " .", format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise RdfSyntaxError(
            source, f"{text!r} is not a statement: {message_without_position(error.msg)}", where
        ) from None
    if len(parsed) != 1:
        raise RdfSyntaxError(source, f"{text!r} states {len(parsed)} statements, not one", where)
    quad = parsed[0]
    assert isinstance(quad.subject, ox.NamedNode | ox.BlankNode) and not isinstance(quad.object, ox.Triple)
    return quad.subject, quad.predicate, quad.object


def _used(quads: list[ox.Quad]) -> dict[str, str]:
    """The prefixes the statements use, so the TriG declares only those."""
    terms = [term for quad in quads for term in (quad.subject, quad.predicate, quad.object)]
    iris = {term.value for term in terms if isinstance(term, ox.NamedNode)}
    iris |= {term.datatype.value for term in terms if isinstance(term, ox.Literal) and not term.language}
    used = {}
    for iri in iris:  # the most specific namespace of each IRI: organization:, not id:
        covering = [(prefix, namespace) for prefix, namespace in PREFIXES.items() if iri.startswith(namespace)]
        if covering:
            prefix, namespace = max(covering, key=lambda item: len(item[1]))
            used[prefix] = namespace
    return dict(sorted(used.items()))
