"""What the query workbench asks the server, and what every client gets from the endpoint around it: biokg's
prefixes, the store's classes and properties, canned queries as examples, a readable error for an undeclared
prefix, Turtle answers with prefixes, and API documentation that loads nothing from elsewhere. Real HTTP, real
SPARQLWrapper and rdflib."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from test_search import get

BKG = "https://w3id.org/biokg/ontology#"
ID = "https://w3id.org/biokg/id/"


def test_the_prefixes_are_biokgs_own(served: str) -> None:
    status, _, body = get(served, "/api/prefixes")
    prefixes = json.loads(body)
    assert status == 200
    assert prefixes["bkg"] == BKG and prefixes["search"] == "https://w3id.org/biokg/search#"
    assert prefixes["organization"] == ID + "organization/"


def test_the_vocabulary_is_what_the_store_holds(served: str) -> None:
    status, _, body = get(served, "/api/vocabulary")
    vocabulary = json.loads(body)
    assert status == 200
    assert BKG + "PartnershipAgreement" in vocabulary["classes"] and BKG + "Company" in vocabulary["classes"]
    assert BKG + "MemorandumOfUnderstanding" not in vocabulary["classes"]  # declared, but the seed holds none
    assert "http://www.w3.org/2000/01/rdf-schema#label" in vocabulary["properties"]
    assert vocabulary["classes"] == sorted(vocabulary["classes"])


def test_a_canned_query_opens_with_its_defaults_or_as_its_template(served: str) -> None:
    status, kind, text = get(served, "/api/queries/posts-in/sparql")
    assert status == 200 and kind.startswith("application/sparql-query")
    assert f"VALUES ?_org_iri {{ <{ID}organization/biom> }}" in text
    status, _, text = get(served, "/api/queries/search/sparql")  # its text has no default
    assert status == 200 and "?resource search:query ?_text" in text and "VALUES ?_text" not in text
    status, _, text = get(served, "/api/queries/nothing-like-it/sparql")
    assert (status, text) == (404, "no canned query named nothing-like-it; /api/queries lists them\n")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT ?label WHERE {\n  ?s rdfs:label ?label }",
            "line 2, column 6: unknown prefix `rdfs:` (declare `PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>`)",
        ),
        (
            "SELECT * WHERE { ?s ?p 3 FILTER(?p = ex:thing) }",
            "line 1, column 38: unknown prefix `ex:` (declare `PREFIX ex: <...>`)",
        ),
    ],
)
def test_an_undeclared_prefix_is_named_for_every_client(served: str, query: str, message: str) -> None:
    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed) as refused:
        client.query()
    assert f"malformed SPARQL query: {message}" in str(refused.value)


def test_a_blank_node_label_or_a_colon_in_a_string_is_no_prefix(served: str) -> None:
    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery('SELECT ?s WHERE { ?s ?p "12:30" . _:b ?q ?s } LIMIT 1')
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    assert isinstance(answer, dict) and answer["head"]["vars"] == ["s"]


def test_construct_answers_in_turtle_use_the_prefixes_they_need(served: str) -> None:
    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery(f"CONSTRUCT {{ <{ID}organization/biom> a ?class }} WHERE {{ <{ID}organization/biom> a ?class }}")
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert()
    assert isinstance(turtle, bytes)
    assert sorted(turtle.decode().splitlines()) == [  # the engine writes the prefixes in an order of its own
        "@prefix bkg: <https://w3id.org/biokg/ontology#> .",
        "@prefix organization: <https://w3id.org/biokg/id/organization/> .",
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
        "organization:biom a bkg:ClusterManagementOrganization .",
    ]
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 1


def test_the_api_documentation_is_served_whole_by_the_server(served: str) -> None:
    status, _, html = get(served, "/docs", "text/html")
    assert status == 200
    assert sorted(re.findall(r"""(?:src|href)=['"]([^'"]+)""", html)) == [
        "/static/vendor/swagger-ui/favicon-32x32.png",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
    ]
    assert get(served, "/static/vendor/swagger-ui/swagger-ui-bundle.js")[0] == 200
    assert get(served, "/redoc")[0] == 404


def test_labels_come_from_the_text_index(served: str) -> None:
    tubulis, unknown = ID + "organization/ror-00sbvh153", ID + "organization/nobody"
    status, _, body = get(served, f"/api/labels?iri={tubulis}&iri={unknown}&iri={tubulis}")
    assert (status, json.loads(body)) == (200, {tubulis: "Tubulis (Germany)"})
    too_many = "&".join(f"iri={ID}x{n}" for n in range(501))
    status, _, body = get(served, "/api/labels?" + too_many)
    assert (status, body) == (400, "ask for at most 500 labels at a time, not 501\n")
