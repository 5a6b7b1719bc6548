"""SHACL shapes read into plain values: targets, paths, constraints and nested shapes.

Only the parts of SHACL that biokg's validator compiles are read; a shape that uses any other SHACL parameter is
refused here, with the parameter named, so that no constraint is ever skipped in silence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeGuard

import pyoxigraph as ox

from biokg.errors import UnsupportedShapeError
from biokg.namespaces import PREFIXES, compact

SH = "http://www.w3.org/ns/shacl#"
RDF_FIRST = ox.NamedNode(PREFIXES["rdf"] + "first")
RDF_REST = ox.NamedNode(PREFIXES["rdf"] + "rest")
RDF_NIL = ox.NamedNode(PREFIXES["rdf"] + "nil")
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal

TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
VALUE_CONSTRAINTS = (
    "class",
    "datatype",
    "nodeKind",
    "pattern",
    "in",
    "hasValue",
    "languageIn",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minLength",
    "maxLength",
    "node",
    "or",
    "and",
    "not",
    "xone",
)
"""Constraints that each value node must pass on its own (`hasValue` asks it of the values together)."""
FOCUS_CONSTRAINTS = ("minCount", "maxCount", "uniqueLang", "closed")
"""Constraints on a focus node's values as a whole."""
READ_ELSEWHERE = (
    *("message", "severity", "deactivated", "flags", "ignoredProperties", "property", "path", "sparql"),
    *("name", "description", "order", "group", "defaultValue", "prefixes", "declare"),
)
"""Parameters read with a shape or a constraint, and those that do not validate (names, order, groups)."""
_KNOWN = {SH + name for name in (*TARGETS, *VALUE_CONSTRAINTS, *FOCUS_CONSTRAINTS, *READ_ELSEWHERE)}
_LIST_VALUED = ("in", "or", "and", "xone", "languageIn")
_SHAPE_VALUED = ("node", "not")


@dataclass(frozen=True)
class Path:
    """A SHACL property path: a predicate, or an inverse, sequence, alternative or repeated path of paths."""

    kind: str
    """`predicate`, `inverse`, `sequence`, `alternative`, `zeroOrMore`, `oneOrMore` or `zeroOrOne`."""
    predicate: ox.NamedNode | None = None
    parts: tuple[Path, ...] = ()

    def shown(self) -> str:
        """The path as SPARQL writes it, with compact names (`org:subOrganizationOf|org:linkedTo`)."""
        if self.predicate is not None:
            return compact(self.predicate.value)
        inner = [part.shown() for part in self.parts]
        if self.kind == "inverse":
            return "^" + _grouped(inner[0], self.parts[0])
        if self.kind in ("sequence", "alternative"):
            return ("/" if self.kind == "sequence" else "|").join(inner)
        return _grouped(inner[0], self.parts[0]) + {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}[self.kind]

    def predicates(self) -> Iterator[ox.NamedNode]:
        """Every predicate the path follows."""
        if self.predicate is not None:
            yield self.predicate
        for part in self.parts:
            yield from part.predicates()


def _grouped(text: str, path: Path) -> str:
    return text if path.predicate is not None else f"({text})"


@dataclass(frozen=True)
class Constraint:
    """One constraint parameter of a shape (sh:datatype xsd:gYear, sh:minCount 1, sh:or (...)) with its value."""

    name: str
    value: Term | None = None
    values: tuple[Term, ...] = ()
    """The members of a list-valued parameter (sh:in, sh:languageIn)."""
    shapes: tuple[Shape, ...] = ()
    """The shapes of a shape-valued parameter (sh:node, sh:not, sh:or, sh:and, sh:xone)."""
    flags: str = ""
    """The sh:flags of a sh:pattern."""


@dataclass(frozen=True)
class SparqlConstraint:
    """A SHACL-SPARQL constraint: a SELECT whose solutions are violations, and its message."""

    select: str
    message: str | None


@dataclass(frozen=True)
class Target:
    """One target of a node shape: its kind (`targetClass` ...) and value, or a SPARQL target's SELECT."""

    kind: str
    value: Term | None = None
    select: str = ""


@dataclass(frozen=True)
class Shape:
    """A node shape, or a property shape when it has a path."""

    node: Node
    name: str
    """How findings name the shape: its compact IRI, or its holder's name and its path for an anonymous one."""
    path: Path | None = None
    message: str | None = None
    targets: tuple[Target, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    properties: tuple[Shape, ...] = ()
    sparql: tuple[SparqlConstraint, ...] = ()
    ignored_properties: tuple[ox.NamedNode, ...] = ()
    deactivated: bool = False
    severity: str = "Violation"
    """Its sh:severity: Violation, Warning or Info; only violations make data fail."""


def read_shapes(quads: Iterable[ox.Quad | ox.Triple]) -> tuple[list[Shape], dict[str, str]]:
    """The shapes with targets, each with its property and nested shapes, and the prefixes the shapes graph
    declares (sh:declare) for its SPARQL; UnsupportedShapeError for a shape that uses SHACL biokg's validator
    does not compile."""
    reader = _Reader(quads)
    return reader.top_level(), reader.prefixes


class _Reader:
    def __init__(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        self.statements: dict[Term, dict[str, list[Term]]] = {}
        for quad in quads:
            by_predicate = self.statements.setdefault(quad.subject, {})  # type: ignore[arg-type]
            by_predicate.setdefault(quad.predicate.value, []).append(quad.object)  # type: ignore[arg-type]
        self.prefixes = self._declared_prefixes()

    def top_level(self) -> list[Shape]:
        targeted = [
            node
            for node, by_predicate in self.statements.items()
            if any(SH + target in by_predicate for target in TARGETS)
            and isinstance(node, ox.NamedNode | ox.BlankNode)
        ]
        return [self.shape(node, None) for node in sorted(targeted, key=str)]

    def shape(self, node: Node, holder: str | None) -> Shape:
        """The shape at `node`; `holder` names the shape it is part of, which names an anonymous one."""
        by_predicate = self.statements.get(node, {})
        path = self._path(self._one(node, "path")) if SH + "path" in by_predicate else None
        name = self._name(node, holder, path)
        for predicate in by_predicate:
            if predicate.startswith(SH) and predicate not in _KNOWN:
                raise UnsupportedShapeError(
                    f"the shape {name} uses {compact(predicate)}, which biokg's validator does not support"
                )
        ignored = self._list(self._one(node, "ignoredProperties")) if SH + "ignoredProperties" in by_predicate else []
        severity = self._one(node, "severity")
        return Shape(
            node=node,
            name=name,
            path=path,
            message=self._text(node, "message"),
            targets=tuple(self._targets(node)),
            constraints=tuple(self._constraints(node, name)),
            properties=tuple(self.shape(p, name) for p in self._objects(node, "property") if _is_node(p)),
            sparql=tuple(self._sparql(node)),
            ignored_properties=tuple(iri for iri in ignored if isinstance(iri, ox.NamedNode)),
            deactivated=self._text(node, "deactivated") == "true",
            severity=severity.value.removeprefix(SH) if isinstance(severity, ox.NamedNode) else "Violation",
        )

    def _name(self, node: Node, holder: str | None, path: Path | None = None) -> str:
        if isinstance(node, ox.NamedNode):
            return compact(node.value)
        if holder is not None and path is not None:
            return f"{holder} ({path.shown()})"
        return holder if holder is not None else str(node)

    def _constraints(self, node: Node, holder: str) -> Iterator[Constraint]:
        """The constraint parameters of the shape at `node`, named `holder`."""
        for parameter in (*VALUE_CONSTRAINTS, *FOCUS_CONSTRAINTS):
            for value in self._objects(node, parameter):
                if parameter in ("or", "and", "xone"):
                    members = self._list(value)
                    shapes = tuple(self.shape(member, holder) for member in members if _is_node(member))
                    yield Constraint(parameter, shapes=shapes)
                elif parameter in _LIST_VALUED:
                    yield Constraint(parameter, values=tuple(self._list(value)))
                elif parameter in _SHAPE_VALUED:
                    if not _is_node(value):
                        raise UnsupportedShapeError(f"sh:{parameter} of {holder} must name a shape")
                    yield Constraint(parameter, shapes=(self.shape(value, holder),))
                elif parameter == "pattern":
                    yield Constraint(parameter, value, flags=self._text(node, "flags") or "")
                else:
                    yield Constraint(parameter, value)

    def _targets(self, node: Node) -> Iterator[Target]:
        for kind in TARGETS[:-1]:
            for value in self._objects(node, kind):
                yield Target(kind, value)
        for target in self._objects(node, "target"):
            types = self.statements.get(target, {}).get(PREFIXES["rdf"] + "type", [])
            if ox.NamedNode(SH + "SPARQLTarget") not in types or not _is_node(target):
                raise UnsupportedShapeError(f"the target of {self._name(node, None)} is not a sh:SPARQLTarget")
            yield Target("sparql", select=self._text(target, "select") or "")

    def _sparql(self, node: Node) -> Iterator[SparqlConstraint]:
        for constraint in self._objects(node, "sparql"):
            if not _is_node(constraint) or not self._text(constraint, "select"):
                raise UnsupportedShapeError(f"a sh:sparql constraint of {self._name(node, None)} has no sh:select")
            select = self._text(constraint, "select")
            message = self._text(constraint, "message") or self._text(node, "message")
            yield SparqlConstraint(select or "", message)

    def _path(self, node: Term | None) -> Path:
        if isinstance(node, ox.NamedNode):
            return Path("predicate", node)
        if not isinstance(node, ox.BlankNode):
            raise UnsupportedShapeError(f"{node} is not a SHACL property path")
        by_predicate = self.statements.get(node, {})
        if PREFIXES["rdf"] + "first" in by_predicate:
            return Path("sequence", parts=tuple(self._path(part) for part in self._list(node)))
        for kind in ("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
            if SH + kind in by_predicate:
                return Path(kind.removesuffix("Path"), parts=(self._path(self._one(node, kind)),))
        if SH + "alternativePath" in by_predicate:
            members = self._list(self._one(node, "alternativePath"))
            return Path("alternative", parts=tuple(self._path(member) for member in members))
        raise UnsupportedShapeError(f"the property path {node} is not one biokg's validator reads")

    def _list(self, head: Term | None) -> list[Term]:
        members = []
        while isinstance(head, ox.BlankNode | ox.NamedNode) and head != RDF_NIL:
            by_predicate = self.statements.get(head, {})
            members.extend(by_predicate.get(RDF_FIRST.value, [])[:1])
            head = next(iter(by_predicate.get(RDF_REST.value, [])), None)
        return members

    def _objects(self, node: Term, name: str) -> list[Term]:
        return self.statements.get(node, {}).get(SH + name, [])

    def _one(self, node: Term, name: str) -> Term | None:
        return next(iter(self._objects(node, name)), None)

    def _text(self, node: Term, name: str) -> str | None:
        value = self._one(node, name)
        return value.value if isinstance(value, ox.Literal) else None

    def _declared_prefixes(self) -> dict[str, str]:
        """Every prefix the shapes graph declares (sh:declare), for its SPARQL targets and constraints."""
        prefixes = {}
        for by_predicate in self.statements.values():
            for declaration in by_predicate.get(SH + "declare", []):
                prefix, namespace = self._text(declaration, "prefix"), self._text(declaration, "namespace")
                if prefix is not None and namespace is not None:
                    prefixes[prefix] = namespace
        return prefixes


def every_shape(shapes: Iterable[Shape]) -> Iterator[Shape]:
    """The shapes with every shape they hold: property shapes, and the shapes of sh:node, sh:or and the like."""
    for shape in shapes:
        yield shape
        yield from every_shape(shape.properties)
        yield from every_shape(nested for constraint in shape.constraints for nested in constraint.shapes)


def _is_node(term: Term | None) -> TypeGuard[Node]:
    return isinstance(term, ox.NamedNode | ox.BlankNode)
