"""ROR import benchmark: the shared 13,503-record file imported, validated and served, and a query mix on it.

Prints the import's records/s and triples/s, its validation time and the store's size on disk, then starts
`biokg serve` on that store and `oxigraph serve-read-only` on the same quads, and sends each query of a mix over
the real graph from 8 clients, with the ratio biokg/oxigraph.

    python benchmarks/ror_import.py [--source PATH (default: ../shared/data/ror/ror-v2-latest.jsonl.gz beside the checkout)] [--seconds 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from endpoint import hammer, wait_for

from biokg.dataset import ensure_loaded
from biokg.formats import format_named
from biokg.ror.importer import import_ror
from biokg.sources import load_sources
from biokg.store import EmbeddedStore

PREFIXES = (
    "PREFIX bkg: <https://w3id.org/biokg/ontology#> PREFIX schema: <https://schema.org/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX org: <http://www.w3.org/ns/org#> "
)
QUERIES = {
    "companies in Bavaria": PREFIXES
    + "SELECT ?o ?l WHERE { ?o a bkg:Company ; rdfs:label ?l ; schema:location/schema:containedInPlace* "
    "<https://w3id.org/biokg/id/place/region/de-by> }",
    "organisations per country": PREFIXES
    + "SELECT ?country (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o schema:location/schema:containedInPlace* ?country . "
    "?country a bkg:Country } GROUP BY ?country ORDER BY DESC(?n)",
    "sub-organisations": PREFIXES
    + "SELECT ?child ?l WHERE { ?child org:subOrganizationOf+ <https://w3id.org/biokg/id/organization/ror-02kpeqv85> ; "
    "rdfs:label ?l }",
    "name search": PREFIXES
    + 'SELECT ?o ?l WHERE { ?o a bkg:Company ; rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), "pharma")) } LIMIT 50',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/ror/ror-v2-latest.jsonl.gz"
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    arguments = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sources = load_sources()
        store = EmbeddedStore(work / "biokg")
        ensure_loaded(store, sources)
        report = import_ror([arguments.source], store, sources)
        total = report.seconds["total"]
        size = sum(path.stat().st_size for path in (work / "biokg").rglob("*") if path.is_file())
        print(f"read {report.read:,} records, imported {report.imported:,}, rejected {len(report.rejected)}")
        print(
            f"{report.triples:,} triples in {total:.1f} s: {report.read / total:,.0f} records/s, "
            f"{report.triples / total:,.0f} triples/s"
        )
        print("seconds: " + ", ".join(f"{step} {seconds:.1f}" for step, seconds in report.seconds.items()))
        print(f"store on disk: {size / 2**20:.1f} MiB, {store.triple_count():,} quads\n")
        dump = work / "all.nq"
        dump.write_bytes(store.export(format_named("nquads")))
        del store
        subprocess.run(
            [str(bin_dir / "oxigraph"), "load", "--location", str(work / "ox"), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        servers = {
            "biokg": (
                [sys.executable, "-m", "biokg", "serve", "--store", str(work / "biokg"), "--port", "18121"],
                "http://127.0.0.1:18121/sparql",
            ),
            "oxigraph": (
                [
                    str(bin_dir / "oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(work / "ox"),
                    "--bind",
                    "127.0.0.1:18122",
                    "--union-default-graph",
                ],
                "http://127.0.0.1:18122/query",
            ),
        }
        processes = []
        try:
            for command, url in servers.values():
                processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                wait_for(url, processes[-1], 300)
            print(f"{'query':26} {'server':9} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
            for name, query in QUERIES.items():
                results = {
                    server: hammer(url, query, 1, arguments.clients, arguments.seconds, timeout=60)
                    for server, (_, url) in servers.items()
                }
                for server, result in results.items():
                    print(
                        f"{name:26} {server:9} {result.p50 * 1000:8.1f} {result.p99 * 1000:8.1f} {result.throughput:8.1f}"
                    )
                print(f"{'':26} p50 biokg/oxigraph {results['biokg'].p50 / results['oxigraph'].p50:.2f}\n")
        finally:
            for process in processes:
                process.terminate()
                process.wait(30)


if __name__ == "__main__":
    main()
