"""Parsing: positions on syntax errors, and untrusted input refused before it can do harm."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from biokg.errors import Position, RdfSyntaxError, UnsafeInputError
from biokg.sources import parse_bytes

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/x"><ex:p>&b;</ex:p></rdf:Description>
</rdf:RDF>"""


def test_xml_entity_declarations_are_refused_before_parsing() -> None:
    with pytest.raises(UnsafeInputError, match=r"upload\.rdf: XML entity declarations are refused"):
        parse_bytes(ENTITY_BOMB, ox.RdfFormat.RDF_XML, source="upload.rdf")


def test_a_trig_syntax_error_names_line_and_column() -> None:
    with pytest.raises(RdfSyntaxError) as caught:
        parse_bytes(b"<http://e/g> {\n  <http://e/a> <http://e/b> .\n}", ox.RdfFormat.TRIG, source="x.trig")
    assert caught.value.position == Position(2, 29)
    assert str(caught.value) == "x.trig:2:29: . is not a valid RDF object"


def test_triples_outside_a_named_graph_go_to_the_graph_given() -> None:
    quads = parse_bytes(b"<http://e/a> <http://e/b> <http://e/c> .", ox.RdfFormat.TURTLE, "t.ttl", graph="http://e/g")
    assert [quad.graph_name for quad in quads] == [ox.NamedNode("http://e/g")]
