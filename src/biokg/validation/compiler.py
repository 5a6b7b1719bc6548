"""Shapes compiled once to SPARQL: each constraint of each shape is one query whose solutions are its violations.

The queries run in Oxigraph over the data and the ontology, so validation costs what the engine costs. The RDFS
entailments the shapes rely on are compiled in rather than added to the data: a class stands for itself and its
subclasses (`VALUES ?type { ... }`), a predicate for itself and its sub-properties (`(p|q)`), both read from the
ontology, and a value's types along `rdf:type` include their superclasses. `sh:pattern` is matched by Python's
`re` (a custom function), as SHACL's regular expressions need look-around that Oxigraph's do not have.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef, Variable
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import triples as algebra_triples
from rdflib.plugins.sparql.parserutils import CompValue

from biokg.errors import UnsupportedShapeError
from biokg.namespaces import PREFIXES
from biokg.validation.shapes import SH, Constraint, Path, Shape, Target, every_shape

MATCHES = ox.NamedNode("urn:biokg:matches")
"""The custom function `sh:pattern` compiles to: whether a text matches a Python regular expression."""
FOCUS = "#FOCUS#"
"""Where a check's query takes the pattern that keeps it to the focus nodes to check (nothing for all of them)."""
FOCUS_GRAPH = ox.NamedNode("urn:biokg:validation-focus")
"""The graph that marks the focus nodes of a validation kept to some: joined as a graph pattern, they cost what
the focus nodes cost, where a VALUES block of 13,000 of them took Oxigraph 18 s for one constraint (a nested
loop) instead of 0.3 s."""
_RDF, _RDFS, _XSD = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["xsd"]
_CASTABLE = {"integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "gYear", "gYearMonth"}
"""XSD datatypes Oxigraph casts to: a literal of one is well-formed when its lexical form casts."""
_NODE_KINDS = {
    "IRI": "!isIRI({v})",
    "BlankNode": "!isBlank({v})",
    "Literal": "!isLiteral({v})",
    "BlankNodeOrIRI": "isLiteral({v})",
    "BlankNodeOrLiteral": "isIRI({v})",
    "IRIOrLiteral": "isBlank({v})",
}
_BOUNDS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a query whose solutions bind `?this` (the focus node), `?value` where the
    constraint reports one, and `?path` for a closed shape's stray predicates."""

    shape: str
    path: str | None
    message: str
    severity: str
    query: str
    fills_message: bool = False
    """Whether `{?name}` in the message is filled from the solution (SHACL-SPARQL constraints)."""

    def for_focus(self, marked: bool) -> str:
        """The query, for the focus nodes FOCUS_GRAPH marks only, or for every focus node."""
        marks = f"GRAPH {FOCUS_GRAPH} {{ ?this {FOCUS_GRAPH} {FOCUS_GRAPH} }}" if marked else ""
        return self.query.replace(FOCUS, marks)


class Hierarchy:
    """The ontology's class and property hierarchy, closed transitively."""

    def __init__(self, ontology: Iterable[ox.Quad | ox.Triple]) -> None:
        self.subclasses: dict[str, set[str]] = {}
        self.subproperties: dict[str, set[str]] = {}
        for quad in ontology:
            relation = {_RDFS + "subClassOf": self.subclasses, _RDFS + "subPropertyOf": self.subproperties}.get(
                quad.predicate.value
            )
            if relation is not None and isinstance(quad.object, ox.NamedNode):
                relation.setdefault(quad.object.value, set()).add(quad.subject.value)  # type: ignore[union-attr]

    def below(self, iri: str, relation: dict[str, set[str]]) -> list[str]:
        """The term and everything below it, sorted."""
        found, frontier = {iri}, [iri]
        while frontier:
            for lower in relation.get(frontier.pop(), ()):
                if lower not in found:
                    found.add(lower)
                    frontier.append(lower)
        return sorted(found)


class Compiler:
    """Turns shapes into checks; one compiler per shapes graph and ontology."""

    def __init__(self, hierarchy: Hierarchy) -> None:
        self.hierarchy = hierarchy
        self._names = itertools.count()

    def checks(self, shapes: Iterable[Shape]) -> list[Check]:
        """The checks of every active shape, its targets deciding the focus nodes."""
        compiled = []
        for shape in shapes:
            if not shape.deactivated:
                compiled += self._shape_checks(shape, self._targets(shape.targets))
        return compiled

    def _shape_checks(self, shape: Shape, target: str) -> list[Check]:
        """The checks of a shape whose focus nodes `target` binds to ?this."""
        checks = [self._node_check(shape, constraint, target) for constraint in shape.constraints]
        checks += self._sparql_checks(shape, target)
        for constraint in shape.constraints:
            checks += self._nested_checks(constraint, target)
        for prop in shape.properties:
            if prop.deactivated:
                continue
            if prop.properties or prop.sparql:
                raise UnsupportedShapeError(f"the property shape {prop.name} holds shapes of its own")
            for constraint in prop.constraints:
                checks.append(self._property_check(prop, constraint, target))
                checks += self._nested_checks(constraint, self._values_of(prop, target))
        return [check for check in checks if check is not None]

    def _values_of(self, prop: Shape, target: str) -> str:
        """A pattern binding ?this to the values of a property shape on the focus nodes of `target`."""
        assert prop.path is not None
        holder = self._fresh()
        holders = re.sub(r"\?this\b", holder, target)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {FOCUS} {holders} {holder} {self.path(prop.path)} ?this }} }}"

    def _nested_checks(self, constraint: Constraint, target: str) -> list[Check]:
        """A sh:node's shape is checked on each value too, and reports its own findings (as pyshacl does)."""
        if constraint.name != "node":
            return []
        return self._shape_checks(constraint.shapes[0], target)

    def _node_check(self, shape: Shape, constraint: Constraint, target: str) -> Check | None:
        if constraint.name == "closed":
            return self._closed_check(shape, constraint, target)
        if constraint.name in ("minCount", "maxCount", "uniqueLang"):
            raise UnsupportedShapeError(
                f"sh:{constraint.name} needs a path, which the node shape {shape.name} has not"
            )
        condition = self.violates(constraint, "?this")
        query = (
            f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} {target} FILTER ({condition}) BIND (?this AS ?value) }}"
        )
        return self._check(shape, None, query)

    def _property_check(self, prop: Shape, constraint: Constraint, target: str) -> Check | None:
        assert prop.path is not None
        path = self.path(prop.path)
        where = f"{FOCUS} {target}"
        if constraint.name == "minCount":
            count = _count(constraint, prop)
            if count == 0:
                return None
            if count == 1:
                missing = f"FILTER NOT EXISTS {{ ?this {path} ?_v }}"
                query = f"SELECT DISTINCT ?this WHERE {{ {where} {missing} }}"
            else:
                values = f"OPTIONAL {{ ?this {path} ?_v }}"
                counted = f"SELECT ?this (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ {where} {values} }} GROUP BY ?this"
                query = f"SELECT ?this WHERE {{ {{ {counted} }} FILTER (?_n < {count}) }}"
        elif constraint.name == "maxCount":
            count = _count(constraint, prop)
            having = f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {count})"
            query = f"SELECT ?this WHERE {{ {where} ?this {path} ?_v }} {having}"
        elif constraint.name == "hasValue":
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {where} FILTER NOT EXISTS {{ ?this {path} {constraint.value} }} }}"
            )
        elif constraint.name == "uniqueLang":
            if not _is_true(constraint.value):
                return None
            query = f"SELECT DISTINCT ?this WHERE {{ {where} {_same_language(f'?this {path}', '?_a', '?_b')} }}"
        elif constraint.name == "closed":
            raise UnsupportedShapeError(f"sh:closed belongs on a node shape, not on {prop.name}")
        else:
            condition = self.violates(constraint, "?value")
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {where} ?this {path} ?value FILTER ({condition}) }}"
        return self._check(prop, prop.path.shown(), query)

    def _closed_check(self, shape: Shape, constraint: Constraint, target: str) -> Check | None:
        if not _is_true(constraint.value):
            return None
        allowed = {p.path.predicate for p in shape.properties if p.path is not None and p.path.predicate}
        allowed |= set(shape.ignored_properties)
        listed = ", ".join(sorted(str(iri) for iri in allowed if iri is not None)) or "<urn:biokg:none>"
        stray = f"?this ?path ?value FILTER (?path NOT IN ({listed}))"
        query = f"SELECT DISTINCT ?this ?value ?path WHERE {{ {FOCUS} {target} {stray} }}"
        return self._check(shape, None, query)

    def _sparql_checks(self, shape: Shape, target: str) -> list[Check]:
        checks = []
        for constraint in shape.sparql:
            select = _focused(re.sub(r"\$this\b", "?this", constraint.select))
            query = f"SELECT * WHERE {{ {FOCUS} {target} {{ {select} }} }}"
            message = constraint.message or f"the SPARQL constraint of {shape.name} has a solution"
            checks.append(Check(shape.name, None, message, shape.severity, query, fills_message=True))
        return checks

    def _check(self, shape: Shape, path: str | None, query: str) -> Check:
        message = shape.message or f"{shape.name} is violated"
        return Check(shape.name, path, message, shape.severity, query)

    def violates(self, constraint: Constraint, value: str) -> str:
        """A SPARQL expression: whether the node `value` violates a constraint that each value node must pass."""
        name, term = constraint.name, constraint.value
        if name == "datatype":
            return self._wrong_datatype(term, value)
        if name == "class":
            return f"NOT EXISTS {{ {self.typed(value, str(term))} }}"
        if name == "nodeKind":
            kind = term.value.removeprefix(SH) if isinstance(term, ox.NamedNode) else ""
            if kind not in _NODE_KINDS:
                raise UnsupportedShapeError(f"sh:nodeKind {term} is not a SHACL node kind")
            return _NODE_KINDS[kind].format(v=value)
        if name == "pattern":
            arguments = f"STR({value}), {_literal(str(term.value if term else ''))}, {_literal(constraint.flags)}"
            return f"(isBlank({value}) || !COALESCE(<{MATCHES.value}>({arguments}), false))"
        if name == "in":
            return (
                "!(" + (" || ".join(f"sameTerm({value}, {member})" for member in constraint.values) or "false") + ")"
            )
        if name == "hasValue":
            return f"!sameTerm({value}, {term})"
        if name == "languageIn":
            matches = " || ".join(
                f"langMatches(lang({value}), {_literal(str(tag.value))})" for tag in constraint.values
            )
            return f"!(isLiteral({value}) && ({matches or 'false'}))"
        if name in _BOUNDS:
            return f"!COALESCE({value} {_BOUNDS[name]} {term}, false)"
        if name in ("minLength", "maxLength"):
            operator = ">=" if name == "minLength" else "<="
            return f"(isBlank({value}) || !COALESCE(STRLEN(STR({value})) {operator} {term}, false))"
        violated = [f"EXISTS {{ {self.violation(shape, value)} }}" for shape in constraint.shapes]
        if name == "node":
            return violated[0]
        if name == "not":
            return f"!{violated[0]}"
        if name == "and":
            return "(" + (" || ".join(violated) or "false") + ")"
        if name == "or":
            return "(" + (" && ".join(violated) or "true") + ")"
        if name == "xone":
            conforming = " + ".join(f"IF({check}, 0, 1)" for check in violated) or "0"
            return f"(({conforming}) != 1)"
        raise UnsupportedShapeError(f"sh:{name} is not a constraint biokg's validator compiles")

    def violation(self, shape: Shape, focus: str) -> str:
        """A group pattern that matches when the node `focus` violates the shape (for sh:node, sh:or ...)."""
        if shape.sparql:
            raise UnsupportedShapeError(f"the shape {shape.name} is nested, and a nested shape cannot hold sh:sparql")
        branches = []
        for constraint in shape.constraints:
            if constraint.name in ("minCount", "maxCount", "uniqueLang", "closed"):
                raise UnsupportedShapeError(f"sh:{constraint.name} of the nested shape {shape.name} is not supported")
            branches.append(f"FILTER ({self.violates(constraint, focus)})")
        for prop in shape.properties:
            assert prop.path is not None
            path = self.path(prop.path)
            for constraint in prop.constraints:
                branches.append(self._nested_property_violation(prop, constraint, focus, path))
        return " UNION ".join(f"{{ {branch} }}" for branch in branches) or "FILTER (false)"

    def _nested_property_violation(self, prop: Shape, constraint: Constraint, focus: str, path: str) -> str:
        value = self._fresh()
        if constraint.name in ("minCount", "maxCount"):
            count = _count(constraint, prop)
            if constraint.name == "minCount":
                if count == 0:
                    return "FILTER (false)"
                return f"FILTER NOT EXISTS {{ {_distinct_values(focus, path, count, self._fresh)} }}"
            return _distinct_values(focus, path, count + 1, self._fresh)
        if constraint.name == "hasValue":
            return f"FILTER NOT EXISTS {{ {focus} {path} {constraint.value} }}"
        if constraint.name == "uniqueLang":
            return _same_language(f"{focus} {path}", self._fresh(), self._fresh())
        if constraint.name == "closed":
            raise UnsupportedShapeError(f"sh:closed belongs on a node shape, not on {prop.name}")
        return f"{focus} {path} {value} FILTER ({self.violates(constraint, value)})"

    def _wrong_datatype(self, datatype: ox.NamedNode | ox.BlankNode | ox.Literal | None, value: str) -> str:
        if not isinstance(datatype, ox.NamedNode):
            raise UnsupportedShapeError(f"sh:datatype {datatype} is not an IRI")
        iri = datatype.value
        if iri == _RDF + "langString":
            return f'!(isLiteral({value}) && lang({value}) != "")'
        if iri == _RDFS + "Literal":
            return f"!isLiteral({value})"
        well_formed = ""
        if iri.startswith(_XSD) and iri[len(_XSD) :] in _CASTABLE:
            well_formed = f" && COALESCE(isLiteral(<{iri}>(STR({value}))), false)"
        return f"!(isLiteral({value}) && datatype({value}) = <{iri}>{well_formed})"

    def typed(self, node: str, cls: str) -> str:
        """A pattern: `node` is an instance of the class `cls` (an IRI in angle brackets) or of a subclass."""
        classes = " ".join(f"<{iri}>" for iri in self.hierarchy.below(cls.strip("<>"), self.hierarchy.subclasses))
        kind = self._fresh()
        return f"VALUES {kind} {{ {classes} }} {node} <{_RDF}type> {kind} ."

    def path(self, path: Path) -> str:
        """The SPARQL property path of a SHACL path; a predicate stands for itself and its sub-properties, and
        `rdf:type` reaches the superclasses of a type too."""
        if path.predicate is not None:
            if path.predicate.value == _RDF + "type":
                return f"(<{_RDF}type>/<{_RDFS}subClassOf>*)"
            below = self.hierarchy.below(path.predicate.value, self.hierarchy.subproperties)
            return f"<{below[0]}>" if len(below) == 1 else "(" + "|".join(f"<{iri}>" for iri in below) + ")"
        parts = [self.path(part) for part in path.parts]
        if path.kind == "inverse":
            return f"^{parts[0]}"
        if path.kind in ("sequence", "alternative"):
            return "(" + ("/" if path.kind == "sequence" else "|").join(parts) + ")"
        return f"({parts[0]}){ {'zeroOrMore': '*', 'oneOrMore': '+', 'zeroOrOne': '?'}[path.kind] }"

    def _targets(self, targets: Iterable[Target]) -> str:
        """A pattern binding ?this to every focus node of the targets."""
        patterns = []
        for target in targets:
            if target.kind == "targetClass":
                patterns.append(self.typed("?this", str(target.value)))
            elif target.kind == "targetNode":
                patterns.append(f"VALUES ?this {{ {target.value} }}")
            elif target.kind == "targetSubjectsOf":
                patterns.append(f"?this {self.path(Path('predicate', target.value))} ?_object .")  # type: ignore[arg-type]
            elif target.kind == "targetObjectsOf":
                patterns.append(f"?_subject {self.path(Path('predicate', target.value))} ?this .")  # type: ignore[arg-type]
            else:
                patterns.append(f"{{ {_focused(target.select)} }}")
        return "{ " + " } UNION { ".join(patterns) + " }"

    def _fresh(self) -> str:
        return f"?_v{next(self._names)}"


def _focused(select: str) -> str:
    """A SELECT that binds ?this, with the focus marker at the start of its WHERE group: a sub-query is evaluated
    on its own, so a focus kept to some nodes outside it would not spare it a scan of the whole data."""
    opening = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE) or re.search(r"\{", select)
    if opening is None:
        raise UnsupportedShapeError(f"a SPARQL target or constraint has no WHERE group: {select.strip()[:80]}")
    return f"{select[: opening.end()]} {FOCUS} {select[opening.end() :]}"


def _count(constraint: Constraint, shape: Shape) -> int:
    if not isinstance(constraint.value, ox.Literal) or not constraint.value.value.isdigit():
        raise UnsupportedShapeError(f"sh:{constraint.name} of {shape.name} is not a whole number")
    return int(constraint.value.value)


def _distinct_values(focus: str, path: str, count: int, fresh: object) -> str:
    """A pattern: `focus` has at least `count` distinct values along `path`."""
    names = [fresh() for _ in range(count)]  # type: ignore[operator]
    different = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2))
    return " ".join(f"{focus} {path} {name} ." for name in names) + (f" FILTER ({different})" if different else "")


def _same_language(subject_path: str, first: str, second: str) -> str:
    """A pattern: two different values along the path share a language tag."""
    condition = f'!sameTerm({first}, {second}) && lang({first}) != "" && LCASE(lang({first})) = LCASE(lang({second}))'
    return f"{subject_path} {first} . {subject_path} {second} . FILTER ({condition})"


def _is_true(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> bool:
    return isinstance(term, ox.Literal) and term.value == "true"


def _literal(text: str) -> str:
    return str(ox.Literal(text))


def matches(text: ox.Literal, pattern: ox.Literal, flags: ox.Literal) -> ox.Literal:
    """`sh:pattern`'s test, as SHACL defines it after XPath's `fn:matches`, with Python's regular expressions."""
    options = 0
    for flag, option in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
        if flag in flags.value:
            options |= option
    return ox.Literal(bool(_compiled(pattern.value, options).search(text.value)))


_PATTERNS: dict[tuple[str, int], re.Pattern[str]] = {}


def _compiled(pattern: str, options: int) -> re.Pattern[str]:
    key = (pattern, options)
    if key not in _PATTERNS:
        _PATTERNS[key] = re.compile(pattern, options)
    return _PATTERNS[key]


def checks_of(shapes: Iterable[Shape], ontology: Iterable[ox.Quad | ox.Triple]) -> Iterator[Check]:
    """Every check of the shapes, the ontology giving the class and property hierarchy."""
    yield from Compiler(Hierarchy(ontology)).checks(shapes)


def read_backwards(shapes: Iterable[Shape], prefixes: dict[str, str]) -> frozenset[ox.NamedNode] | None:
    """The predicates the shapes follow backwards, from a value to the nodes that point at it: those of inverse
    paths, and every predicate of a SPARQL constraint or target that has a pattern read backwards (one whose
    subject the focus node does not reach forwards: another signing of the same agreement). A constraint that
    only reads forwards from its focus node meets a change through the nodes it reads, which the change's
    readers include. None when a pattern read backwards has a variable predicate: then any predicate can be one."""
    found: set[ox.NamedNode] = set()
    for shape in every_shape(shapes):
        for path in [shape.path] if shape.path is not None else []:
            found |= set(_inverse_predicates(path))
        texts = [constraint.select for constraint in shape.sparql]
        texts += [target.select for target in shape.targets if target.kind == "sparql"]
        for text in texts:
            read = _read_backwards_by(text, tuple(sorted(prefixes.items())))
            if read is None:
                return None
            found |= read
    return frozenset(found)


@functools.lru_cache(maxsize=1024)
def _read_backwards_by(text: str, prefixes: tuple[tuple[str, str], ...]) -> frozenset[ox.NamedNode] | None:
    """The predicates one SPARQL query of a shape follows backwards (none if it reads forwards only); parsed
    once per process (rdflib takes about 10 ms a query)."""
    patterns = _patterns(prepareQuery(text, initNs=dict(prefixes)).algebra)
    reached = {Variable("this")}
    while grown := {o for s, _p, o in patterns if s in reached and isinstance(o, Variable)} - reached:
        reached |= grown
    if all(s in reached for s, _p, _o in patterns):
        return frozenset()
    if any(isinstance(p, Variable) for _s, p, _o in patterns):
        return None
    return frozenset(ox.NamedNode(str(iri)) for _s, p, _o in patterns for iri in _iris_of(p))


def _patterns(node: object) -> list[tuple[Any, Any, Any]]:
    """The triple patterns of a query's algebra, those of OPTIONAL, MINUS and EXISTS parts included."""
    if isinstance(node, CompValue):
        found = list(node.triples) if node.name == "BGP" else []
        if node.name == "TriplesBlock":
            found += algebra_triples(dict.__getitem__(node, "triples"))
        for value in dict.values(node):  # CompValue.get evaluates; the raw values are wanted
            found += _patterns(value)
        return found
    if isinstance(node, list | tuple):
        return [pattern for part in node for pattern in _patterns(part)]
    return []


def _iris_of(predicate: object) -> Iterator[URIRef]:
    """The IRIs of a pattern's predicate: itself, or those of its property path."""
    if isinstance(predicate, URIRef):
        yield predicate
    elif isinstance(predicate, RdflibPath):
        for part in vars(predicate).values():
            for item in part if isinstance(part, list | tuple) else [part]:
                yield from _iris_of(item)


def _inverse_predicates(path: Path, inverted: bool = False) -> Iterator[ox.NamedNode]:
    if path.predicate is not None:
        if inverted:
            yield path.predicate
        return
    for part in path.parts:
        yield from _inverse_predicates(part, inverted != (path.kind == "inverse"))
