"""RDF terms written for people: compact IRIs, literals with their language."""

from __future__ import annotations

import re

import pyoxigraph as ox

from biokg.namespaces import compact

_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN_DATATYPES = {  # types whose values read unambiguously without their datatype
    _XSD + "string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
    *(_XSD + name for name in ("integer", "nonNegativeInteger", "decimal", "double", "boolean", "gYear", "date")),
}


def show_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """An IRI as prefix:local where a known prefix covers it, a literal as its text (@lang, and ^^type unless
    numbers, years, dates and booleans), a blank node as _:id, and nothing for an unbound value."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{term.value}@{term.language}"
        if term.datatype.value in _PLAIN_DATATYPES:
            return term.value
        return f"{term.value}^^{compact(term.datatype.value)}"
    return str(term)


def text_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None) -> str:
    """A term's value as plain text: the IRI, the literal's lexical form, nothing for an unbound value."""
    if term is None or isinstance(term, ox.DefaultGraph):
        return ""
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def words_of(iri: str) -> str:
    """A readable name for an IRI without a label: its local name with camelCase split (actedOnBehalfOf ->
    acted on behalf of)."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower() or iri


def show_quad(quad: ox.Quad) -> str:
    """A statement as subject, predicate and object shown as show_term does, and its graph in brackets."""
    graph = f" [{compact(quad.graph_name.value)}]" if isinstance(quad.graph_name, ox.NamedNode) else ""
    return f"{show_term(quad.subject)} {show_term(quad.predicate)} {show_term(quad.object)}{graph}"
