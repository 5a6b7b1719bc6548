"""Full dumps of the dataset, gzip-compressed: Turtle (merged), N-Triples (merged) and TriG (with the graphs).

The bytes are the same for the same data, whatever the store (statements sorted, gzip without a timestamp), so the
ETag of a dump changes only when the data does, and `biokg export --dumps DIR` writes the very files the server
offers at /dumps/.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from biokg.formats import Format, format_named
from biokg.store.base import serialize_dataset

Quads = Callable[[], Iterable[ox.Quad]]
"""Reads every statement of the store."""

DUMP_FORMATS: tuple[Format, ...] = tuple(format_named(name) for name in ("turtle", "ntriples", "trig"))


def dump_name(fmt: Format) -> str:
    return f"biokg.{fmt.extension}.gz"


def make_dump(quads: Iterable[ox.Quad], fmt: Format) -> bytes:
    """The statements with stable blank node labels, sorted, written in `fmt`, gzip-compressed without a timestamp."""
    stable = sorted(stable_blank_nodes(list(quads)), key=str)
    return gzip.compress(serialize_dataset(stable, fmt), compresslevel=6, mtime=0)


def stable_blank_nodes(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads with each blank node labelled by a hash of its surroundings instead of a label that changes with
    every load: each node's colour is refined by its statements and its neighbours' colours until no round tells
    more nodes apart (a list's nodes are told apart by their distance from its head, one round per step). Nodes
    that stay alike are interchangeable, and are numbered in order of their colour."""
    blanks = {term for quad in quads for term in (quad.subject, quad.object) if isinstance(term, ox.BlankNode)}
    if not blanks:
        return quads
    colour = dict.fromkeys(blanks, "")
    distinct = 1
    for _ in range(len(blanks)):
        signatures: dict[ox.BlankNode, list[str]] = {blank: [] for blank in blanks}
        for quad in quads:
            graph = str(quad.graph_name)
            if isinstance(quad.subject, ox.BlankNode):
                signatures[quad.subject].append(f"> {quad.predicate} {_key(quad.object, colour)} {graph}")
            if isinstance(quad.object, ox.BlankNode):
                signatures[quad.object].append(f"< {quad.predicate} {_key(quad.subject, colour)} {graph}")
        colour = {
            blank: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:20]
            for blank, lines in signatures.items()
        }
        if len(set(colour.values())) == distinct:
            break
        distinct = len(set(colour.values()))
    seen: dict[str, int] = {}
    names: dict[ox.BlankNode, ox.BlankNode] = {}
    for blank in sorted(blanks, key=lambda node: colour[node]):
        number = seen.get(colour[blank], 0)
        seen[colour[blank]] = number + 1
        names[blank] = ox.BlankNode(f"b{colour[blank]}" + (f"n{number}" if number else ""))
    return [
        ox.Quad(
            names.get(quad.subject, quad.subject),  # type: ignore[arg-type]
            quad.predicate,
            names.get(quad.object, quad.object),  # type: ignore[arg-type]
            quad.graph_name,
        )
        for quad in quads
    ]


def _key(term: object, colour: dict[ox.BlankNode, str]) -> str:
    return "_:" + colour[term] if isinstance(term, ox.BlankNode) else str(term)


def write_dumps(quads: Quads, folder: Path) -> list[Path]:
    """Write every dump into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    statements = list(quads())
    written = []
    for fmt in DUMP_FORMATS:
        path = folder / dump_name(fmt)
        path.write_bytes(make_dump(statements, fmt))
        written.append(path)
    return written


class DumpCache:
    """Dumps made on first request and kept: the data of a running server does not change."""

    def __init__(self, quads: Quads) -> None:
        self._quads = quads
        self._made: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> bytes | None:
        """The compressed dump of that file name, None for a name that is not a dump."""
        fmt = next((fmt for fmt in DUMP_FORMATS if dump_name(fmt) == name), None)
        if fmt is None:
            return None
        with self._lock:
            if name not in self._made:
                self._made[name] = make_dump(self._quads(), fmt)
            return self._made[name]
