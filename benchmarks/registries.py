"""Registries benchmark: all three shared registries imported into one on-disk store, with validation, then every
canned query's first page asked of `biokg serve` over it, each beside the same engine measured in the same run.

1. `biokg import ror` (both ROR files, 51,370 records), `biokg import ema` and `biokg import clinicaltrials`, one
   after the other as a curator runs them, into a fresh on-disk store: wall time of each command. The reference
   is `oxigraph load` of the store's whole N-Quads dump into a fresh on-disk store (the engine's own bulk load,
   no validation).
2. `biokg serve` on the store, and `oxigraph serve` in memory over the same dump. Once biokg has answered the
   first pages of its canned queries into its cache (its warm-up, timed from the moment it answers), each canned
   query bound to its defaults (and `organisations` to a place, as a new user tries it) is asked once of biokg
   (first ask: from the warm-up for the defaults, a run of the engine for a place) and the same SPARQL text of
   oxigraph, which has no cache. Then the same page is asked again of biokg. Then the second page of every
   paginated query, in the same way, once all first pages are asked.

    python benchmarks/registries.py [--data ../shared/data] [--keep DIR [--reuse]]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from endpoint import wait_for

from biokg.canned import Catalogue
from biokg.shipped import shipped_dir

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PLACES = "https://w3id.org/biokg/id/place/"
ASKED = {
    "organisations": [f"place={PLACES}region/kansai", f"place={PLACES}country/us"],
    "search": ["text=kyoto"],
    "timeline": ["", "since=2020"],
}
"""Parameters beyond the defaults, as a new user would give them: Kansai, and the country with the most
organisations."""


def biokg(*arguments: str) -> float:
    """Run a biokg command; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "biokg", *arguments], check=True, capture_output=True)
    return time.perf_counter() - started


def get(url: str, accept: str = "application/sparql-results+json") -> tuple[float, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as answer:
        body = answer.read()
    return (time.perf_counter() - started) * 1000, body


def ask_oxigraph(url: str, query: str) -> float:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as answer:
        answer.read()
    return (time.perf_counter() - started) * 1000


def imports(data: Path, store: Path) -> dict[str, float]:
    ror = data / "ror"
    return {
        "import ror (both files)": biokg(
            "import",
            "ror",
            str(ror / "ror-v2-all-releases.jsonl.gz"),
            str(ror / "ror-v1-only.jsonl.gz"),
            "--store",
            str(store),
        ),
        "import ema": biokg(
            "import", "ema", str(data / "ema" / "medicines-epar-2023-06.xlsx"), "--store", str(store)
        ),
        "import clinicaltrials": biokg(
            "import", "clinicaltrials", str(data / "clinicaltrials" / "ctg-studies-sample.csv"), "--store", str(store)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--keep", type=Path, help="Keep the store in this folder.")
    parser.add_argument("--reuse", action="store_true", help="Serve the store kept in --keep without importing.")
    arguments = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = arguments.keep or work / "store"
        if not (arguments.reuse and arguments.keep):
            shutil.rmtree(store, ignore_errors=True)
        seconds = {} if arguments.reuse and arguments.keep else imports(arguments.data, store)
        total = sum(seconds.values())
        dump = work / "all.nq"
        biokg("export", "--format", "nquads", "--output", str(dump), "--store", str(store))
        started = time.perf_counter()
        subprocess.run(
            [str(bin_dir / "oxigraph"), "load", "--location", str(work / "ox"), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        loaded = time.perf_counter() - started
        quads = sum(1 for _ in dump.open("rb"))
        print(f"{quads:,} quads in the store\n")
        print(f"{'step':28s} {'seconds':>8s}")
        for step, took in seconds.items():
            print(f"{step:28s} {took:8.1f}")
        if seconds:
            print(f"{'all three, with validation':28s} {total:8.1f}")
            print(f"{'oxigraph load of the dump':28s} {loaded:8.1f}   (ratio {total / loaded:.1f}x)\n")

        servers = [
            subprocess.Popen(
                [sys.executable, "-m", "biokg", "serve", "--store", str(store), "--port", "18141"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
            subprocess.Popen(
                [str(bin_dir / "oxigraph"), "serve", "--bind", "127.0.0.1:18142", "--union-default-graph"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
        ]
        try:
            wait_for("http://127.0.0.1:18141/sparql", servers[0], 600)
            warming = time.perf_counter()
            while not json.loads(get("http://127.0.0.1:18141/healthz", "application/json")[1])["canned_warmed"]:
                time.sleep(0.1)
            print(f"warm-up of the canned queries' first pages: {time.perf_counter() - warming:.1f} s\n")
            wait_for("http://127.0.0.1:18142/query", servers[1], 60)
            load = urllib.request.Request(
                "http://127.0.0.1:18142/store",
                data=dump.read_bytes(),
                headers={"Content-Type": "application/n-quads"},
            )
            urllib.request.urlopen(load, timeout=600).close()
            _, listing = get("http://127.0.0.1:18141/api/queries", "application/json")
            paginated = {query["name"]: bool(query["pagination"]) for query in json.loads(listing)}
            names = sorted(paginated)
            catalogue = Catalogue.read(shipped_dir("queries"))
            heading = f"{'biokg first ms':>14s} {'oxigraph ms':>12s} {'ratio':>6s} {'again ms':>9s}"
            print(f"{'canned query, first page':48s} {heading}")
            asks = [(query, asked) for query in names for asked in ASKED.get(query, [""])]
            asks += [(query, f"{asked}&page=2".lstrip("&")) for query, asked in asks if paginated[query]]
            for name, given in asks:
                bound, _ = catalogue.bind(catalogue.get(name), urllib.parse.parse_qs(given), 10_000)
                first, _ = get(f"http://127.0.0.1:18141/api/queries/{name}?format=json&{given}")
                again, _ = get(f"http://127.0.0.1:18141/api/queries/{name}?format=json&{given}")
                row = f"{name} {given.rsplit('/', 1)[-1]}".strip()
                if "SERVICE" in bound.text:  # biokg's text index: oxigraph would send the clause out over HTTP
                    print(f"{row:48s} {first:14.1f} {'-':>12s} {'-':>6s} {again:9.1f}")
                    continue
                reference = ask_oxigraph("http://127.0.0.1:18142/query", bound.text)
                print(f"{row:48s} {first:14.1f} {reference:12.1f} {first / reference:6.2f} {again:9.1f}")
        finally:
            for server in servers:
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
