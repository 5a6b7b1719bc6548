"""Linked data: every IRI under /id/ and /graph/ dereferences, the ontology and shapes are served at their IRIs,
with the home page, the dataset description (/.well-known/void) and the dumps (/dumps/).

Non-information resources (an organisation, a person) are answered directly with their description, never with a
303 redirect: the response's Content-Location names the document (`/id/person/x.ttl`), as the W3C's "Cool URIs"
allows, so a client makes one request instead of two.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse
from starlette.convertors import Convertor, register_url_convertor

from biokg.engine import FetchJson, json_fetcher
from biokg.engine.answers import read_solutions
from biokg.errors import BiokgError, NotAcceptableError, NotFoundError, ParameterError
from biokg.formats import GZIP, HTML, PLAIN_TEXT, Format, ResultKind, Row, format_named, formats_of, openapi_content
from biokg.linked.description import describe, graph_quads, write_quads
from biokg.linked.dumps import DUMP_FORMATS, dump_name
from biokg.linked.page import build_page, build_terms
from biokg.linked.void import dataset_summary, describe_dataset, graph_contents, graph_statistics
from biokg.namespaces import BASE, ONTOLOGY_IRI, PREFIXES, SHAPES_IRI, sparql_prologue
from biokg.terms import text_of
from biokg.threads import in_thread
from biokg.web.context import ContextDep, ServerContext
from biokg.web.errors import ENGINE_ERRORS, described
from biokg.web.pages import page, templates
from biokg.web.representation import (
    cache_validators,
    choose,
    document_formats,
    not_modified,
    represent,
    split_extension,
)
from biokg.web.workbench import editor_link, map_link

router = APIRouter(tags=["linked data"])
_COORDINATES = {PREFIXES["schema"] + "latitude", PREFIXES["schema"] + "longitude"}
HOLDINGS_PAGE = 200
"""Subjects a named graph's page lists at a time."""
VOCABULARIES = {"ontology": (ONTOLOGY_IRI, "biokg ontology"), "shapes": (SHAPES_IRI, "biokg SHACL shapes")}
"""The vocabularies served at their IRIs: the graph each is loaded into, and the title of its documentation."""
_VOCABULARY_DOCUMENT = f"(?:{'|'.join(VOCABULARIES)})(?:\\.[a-z]+)?"


class _VocabularyDocument(Convertor[str]):
    """A vocabulary's path, with or without a format's extension (`ontology`, `shapes.ttl`)."""

    regex = _VOCABULARY_DOCUMENT

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("vocabulary", _VocabularyDocument())
_HOME_CLASSES = (
    sparql_prologue()
    + """
SELECT ?class ?label (COUNT(DISTINCT ?entity) AS ?n) WHERE {
  GRAPH <https://w3id.org/biokg/ontology> { ?class a owl:Class ; rdfs:label ?label }
  ?entity a ?class .
} GROUP BY ?class ?label ORDER BY DESC(?n) ?label"""
)
_HOME_ENTITIES = (
    sparql_prologue()
    + """
SELECT ?entity (SAMPLE(?name) AS ?label) WHERE {
  ?entity a/rdfs:subClassOf* bkg:Organization ; rdfs:label ?name FILTER(LANG(?name) = "en")
} GROUP BY ?entity ORDER BY LCASE(SAMPLE(?name)) LIMIT 50"""
)


@router.get("/", response_class=HTMLResponse, summary="Home page: what the graph holds, and where to go")
async def home(request: Request, context: ContextDep) -> Response:
    fetch = json_fetcher(context.engine)
    classes = await in_thread(_rows, fetch, _HOME_CLASSES)
    entities = await in_thread(_rows, fetch, _HOME_ENTITIES)
    return page(
        request,
        "home.html",
        triples=f"{context.triples:,}",
        graphs=len(context.graph_sizes),
        classes=[(text_of(c), text_of(label), text_of(n)) for c, label, n in classes],
        entities=[(text_of(entity), text_of(label)) for entity, label in entities],
    )


def _documents(description: str, offered: list[Format], *errors: type[BiokgError]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of a route that serves a document in the offered formats."""
    ok = {"description": description, "content": openapi_content(offered)}
    return {"200": ok, **described(*errors, statuses=(304,))}


@router.get(
    "/id/{path:path}",
    summary="The description of a resource, in the format asked for",
    response_class=Response,
    responses=_documents(
        "The resource's description", document_formats(), NotFoundError, NotAcceptableError, *ENGINE_ERRORS
    ),
)
async def resource(path: str, request: Request, context: ContextDep) -> Response:
    return await _resource("id/" + path, request, context)


@router.get(
    "/graph/{path:path}",
    summary="The description of a named graph (a source of statements)",
    response_class=Response,
    responses=_documents(
        "The graph's description", document_formats(), NotFoundError, NotAcceptableError, *ENGINE_ERRORS
    ),
)
async def graph_resource(path: str, request: Request, context: ContextDep) -> Response:
    return await _resource("graph/" + path, request, context)


async def _resource(path: str, request: Request, context: ServerContext) -> Response:
    stem, fixed = split_extension(path)
    fmt = choose(request, fixed)
    try:
        iri = ox.NamedNode(BASE + stem)
    except ValueError:
        return _not_found(request, fmt, f"{path} is not a valid IRI path")
    fetch = json_fetcher(context.engine)
    description = await in_thread(describe, iri, fetch)
    size = dict(context.graph_sizes).get(iri.value)
    if size is not None:  # a named graph: what the VoID says of it, even when nothing else describes it
        description = dataclasses.replace(description, outgoing=(*description.outgoing, *graph_statistics(iri, size)))
    if not description.found:
        return _not_found(request, fmt, f"the graph holds nothing about <{iri.value}>")
    if fmt is HTML:
        view = await in_thread(build_page, description, fetch)
        incoming = f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p <{iri.value}> }} }}"
        holds = await _holdings(request, context, iri) if size is not None else None
        outgoing = f"SELECT ?property ?value ?graph WHERE {{\n  GRAPH ?graph {{ <{iri.value}> ?property ?value }}\n}}"
        editor = editor_link(outgoing, view.title)
        located = {quad.predicate.value for quad in description.outgoing} >= _COORDINATES
        on_map = map_link(iri.value, view.title) if located else None
        html = _render(
            "resource.html",
            request,
            page=view,
            path="/" + stem,
            incoming_query=incoming,
            holds=holds,
            editor=editor,
            on_map=on_map,
        )
        return represent(request, "/" + stem, fmt, lambda _: html, context.loaded_at)
    return represent(request, "/" + stem, fmt, description.write, context.loaded_at)


@router.get(
    "/{document:vocabulary}",
    summary="The ontology (OWL) or the SHACL shapes, or their documentation",
    response_class=Response,
    responses=_documents("The vocabulary", document_formats(), NotFoundError, NotAcceptableError, *ENGINE_ERRORS),
)
async def vocabulary(
    document: Annotated[
        str, Path(pattern=f"^{_VOCABULARY_DOCUMENT}$", description="ontology or shapes, with an extension or not")
    ],
    request: Request,
    context: ContextDep,
) -> Response:
    name, fixed = split_extension(document)
    if name not in VOCABULARIES:
        raise NotFoundError(f"/{document}: no format has the extension {document.rpartition('.')[2]!r}")
    graph, title = VOCABULARIES[name]
    return await _vocabulary(graph, title, request, context, fixed)


async def _vocabulary(
    graph: str, title: str, request: Request, context: ServerContext, fixed: Format | None
) -> Response:
    fmt = choose(request, fixed)
    fetch = json_fetcher(context.engine)
    quads = await in_thread(graph_quads, graph, fetch)
    path = "/" + graph[len(BASE) :]
    if fmt is HTML:
        sections, labels = build_terms(quads)
        header = next(
            (
                text_of(q.object)
                for q in quads
                if text_of(q.subject) == graph and q.predicate.value == PREFIXES["dcterms"] + "description"
            ),
            "",
        )
        html = _render(
            "terms.html",
            request,
            title=title,
            iri=graph,
            path=path,
            sections=sections,
            labels=labels,
            description=header,
        )
        return represent(request, path, fmt, lambda _: html, context.loaded_at)

    return represent(request, path, fmt, lambda chosen: write_quads(quads, chosen), context.loaded_at)


@router.get(
    "/.well-known/void",
    summary="VoID and DCAT description of the dataset",
    response_class=Response,
    responses=_documents(
        "The dataset's description", formats_of(ResultKind.GRAPH), NotAcceptableError, *ENGINE_ERRORS
    ),
)
async def void(request: Request, context: ContextDep) -> Response:
    rdf_formats = formats_of(ResultKind.GRAPH)
    fmt = choose(request, None, [*rdf_formats, HTML])  # HTML last: only a client that prefers it gets the page
    public_url = context.settings.public_url or str(request.base_url)
    public_url = public_url if public_url.endswith("/") else public_url + "/"
    fetch = json_fetcher(context.engine)
    if "void " + public_url not in context.memo:
        triples = await in_thread(describe_dataset, fetch, context.graph_sizes, public_url, context.loaded_at)
        context.memo["void " + public_url] = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def write(chosen: Format) -> bytes:
        """Each format written once and kept: its blank nodes, and so its ETag, stay the same."""
        key = f"void {public_url} {chosen.name}"
        if key not in context.memo:
            parsed = ox.parse(context.memo["void " + public_url], format=ox.RdfFormat.N_TRIPLES)
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in parsed]
            context.memo[key] = write_quads(quads, chosen)
        return context.memo[key]

    if fmt is HTML:
        parsed = ox.parse(context.memo["void " + public_url], format=ox.RdfFormat.N_TRIPLES)
        html = _render("void.html", request, void=dataset_summary(list(parsed)), search=context.search)
        return represent(request, "/.well-known/void", fmt, lambda _: html, context.loaded_at, rdf_formats)
    return represent(request, "/.well-known/void", fmt, write, context.loaded_at, rdf_formats)


@router.get("/dumps/", response_class=HTMLResponse, summary="The full dumps of the dataset")
def dumps_index(request: Request) -> Response:
    return page(request, "dumps.html", files=[(dump_name(fmt), fmt.media_type) for fmt in DUMP_FORMATS])


@router.get(
    "/dumps/{name}",
    summary="One dump file, gzip-compressed, with ETag and Last-Modified",
    response_class=Response,
    responses={
        "200": {"description": "The dump", "content": {GZIP: {"schema": {"type": "string", "format": "binary"}}}},
        **described(NotFoundError, statuses=(304,)),
    },
)
async def dump(name: str, request: Request, context: ContextDep) -> Response:
    made = await in_thread(context.dumps.get, name) if context.dumps else None
    if made is None:
        return Response(f"no dump named {name}; /dumps/ lists them\n", status_code=404, media_type=PLAIN_TEXT)
    headers = {**cache_validators(made, context.loaded_at), "Content-Disposition": f'attachment; filename="{name}"'}
    if not_modified(request, headers["ETag"], context.loaded_at):
        return Response(status_code=304, headers=headers)
    return Response(made, media_type=GZIP, headers=headers)


@router.get(
    "/context.jsonld",
    summary="The JSON-LD context of biokg's prefixes",
    response_class=Response,
    responses={"200": {"description": "The context", "content": openapi_content([format_named("jsonld")])}},
)
def jsonld_context() -> Response:
    body = json.dumps({"@context": PREFIXES}, indent=2)
    return Response(body, media_type=format_named("jsonld").media_type)


@dataclass(frozen=True)
class Holdings:
    """One page of what a named graph holds: its subjects with their labels and statement counts."""

    subjects: list[tuple[str, str | None, int]]
    page: int
    more: bool


async def _holdings(request: Request, context: ServerContext, graph: ox.NamedNode) -> Holdings:
    number = request.query_params.get("page", "1")
    if not number.isdigit() or int(number) < 1:
        raise ParameterError(f"page counts from 1, not {number!r}")
    offset = (int(number) - 1) * HOLDINGS_PAGE
    rows = await in_thread(graph_contents, graph, json_fetcher(context.engine), offset, HOLDINGS_PAGE + 1)
    subjects = [(iri, context.search.label(iri), count) for iri, count in rows[:HOLDINGS_PAGE]]
    return Holdings(subjects, int(number), len(rows) > HOLDINGS_PAGE)


def _rows(fetch: FetchJson, query: str) -> tuple[Row, ...]:
    return read_solutions(fetch(query, 1000), 1000).rows


def _not_found(request: Request, fmt: Format, message: str) -> Response:
    if fmt is HTML:
        return page(request, "not_found.html", status_code=404, message=message)
    return Response(message + "\n", status_code=404, media_type=PLAIN_TEXT)


def _render(template: str, request: Request, **values: object) -> bytes:
    return templates.get_template(template).render(request=request, **values).encode()
