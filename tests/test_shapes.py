"""Each shape bites: one small invalid fixture per constraint, rejected with the shape's own message.

A fixture in tests/shapes/invalid/ is Turtle added to the shipped data; its leading `# finding: SHAPE | MESSAGE`
lines are exactly the findings validation must report.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import language_of, value_of
from rdflib import BNode, Graph
from rdflib.namespace import SH
from rdflib_bridge import graph_of

from biokg.namespaces import compact
from biokg.sources import Sources, parse_file
from biokg.validation import validate_quads, validate_sources

FIXTURES = sorted(
    path for path in (Path(__file__).parent / "shapes" / "invalid").iterdir() if path.suffix in (".ttl", ".trig")
)


def expected_findings(fixture: Path) -> set[tuple[str, str]]:
    lines = [line for line in fixture.read_text().splitlines() if line.startswith("# finding: ")]
    return {tuple(line.removeprefix("# finding: ").split(" | ", 1)) for line in lines}  # type: ignore[misc]


@pytest.fixture(scope="module")
def shapes(sources: Sources) -> Graph:
    return graph_of(sources.shapes)


def test_the_shipped_data_conforms(shipped: Sources) -> None:
    report = validate_sources(shipped)
    assert report.findings == ()
    assert report.conforms


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture.stem for fixture in FIXTURES])
def test_invalid_fixture_is_rejected_with_the_shape_message(fixture: Path, sources: Sources) -> None:
    expected = expected_findings(fixture)
    assert expected, f"{fixture.name} declares no '# finding:' line"
    report = validate_quads([*sources.data, *parse_file(fixture)], sources.shapes, sources.ontology)
    assert not report.conforms
    assert {(finding.shape, finding.message) for finding in report.findings} == expected


def test_every_shape_has_an_invalid_fixture(shapes: Graph) -> None:
    targeted = {s for s in shapes.subjects(SH.targetClass, None)} | {s for s in shapes.subjects(SH.target, None)}
    shared = {s for s in shapes.subjects(SH.path, None) if not isinstance(s, BNode)}
    names = {compact(str(shape)) for shape in targeted | shared}
    bitten = {shape.split(" (")[0] for fixture in FIXTURES for shape, _ in expected_findings(fixture)}
    assert names - bitten == set()


def test_every_constraint_has_an_english_message(shapes: Graph) -> None:
    constraints = set(shapes.subjects(SH.path, None)) | set(shapes.objects(None, SH.sparql))
    constraints |= {s for s in shapes.subjects(SH.pattern, None) if (s, SH.path, None) not in shapes}
    silent = [
        compact(str(c)) for c in constraints if not any(language_of(m) == "en" for m in shapes.objects(c, SH.message))
    ]
    assert silent == []


def test_a_partial_validation_checks_the_nodes_given_with_their_values_types(
    sources: Sources,
) -> None:
    """`only` limits the core constraints to some focus nodes; what they point at is still known by its type."""
    broken = FIXTURES[0]
    data = [*sources.data, *parse_file(broken)]
    (focus, message), *_ = sorted(expected_findings(broken))
    shapes, ontology = sources.shapes, sources.ontology
    full = validate_quads(data, shapes, ontology)
    focused_nodes = {ox.NamedNode(node) for node in {value_of(quad.subject) for quad in parse_file(broken)}}
    partial = validate_quads(data, shapes, ontology, only=focused_nodes)
    assert {(f.shape, f.message) for f in partial.findings} == {(f.shape, f.message) for f in full.findings}
    elsewhere = validate_quads(
        data, shapes, ontology, only={ox.NamedNode("https://w3id.org/biokg/id/person/horst-domdey")}
    )
    assert elsewhere.findings == ()
    assert (focus, message) in {(f.shape, f.message) for f in full.findings}
