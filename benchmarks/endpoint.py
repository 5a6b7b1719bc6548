"""Endpoint benchmark: biokg serve, oxigraph serve and rdflib-endpoint on the same generated graph, in one run.

A bounded concurrent client (8 threads, keep-alive connections) sends each query of a mix to each server for a
fixed time, and prints latency p50/p99, throughput, and the ratios biokg/oxigraph and rdflib-endpoint/biokg.

    pip install -r benchmarks/requirements.txt
    python benchmarks/endpoint.py [--triples 1000000] [--seconds 10] [--clients 8]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from generate import generate

ID = "https://w3id.org/biokg/id/"
BKG = "https://w3id.org/biokg/ontology#"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
IN_PLACE = "<https://schema.org/location>/<https://schema.org/containedInPlace>"
# Each of join, path and text comes twice: selective (a few rows, where the HTTP path decides the time) and over
# the whole graph (where the engine does).
QUERIES = {
    "point lookup": f"SELECT ?p ?o WHERE {{ <{ID}organization/org-{{n}}> ?p ?o }}",
    "2-hop join": (
        f"SELECT ?partner ?name WHERE {{ ?a <{BKG}party> <{ID}organization/org-{{n}}>, ?partner . "
        f"?partner {LABEL} ?name }}"
    ),
    "2-hop join, whole graph": (
        f"SELECT ?region (COUNT(DISTINCT ?partner) AS ?partners) WHERE {{ ?a <{BKG}party> ?org, ?partner . "
        f"?partner {IN_PLACE} ?region }} GROUP BY ?region"
    ),
    "aggregation": (
        f"SELECT ?year (COUNT(?s) AS ?signings) WHERE {{ ?s <{BKG}signingOf> ?a ; <{BKG}date> ?year }} "
        "GROUP BY ?year ORDER BY ?year"
    ),
    "property path": f"SELECT ?org ?country WHERE {{ ?org {IN_PLACE}+ ?country . ?country a <{BKG}Country> }} LIMIT 100",
    "property path, whole graph": (
        f"SELECT ?country (COUNT(?org) AS ?organisations) WHERE {{ ?org {IN_PLACE}+ ?country . "
        f"?country a <{BKG}Country> }} GROUP BY ?country"
    ),
    "text filter": f'SELECT ?s ?label WHERE {{ ?s {LABEL} ?label FILTER(CONTAINS(LCASE(STR(?label)), "helix")) }} LIMIT 100',
    "text filter, whole graph": (
        f'SELECT ?s ?label WHERE {{ ?s {LABEL} ?label FILTER(CONTAINS(LCASE(STR(?label)), "helix")) }} '
        "ORDER BY ?label LIMIT 100"
    ),
    "describe": f"DESCRIBE <{ID}person/p-{{n}}-ceo>",
}


@dataclass(frozen=True)
class Result:
    latencies: list[float]
    errors: int
    seconds: float
    first_error: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds


def hammer(url: str, query: str, organisations: int, clients: int, seconds: float, timeout: float) -> Result:
    """`clients` threads, each on its own keep-alive connection, sending the query until time is up; a request
    that takes longer than `timeout` seconds counts as an error."""
    parsed = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors = [0]
    first_error: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
        sent = 0
        while time.perf_counter() < deadline:
            text = query.replace("{n}", str((number * 7919 + sent * 104729) % organisations))
            body = urllib.parse.urlencode({"query": text})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "text/turtle" if query.startswith("DESCRIBE") else "application/sparql-results+json",
            }
            started = time.perf_counter()
            try:
                connection.request("POST", parsed.path, body, headers)
                response = connection.getresponse()
                answer = response.read()
                problem = "" if response.status == 200 else f"{response.status}: {answer[:200]!r}"
            except (OSError, http.client.HTTPException) as error:
                problem = repr(error)
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
            elapsed = time.perf_counter() - started
            with lock:
                if not problem:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
                    first_error[:] = first_error or [problem]
            sent += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(latencies, errors[0], time.perf_counter() - started, "".join(first_error))


def pss_mib(pid: int) -> float:
    """The proportional set size of a process and its descendants (pages shared between them counted once)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    tree = {pid}
    while grown := {child for child, parent in parents.items() if parent in tree} - tree:
        tree |= grown
    total_kib = 0
    for member in tree:
        with contextlib.suppress(OSError):
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()
            total_kib += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
    return total_kib / 1024


def write_biokg_store(data: Path, store: Path) -> None:
    """The data written into a biokg store on disk, in a process of its own, without validation (it is known to
    conform): what `biokg serve --store` then serves."""
    load = f"from pathlib import Path; from biokg.dataset import parse_for_load; from biokg.store import EmbeddedStore; EmbeddedStore(Path('{store}')).replace_graphs(parse_for_load([Path('{data}')]))"
    subprocess.run([sys.executable, "-c", load], check=True)


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    probe = url + "?query=" + urllib.parse.quote("ASK {}")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"a server exited before answering: {process.args}")
        try:
            with urllib.request.urlopen(probe, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=60, help="seconds after which a request counts as failed")
    arguments = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = work / "synthetic.trig"
        organisations = generate(arguments.triples, data)
        write_biokg_store(data, work / "biokg")  # served from memory
        subprocess.run(
            [str(bin_dir / "oxigraph"), "load", "--location", str(work / "ox"), "--file", str(data)],
            check=True,
            capture_output=True,
        )
        servers = {
            "biokg": (
                [
                    sys.executable,
                    "-m",
                    "biokg",
                    "serve",
                    "--store",
                    str(work / "biokg"),
                    "--port",
                    "18101",
                    "--time-limit",
                    "300",
                ],
                "http://127.0.0.1:18101/sparql",
            ),
            "oxigraph": (
                [
                    str(bin_dir / "oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(work / "ox"),
                    "--bind",
                    "127.0.0.1:18102",
                    "--union-default-graph",
                ],
                "http://127.0.0.1:18102/query",
            ),
            "rdflib-endpoint": (
                [
                    str(bin_dir / "rdflib-endpoint"),
                    "serve",
                    str(data),
                    "--store",
                    "Oxigraph",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "18103",
                ],
                "http://127.0.0.1:18103/",
            ),
        }
        try:
            for command, url in servers.values():
                process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                processes.append(process)
                wait_for(url, process, 900)
            # server by server, so that requests a slow server goes on with after a time-out only slow that server
            results: dict[tuple[str, str], Result] = {}
            memory: dict[str, float] = {}
            for (server, (_, url)), process in zip(servers.items(), processes, strict=True):
                for name, query in QUERIES.items():
                    results[(name, server)] = hammer(
                        url, query, organisations, arguments.clients, arguments.seconds, arguments.timeout
                    )
                memory[server] = pss_mib(process.pid)
        finally:
            for process in processes:
                process.terminate()
                process.wait(30)
    print(
        f"{arguments.triples:,} triples requested, {organisations:,} organisations; {arguments.clients} clients, {arguments.seconds:g} s per query and server\n"
    )
    print(f"{'query':26} {'server':16} {'p50 ms':>9} {'p99 ms':>9} {'req/s':>9} {'errors':>6}")
    for name in QUERIES:
        for server in servers:
            result = results[(name, server)]
            print(
                f"{name:26} {server:16} {result.p50 * 1000:9.1f} {result.p99 * 1000:9.1f} {result.throughput:9.1f} {result.errors:6}"
            )
            if result.first_error:
                print(f"{'':26} first error: {result.first_error}")
        biokg, oxigraph, rdflib = (results[(name, s)] for s in servers)
        # a server whose every request timed out is at least `timeout` slow
        rdflib_p50 = rdflib.p50 if rdflib.latencies else arguments.timeout
        at_least = "" if rdflib.latencies else ">= "
        print(
            f"{'':26} ratios: p50 biokg/oxigraph {biokg.p50 / oxigraph.p50:.2f}, "
            f"req/s biokg/oxigraph {biokg.throughput / oxigraph.throughput:.2f}, "
            f"p50 rdflib-endpoint/biokg {at_least}{rdflib_p50 / biokg.p50:.1f}\n"
        )
    sizes = ", ".join(f"{server} {mib:,.0f}" for server, mib in memory.items())
    print(f"memory after each server's queries (PSS of its processes, MiB): {sizes}")


if __name__ == "__main__":
    main()
