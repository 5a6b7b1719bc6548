"""The `biokg` command: thin commands that read their input, call the core and print."""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from biokg.canned import Catalogue, describe_parameters
from biokg.clinicaltrials.importer import import_clinicaltrials
from biokg.config import Settings
from biokg.curation import SourceRecord, difference, located, new_source_file
from biokg.curation import find as find_resources
from biokg.dataset import check_load, ensure_loaded, load_quads, load_validated, merged_metadata, parse_for_load
from biokg.ema.importer import import_ema
from biokg.engine import QueryJob, json_fetcher
from biokg.engine.answers import ResultTable, read_solutions
from biokg.errors import BiokgError, NonConformingDataError, ParameterError
from biokg.formats import ResultKind, choose_format, format_named, formats_of, names_of
from biokg.importing.matching import match_counts, uncertain_matches
from biokg.importing.pipeline import ImportReport
from biokg.linked.dumps import write_dumps
from biokg.namespaces import compact, expand
from biokg.ror.importer import RecordFilter, import_ror
from biokg.rows import compile_rows
from biokg.search import SearchIndex
from biokg.search.service import searching_engine
from biokg.shipped import shipped_dir
from biokg.sources import load_sources, rdf_files
from biokg.sparql_text import request_form
from biokg.stats import statistics
from biokg.store import EmbeddedStore, RemoteStore, open_store
from biokg.tables import render_table
from biokg.terms import show_quad, show_term
from biokg.tokens import Token, token_file
from biokg.validation import validate_sources
from biokg.writes import AUDIT_FILE, history

app = typer.Typer(help="biokg: a knowledge graph of the biotech ecosystem.", no_args_is_help=True)
SWITCH_SECONDS = 0.001
"""How long a thread of `biokg serve` holds the interpreter while another waits for it (Python's default: 5 ms)."""

DataPaths = Annotated[
    list[Path] | None,
    typer.Argument(help="Data files or folders (TriG, Turtle, N-Quads ...); the shipped data if none."),
]
StoreDir = Annotated[
    Path | None, typer.Option("--store", help="Folder of an on-disk embedded store (env BIOKG_STORE).")
]
SparqlUrl = Annotated[
    str | None, typer.Option("--sparql-url", help="Query URL of a remote SPARQL store (env BIOKG_SPARQL_URL).")
]
UpdateUrl = Annotated[
    str | None,
    typer.Option("--update-url", help="SPARQL Update URL of the remote store (env BIOKG_SPARQL_UPDATE_URL)."),
]
GraphStoreUrl = Annotated[
    str | None,
    typer.Option(
        "--graph-store-url", help="Graph Store Protocol URL of the remote store (env BIOKG_GRAPH_STORE_URL)."
    ),
]


def _settings(**flags: object) -> Settings:
    """Settings from the environment, with the flags that were given on top."""
    return Settings(**{name: value for name, value in flags.items() if value is not None})  # type: ignore[arg-type]


def _catalogue(settings: Settings) -> Catalogue:
    """The canned queries of the configured folder, or the shipped ones."""
    return Catalogue.read(settings.queries or shipped_dir("queries"))


def _ready_embedded(settings: Settings) -> EmbeddedStore:
    """The configured store, which must be an embedded one (checks and differences read it directly)."""
    store = _ready_store(settings)
    if not isinstance(store, EmbeddedStore):
        raise ParameterError("this command works on an embedded store: give --store DIR, not --sparql-url")
    return store


def _ready_store(settings: Settings) -> EmbeddedStore | RemoteStore:
    """The configured store; an embedded one is first brought up to date with the shipped sources."""
    store = open_store(settings)
    if isinstance(store, EmbeddedStore):
        ensure_loaded(store, load_sources(settings.data))
    return store


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A name, alias or acronym, or part of one, in any language.")],
    class_name: Annotated[
        str | None, typer.Option("--class", help="Only resources of this class (bkg:Company or an IRI).")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Only resources in this country (country:de or an IRI).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Resources to show at most.")] = 10,
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
) -> None:
    """Find resources by name in the text index: exact names first, then prefixes, words and parts of names."""
    index = SearchIndex.build(_ready_store(_settings(store=store, sparql_url=sparql_url)))
    hits = index.search(text, class_name and expand(class_name), country and expand(country), limit)
    rows = [[compact(hit.iri), hit.label, hit.type_label or "", str(hit.score), hit.matched] for hit in hits]
    typer.echo(render_table(["resource", "label", "class", "score", "matched"], rows) + f"\n({len(rows)} found)")


@app.command()
def validate(paths: DataPaths = None, store: StoreDir = None) -> None:
    """Parse ontology, shapes and data, check the data against the shapes; exit 1 on any violation.

    With --store, check the files as `biokg load` would load them into that store, and write nothing: each
    finding names the file, line and column where its node first appears.
    """
    if store is None:
        sources = load_sources(paths)
        report = validate_sources(sources)
        typer.echo(f"Parsed {len(sources.files)} files: {len(sources.data)} data triples.")
        typer.echo(report.render())
        if not report.conforms:
            raise typer.Exit(1)
        return
    files = rdf_files(paths or [])
    target = _ready_embedded(_settings(store=store))
    try:
        check_load(target, parse_for_load(files), load_sources())
    except NonConformingDataError as error:
        for finding, file, position in located(error.report.findings, files):
            where = f"{file}:{position.line}:{position.column}" if position else file
            typer.echo(f"{where}: {finding.render()}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{', '.join(map(str, files))}: conforms together with the {target.name}.")


@app.command()
def find(
    text: Annotated[str, typer.Argument(help="A name, acronym or ROR id, or part of one.")],
    limit: Annotated[int, typer.Option(help="Resources to show at most.")] = 20,
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
) -> None:
    """Find resources by label, alternative label, acronym, legal name or ROR id, to reuse their IRIs."""
    engine = searching_engine(_ready_store(_settings(store=store, sparql_url=sparql_url)))
    matches = find_resources(text, json_fetcher(engine), limit)
    rows = [[match.resource, match.label, match.kind, match.matched] for match in matches]
    typer.echo(render_table(["resource", "label", "class", "matched"], rows) + f"\n({len(rows)} found)")


@app.command()
def diff(
    paths: Annotated[list[Path], typer.Argument(help="A source's file(s), as `biokg load` would load them.")],
    store: StoreDir = None,
) -> None:
    """Say what loading the files would add to the store, remove from it, and contradict in it (a value of a
    property that takes one value per source, where another source gives another)."""
    target = _ready_embedded(_settings(store=store))
    change = difference(target.oxigraph, merged_metadata(target, parse_for_load(paths)))
    for title, quads in (("adds", change.added), ("removes", change.removed)):
        typer.echo(f"{title} {len(quads)} statement(s)")
        for quad in quads:
            typer.echo(f"  {show_quad(quad)}")
    typer.echo(f"contradicts {len(change.contradicted)} statement(s)")
    for quad, others in change.contradicted:
        typer.echo(f"  {show_quad(quad)}")
        for other in others:
            typer.echo(f"    where {show_quad(other)}")


source_app = typer.Typer(help="Sources: one file per source, with its record in the metadata graph.")
app.add_typer(source_app, name="source")


@source_app.command("rows")
def source_rows(
    rows: Annotated[Path, typer.Argument(help="A YAML file: `graph:` the source's slug, `facts:` one row each.")],
    output: Annotated[Path | None, typer.Option("-o", help="Write the TriG there instead of printing it.")] = None,
) -> None:
    """Compile facts written as rows (a Turtle statement each, biokg's prefixes) to the TriG of the source's graph."""
    trig = compile_rows(rows)
    if output is None:
        sys.stdout.buffer.write(trig)
        return
    output.write_bytes(trig)


@source_app.command("new")
def source_new(
    url: Annotated[str, typer.Argument(help="The page's address.")],
    title: Annotated[str, typer.Option(help="The page's title, as it gives it.")],
    publisher: Annotated[str, typer.Option(help="The publishing organisation, organization:slug.")],
    language: Annotated[str, typer.Option(help="The page's language tag: en, de, ja ...")],
    published: Annotated[
        str | None, typer.Option(help="The page's date: YYYY, YYYY-MM or YYYY-MM-DD; leave out if it gives none.")
    ] = None,
    retrieved: Annotated[str, typer.Option(help="When the page was read (default today).")] = "",
    press_release: Annotated[bool, typer.Option("--press-release", help="The page is a press release.")] = False,
    slug: Annotated[
        str | None, typer.Option(help="The file's and graph's name (default from title and year).")
    ] = None,
    folder: Annotated[Path, typer.Option(help="Where to write the file.")] = Path("data/graphs"),
) -> None:
    """Write a source's file: its record and its graph's description in the metadata graph, and an empty graph
    for its facts; prints the file's path."""
    record = SourceRecord(
        url, title, publisher, published, language, retrieved or date.today().isoformat(), press_release
    )
    typer.echo(new_source_file(record, folder, slug))


@app.command()
def stats(store: StoreDir = None, sparql_url: SparqlUrl = None) -> None:
    """Print triples, named graphs and entities per class of the store (the shipped graph by default)."""
    figures = statistics(_ready_store(_settings(store=store, sparql_url=sparql_url)))
    typer.echo(f"Triples: {figures.triples}\n")
    typer.echo(render_table(["named graph", "triples"], figures.graphs) + "\n")
    typer.echo(render_table(["class", "entities"], figures.classes))


@app.command()
def load(
    paths: DataPaths = None,
    graph: Annotated[str | None, typer.Option(help="Named graph for triples outside any graph (Turtle ...).")] = None,
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
) -> None:
    """Validate, then load: each named graph in the input replaces the store's graph of that name, whole.

    Without paths, loads the shipped ontology, shapes and data. Nothing is written unless the store's graphs
    together with the new ones conform to the shapes.
    """
    settings = _settings(
        store=store, sparql_url=sparql_url, sparql_update_url=update_url, graph_store_url=graph_store_url
    )
    started = time.perf_counter()
    target = open_store(settings)
    sources = load_sources(settings.data)
    quads = parse_for_load(paths, graph) if paths else [*sources.ontology, *sources.shapes, *sources.data]
    typer.echo(f"Validating {len(quads)} triples ...", err=True)
    with typer.progressbar(length=len(quads), label="Writing", file=sys.stderr) as bar:
        if paths:
            load_quads(target, quads, sources, on_progress=bar.update)
        else:
            load_validated(target, sources, on_progress=bar.update)
    seconds = time.perf_counter() - started
    graphs = len({quad.graph_name for quad in quads})
    typer.echo(
        f"Loaded {len(quads)} triples into {graphs} named graph(s) of the {target.name} "
        f"in {seconds:.2f} s ({len(quads) / seconds:,.0f} triples/s)."
    )


@app.command()
def query(
    text: Annotated[str, typer.Argument(metavar="QUERY|FILE.rq", help="SPARQL text, or a file holding it.")],
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help=f"table (default), {'|'.join(names_of(ResultKind.SOLUTIONS))} for SELECT/ASK, "
            f"{'|'.join(names_of(ResultKind.GRAPH))} for CONSTRUCT/DESCRIBE.",
        ),
    ] = "table",
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
) -> None:
    """Run a SPARQL query against the configured store and print its answer."""
    path = Path(text)
    sparql = path.read_text() if text.endswith((".rq", ".sparql")) and path.is_file() else text
    fmt = None if output_format == "table" else format_named(output_format)
    engine = searching_engine(_ready_store(_settings(store=store, sparql_url=sparql_url)))
    if fmt is None and request_form(sparql) in ("SELECT", "ASK"):
        typer.echo(_table(read_solutions(engine.run(QueryJob(sparql, "json")).body, None)))
        return
    sys.stdout.buffer.write(engine.run(QueryJob(sparql, (fmt or format_named("turtle")).name)).body)


def _table(answer: ResultTable) -> str:
    """An answer as a table with its row count, or an ASK's answer as true or false."""
    if answer.boolean is not None:
        return "true" if answer.boolean else "false"
    shown = [[show_term(term) for term in row] for row in answer.rows]
    return render_table(answer.variables, shown) + f"\n({len(shown)} row{'s' if len(shown) != 1 else ''})"


QueriesDir = Annotated[
    Path | None, typer.Option("--queries", help="Folder of canned .rq queries (env BIOKG_QUERIES).")
]


token_app = typer.Typer(help="Curators' tokens: made, listed and revoked; kept hashed, never in clear.")
app.add_typer(token_app, name="token")
TokensFile = Annotated[
    Path | None,
    typer.Option("--tokens", help="File of the tokens (env BIOKG_TOKENS); tokens.json in the store's folder."),
]


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="What the token may do: curator (write graphs) or reader.")],
    graphs: Annotated[
        list[str] | None,
        typer.Option("--graphs", help="A graph it may write, and read if private (repeat it); every graph if none."),
    ] = None,
    tokens: TokensFile = None,
    store: StoreDir = None,
) -> None:
    """Make a token and print it once: only the hash of its secret is kept."""
    token, presented = token_file(_settings(tokens=tokens, store=store)).create(role, tuple(graphs or ()))
    typer.echo(presented)
    typer.echo(f"token {token.id} ({token.role}, {_graphs_of(token)}): keep it now, it is not shown again", err=True)


@token_app.command("list")
def token_list(tokens: TokensFile = None, store: StoreDir = None) -> None:
    """List the tokens: id, role, graphs and when each was made (never a secret)."""
    listed = token_file(_settings(tokens=tokens, store=store)).tokens()
    rows = [[token.id, token.role, _graphs_of(token), token.created] for token in listed]
    typer.echo(
        render_table(["id", "role", "graphs", "created"], rows) + f"\n({len(rows)} token{'s' * (len(rows) != 1)})"
    )


@token_app.command("revoke")
def token_revoke(
    identifier: Annotated[str, typer.Argument(metavar="ID", help="The token's id, as `biokg token list` shows it.")],
    tokens: TokensFile = None,
    store: StoreDir = None,
) -> None:
    """Revoke a token: it is refused from then on."""
    revoked = token_file(_settings(tokens=tokens, store=store)).revoke(identifier)
    typer.echo(f"revoked token {revoked.id} ({revoked.role}, {_graphs_of(revoked)})")


def _graphs_of(token: Token) -> str:
    return " ".join(token.graphs) or "every graph"


@app.command("history")
def show_history(
    graph: Annotated[str | None, typer.Argument(help="Only the writes of this graph (its IRI).")] = None,
    store: StoreDir = None,
) -> None:
    """The audit trail of curators' writes: when, which token, which graph, and how many statements changed."""
    settings = _settings(store=store)
    if settings.store is None:
        raise ParameterError("the audit trail is kept beside an on-disk store: give --store DIR (BIOKG_STORE)")
    written = list(history(settings.store / AUDIT_FILE, graph))
    rows = [[w.time, w.token, w.method, w.graph, f"+{w.added}", f"-{w.removed}"] for w in written]
    table = render_table(["time", "token", "method", "graph", "added", "removed"], rows)
    typer.echo(f"{table}\n({len(rows)} write{'s' * (len(rows) != 1)})")


@app.command("queries")
def list_queries(queries: QueriesDir = None) -> None:
    """List the canned queries: name, summary and parameters (* required, [...] several allowed)."""
    catalogue = _catalogue(_settings(queries=queries))
    rows = [[query.name, query.summary, describe_parameters(query)] for query in catalogue.queries.values()]
    typer.echo(render_table(["name", "summary", "parameters"], rows))


@app.command()
def run(
    name: Annotated[str, typer.Argument(help="The canned query's name (`biokg queries` lists them).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as key=value; repeat a key for several values."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help=f"table (default), {', '.join(names_of(ResultKind.SOLUTIONS))}.")
    ] = "table",
    queries: QueriesDir = None,
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
) -> None:
    """Run a canned query against the configured store, its parameters bound as RDF terms."""
    given: dict[str, list[str]] = {}
    for pair in param or []:
        key, equals, value = pair.partition("=")
        if not equals:
            raise ParameterError(f"--param takes key=value, not {pair!r}")
        given.setdefault(key.strip(), []).append(value)
    settings = _settings(queries=queries, store=store, sparql_url=sparql_url)
    fmt = None if output_format == "table" else choose_format(formats_of(ResultKind.SOLUTIONS), None, output_format)
    catalogue = _catalogue(settings)
    query = catalogue.get(name)
    engine = searching_engine(_ready_store(settings))
    bound, answer = catalogue.run(query, given, json_fetcher(engine), settings.max_rows)
    if fmt is not None:
        sys.stdout.buffer.write(answer.write(fmt))
        return
    typer.echo(_table(answer))
    if answer.more:
        follow = f"page={bound.page + 1}" if bound.page_size else f"more than {settings.max_rows} rows"
        typer.echo(f"(more rows follow: {follow})")


@app.command()
def export(
    output_format: Annotated[
        str, typer.Option("--format", help=f"trig (default), or {', '.join(names_of(ResultKind.GRAPH))}.")
    ] = "trig",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; standard output if none.")
    ] = None,
    dumps: Annotated[
        Path | None,
        typer.Option("--dumps", help="Folder to write the gzip dumps that `biokg serve` offers at /dumps/ into."),
    ] = None,
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
) -> None:
    """Write the whole dataset: TriG and N-Quads keep the named graphs, the other formats merge them."""
    fmt = choose_format(formats_of(ResultKind.GRAPH), None, output_format)
    source = _ready_store(_settings(store=store, sparql_url=sparql_url))
    if dumps is not None:
        for path in write_dumps(source.quads, dumps):
            typer.echo(f"Wrote {path}", err=True)
        return
    data = source.export(fmt)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


import_app = typer.Typer(help="Import public registries (ROR, ClinicalTrials.gov, EMA), each into its own graph.")
app.add_typer(import_app, name="import")


@import_app.command("ror")
def import_ror_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="ROR records in schema 2 or 1: .jsonl, .jsonl.gz, a folder of .json, or ROR's dump .zip; "
            "several files are read in turn, as one import."
        ),
    ],
    country: Annotated[str | None, typer.Option(help="Only records located in these countries, e.g. DE,JP.")] = None,
    kind: Annotated[
        str | None, typer.Option("--type", help="Only records of these ROR types, e.g. company,education.")
    ] = None,
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
) -> None:
    """Import ROR records into the graph https://w3id.org/biokg/graph/ror, replacing an earlier import.

    Records that break the shapes are listed (where, ROR id, message) and left out; nothing is written unless
    the rest conforms together with the store's other graphs.
    """
    settings = _settings(
        store=store, sparql_url=sparql_url, sparql_update_url=update_url, graph_store_url=graph_store_url
    )
    keep = RecordFilter(_codes(country, upper=True), _codes(kind, upper=False))
    try:
        target = _ready_store(settings)
        report = import_ror(files, target, load_sources(), keep, on_record=_progress)
    finally:
        typer.echo("", err=True)
    for rejection in report.rejected:
        typer.echo(f"rejected {rejection.where} {rejection.key or '-'}: {rejection.message}", err=True)
    seconds = report.seconds["total"]
    typer.echo(
        f"Read {report.read} records: imported {report.imported}, rejected {len(report.rejected)}, "
        f"left out by the filter {report.filtered}; {report.triples} triples into graph:ror of the {target.name} "
        f"in {seconds:.1f} s ({report.read / seconds:,.0f} records/s, {report.triples / seconds:,.0f} triples/s; "
        f"validation {report.seconds.get('validate', 0):.1f} s)."
    )


@import_app.command("clinicaltrials")
def import_clinicaltrials_command(
    file: Annotated[Path, typer.Argument(help="A CSV export of ClinicalTrials.gov's search (its standard columns).")],
    store: StoreDir = None,
) -> None:
    """Import studies into the graph https://w3id.org/biokg/graph/clinicaltrials, replacing an earlier import.

    Sponsors and collaborators are linked to their ROR organisation when the match is certain (import ROR
    first); rejected records are listed with their line and reason.
    """
    target = _ready_embedded(_settings(store=store))
    _report_import(import_clinicaltrials(file, target, load_sources()), "studies", "clinicaltrials", target)


@import_app.command("ema")
def import_ema_command(
    file: Annotated[Path, typer.Argument(help="EMA's EPAR medicines table (.xlsx), as EMA publishes it.")],
    store: StoreDir = None,
) -> None:
    """Import medicines into the graph https://w3id.org/biokg/graph/ema, replacing an earlier import.

    Holders are linked to their ROR organisation when the match is certain (import ROR first); rejected
    records are listed with their row and reason.
    """
    target = _ready_embedded(_settings(store=store))
    _report_import(import_ema(file, target, load_sources()), "medicines", "ema", target)


def _report_import(report: ImportReport, records: str, graph: str, target: EmbeddedStore) -> None:
    for rejection in report.rejected:
        typer.echo(f"rejected {rejection.where} {rejection.key or '-'}: {rejection.message}", err=True)
    typer.echo(
        f"Read {report.read} {records}: imported {report.imported}, rejected {len(report.rejected)}; "
        f"{report.triples} triples into graph:{graph} of the {target.name} in {report.seconds['total']:.1f} s; "
        f"{report.linked} organisation names linked to ROR."
    )


def _codes(text: str | None, upper: bool) -> frozenset[str]:
    items = [item.strip() for item in (text or "").split(",") if item.strip()]
    return frozenset(item.upper() if upper else item.lower() for item in items)


def _progress(records: int) -> None:
    typer.echo(f"\rRead {records:,} records ...", err=True, nl=False)


@app.command()
def matches(
    uncertain: Annotated[
        bool, typer.Option("--uncertain", help="List each name whose ROR organisation is not certain.")
    ] = False,
    store: StoreDir = None,
) -> None:
    """How the organisations that trials and medicines name were matched with ROR's, and which are uncertain.

    A name is linked at import only when it is a name of exactly one ROR organisation. The uncertain ones are
    listed for a curator, never merged: link one by stating skos:exactMatch <https://ror.org/...> in a graph.
    """
    target = _ready_embedded(_settings(store=store))
    figures = match_counts(target.oxigraph)
    typer.echo(
        f"{figures.linked} organisations named by trials and medicines are ROR organisations; "
        f"{figures.minted} are not matched, {figures.uncertain} of them with uncertain candidates."
    )
    if uncertain:
        rows = [[c.name, compact(c.organisation), c.label, c.reason] for c in uncertain_matches(target.oxigraph)]
        typer.echo(render_table(["name", "candidate", "its name", "why it is not certain"], rows))


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (env BIOKG_HOST, default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (env BIOKG_PORT, default 8000).")] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds a query may run before it is stopped (default 30).")
    ] = None,
    max_rows: Annotated[int | None, typer.Option(help="Rows an answer holds at most (default 10000).")] = None,
    workers: Annotated[int | None, typer.Option(help="Query worker processes (default: one per core).")] = None,
    allow_service: Annotated[
        bool | None, typer.Option("--allow-service/--no-service", help="Let queries call other endpoints.")
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            help="URL the server is reached at, for absolute links (env BIOKG_PUBLIC_URL).", show_default=False
        ),
    ] = None,
    warm: Annotated[
        bool | None,
        typer.Option(
            "--warm/--no-warm",
            help="Answer the first page of every canned query into the cache once listening (default on).",
            show_default=False,
        ),
    ] = None,
    queries: QueriesDir = None,
    store: StoreDir = None,
    sparql_url: SparqlUrl = None,
) -> None:
    """Serve the graph over HTTP: the SPARQL 1.1 endpoint at /sparql, health at /healthz.

    The embedded store holds the shipped data, validated at start; a graph that does not conform is not served.
    """
    import uvicorn

    from biokg.server import prepare
    from biokg.web import create_app
    from biokg.web.http_protocol import http_protocol

    settings = _settings(
        host=host,
        port=port,
        query_time_limit=time_limit,
        max_rows=max_rows,
        query_workers=workers,
        allow_service=allow_service,
        public_url=public_url,
        warm_canned=warm,
        queries=queries,
        store=store,
        sparql_url=sparql_url,
    )
    context = prepare(settings)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    typer.echo(
        f"Serving {context.triples} triples from the {context.store_name} at http://{settings.host}:{settings.port}/sparql",
        err=True,
    )
    # The event loop waits at most this long for the interpreter while a write's check runs in a thread: with
    # Python's 5 ms, readers' p99 rose to 164 ms during a write into a million statements.
    sys.setswitchinterval(SWITCH_SECONDS)
    try:
        # On SIGTERM, requests still running after 2 s are cancelled and their workers killed with the engine.
        uvicorn.run(
            create_app(context),
            host=settings.host,
            port=settings.port,
            http=http_protocol(settings.request_read_seconds, settings.send_stall_seconds),
            access_log=False,
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
    finally:
        context.engine.close()


def main() -> None:
    """The `biokg` command behind one error boundary: any BiokgError is printed (a non-conforming graph as its
    report) and ends the command with exit 1, never with a traceback."""
    try:
        app(prog_name="biokg")
    except NonConformingDataError as error:
        typer.echo(error.report.render(), err=True)
        sys.exit(1)
    except BiokgError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
