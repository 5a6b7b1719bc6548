"""Memory-order benchmark: the order a memory store is filled in, measured on the endpoint's query mix in process.

`biokg serve` copies the store into memory a predicate at a time, each predicate's quads in subject order
(`biokg.server.memory_copy`). This compares that copy with one filled in the on-disk order (graph first) and with
the on-disk RocksDB store itself: median ms per query as a worker runs it (evaluation and writing), the time each
copy takes and its peak memory (each copy made in a process of its own), and the ratio predicate order / on-disk
order.

    python benchmarks/memory_order.py [--triples 1000000] [--runs 100]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from endpoint import QUERIES
from generate import generate

from biokg.dataset import parse_for_load
from biokg.engine import QueryJob
from biokg.engine.inline import execute
from biokg.server import memory_copy
from biokg.store import EmbeddedStore

HEAVY = ("whole graph", "aggregation")
"""Queries that take a tenth of a second or more: run a tenth as often."""


def on_disk_order(store: EmbeddedStore) -> ox.Store:
    memory = ox.Store()
    memory.bulk_extend(store.quads())
    return memory


COPIES: dict[str, Callable[[EmbeddedStore], ox.Store]] = {
    "memory, on-disk order": on_disk_order,
    "memory, by predicate": memory_copy,
}


def median_ms(store: ox.Store, query: str, runs: int, organisations: int) -> float:
    times = []
    for run in range(runs):
        text = query.replace("{n}", str(run * 7919 % organisations))
        job = QueryJob(text, "turtle" if text.startswith("DESCRIBE") else "json", max_rows=10_000)
        started = time.perf_counter()
        execute(store, job)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure_copy(folder: Path, name: str) -> None:
    """In a process of its own: how long the copy takes and the process's peak memory."""
    store = EmbeddedStore(folder)
    gc.collect()
    started = time.perf_counter()
    COPIES[name](store)
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would count the parent that forked this process
    peak_kib = next(
        line.split()[1] for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM")
    )
    print(f"{seconds:.1f} {int(peak_kib) // 1024}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100, help="runs of each selective query (heavy ones: a tenth)")
    parser.add_argument("--copy", nargs=2, metavar=("STORE", "COPY"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.copy:
        measure_copy(Path(arguments.copy[0]), arguments.copy[1])
        return
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "synthetic.trig"
        organisations = generate(arguments.triples, data)
        quads = parse_for_load([data])
        EmbeddedStore(Path(folder) / "store").replace_graphs(quads)
        gc.collect()  # closes the store: RocksDB allows one open per folder
        on_disk = ox.Store(str(Path(folder) / "rocksdb"))
        on_disk.bulk_extend(quads)
        del quads
        for name in COPIES:
            command = [sys.executable, __file__, "--copy", str(Path(folder) / "store"), name]
            seconds, peak = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
            print(f"copy {name}: {seconds} s, peak {peak} MiB")
        store = EmbeddedStore(Path(folder) / "store")
        stores = {"RocksDB on disk": on_disk, **{name: copy(store) for name, copy in COPIES.items()}}
        header = " ".join(f"{name:>22}" for name in stores)
        print(f"\n{'query (median ms)':28} {header}  by predicate/on-disk order")
        for query_name, query in QUERIES.items():
            runs = max(3, arguments.runs // 10) if any(word in query_name for word in HEAVY) else arguments.runs
            times = [median_ms(store, query, runs, organisations) for store in stores.values()]
            ratio = times[2] / times[1]
            print(f"{query_name:28} " + " ".join(f"{ms:22.2f}" for ms in times) + f"  {ratio:.2f}", flush=True)


if __name__ == "__main__":
    main()
