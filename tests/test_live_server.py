"""`biokg serve` as users meet it: real HTTP, real clients (SPARQLWrapper, rdflib), real time limits."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document, Text

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from servers import biokg_serving, free_port, wait_until_answering
from SPARQLWrapper import CSV, JSON, JSONLD, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import URITooLong

PEOPLE = "SELECT ?person WHERE { ?person a <https://w3id.org/biokg/ontology#Person> } ORDER BY ?person"
DOMDEY = "https://w3id.org/biokg/id/person/horst-domdey"
AKIRA = "https://w3id.org/biokg/id/person/shizuko-akira"
DESCRIBE = f"CONSTRUCT {{ <{DOMDEY}> ?p ?o }} WHERE {{ <{DOMDEY}> ?p ?o }}"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
TIME_LIMIT = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    options = ["--time-limit", str(TIME_LIMIT), "--workers", "2"]
    with biokg_serving(options, tmp_path_factory.mktemp("serve") / "serve.log") as serving:
        yield serving


def wrapper(base: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_reads_json_and_xml(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = server
    answer = wrapper(base, PEOPLE, JSON).queryAndConvert()
    assert isinstance(answer, dict)
    assert [row["person"]["value"] for row in answer["results"]["bindings"]] == [DOMDEY, AKIRA]
    document = wrapper(base, PEOPLE, XML).queryAndConvert()
    assert isinstance(document, Document)
    uris = []
    for node in document.getElementsByTagName("uri"):
        assert isinstance(node.firstChild, Text)
        uris.append(node.firstChild.data)
    assert uris == [DOMDEY, AKIRA]


def test_sparqlwrapper_reads_csv_and_tsv(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = server
    assert wrapper(base, PEOPLE, CSV).queryAndConvert() == f"person\r\n{DOMDEY}\r\n{AKIRA}\r\n".encode()
    assert wrapper(base, PEOPLE, TSV).queryAndConvert() == f"?person\n<{DOMDEY}>\n<{AKIRA}>\n".encode()


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD])
def test_sparqlwrapper_reads_graphs(server: tuple[str, subprocess.Popen[bytes]], fmt: str) -> None:
    base, _ = server
    answer = wrapper(base, DESCRIBE, fmt).queryAndConvert()
    assert isinstance(answer, (rdflib.Graph, bytes, str))
    graph = (
        answer
        if isinstance(answer, rdflib.Graph)
        else rdflib.Graph().parse(data=answer, format="turtle" if fmt == TURTLE else "json-ld")
    )
    assert len(graph) == 5
    assert set(graph.subjects()) == {rdflib.URIRef(DOMDEY)}


def test_rdflib_sparqlstore_as_a_client(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = server
    graph = rdflib.Graph(store=SPARQLStore(f"{base}/sparql"))
    assert [str(row[0]) for row in graph.query(PEOPLE)] == [DOMDEY, AKIRA]  # type: ignore[index]
    assert graph.query(f"ASK {{ <{DOMDEY}> ?p ?o }}").askAnswer is True


def cpu_seconds_of_tree(pid: int) -> float:
    """User and system CPU seconds of a process and all its children, read from /proc."""
    tree, total = {pid}, 0.0
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    changed = True
    while changed:
        children = {child for child, (parent, _) in stats.items() if parent in tree} - tree
        changed = bool(children)
        tree |= children
    for member in tree:
        total += stats.get(member, (0, 0))[1]
    return total / os.sysconf("SC_CLK_TCK")


def test_a_runaway_query_is_stopped_while_others_are_served(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, process = server
    outcome: dict[str, object] = {}

    def runaway() -> None:
        request = urllib.request.Request(f"{base}/sparql", data=f"query={ENDLESS}".encode(), method="POST")
        try:
            urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as error:
            outcome["status"] = error.code
            outcome["message"] = error.read().decode()

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # the runaway query is now burning one worker
    started = time.perf_counter()
    answer = wrapper(base, PEOPLE, JSON).queryAndConvert()
    cheap_seconds = time.perf_counter() - started
    assert isinstance(answer, dict)
    assert [row["person"]["value"] for row in answer["results"]["bindings"]] == [DOMDEY, AKIRA]
    assert cheap_seconds < 1.0
    thread.join(TIME_LIMIT + 10)
    assert outcome == {
        "status": 503,
        "message": f"the query ran past the time limit of {TIME_LIMIT} s and was stopped\n",
    }
    time.sleep(2)  # within 2 s of the stop, the server's CPU is back to idle
    before = cpu_seconds_of_tree(process.pid)
    time.sleep(1)
    assert cpu_seconds_of_tree(process.pid) - before < 0.2


@contextlib.contextmanager
def own_server(log_path: Path, *flags: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server of the test's own, with its flags, killed at the end whatever happened."""
    port = free_port()
    command = [sys.executable, "-m", "biokg", "serve", "--port", str(port), *flags]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{base}/healthz", process, 60)
            yield base, process
        finally:
            process.kill()
            process.wait(10)


def test_sigterm_during_a_long_query_stops_the_server_promptly(tmp_path: Path) -> None:
    with own_server(tmp_path / "serve.log", "--time-limit", "60", "--workers", "1") as (base, process):
        request = urllib.request.Request(f"{base}/sparql", data=f"query={ENDLESS}".encode(), method="POST")
        threading.Thread(target=lambda: _ignore_errors(request), daemon=True).start()
        time.sleep(1)
        process.terminate()
        started = time.perf_counter()
        process.wait(10)
        assert time.perf_counter() - started < 5
    assert _children_of(process.pid) == []


ENDLESS_FORM = urllib.parse.urlencode({"query": ENDLESS})
LEAVING_REQUESTS = {
    "/sparql": "POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    f"Content-Length: {len(ENDLESS_FORM)}\r\n\r\n{ENDLESS_FORM}",
    "/api/queries/endless": "GET /api/queries/endless HTTP/1.1\r\nHost: test\r\n\r\n",
    "/queries/endless": "GET /queries/endless HTTP/1.1\r\nHost: test\r\n\r\n",
}


@pytest.mark.parametrize("path", LEAVING_REQUESTS)
def test_a_query_whose_client_left_is_stopped(tmp_path: Path, path: str) -> None:
    log = tmp_path / "serve.log"
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "endless.rq").write_text(f"#+ summary: A query that runs for minutes\n{ENDLESS}\n")
    # Not warmed: the endless query would hold the only worker for the warm-up's 10 s before the test starts it.
    flags = ("--time-limit", "60", "--workers", "1", "--no-warm", "--queries", str(tmp_path / "queries"))
    with own_server(log, *flags) as (base, _):
        address = urllib.parse.urlsplit(base)
        with socket.create_connection((address.hostname, address.port)) as connection:
            connection.sendall(LEAVING_REQUESTS[path].encode())
            time.sleep(1)  # the runaway query now holds the only worker; then its client hangs up
        started = time.perf_counter()
        with urllib.request.urlopen(
            f"{base}/sparql?{urllib.parse.urlencode({'query': PEOPLE, 'format': 'csv'})}", timeout=10
        ) as answer:
            assert answer.read() == f"person\r\n{DOMDEY}\r\n{AKIRA}\r\n".encode()
        assert time.perf_counter() - started < 5  # not the 59 s the runaway query had left
    assert f'"path":"{path}","status":499' in log.read_text().replace(" ", "")


def _ignore_errors(request: urllib.request.Request) -> None:
    with contextlib.suppress(OSError):
        urllib.request.urlopen(request, timeout=30)


def _children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    children.append(int(entry.name))
            except OSError:
                continue
    return children


def test_a_killed_server_leaves_no_worker_running() -> None:
    port = free_port()
    command = [sys.executable, "-m", "biokg", "serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_answering(f"http://127.0.0.1:{port}/healthz", process, 60)
    workers = _children_of(process.pid)
    assert len(workers) == 2
    process.kill()
    process.wait(10)
    time.sleep(0.5)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)] == []


def _state(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@pytest.mark.parametrize("syntax", ["turtle", "rdfxml"])
def test_rapper_parses_what_a_resource_iri_serves(server: tuple[str, subprocess.Popen[bytes]], syntax: str) -> None:
    """Raptor's `rapper` (Debian's raptor2-utils) as the client: it sends its own Accept header."""
    base, _ = server
    result = subprocess.run(
        ["rapper", "--quiet", "-i", syntax, "-o", "ntriples", f"{base}/id/person/horst-domdey"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f'<{DOMDEY}> <https://schema.org/familyName> "Domdey" .' in result.stdout.splitlines()


def test_rdflib_parses_a_resource_iri_by_its_url(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = server
    graph = rdflib.Graph()
    graph.parse(f"{base}/id/person/horst-domdey")
    assert graph.value(rdflib.URIRef(DOMDEY), rdflib.URIRef("https://schema.org/familyName")) == rdflib.Literal(
        "Domdey"
    )


def test_an_answer_larger_than_a_pipe_buffer_arrives_whole(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """The worker writes a large answer while the server reads it: no row may go missing on the way."""
    base, _ = server
    every_quad = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    counted = wrapper(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", JSON).queryAndConvert()
    assert isinstance(counted, dict)
    quads = int(counted["results"]["bindings"][0]["n"]["value"])
    body = wrapper(base, every_quad, JSON).query().response.read()
    assert len(body) > 65_536
    assert len(json.loads(body)["results"]["bindings"]) == quads


def test_a_query_too_long_for_a_url_gets_414_saying_to_post_it(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """SPARQLWrapper sends queries by GET: past httptools' URL limit it must hear 414, then POST works."""
    base, _ = server
    padded = PEOPLE + " #" + "x" * 70_000
    with pytest.raises(URITooLong) as refused:
        wrapper(base, padded, JSON).queryAndConvert()
    assert "send a long query by POST, as application/sparql-query or form-encoded" in str(refused.value)
    posted = wrapper(base, padded, JSON)
    posted.setMethod(POST)
    answer = posted.queryAndConvert()
    assert isinstance(answer, dict)
    assert [row["person"]["value"] for row in answer["results"]["bindings"]] == [DOMDEY, AKIRA]


@pytest.mark.parametrize(
    ("start", "status"),
    [
        (b"GET /sparql?query=" + b"x" * 70_000, b"414 URI Too Long"),
        (
            b"GET /healthz HTTP/1.1\r\nHost: biokg\r\nX-Padding: " + b"x" * 300_000,
            b"431 Request Header Fields Too Large",
        ),
    ],
    ids=["url", "headers"],
)
def test_an_overlong_request_head_is_refused_before_its_end_arrives(
    server: tuple[str, subprocess.Popen[bytes]], start: bytes, status: bytes
) -> None:
    """The server answers once the URL or the headers pass their limit, without waiting for (or holding) the
    rest: httptools gathers a header in the event loop, and a 60 MB one froze every other request for seconds."""
    base, _ = server
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(start)  # no end of line: the request is still coming
        reply = connection.recv(200)
    assert reply.startswith(b"HTTP/1.1 " + status + b"\r\n")
    with urllib.request.urlopen(f"{base}/healthz", timeout=10) as health:
        assert health.status == 200


def test_a_body_over_the_limit_gets_413_before_it_arrives_or_as_it_grows(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """A declared length over the limit (1,000,000 bytes by default) is refused before any of the body is sent; a
    chunked body, whose length nobody declares, once it has grown past the limit."""
    base, _ = server
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    head = b"POST /sparql HTTP/1.1\r\nHost: biokg\r\nContent-Type: application/sparql-query\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as declared:
        declared.sendall(head + b"Content-Length: 2000000\r\n\r\n")
        assert declared.recv(200).startswith(b"HTTP/1.1 413 Request Entity Too Large\r\n")
    with socket.create_connection((host, int(port)), timeout=10) as chunked:
        chunked.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"#" * 100_000
        for _ in range(11):
            chunked.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        assert chunked.recv(200).startswith(b"HTTP/1.1 413 Request Entity Too Large\r\n")


def _long_values(rows: int) -> bytes:
    """A POST of a query whose answer holds `rows` values of 20 KiB each."""
    doubled = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(11))
    query = f'SELECT ?v11 WHERE {{ ?s ?p ?o BIND("0123456789" AS ?v0) {doubled} }} LIMIT {rows}'
    body = urllib.parse.urlencode({"query": query, "format": "csv"}).encode()
    head = "POST /sparql HTTP/1.1\r\nHost: biokg\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def _small_window(host: str, port: int, receive_buffer: int) -> socket.socket:
    """A connection with a small receive buffer, so that most of a long answer waits in the server."""
    connection = socket.socket()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    connection.settimeout(10)
    connection.connect((host, port))
    return connection


def test_a_client_that_takes_none_of_its_answer_is_dropped_and_a_slow_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer is handed to the connection whole: a client that never reads it would keep it in the server's
    memory for good. One that reads slowly but steadily gets all of it."""
    monkeypatch.setenv("BIOKG_SEND_STALL_SECONDS", "2")
    with own_server(tmp_path / "serve.log", "--workers", "1") as (base, _):
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        with _small_window(host, int(port), 4096) as stalled:
            stalled.sendall(_long_values(1200))  # about 24 MB
            time.sleep(7)  # the answer is written, then the client takes none of it for longer than 2 s
            taken = 0
            with contextlib.suppress(ConnectionResetError):
                while chunk := stalled.recv(1 << 20):
                    taken += len(chunk)
        whole = len("v11\r\n") + 400 * (20_480 + 2)
        with _small_window(host, int(port), 65_536) as slow:
            slow.sendall(_long_values(400))  # about 8 MB, taken a little at a time for several seconds
            answer = b""
            while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < whole:
                time.sleep(0.1)
                chunk = slow.recv(1 << 20)
                assert chunk, "the server closed the connection of a client that was taking its answer"
                answer += chunk
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as health:
            assert health.status == 200
    assert 0 < taken < 12_000_000  # what the kernel's buffers held when the server let go
    assert len(answer.split(b"\r\n\r\n", 1)[1]) == whole
    assert "it took none of its answer for 2 s" in (tmp_path / "serve.log").read_text()


def test_answers_waiting_for_their_clients_stay_within_the_servers_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many clients that read slowly would each keep a large answer in the server's memory: past the budget, a
    query gets 503 and Retry-After; once the answer is taken (or its client dropped), the budget is free again."""
    monkeypatch.setenv("BIOKG_SEND_BUDGET_MIB", "30")
    monkeypatch.setenv("BIOKG_SEND_STALL_SECONDS", "6")  # well past the second query's time
    log = tmp_path / "serve.log"
    with own_server(log, "--workers", "1") as (base, _):
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        request = _long_values(1200).split(b"\r\n\r\n", 1)[1]  # the form: an answer of about 24 MB
        with _small_window(host, int(port), 4096) as stalled:
            stalled.sendall(_long_values(1200))
            time.sleep(1.5)  # its answer is being sent, and waits for it
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(urllib.request.Request(f"{base}/sparql", data=request), timeout=30)
            deadline = time.monotonic() + 20
            while "took none of its answer" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
        with urllib.request.urlopen(urllib.request.Request(f"{base}/sparql", data=request), timeout=30) as taken:
            answer = taken.read()
    with refused.value as busy:
        assert (busy.code, busy.headers["Retry-After"]) == (503, "5")
        assert busy.read() == (b"answers being sent to their clients fill this server's budget (30 MiB); try again\n")
    assert len(answer) == len("v11\r\n") + 1200 * (20_480 + 2)


def _whole_response(connection: socket.socket) -> bytes:
    """One response read to the end of its body (by its Content-Length), so that the next read is the next one."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(1000)
    head, body = received.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(1000)
    return head + b"\r\n\r\n" + body


def test_a_request_that_never_ends_gets_408_and_a_silent_connection_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connections that hold a head or a body open (or say nothing) would use up the server's connections; a
    request that came in time is not cut, however long its query runs; a client leaving mid-body is no error."""
    monkeypatch.setenv("BIOKG_REQUEST_READ_SECONDS", "1")
    post = b"POST /sparql HTTP/1.1\r\nHost: b\r\nContent-Type: application/sparql-query\r\nContent-Length: 99\r\n\r\n"
    with own_server(tmp_path / "serve.log", "--time-limit", "2", "--workers", "1") as (base, _):
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        with (
            socket.create_connection((host, int(port)), timeout=10) as silent,
            socket.create_connection((host, int(port)), timeout=10) as slow_head,
            socket.create_connection((host, int(port)), timeout=10) as slow_body,
            socket.create_connection((host, int(port)), timeout=10) as leaving,
            socket.create_connection((host, int(port)), timeout=10) as kept_alive,
        ):
            kept_alive.sendall(b"GET /healthz HTTP/1.1\r\nHost: biokg\r\n\r\n")
            assert _whole_response(kept_alive).startswith(b"HTTP/1.1 200 OK\r\n")
            kept_alive.sendall(b"GET /healthz HTTP/1.1\r\n")  # its next request's head never ends
            slow_head.sendall(b"GET /healthz HTTP/1.1\r\nHost: biokg\r\n")  # the head's end never comes
            slow_body.sendall(post + b"ASK {")  # nor the body's
            leaving.sendall(post + b"ASK {")
            leaving.close()
            assert slow_head.recv(200).startswith(b"HTTP/1.1 408 Request Timeout\r\n")
            answer = b"".join(iter(lambda: slow_body.recv(500), b""))  # to the end: the server closes
            assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
            assert answer.endswith(b"\r\n\r\nthe request body did not arrive within 1 s\n")
            assert silent.recv(200) == b""
            assert kept_alive.recv(200).startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        request = urllib.request.Request(f"{base}/sparql", data=f"query={ENDLESS}".encode(), method="POST")
        with pytest.raises(urllib.error.HTTPError) as stopped:
            urllib.request.urlopen(request, timeout=30)
        with stopped.value as refusal:
            assert (refusal.code, refusal.read()) == (
                503,
                b"the query ran past the time limit of 2 s and was stopped\n",
            )


def test_the_first_pages_of_the_canned_queries_are_answered_before_anyone_asks(tmp_path: Path) -> None:
    """Once /healthz says the canned queries are warmed, the first request for a query on its defaults, from
    the API and from its page, is answered from the cache; one with a value given is not."""
    log = tmp_path / "serve.log"
    with own_server(log, "--workers", "1") as (base, _):
        deadline = time.monotonic() + 60
        while not _health(base)["canned_warmed"]:
            assert time.monotonic() < deadline, "the canned queries were not warmed within 60 s"
            time.sleep(0.2)
        for path in ("/api/queries/posts-in?format=csv", "/queries/timeline", "/api/queries/timeline?since=2022"):
            with urllib.request.urlopen(base + path, timeout=30) as answer:
                assert answer.status == 200
        time.sleep(0.5)  # the access log is written after the answer
        entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith('{"')]
        asked = [(entry["path"], entry.get("cache")) for entry in entries if entry["path"] != "/healthz"]
        assert asked == [
            ("/api/queries/posts-in", "hit"),
            ("/queries/timeline", "hit"),
            ("/api/queries/timeline", "miss"),
        ]
        assert "first pages of 22 canned queries answered in" in log.read_text()


def _health(base: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{base}/healthz", timeout=10) as health:
        answer = json.loads(health.read())
    assert isinstance(answer, dict)
    return answer
