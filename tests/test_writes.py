"""Curators write over HTTP (the Graph Store Protocol at /graph-store), readers read: against a real `biokg serve`
on an on-disk store, with tokens made by `biokg token create`."""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from servers import biokg_serving

from biokg.server import touched_resources
from biokg.shipped import data_dir
from biokg.store import EmbeddedStore
from biokg.tokens import TOKENS_FILE, TokenFile

GRAPHS = "https://w3id.org/biokg/graph/"
TUBULIS_GRAPH = GRAPHS + "tubulis-boersen-zeitung"
TUBULIS = "https://w3id.org/biokg/id/organization/tubulis"
SOURCE = data_dir() / "graphs" / "tubulis-boersen-zeitung.trig"
"""A real source the seed, which the server serves, does not hold: its graph and its source record."""
ASK_TUBULIS = f"ASK {{ GRAPH <{TUBULIS_GRAPH}> {{ <{TUBULIS}> ?p ?o }} }}"

Served = tuple[str, Path, dict[str, str]]
OPENER = urllib.request.build_opener()
"""An opener of this module's own: another test's installed one (digest authentication for Virtuoso) fails on
a Bearer challenge."""


def biokg(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "biokg", *map(str, arguments)], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A server on an on-disk store holding the seed, with two tokens: one for the Tubulis graph, one for
    another graph."""
    store = tmp_path / "store"
    tokens = {}
    for name, graph in (("tubulis", TUBULIS_GRAPH), ("other", GRAPHS + "elsewhere")):
        tokens[name] = TokenFile(store / TOKENS_FILE).create("curator", (graph,))[1]  # the command: test_tokens
    with biokg_serving(["--store", str(store), "--workers", "1"], tmp_path / "serve.log") as (base, _):
        yield base, store, tokens


def request(
    base: str, method: str, graph: str, body: bytes = b"", token: str | None = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    url = f"{base}/graph-store?{urllib.parse.urlencode({'graph': graph})}"
    given = {"Content-Type": "application/trig", **({"Authorization": f"Bearer {token}"} if token else {})}
    sent = urllib.request.Request(url, data=body or None, method=method, headers={**given, **headers})
    try:
        with OPENER.open(sent, timeout=120) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, dict(refused.headers), refused.read()


def ask(base: str, query: str) -> bool:
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
    with OPENER.open(urllib.request.Request(url, headers={"Accept": "application/json"})) as answer:
        return bool(json.loads(answer.read())["boolean"])


def test_a_curator_puts_a_source_and_readers_see_it_at_once(served: Served) -> None:
    base, store, tokens = served
    assert not ask(base, ASK_TUBULIS)
    status, _, body = request(base, "PUT", TUBULIS_GRAPH, SOURCE.read_bytes(), tokens["tubulis"])
    assert status == 201, body
    written = json.loads(body)
    assert (written["graph"], written["method"], written["removed"]) == (TUBULIS_GRAPH, "PUT", 0)
    assert written["added"] == written["triples"] > 0
    assert ask(base, ASK_TUBULIS)
    status, headers, turtle = request(base, "GET", TUBULIS_GRAPH, Accept="text/turtle")
    assert (status, headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == written["triples"]
    history = biokg("history", TUBULIS_GRAPH, "--store", store)
    assert history.returncode == 0, history.stderr
    assert history.stdout.splitlines()[2].split()[1:] == [
        tokens["tubulis"].split("_")[1],
        "PUT",
        TUBULIS_GRAPH,
        f"+{written['added']}",
        "-0",
    ]
    status, _, body = request(base, "DELETE", TUBULIS_GRAPH, token=tokens["tubulis"])
    assert (status, json.loads(body)["removed"]) == (200, written["triples"])
    assert not ask(base, ASK_TUBULIS)
    assert request(base, "GET", TUBULIS_GRAPH)[0] == 404


def test_a_write_that_breaks_the_shapes_gets_422_with_its_findings_and_changes_nothing(served: Served) -> None:
    base, _, tokens = served
    broken = SOURCE.read_bytes().replace(b"a bkg:SourceGraph", b"a bkg:Nonsense")
    status, headers, body = request(base, "PUT", TUBULIS_GRAPH, broken, tokens["tubulis"])
    assert (status, headers["content-type"]) == (422, "application/json"), body
    report = json.loads(body)
    assert report["conforms"] is False and report["findings"]
    assert set(report["findings"][0]) == {"focus", "path", "value", "message", "shape", "severity"}
    status, headers, turtle = request(base, "PUT", TUBULIS_GRAPH, broken, tokens["tubulis"], Accept="text/turtle")
    assert (status, headers["content-type"]) == (422, "text/turtle; charset=utf-8")
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    shacl = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(list(graph.subjects(rdflib.RDF.type, shacl.ValidationReport))) == 1
    assert len(list(graph.objects(None, shacl.result))) == len(report["findings"])
    assert not ask(base, ASK_TUBULIS)


REFUSALS = [
    (None, TUBULIS_GRAPH, 401, "a write needs a curator's token: Authorization: Bearer biokg_...\n"),
    ("biokg_000000000000_" + "x" * 43, TUBULIS_GRAPH, 401, "the bearer token is not valid, or was revoked\n"),
    ("other", TUBULIS_GRAPH, 403, "may write https://w3id.org/biokg/graph/elsewhere, not <" + TUBULIS_GRAPH),
    ("tubulis", GRAPHS + "metadata", 403, "is shipped with biokg or is its metadata graph"),
]


def test_a_write_without_the_right_token_is_refused_with_a_message(served: Served) -> None:
    base, _, tokens = served
    for token, graph, status, message in REFUSALS:
        presented = tokens.get(token, token) if token else None
        answered, headers, body = request(base, "PUT", graph, SOURCE.read_bytes(), presented)
        assert (answered, message in body.decode()) == (status, True), (token, graph, body)
        if status == 401:
            assert headers["www-authenticate"] == 'Bearer realm="biokg"'
    assert not ask(base, ASK_TUBULIS)


def test_a_body_of_another_graph_or_type_is_refused(served: Served) -> None:
    base, _, tokens = served
    status, _, body = request(base, "PUT", GRAPHS + "elsewhere", SOURCE.read_bytes(), tokens["other"])
    assert status == 400
    assert body.decode() == (
        f"a write holds statements of its graph <{GRAPHS}elsewhere> and its source record in the metadata graph "
        f"only, not of <{TUBULIS_GRAPH}>\n"
    )
    status, _, body = request(base, "PUT", TUBULIS_GRAPH, b"{}", tokens["tubulis"], **{"Content-Type": "text/json"})
    types = "text/turtle, application/trig, application/n-triples, application/n-quads"
    assert (status, body) == (415, f"a write's body is one of {types}, not text/json\n".encode())
    status, _, body = request(base, "PUT", TUBULIS_GRAPH, b"<a> <b> .", tokens["tubulis"])
    assert status == 400 and body.startswith(b"the request body:1:")


def test_the_public_endpoint_stays_read_only_and_writes_are_off_without_a_token(tmp_path: Path) -> None:
    with biokg_serving(["--store", str(tmp_path / "store")], tmp_path / "serve.log") as (base, _):
        status, _, body = request(base, "PUT", TUBULIS_GRAPH, SOURCE.read_bytes(), "biokg_x")
        off = b"writes are off: no curator token exists (`biokg token create --role curator`)\n"
        assert (status, body) == (401, off)
        update = urllib.parse.urlencode({"update": f"INSERT DATA {{ GRAPH <{TUBULIS_GRAPH}> {{ <a:b> <a:c> 1 }} }}"})
        sent = urllib.request.Request(f"{base}/sparql", data=update.encode(), method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            OPENER.open(sent, timeout=30)
        assert refused.value.code == 400
        refused.value.close()


def update(base: str, text: str, token: str | None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/sparql-update", **({"Authorization": f"Bearer {token}"} if token else {})}
    sent = urllib.request.Request(f"{base}/update", data=text.encode(), method="POST", headers=headers)
    try:
        with OPENER.open(sent, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.read()


ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
ALIAS = f'INSERT DATA {{ GRAPH <{TUBULIS_GRAPH}> {{ <{TUBULIS}> {ALT_LABEL} "%s" }} }}'


def test_a_curator_updates_a_graph_and_an_update_elsewhere_or_outside_the_store_is_refused(served: Served) -> None:
    base, store, tokens = served
    assert request(base, "PUT", TUBULIS_GRAPH, SOURCE.read_bytes(), tokens["tubulis"])[0] == 201
    status, body = update(base, ALIAS.replace('"%s"', '"Tubulis GmbH"@de'), tokens["tubulis"])
    assert (status, json.loads(body)["writes"][0]["added"]) == (200, 1), body
    assert ask(base, f'ASK {{ <{TUBULIS}> {ALT_LABEL} "Tubulis GmbH"@de }}')
    status, body = update(base, ALIAS % "no language", tokens["tubulis"])
    assert status == 422 and "skos:altLabel needs a language tag" in body.decode()
    assert update(base, ALIAS.replace('"%s"', '"x"@en'), tokens["other"]) == (
        403,
        f"token {tokens['other'].split('_')[1]} may write {GRAPHS}elsewhere, not <{TUBULIS_GRAPH}>\n".encode(),
    )
    assert update(base, f"LOAD <http://example.org/data.ttl> INTO GRAPH <{TUBULIS_GRAPH}>", tokens["tubulis"]) == (
        400,
        b"LOAD is refused in updates: an update reads and writes this store only\n",
    )
    nothing = f"DELETE DATA {{ GRAPH <{TUBULIS_GRAPH}> {{ <a:x> <a:y> <a:z> }} }}"
    assert update(base, nothing, tokens["tubulis"]) == (200, b'{"writes": []}\n')
    status, body = update(base, "INSERT DATA { GRAPH <a:b> { <a:c> <a:d> }", tokens["tubulis"])
    assert status == 400 and body.startswith(b"malformed SPARQL query: line 1, column")
    assert not ask(base, f'ASK {{ <{TUBULIS}> {ALT_LABEL} "x"@en }}')
    trail = biokg("history", "--store", store).stdout.splitlines()
    assert [line.split()[2] for line in trail[2:-1]] == ["PUT", "UPDATE"] and trail[-1] == "(2 writes)"


def get(base: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with OPENER.open(urllib.request.Request(base + path, headers=headers), timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, dict(refused.headers), refused.read()


def test_caches_validators_dumps_void_and_search_follow_a_write(served: Served) -> None:
    base, _, tokens = served
    health = json.loads(get(base, "/healthz")[2])
    canned = get(base, "/api/queries/class-counts?format=csv")[2]
    assert get(base, "/id/organization/tubulis.ttl")[0] == 404
    dump_headers = get(base, "/dumps/biokg.nt.gz")[1]
    assert json.loads(get(base, "/api/search?q=tubulis")[2])["results"] == []
    assert request(base, "PUT", TUBULIS_GRAPH, SOURCE.read_bytes(), tokens["tubulis"])[0] == 201
    triples = json.loads(get(base, "/healthz")[2])["triples"]
    assert triples > health["triples"]
    assert get(base, "/api/queries/class-counts?format=csv")[2] != canned
    status, _, page = get(base, "/id/organization/tubulis.ttl")
    assert status == 200 and b"Tubulis" in page
    status, _, new_dump = get(base, "/dumps/biokg.nt.gz", **{"If-None-Match": dump_headers["etag"]})
    assert status == 200 and len(gzip.decompress(new_dump).splitlines()) == triples
    void = rdflib.Graph().parse(data=get(base, "/.well-known/void", Accept="text/turtle")[2], format="turtle")
    dataset = rdflib.URIRef(f"{base}/.well-known/void#dataset")
    counts = [int(str(count)) for count in void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#triples"))]
    assert triples in counts, (dataset, counts)
    hits = json.loads(get(base, "/api/search?q=tubulis")[2])["results"]
    assert [hit["iri"] for hit in hits][:1] == [TUBULIS]


def test_a_server_killed_in_the_middle_of_writes_leaves_each_one_whole_or_not_at_all(tmp_path: Path) -> None:
    """Twenty times: a write of one of two versions of a source, the server killed (SIGKILL) at a random moment
    of it; the store on disk then holds the graph as it was before the write or after it, never a mix, and an
    acknowledged write is always there."""
    store = tmp_path / "store"
    token = biokg("token", "create", "--role", "curator", "--store", store).stdout.strip()
    extra = b'    organization:tubulis skos:altLabel "Tubulis GmbH"@de .\n'
    head, tail = SOURCE.read_bytes().rsplit(b"\n}", 1)  # the end of the Tubulis graph, the file's last
    versions = [SOURCE.read_bytes(), head + b"\n" + extra + b"}" + tail]
    graphs = [_graph_of(version) for version in versions]
    assert graphs[0] != graphs[1]
    options = ["--store", str(store), "--workers", "1", "--no-warm"]
    with biokg_serving(options, tmp_path / "serve.log") as (base, _):  # how long a write takes here, uncut
        started = time.perf_counter()
        assert request(base, "PUT", TUBULIS_GRAPH, versions[1], token)[0] == 201
        took = time.perf_counter() - started
    held = graphs[1]
    moments = random.Random(21)
    outcomes = []
    for kill in range(20):
        written = graphs[kill % 2]
        answers: list[int] = []
        with biokg_serving(options, tmp_path / "serve.log") as (base, process):
            writing = threading.Thread(target=_put, args=(base, versions[kill % 2], token, answers))
            writing.start()
            time.sleep(moments.uniform(0.0, 2 * took))
            process.kill()
            process.wait(10)
            writing.join(130)
        found = _held(store)
        assert found in (held, written), f"kill {kill}: the graph is neither as before nor as after the write"
        if answers and answers[0] in (200, 201):
            assert found == written, f"kill {kill}: an acknowledged write is missing"
        outcomes.append("after" if found == written else "before")
        held = found
    assert "before" in outcomes and "after" in outcomes  # the kills fell both before and after commits


def _put(base: str, body: bytes, token: str, answers: list[int]) -> None:
    """PUT the Tubulis graph; its status, if an answer comes before the server is killed."""
    with contextlib.suppress(OSError):
        answers.append(request(base, "PUT", TUBULIS_GRAPH, body, token)[0])


def _graph_of(trig: bytes) -> frozenset[tuple[str, str, str]]:
    graph = ox.NamedNode(TUBULIS_GRAPH)
    quads = [quad for quad in ox.parse(trig, format=ox.RdfFormat.TRIG) if quad.graph_name == graph]
    return frozenset((str(q.subject), str(q.predicate), str(q.object)) for q in quads)


def _held(store: Path) -> frozenset[tuple[str, str, str]]:
    """The Tubulis graph as the store on disk holds it (its lock is free: the server was killed)."""
    opened = EmbeddedStore(store)
    graph = opened.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(TUBULIS_GRAPH))
    return frozenset((str(q.subject), str(q.predicate), str(q.object)) for q in graph)


def test_a_write_that_moves_a_place_refreshes_the_index_rows_of_everything_in_it() -> None:
    """What contains a place decides the country of everything located in it, at any depth."""
    inside, located = "https://schema.org/containedInPlace", "https://schema.org/location"
    store = EmbeddedStore()

    def statement(subject: str, predicate: str, value: str) -> ox.Quad:
        return ox.Quad(
            ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(value), ox.NamedNode(GRAPHS + "g")
        )

    moved = statement("http://example.org/region", inside, "http://example.org/country")
    store.oxigraph.extend(
        [
            statement("http://example.org/city", inside, "http://example.org/region"),
            statement("http://example.org/company", located, "http://example.org/city"),
            statement("http://example.org/elsewhere", located, "http://example.org/other-city"),
            moved,
        ]
    )
    assert touched_resources(store, {moved.triple}) == {
        "http://example.org/region",
        "http://example.org/city",
        "http://example.org/company",
    }
