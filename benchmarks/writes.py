"""Writes benchmark: a curator's write of a 300-triple source into a store of a million triples, while eight
clients read, beside `oxigraph serve` in memory and on disk taking the same write the same way.

1. A generated graph that conforms (`generate.py`) loaded with `biokg load` into an on-disk store; a curator's
   token made for it; `biokg serve` on it.
2. Eight clients ask a query each, without pause (a different organisation's name each time, so that no answer
   comes from the cache), for a few seconds before the write, during it and after it.
3. The write: `PUT /graph-store?graph=...` of the change source of `validation.py` (three organisations more,
   about 300 triples), timed to its answer; then `ASK` asked until the new organisations are there (visible).
4. The same for `oxigraph serve` in memory (the dump loaded over its Graph Store Protocol) and on disk
   (`oxigraph load`), which write without validation and answer from the store they write.

    python benchmarks/writes.py [--triples 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from endpoint import wait_for
from generate import generate
from validation import change_source

READERS = 8
CHANGE_GRAPH = "https://w3id.org/biokg/graph/synthetic-change"
ORGANISATION = "https://w3id.org/biokg/id/organization/org-"


class Readers:
    """Eight clients asking without pause, each latency kept with the moment it ended."""

    def __init__(self, query_url: str, organisations: int) -> None:
        self.query_url = query_url
        self.organisations = organisations
        self.latencies: list[tuple[float, float]] = []
        self.failures = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read, args=(seed,)) for seed in range(READERS)]

    def __enter__(self) -> Readers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _read(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self._stop.is_set():
            organisation = f"<{ORGANISATION}{rng.randrange(self.organisations)}>"
            query = f"SELECT ?label WHERE {{ {organisation} <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
            url = f"{self.query_url}?{urllib.parse.urlencode({'query': query})}"
            request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    answer.read()
            except OSError:
                self.failures += 1
                continue
            ended = time.perf_counter()
            self.latencies.append((ended, (ended - started) * 1000))

    def between(self, start: float, end: float) -> list[float]:
        return [latency for moment, latency in self.latencies if start <= moment < end]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def visible(query_url: str, organisations: int) -> bool:
    ask = f"ASK {{ <{ORGANISATION}{organisations}> ?p ?o }}"
    url = f"{query_url}?{urllib.parse.urlencode({'query': ask})}"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"})) as answer:
        return bool(json.loads(answer.read())["boolean"])


def put(url: str, body: bytes, token: str | None) -> None:
    """biokg takes the source's TriG with its token; Oxigraph's Graph Store takes the graph's triples."""
    kind = "application/trig" if token else "application/n-triples"
    headers = {"Content-Type": kind, **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    with urllib.request.urlopen(request, timeout=600) as answer:
        answer.read()


def measure(name: str, query_url: str, write_url: str, body: bytes, token: str | None, organisations: int) -> None:
    """Readers before, during and after one write; the write's answer and visibility times."""
    with Readers(query_url, organisations) as readers:
        time.sleep(5)
        started = time.perf_counter()
        put(write_url, body, token)
        answered = time.perf_counter()
        while not visible(query_url, organisations):
            time.sleep(0.01)
        seen = time.perf_counter()
        time.sleep(5)
        ended = time.perf_counter()
    before = readers.between(started - 5, started)
    during = readers.between(started, seen)
    after = readers.between(seen, ended)
    print(
        f"{name:32} {answered - started:9.2f} {seen - started:9.2f} "
        f"{percentile(before, 0.5):7.1f} {percentile(before, 0.99):7.1f} "
        f"{percentile(during, 0.5):7.1f} {percentile(during, 0.99):7.1f} {len(during):6d} "
        f"{percentile(after, 0.99):7.1f} {readers.failures:5d}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    arguments = parser.parse_args()
    python, oxigraph = sys.executable, str(Path(sys.executable).parent / "oxigraph")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data, store, change = work / "synthetic.trig", work / "store", work / "change.trig"
        organisations = generate(arguments.triples, data)
        subprocess.run([python, "-m", "biokg", "load", "--store", str(store), str(data)], check=True)
        change_source(change, organisations)
        body = change.read_bytes()
        triples = ox.serialize(
            (q.triple for q in ox.parse(body, format=ox.RdfFormat.TRIG)), format=ox.RdfFormat.N_TRIPLES
        )
        made = [python, "-m", "biokg", "token", "create", "--role", "curator", "--store", str(store)]
        token = subprocess.run(made, capture_output=True, text=True, check=True).stdout.strip()
        dump = work / "all.nq"
        exported = [python, "-m", "biokg", "export", "--store", str(store), "--format", "nquads", "-o", str(dump)]
        subprocess.run(exported, check=True)
        subprocess.run([oxigraph, "load", "--location", str(work / "ox"), "--file", str(dump)], check=True)
        print(f"{arguments.triples:,} generated triples; a change of {len(triples.splitlines())} statements\n")
        print(
            f"{'server':32} {'answer s':>9} {'visible s':>9} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'p50 ms':>7} {'p99 ms':>7} {'reads':>6} {'p99 ms':>7} {'fail':>5}\n"
            f"{'':32} {'':>9} {'':>9} {'before':>15} {'during the write':>22} {'after':>7}"
        )
        servers = {
            "biokg serve --store": (
                [python, "-m", "biokg", "serve", "--store", str(store), "--port", "18151", "--no-warm"],
                "http://127.0.0.1:18151/sparql",
                f"http://127.0.0.1:18151/graph-store?graph={CHANGE_GRAPH}",
                token,
            ),
            "oxigraph serve, in memory": (
                [oxigraph, "serve", "--bind", "127.0.0.1:18152", "--union-default-graph"],
                "http://127.0.0.1:18152/query",
                f"http://127.0.0.1:18152/store?graph={CHANGE_GRAPH}",
                None,
            ),
            "oxigraph serve, on disk": (
                [
                    oxigraph,
                    "serve",
                    "--location",
                    str(work / "ox"),
                    "--bind",
                    "127.0.0.1:18153",
                    "--union-default-graph",
                ],
                "http://127.0.0.1:18153/query",
                f"http://127.0.0.1:18153/store?graph={CHANGE_GRAPH}",
                None,
            ),
        }
        for name, (command, query_url, write_url, credential) in servers.items():
            log = (work / "server.log").open("wb")
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            try:
                wait_for(query_url, process, 900)
                if "in memory" in name:
                    loading = urllib.request.Request(
                        query_url.replace("/query", "/store"),
                        data=dump.read_bytes(),
                        headers={"Content-Type": "application/n-quads"},
                    )
                    urllib.request.urlopen(loading, timeout=900).close()
                measure(name, query_url, write_url, body if credential else triples, credential, organisations)
            finally:
                process.terminate()
                process.wait()
                log.close()
            for line in (work / "server.log").read_text(errors="replace").splitlines():
                if "after a write" in line:  # biokg's own account of what followed the commit
                    print(f"{'':32} {line.strip()}")


if __name__ == "__main__":
    main()
