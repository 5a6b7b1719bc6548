"""Load benchmark: the embedded store at 1M triples beside `oxigraph load` on the same file, in the same run.

Each load runs in its own process, so that its peak memory (ru_maxrss) is its own. Ratios compare with
`oxigraph load`, measured in the same run, because these machines are shared and noisy.

    python benchmarks/store_load.py [--triples 1000000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generate import generate

HERE = Path(__file__).parent
BIOKG_WRITE_ONLY = """
import sys
from pathlib import Path
from biokg.dataset import parse_for_load
from biokg.store import EmbeddedStore
quads = parse_for_load([Path(sys.argv[2])])
EmbeddedStore(Path(sys.argv[1]) if sys.argv[1] != "-" else None).replace_graphs(quads)
"""


@dataclass(frozen=True)
class Run:
    name: str
    seconds: float
    peak_mib: float


def measure(name: str, command: list[str]) -> Run:
    """Run a command in its own process; its wall time and peak resident memory."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{name} failed: {errors.read().decode()[-2000:]}")
    return Run(name, seconds, usage.ru_maxrss / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    arguments = parser.parse_args()
    oxigraph = str(Path(sys.executable).parent / "oxigraph")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = work / "synthetic.trig"
        generate(arguments.triples, data)
        import pyoxigraph as ox

        triples = sum(1 for _ in ox.parse(path=str(data)))
        runs = [
            measure(
                "oxigraph load (on disk)", [oxigraph, "load", "--location", str(work / "ox"), "--file", str(data)]
            ),
            measure(
                "biokg embedded, write only (on disk)",
                [sys.executable, "-c", BIOKG_WRITE_ONLY, str(work / "w"), str(data)],
            ),
            measure("biokg embedded, write only (memory)", [sys.executable, "-c", BIOKG_WRITE_ONLY, "-", str(data)]),
            measure(
                "biokg load: validate + write (on disk)",
                [sys.executable, "-m", "biokg", "load", "--store", str(work / "b"), str(data)],
            ),
        ]
    reference = runs[0]
    print(f"{triples:,} triples ({data.name}, generated)\n")
    print(f"{'load':42} {'seconds':>8} {'triples/s':>11} {'peak MiB':>9} {'time vs oxigraph':>17}")
    for run in runs:
        print(
            f"{run.name:42} {run.seconds:8.2f} {triples / run.seconds:11,.0f} {run.peak_mib:9.0f} "
            f"{run.seconds / reference.seconds:16.2f}x"
        )


if __name__ == "__main__":
    main()
