"""Validation benchmark: biokg's validator beside pySHACL and `oxigraph load`, in one run.

For each size, a generated graph that conforms (`generate.py`) is validated whole by biokg and by pySHACL (the
reference the tests compare with, here on its core constraints only, as biokg ran it before), and loaded by
`oxigraph load`; at the largest size it is also loaded by
`biokg load` into an on-disk store, and a 300-triple source is then loaded into that store, its validation
(kept to the nodes the change can affect) timed apart from the write. Last, the shared ROR records are imported
end to end. Each step runs in its own process.

    python benchmarks/validation.py [--triples 100000 1000000] [--pyshacl-up-to 1000000] [--ror PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import SOURCE, generate, unit

HERE = Path(__file__).parent
VALIDATE = """
import sys, time
from pathlib import Path
from biokg.sources import load_sources
started = time.perf_counter()
sources = load_sources([Path(sys.argv[1])])
parsed = time.perf_counter()
if sys.argv[2] == "biokg":
    from biokg.validation import validate_quads
    conforms = validate_quads(sources.data, sources.shapes, sources.ontology).conforms
else:  # pySHACL on its core constraints: its SPARQL ones alone took 35 s on 20,000 triples
    sys.path.insert(0, sys.argv[3])
    from pyshacl import validate
    from rdflib_bridge import graph_of
    from reference_validator import add_rdfs_entailments
    sparql = {"http://www.w3.org/ns/shacl#sparql", "http://www.w3.org/ns/shacl#target"}
    shapes = graph_of(quad for quad in sources.shapes if quad.predicate.value not in sparql)
    ontology = graph_of(sources.ontology)
    data = graph_of(sources.data) + ontology
    add_rdfs_entailments(data, ontology)
    conforms = validate(data, shacl_graph=shapes, inference="none")[0]
assert conforms
print(parsed - started, time.perf_counter() - parsed)
"""
CHANGE = """
import sys, time
from pathlib import Path
from biokg.dataset import change_check, parse_for_load
from biokg.sources import load_sources
from biokg.store import EmbeddedStore
from biokg.validation import Validator
sources = load_sources()
store = EmbeddedStore(Path(sys.argv[1]))
quads = parse_for_load([Path(sys.argv[2])])
validator = Validator(sources.shapes, sources.ontology)
began = time.perf_counter()
validator.read_backwards  # the analysis of the shapes, once per process: timed apart
analysis = time.perf_counter() - began
started = time.perf_counter()
check = change_check(store, quads, validator)
timed = []
def timed_check(successor):
    began = time.perf_counter()
    check(successor)
    timed.append(time.perf_counter() - began)
store.replace_graphs(quads, check=timed_check)
print(len(quads), timed[0], time.perf_counter() - started, analysis)
"""


def seconds_of(command: list[str]) -> float:
    """The wall time of a command that must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def printed(command: list[str]) -> list[float]:
    """The numbers a command prints on its last line."""
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return [float(number) for number in done.stdout.split()]


def change_source(path: Path, organisations: int) -> None:
    """A source of about 300 triples in a graph of its own, which it describes: three organisations more, with
    their posts, signings and figures, partners of organisations already in the store."""
    lines = [
        line for index in range(organisations, organisations + 3) for line in unit(index, organisations, _Fixed())
    ]
    prefixes = (HERE / "generate.py").read_text().split('PREFIXES = """', 1)[1].split('"""', 1)[0]
    graph = "<https://w3id.org/biokg/graph/synthetic-change>"
    described = f'{graph} a bkg:SourceGraph ; rdfs:label "Synthetic change"@en ; prov:wasDerivedFrom {SOURCE} .'
    body = "\n".join([described, *lines])
    path.write_text(f"{prefixes}\n{graph} {{\n{body}\n}}\n")


class _Fixed:
    """The generator's random choices, fixed: the change is the same in every run."""

    def choice(self, options: list[str]) -> str:
        return options[0]


def report(data: str, step: str, seconds: float, reference: float) -> None:
    """One figure, printed as soon as it is measured, beside `oxigraph load` of the same data."""
    print(f"{data:38} {step:46} {seconds:8.2f} {reference:16.2f} {seconds / reference:6.2f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pyshacl-up-to", type=int, default=1_000_000, help="largest size pySHACL validates")
    parser.add_argument("--ror", type=Path, default=HERE.parent.parent / "shared/data/ror/ror-v2-latest.jsonl.gz")
    arguments = parser.parse_args()
    python, oxigraph = sys.executable, str(Path(sys.executable).parent / "oxigraph")
    print(f"{'data':38} {'step':46} {'seconds':>8} {'oxigraph load s':>16} {'ratio':>7}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for size in arguments.triples:
            data = work / f"synthetic-{size}.trig"
            organisations = generate(size, data)
            label = f"{size:,} generated triples"
            load = seconds_of([oxigraph, "load", "--location", str(work / f"ox-{size}"), "--file", str(data)])
            parse, validate = printed([python, "-c", VALIDATE, str(data), "biokg"])
            report(label, "biokg: full validation (parse + validate)", parse + validate, load)
            report(label, "biokg: full validation, validate only", validate, load)
            if size <= arguments.pyshacl_up_to:
                parse, reference = printed([python, "-c", VALIDATE, str(data), "pyshacl", str(HERE.parent / "tests")])
                report(label, "pySHACL: core constraints, validate only", reference, load)
            if size == max(arguments.triples):
                store = work / "biokg-store"
                loaded = seconds_of([python, "-m", "biokg", "load", "--store", str(store), str(data)])
                report(label, "biokg load (parse, validate, write on disk)", loaded, load)
                change = work / "change.trig"
                change_source(change, organisations)
                triples, checked, whole, analysis = printed([python, "-c", CHANGE, str(store), str(change)])
                source = f"{int(triples)}-triple source into {size:,}"
                report(source, "validation of the change", checked, load)
                report(source, "analysis of the shapes, once a process", analysis, load)
                report(source, "the whole load (a new generation)", whole, load)
        if arguments.ror.exists():
            ror_store = work / "ror-store"
            imported = seconds_of(
                [python, "-m", "biokg", "import", "ror", str(arguments.ror), "--store", str(ror_store)]
            )
            dump = work / "ror.nq"
            subprocess.run(
                [python, "-m", "biokg", "export", "--store", str(ror_store), "--format", "nquads", "-o", str(dump)],
                check=True,
            )
            load = seconds_of([oxigraph, "load", "--location", str(work / "ox-ror"), "--file", str(dump)])
            report(f"ROR {arguments.ror.name}", "biokg import ror, end to end", imported, load)


if __name__ == "__main__":
    main()
