"""The `biokg` command: thin commands that call the core and print."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from biokg.dataset import load_validated
from biokg.errors import BiokgError, NonConformingDataError
from biokg.sources import load_sources
from biokg.stats import statistics
from biokg.store.embedded import EmbeddedStore
from biokg.tables import render_table
from biokg.validation import validate_sources

app = typer.Typer(help="biokg: a knowledge graph of the biotech ecosystem.", no_args_is_help=True)

DataPaths = Annotated[
    list[Path] | None,
    typer.Argument(help="Data files or folders (TriG, Turtle, N-Quads ...); the shipped data if none."),
]


def _fail(error: BiokgError) -> typer.Exit:
    """Print an error the way every command does, and give the exit to raise."""
    if isinstance(error, NonConformingDataError):
        typer.echo(error.report.render(), err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    return typer.Exit(1)


@app.command()
def validate(paths: DataPaths = None) -> None:
    """Parse ontology, shapes and data, check the data against the shapes; exit 1 on any violation."""
    try:
        sources = load_sources(paths)
        report = validate_sources(sources)
    except BiokgError as error:
        raise _fail(error) from None
    typer.echo(f"Parsed {len(sources.files)} files: {len(sources.data)} data triples.")
    typer.echo(report.render())
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
def stats(paths: DataPaths = None) -> None:
    """Print triples, named graphs and entities per class of the validated graph."""
    store = EmbeddedStore()
    try:
        load_validated(store, load_sources(paths))
        figures = statistics(store)
    except BiokgError as error:
        raise _fail(error) from None
    typer.echo(f"Triples: {figures.triples}\n")
    typer.echo(render_table(["named graph", "triples"], figures.graphs) + "\n")
    typer.echo(render_table(["class", "entities"], figures.classes))
