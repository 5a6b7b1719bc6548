"""Finding and browsing: `/api/search` (JSON, also behind every page's search box), the `/search` page with its
groups and filters, and `/browse`, the instances of a class a page at a time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from biokg.linked.page import local_link
from biokg.namespaces import compact, expand
from biokg.search import Hit, SearchIndex
from biokg.threads import in_thread
from biokg.web.context import ContextDep
from biokg.web.pages import page

router = APIRouter(tags=["search"])
MAX_RESULTS = 100
PAGE_RESULTS = 200
BROWSE_PAGE = 100
Text = Annotated[str, Query(description="A name, alias or acronym, or part of one, in any language")]
ClassFilter = Annotated[
    str | None, Query(alias="class", description="Only resources of this class (its IRI, or bkg:Company)")
]
CountryFilter = Annotated[str | None, Query(description="Only resources in this country (its IRI, or country:de)")]


@router.get(
    "/api/search",
    summary="Resources by name: exact names first, then prefixes, words and parts of names",
)
async def search_api(
    context: ContextDep,
    q: Text,
    class_iri: ClassFilter = None,
    country: CountryFilter = None,
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS, description="How many at most")] = 10,
) -> dict[str, Any]:
    hits = await _search(context.search, q, class_iri, country, limit)
    return {
        "query": q,
        "class": class_iri and expand(class_iri),
        "country": country and expand(country),
        "results": [_listing(hit) for hit in hits],
    }


@router.get("/search", include_in_schema=False)
async def search_page(
    request: Request,
    context: ContextDep,
    q: str = "",
    class_iri: ClassFilter = None,
    country: CountryFilter = None,
) -> Response:
    index = context.search
    hits = await _search(index, q, class_iri, country, PAGE_RESULTS) if q.strip() else []
    types, countries = await in_thread(index.facets, q) if q.strip() else ([], [])
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.type_label or (compact(hit.type) if hit.type else "no class"), []).append(hit)
    return page(
        request,
        "search.html",
        q=q,
        groups=sorted(groups.items(), key=lambda group: (-len(group[1]), group[0])),
        found=len(hits),
        cut=len(hits) == PAGE_RESULTS,
        types=types,
        countries=countries,
        chosen_class=class_iri and expand(class_iri),
        chosen_country=country and expand(country),
        class_label=class_iri and index.label(expand(class_iri)),
        country_label=country and index.label(expand(country)),
    )


@router.get("/browse", include_in_schema=False)
async def browse(
    request: Request,
    context: ContextDep,
    class_iri: Annotated[str, Query(alias="class")],
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
    size: Annotated[int, Query(alias="limit", ge=1, le=1000)] = BROWSE_PAGE,
) -> Response:
    iri = expand(class_iri)
    listed, total = await in_thread(context.search.instances, iri, (page_number - 1) * size, size)
    last = max(1, -(-total // size))
    return page(
        request,
        "browse.html",
        class_iri=iri,
        class_label=context.search.label(iri) or compact(iri),
        listed=listed,
        total=total,
        page_number=page_number,
        last=last,
        first_shown=(page_number - 1) * size + 1,
        size=size,
        default_size=BROWSE_PAGE,
    )


async def _search(index: SearchIndex, text: str, class_iri: str | None, country: str | None, limit: int) -> list[Hit]:
    return await in_thread(index.search, text, class_iri and expand(class_iri), country and expand(country), limit)


def _listing(hit: Hit) -> dict[str, Any]:
    return {
        "iri": hit.iri,
        "label": hit.label,
        "language": hit.language,
        "class": hit.type,
        "classLabel": hit.type_label,
        "score": hit.score,
        "matched": hit.matched,
        "page": local_link(hit.iri),
    }
