"""Search benchmark: the text index over every organisation of both shared ROR files (51,370), and the suggestion
request of a server over ROR's 35,990 schema-2 records, each beside a label scan in SPARQL measured in the same run.

1. In process: the index is built from the records' names (labels, aliases, acronyms with their languages, types,
   countries); a mix of real names (exact, a prefix, a word, a part of a word, a Japanese prefix of two characters)
   is looked up, with p50 and p95 per kind. The reference is the scan the canned `search` query used to be
   (FILTER(CONTAINS(LCASE(...))) over every label), run by pyoxigraph in memory over the same names.
2. Over HTTP (skip with --no-serve): `biokg import ror` of the schema-2 file into an on-disk store, `biokg serve`
   on it, and `GET /api/search?limit=8` (what the search box asks) for the same mix, one request at a time; the
   references are the scan query sent to `oxigraph serve` over the same quads, in memory and on disk.

    python benchmarks/search.py [--ror-dir ../shared/data/ror] [--sample 400] [--no-serve]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
from endpoint import wait_for

from biokg.dataset import ensure_loaded
from biokg.formats import format_named
from biokg.ror.importer import import_ror
from biokg.search import SearchIndex
from biokg.search.index import Entry
from biokg.sources import load_sources
from biokg.store import EmbeddedStore

ROR_DIR = Path(__file__).resolve().parents[2] / "shared/data/ror"
ORG = "https://w3id.org/biokg/ontology#Organization"
COUNTRY = "https://w3id.org/biokg/id/place/country/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
SCAN = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?resource ?label WHERE {{ ?resource rdfs:label|skos:altLabel ?label
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE({text}))) }} ORDER BY LCASE(STR(?label)) ?resource LIMIT 20"""


def records(path: Path) -> Iterator[dict[str, object]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def v2_entry(record: dict) -> Entry:  # type: ignore[type-arg]
    names = []
    for name in record["names"]:
        field = 0 if {"ror_display", "label"} & set(name["types"]) else 1
        names.append((name["value"], field, name.get("lang") or "und"))
    codes = [str((place.get("geonames_details") or {}).get("country_code") or "") for place in record["locations"]]
    return _entry(record["id"], names, record["types"], codes[0] if codes else "")


def v1_entry(record: dict) -> Entry:  # type: ignore[type-arg]
    names = [(record["name"], 0, "und")]
    names += [(label["label"], 0, label.get("iso639") or "und") for label in record.get("labels", [])]
    names += [(alias, 1, "und") for alias in [*record.get("aliases", []), *record.get("acronyms", [])]]
    return _entry(record["id"], names, record["types"], (record.get("country") or {}).get("country_code", ""))


def _entry(ror_id: str, names: list[tuple[str, int, str]], types: list[str], country: str) -> Entry:
    kinds = tuple(f"https://w3id.org/biokg/ontology#ror-{kind.lower()}" for kind in types)
    return Entry(
        "https://w3id.org/biokg/id/organization/ror-" + ror_id.rsplit("/", 1)[1],
        tuple(sorted(set(names))),
        kinds,
        (*kinds, ORG),
        COUNTRY + country.lower() if country else None,
    )


def query_mix(entries: list[Entry], sample: int) -> dict[str, list[str]]:
    """Lookups people make, taken from real names of every n-th organisation."""
    step = max(1, len(entries) // sample)
    mix: dict[str, list[str]] = {"exact": [], "prefix": [], "word": [], "infix": [], "Japanese": []}
    for entry in entries[::step]:
        name = entry.names[0][0]
        words = [word for word in name.split() if len(word) >= 4]
        mix["exact"].append(name)
        mix["prefix"].append(name[:5])
        if words:
            mix["word"].append(max(words, key=len))
            middle = max(words, key=len)
            mix["infix"].append(middle[1:5])
    japanese = [text for entry in entries for text, _, language in entry.names if language == "ja"]
    mix["Japanese"] = [text[:2] for text in japanese[:: max(1, len(japanese) // (sample // 4 or 1))]]
    return mix


def timed(run: Callable[[str], object], texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        run(text)
        times.append(time.perf_counter() - started)
    return times


def report(name: str, times: list[float], reference: list[float] | None = None) -> None:
    p50 = statistics.median(times) * 1000
    p95 = statistics.quantiles(times, n=20)[-1] * 1000 if len(times) >= 20 else max(times) * 1000
    line = f"{name:34} n={len(times):4}  p50 {p50:8.2f} ms  p95 {p95:8.2f} ms"
    if reference:
        line += f"  p50 ratio {statistics.median(times) / statistics.median(reference):.4f}"
    print(line)


def in_process(ror_dir: Path, sample: int) -> None:
    started = time.perf_counter()
    entries = {entry.iri: entry for entry in map(v1_entry, records(ror_dir / "ror-v1-only.jsonl.gz"))}
    entries |= {entry.iri: entry for entry in map(v2_entry, records(ror_dir / "ror-v2-all-releases.jsonl.gz"))}
    read = time.perf_counter() - started
    started = time.perf_counter()
    index = SearchIndex(sorted(entries.values(), key=lambda entry: entry.iri))
    built = time.perf_counter() - started
    names = sum(len(entry.names) for entry in entries.values())
    print(f"{len(index):,} organisations, {names:,} names: read in {read:.1f} s, index built in {built:.2f} s\n")

    scan_store = ox.Store()
    scan_store.bulk_extend(
        ox.Quad(ox.NamedNode(entry.iri), LABEL if field == 0 else ALT_LABEL, ox.Literal(text), ox.DefaultGraph())
        for entry in entries.values()
        for text, field, _ in entry.names
    )
    mix = query_mix(sorted(entries.values(), key=lambda entry: entry.iri), sample)
    every = [text for texts in mix.values() for text in texts]
    for kind, texts in mix.items():
        report(f"index, {kind}", timed(lambda text: index.search(text, limit=10), texts))
    searched = timed(lambda text: index.search(text, limit=10), every)
    report("index, the whole mix", searched)
    report("index, class and country filter", timed(lambda text: index.search(text, ORG, COUNTRY + "de"), every))
    scanned = timed(lambda text: list(scan_store.query(SCAN.format(text=json.dumps(text)))), every[::10])
    report("label scan, pyoxigraph in memory", scanned)
    report("index against the scan", searched, scanned)


def over_http(ror_dir: Path, sample: int) -> None:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sources = load_sources()
        store = EmbeddedStore(work / "biokg")
        ensure_loaded(store, sources)
        imported = import_ror([ror_dir / "ror-v2-all-releases.jsonl.gz"], store, sources)
        print(f"\nimported {imported.imported:,} of {imported.read:,} records in {imported.seconds['total']:.1f} s")
        dump = work / "all.nq"
        dump.write_bytes(store.export(format_named("nquads")))
        started = time.perf_counter()
        index = SearchIndex.build(store)  # what the server builds at start
        print(
            f"index of {len(index):,} resources built from the on-disk store in {time.perf_counter() - started:.1f} s"
        )
        entries = list(map(v2_entry, records(ror_dir / "ror-v2-all-releases.jsonl.gz")))
        mix = [text for texts in query_mix(entries, sample).values() for text in texts]
        del store
        subprocess.run(
            [str(bin_dir / "oxigraph"), "load", "--location", str(work / "ox"), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        servers = {
            "biokg": [sys.executable, "-m", "biokg", "serve", "--store", str(work / "biokg"), "--port", "18131"],
            "oxigraph in memory": [
                str(bin_dir / "oxigraph"),
                "serve",
                "--bind",
                "127.0.0.1:18132",
                "--union-default-graph",
            ],
            "oxigraph on disk": [
                str(bin_dir / "oxigraph"),
                "serve-read-only",
                "--location",
                str(work / "ox"),
                "--bind",
                "127.0.0.1:18133",
                "--union-default-graph",
            ],
        }
        urls = {
            "biokg": "http://127.0.0.1:18131/sparql",
            "oxigraph in memory": "http://127.0.0.1:18132/query",
            "oxigraph on disk": "http://127.0.0.1:18133/query",
        }
        processes = [
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for command in servers.values()
        ]
        try:
            for process, url in zip(processes, urls.values(), strict=True):
                wait_for(url, process, 300)
            load = urllib.request.Request(
                "http://127.0.0.1:18132/store",
                data=dump.read_bytes(),
                headers={"Content-Type": "application/n-quads"},
            )
            urllib.request.urlopen(load, timeout=600).close()

            def suggest(text: str) -> None:
                urllib.request.urlopen(
                    "http://127.0.0.1:18131/api/search?limit=8&q=" + urllib.parse.quote(text)
                ).read()

            suggested = timed(suggest, mix)
            report("biokg GET /api/search?limit=8", suggested)
            for name in ("oxigraph in memory", "oxigraph on disk"):

                def scan(text: str, url: str = urls[name]) -> None:
                    query = urllib.parse.urlencode({"query": SCAN.format(text=json.dumps(text))})
                    urllib.request.urlopen(f"{url}?{query}", timeout=120).read()

                scanned = timed(scan, mix[::10])
                report(f"label scan, {name}", scanned)
                report(f"suggestions against the scan, {name}", suggested, scanned)
        finally:
            for process in processes:
                process.terminate()
                process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ror-dir", type=Path, default=ROR_DIR)
    parser.add_argument("--sample", type=int, default=400, help="organisations whose names make the query mix")
    parser.add_argument("--no-serve", action="store_true", help="only the index, in process")
    arguments = parser.parse_args()
    in_process(arguments.ror_dir, arguments.sample)
    if not arguments.no_serve:
        over_http(arguments.ror_dir, arguments.sample)


if __name__ == "__main__":
    main()
