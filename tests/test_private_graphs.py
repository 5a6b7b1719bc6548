"""Private graphs: a graph whose description says `bkg:private true` is read only with a token that names it. Every
route is asked anonymously, with a token for another graph, and with the graph's own token, of a real
`biokg serve` over HTTP: the first two answer exactly as before the graph was written."""

from __future__ import annotations

import gzip
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from servers import biokg_serving

from biokg.shipped import data_dir
from biokg.tokens import TOKENS_FILE, TokenFile

GRAPH = "https://w3id.org/biokg/graph/tubulis-boersen-zeitung"
TUBULIS = "https://w3id.org/biokg/id/organization/tubulis"
SOURCE = "https://w3id.org/biokg/id/source/tubulis-boersen-zeitung"
PUBLISHER = "https://w3id.org/biokg/id/organization/boersen-zeitung"
ELSEWHERE = "https://w3id.org/biokg/graph/elsewhere"
MUNICH = "https://w3id.org/biokg/id/place/city/2867714"
PRIVATE_TRIG = (
    (data_dir() / "graphs" / "tubulis-boersen-zeitung.trig")
    .read_bytes()
    .replace(
        b"prov:wasDerivedFrom source:tubulis-boersen-zeitung .",
        b"prov:wasDerivedFrom source:tubulis-boersen-zeitung ;\n        bkg:private true .",
    )
)
"""A real source the seed does not hold, written as a private graph: nothing of it, its source record or its
publisher (the Börsen-Zeitung, which no other source names) is in the seed."""
MARKS = (b"tubulis", b"boersen", "Börsen".encode())
"""What no answer to a reader without the graph's token may hold."""
OPENER = urllib.request.build_opener()


NAMES, COUNTS, SAME = "names the graph's things", "counts them", "the same for every reader"
"""What a route's answer to the graph's own reader says of it."""


def sparql(query: str, **more: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **more})


ROUTES: list[tuple[str, str, str]] = [
    (
        sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"),
        "application/sparql-results+json",
        NAMES,
    ),
    (sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), "application/sparql-results+json", COUNTS),
    (sparql("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"), "application/sparql-results+json", COUNTS),
    (sparql(f"SELECT * FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}"), "application/sparql-results+json", NAMES),
    (
        sparql(f"SELECT * FROM NAMED <{GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        "application/sparql-results+json",
        NAMES,
    ),
    (sparql("SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": GRAPH}), "application/sparql-results+json", NAMES),
    (sparql("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": GRAPH}), "text/csv", NAMES),
    (sparql(f"DESCRIBE <{TUBULIS}> <{SOURCE}> <{PUBLISHER}> <{GRAPH}>"), "application/n-triples", NAMES),
    (sparql(f"SELECT * WHERE {{ ?s ?p <{MUNICH}> }} ORDER BY ?s ?p"), "application/sparql-results+json", NAMES),
    (sparql('SELECT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), "tubulis")) }'), "text/csv", NAMES),
    ("/sparql", "text/turtle", NAMES),  # the service description: its graphs and their sizes
    ("/.well-known/void", "text/turtle", NAMES),
    ("/id/organization/tubulis", "text/turtle", NAMES),
    ("/id/organization/tubulis", "text/html", NAMES),
    ("/id/source/tubulis-boersen-zeitung", "text/turtle", NAMES),
    ("/id/organization/boersen-zeitung", "text/turtle", NAMES),
    ("/graph/tubulis-boersen-zeitung", "text/turtle", NAMES),
    ("/graph/tubulis-boersen-zeitung", "text/html", NAMES),
    ("/id/place/city/2867714", "text/turtle", NAMES),
    ("/graph-store?" + urllib.parse.urlencode({"graph": GRAPH}), "text/turtle", NAMES),
    ("/dumps/", "text/html", SAME),
    ("/dumps/biokg.trig.gz", "application/gzip", NAMES),
    ("/api/search?q=tubulis", "application/json", NAMES),
    ("/search?q=Tubulis", "text/html", NAMES),
    ("/browse?class=" + urllib.parse.quote("https://w3id.org/biokg/ontology#Company"), "text/html", NAMES),
    ("/api/labels?iri=" + urllib.parse.quote(TUBULIS), "application/json", NAMES),
    ("/api/queries/organisations?place=" + urllib.parse.quote(MUNICH), "application/sparql-results+json", NAMES),
    ("/queries/organisations?place=" + urllib.parse.quote(MUNICH), "text/html", NAMES),
    ("/api/queries", "application/json", SAME),
    ("/healthz", "application/json", COUNTS),
]
"""Every way to read the store, with the type it is asked in and what it tells the graph's reader."""
COUNTS_ONLY = {
    ROUTES[1],
    ROUTES[2],
    ("/sparql", "text/turtle"),
    ("/dumps/", "text/html"),
    ("/healthz", "application/json"),
}
"""The routes whose answer to the graph's own reader differs only by counts, not naming the graph's things."""


def fetch(base: str, path: str, accept: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept": accept, **({"Authorization": f"Bearer {token}"} if token else {})}
    try:
        with OPENER.open(urllib.request.Request(base + path, headers=headers), timeout=120) as answer:
            body = answer.read()
            return answer.status, dict(answer.headers), body
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, dict(refused.headers), refused.read()


def readable(body: bytes, accept: str) -> bytes:
    return gzip.decompress(body) if accept == "application/gzip" and body[:2] == b"\x1f\x8b" else body


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], list[bytes]]]:
    """A server on the seed, what every route answered before the private graph was written, and the tokens:
    the curator who wrote it, a reader of it, and a reader of another graph."""
    folder = tmp_path_factory.mktemp("private")
    store = folder / "store"
    tokens = TokenFile(store / TOKENS_FILE)
    presented = {
        "curator": tokens.create("curator", (GRAPH,))[1],
        "reader": tokens.create("reader", (GRAPH,))[1],
        "other": tokens.create("reader", (ELSEWHERE,))[1],
        "elsewhere": tokens.create("curator", (ELSEWHERE,))[1],
    }
    with biokg_serving(["--store", str(store), "--workers", "1"], folder / "serve.log") as (base, _):
        before = [readable(fetch(base, path, accept)[2], accept) for path, accept, _ in ROUTES]
        written = urllib.request.Request(
            f"{base}/graph-store?{urllib.parse.urlencode({'graph': GRAPH})}",
            data=PRIVATE_TRIG,
            method="PUT",
            headers={"Content-Type": "application/trig", "Authorization": f"Bearer {presented['curator']}"},
        )
        with OPENER.open(written, timeout=120) as answer:
            assert answer.status == 201
        yield base, presented, before


@pytest.mark.parametrize("reader", [None, "other"])
def test_a_reader_without_the_graphs_token_gets_every_answer_as_before_it_was_written(
    served: tuple[str, dict[str, str], list[bytes]], reader: str | None
) -> None:
    base, tokens, before = served
    for (path, accept, _), earlier in zip(ROUTES, before, strict=True):
        _, headers, body = fetch(base, path, accept, tokens.get(reader or ""))
        now = readable(body, accept)
        if not [mark for mark in MARKS if mark in urllib.parse.unquote(path).lower().encode()]:  # not an echo
            assert not [mark for mark in MARKS if mark in now.lower()], (path, accept, now[:300])
        assert _unstamped(now) == _unstamped(earlier), (path, accept)
        assert "Authorization" in headers.get("vary", ""), path


def test_the_graphs_reader_reads_it_by_every_route(served: tuple[str, dict[str, str], list[bytes]]) -> None:
    base, tokens, before = served
    for (path, accept, tells), earlier in zip(ROUTES, before, strict=True):
        status, headers, body = fetch(base, path, accept, tokens["reader"])
        now = readable(body, accept)
        assert status == 200, (path, accept, status, now[:300])
        assert headers["cache-control"] == "private" and "Authorization" in headers["vary"], path
        assert (_unstamped(now) == _unstamped(earlier)) == (tells == SAME), (path, accept)
        assert (b"tubulis" in now.lower()) == (tells == NAMES), (path, accept)


def test_the_private_graph_is_unknown_to_others_by_the_same_message_as_a_graph_that_is_not_there(
    served: tuple[str, dict[str, str], list[bytes]],
) -> None:
    base, _, _ = served
    missing = GRAPH.replace("tubulis", "nothing-here")
    _, _, hidden = fetch(base, "/graph-store?" + urllib.parse.urlencode({"graph": GRAPH}), "text/turtle")
    _, _, absent = fetch(base, "/graph-store?" + urllib.parse.urlencode({"graph": missing}), "text/turtle")
    assert hidden.replace(b"tubulis", b"nothing-here") == absent


def test_counts_with_the_token_add_the_graph_and_its_records(served: tuple[str, dict[str, str], list[bytes]]) -> None:
    base, tokens, _ = served
    health = [json.loads(fetch(base, "/healthz", "application/json", token)[2]) for token in (None, tokens["reader"])]
    public, private = health
    quads = list(ox.parse(PRIVATE_TRIG, format=ox.RdfFormat.TRIG))
    assert (private["graphs"], private["triples"]) == (public["graphs"] + 1, public["triples"] + len(quads))


def test_a_token_that_is_not_valid_is_refused_on_a_read(served: tuple[str, dict[str, str], list[bytes]]) -> None:
    base, _, _ = served
    status, headers, body = fetch(base, "/healthz", "application/json", "biokg_000000000000_" + "x" * 43)
    assert (status, body) == (401, b"the bearer token is not valid, or was revoked\n")
    assert headers["www-authenticate"] == 'Bearer realm="biokg"'


def test_an_update_reads_only_the_graphs_its_token_may(served: tuple[str, dict[str, str], list[bytes]]) -> None:
    base, tokens, _ = served
    """A curator of another graph who copies whatever the private graph holds into its own copies nothing."""
    update = f"INSERT {{ GRAPH <{ELSEWHERE}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        base + "/update",
        data=update.encode(),
        method="POST",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {tokens['elsewhere']}"},
    )
    try:
        with OPENER.open(request, timeout=120) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        with refused:
            status, body = refused.code, refused.read()
    assert (status, json.loads(body)) == (200, {"writes": []})


def _unstamped(body: bytes) -> list[bytes]:
    """The body's lines (an answer's rows, in JSON) in order, without the times it was made or loaded at, which
    a write moves on, and the labels of blank nodes, which each copy of the store gives anew: an answer without
    ORDER BY may come in another order from another copy."""
    body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", b"TIME", body)
    body = re.sub(rb'_:[A-Za-z0-9]+|"bnode","value":"[^"]*"', b"_:b", body)
    if body.startswith(b'{"head"'):
        answer = json.loads(body)
        return sorted(json.dumps(row, sort_keys=True).encode() for row in answer["results"]["bindings"])
    return sorted(body.splitlines())


def test_a_curator_of_another_graph_may_not_describe_the_private_one(
    served: tuple[str, dict[str, str], list[bytes]],
) -> None:
    """Merged in the metadata graph, its description would replace the private graph's, and could unmark it."""
    base, tokens, _ = served
    described = f"""
        @prefix bkg: <https://w3id.org/biokg/ontology#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/biokg/graph/metadata> {{
            <{ELSEWHERE}> a bkg:SourceGraph ; rdfs:label "elsewhere"@en ;
                prov:wasDerivedFrom <https://w3id.org/biokg/id/source/geonames> .
            <{GRAPH}> a bkg:SourceGraph ; rdfs:label "now public"@en ;
                prov:wasDerivedFrom <https://w3id.org/biokg/id/source/geonames> .
        }}
        <{ELSEWHERE}> {{ <https://w3id.org/biokg/id/place/city/2867714> rdfs:comment "x"@en . }}
    """
    request = urllib.request.Request(
        f"{base}/graph-store?{urllib.parse.urlencode({'graph': ELSEWHERE})}",
        data=described.encode(),
        method="PUT",
        headers={"Content-Type": "application/trig", "Authorization": f"Bearer {tokens['elsewhere']}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        OPENER.open(request, timeout=120)
    with refused.value as answer:
        assert (answer.code, answer.read().decode()) == (
            403,
            f"token {tokens['elsewhere'].split('_')[1]} may not describe <{GRAPH}> in the metadata graph\n",
        )
    assert b"tubulis" not in fetch(base, ROUTES[0][0], ROUTES[0][1])[2]
