"""Cache benchmark: the heavy queries of the endpoint mix asked again and again, biokg beside `oxigraph serve` in
memory (the same engine, no cache: it computes each answer anew), and a cheap request of each for scale.

`oxigraph serve` runs without `--location` and gets the data POSTed to its `/store`; `biokg serve` loads the same
file into its on-disk store and serves its copy in memory with the answer cache. Each query is sent by 8
keep-alive clients for the given seconds, one server after the other.

    python benchmarks/cache.py [--triples 1000000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from endpoint import QUERIES, hammer, wait_for, write_biokg_store
from generate import generate

HEAVY = ("2-hop join, whole graph", "aggregation", "property path, whole graph", "text filter, whole graph")
CHEAP = "point lookup"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    arguments = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = work / "synthetic.trig"
        organisations = generate(arguments.triples, data)
        write_biokg_store(data, work / "biokg")
        servers = {
            "biokg": (
                [sys.executable, "-m", "biokg", "serve", "--store", str(work / "biokg"), "--port", "18111"],
                "http://127.0.0.1:18111/sparql",
            ),
            "oxigraph in memory": (
                [str(bin_dir / "oxigraph"), "serve", "--bind", "127.0.0.1:18112", "--union-default-graph"],
                "http://127.0.0.1:18112/query",
            ),
        }
        results = {}
        for server, (command, url) in servers.items():
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_for(url, process, 900)
                if server.startswith("oxigraph"):
                    request = urllib.request.Request(
                        "http://127.0.0.1:18112/store", data.read_bytes(), {"Content-Type": "application/trig"}
                    )
                    urllib.request.urlopen(request, timeout=900).close()
                for name in (*HEAVY, CHEAP):
                    results[(name, server)] = hammer(
                        url, QUERIES[name], organisations, arguments.clients, arguments.seconds, 120
                    )
            finally:
                process.terminate()
                process.wait(30)
    print(
        f"{arguments.triples:,} triples; {arguments.clients} clients, {arguments.seconds:g} s per query and server\n"
    )
    print(f"{'query':28} {'server':20} {'p50 ms':>9} {'p99 ms':>9} {'req/s':>9} {'errors':>6}")
    for name in (*HEAVY, CHEAP):
        for server in servers:
            result = results[(name, server)]
            print(
                f"{name:28} {server:20} {result.p50 * 1000:9.2f} {result.p99 * 1000:9.2f} {result.throughput:9.1f} {result.errors:6}"
            )
        biokg, oxigraph = (results[(name, server)] for server in servers)
        print(f"{'':28} p50 biokg/oxigraph in memory: {biokg.p50 / oxigraph.p50:.3f}\n")


if __name__ == "__main__":
    main()
