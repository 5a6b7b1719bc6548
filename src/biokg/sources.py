"""Finding and parsing RDF files: every syntax error carries its file, line and column.

Parsing goes through Oxigraph's parsers, which are fast and report exact positions; untrusted XML is screened
first, because RDF/XML parsers expand internal entities without bound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from biokg.errors import NotFoundError, Position, RdfSyntaxError, UnsafeInputError, position_in
from biokg.formats import format_of_file, rdf_extensions
from biokg.namespaces import ONTOLOGY_IRI, PREFIXES, SHAPES_IRI
from biokg.shipped import data_dir, ontology_file, shapes_file

_XML_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_SHIPPED_FILE = ox.NamedNode(PREFIXES["bkg"] + "shippedFile")
_TEXT = ox.NamedNode(PREFIXES["schema"] + "text")
SOURCE_TEXTS = "sources"
"""The folder, beside a data file, of the shipped texts of its sources."""


@dataclass(frozen=True)
class Sources:
    """Everything biokg serves: ontology, shapes and data, each as quads in their own graphs."""

    ontology: tuple[ox.Quad, ...]
    shapes: tuple[ox.Quad, ...]
    data: tuple[ox.Quad, ...]
    files: tuple[Path, ...]


def rdf_files(paths: Iterable[Path]) -> list[Path]:
    """The RDF files among `paths`, folders searched recursively, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            extensions = rdf_extensions()
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in extensions and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise NotFoundError(f"{path}: no such file or folder")
    return found


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension."""
    fmt = format_of_file(path.suffix.lstrip("."))
    if fmt is None or not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise RdfSyntaxError(str(path), f"unknown RDF file extension {path.suffix!r}", None)
    return fmt.oxigraph


def parse_file(path: Path, graph: str | None = None) -> list[ox.Quad]:
    """Parse one file into quads; triples outside a named graph go into `graph` (default graph if None)."""
    content = path.read_bytes()
    return parse_bytes(content, rdf_format(path), source=str(path), graph=graph)


def parse_bytes(
    content: bytes, rdf_format: ox.RdfFormat, source: str, graph: str | None = None, base_iri: str | None = None
) -> list[ox.Quad]:
    """Parse RDF from bytes; a syntax error names `source` with line and column."""
    if rdf_format == ox.RdfFormat.RDF_XML and _XML_ENTITY_DECLARATION.search(content):
        raise UnsafeInputError(f"{source}: XML entity declarations are refused (they can expand without bound)")
    try:
        quads = list(ox.parse(content, format=rdf_format, base_iri=base_iri))
    except SyntaxError as error:
        raise RdfSyntaxError(source, message_without_position(error.msg), _position_of(error)) from None
    if graph is None:
        return quads
    target = ox.NamedNode(graph)
    return [
        ox.Quad(q.subject, q.predicate, q.object, target) if isinstance(q.graph_name, ox.DefaultGraph) else q
        for q in quads
    ]


def _position_of(error: SyntaxError) -> Position | None:
    if error.lineno:
        return Position(error.lineno, error.offset or 1)
    return position_in(str(error))


def message_without_position(message: str) -> str:
    """Oxigraph's message without its 'Parser error between line ... and line ...:' prefix."""
    return re.sub(r"^Parser error (at|between) [^:]*: ", "", message)


def load_sources(data_paths: Iterable[Path] | None = None) -> Sources:
    """Parse the shipped ontology and shapes, and the data at `data_paths` (the shipped data by default)."""
    data_files = rdf_files(list(data_paths) if data_paths is not None else [data_dir()])
    data: list[ox.Quad] = []
    for path in data_files:
        data.extend(with_shipped_texts(parse_file(path), path.parent / SOURCE_TEXTS))
    return Sources(
        ontology=tuple(parse_file(ontology_file(), graph=ONTOLOGY_IRI)),
        shapes=tuple(parse_file(shapes_file(), graph=SHAPES_IRI)),
        data=tuple(data),
        files=(ontology_file(), shapes_file(), *data_files),
    )


def with_shipped_texts(quads: list[ox.Quad], folder: Path) -> list[ox.Quad]:
    """The quads and, for each source record naming a shipped copy of its text (bkg:shippedFile, a file in
    `folder`), that text as the record's schema:text: the checks of quotations read it."""
    texts = []
    for quad in quads:
        if quad.predicate == _SHIPPED_FILE and isinstance(quad.object, ox.Literal):
            path = folder / quad.object.value
            if path.parent != folder or not path.is_file():
                raise NotFoundError(f"{path}: the shipped text of {quad.subject} is not in {folder}")
            text = ox.Literal(path.read_text(encoding="utf-8"))
            texts.append(ox.Quad(quad.subject, _TEXT, text, quad.graph_name))
    return [*quads, *texts]


def triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of quads, graph names dropped."""
    for quad in quads:
        yield quad.triple
