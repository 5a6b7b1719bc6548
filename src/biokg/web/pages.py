"""HTML pages for people: server-side Jinja2 templates, readable without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from biokg.linked.page import local_link
from biokg.namespaces import compact
from biokg.terms import show_term

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["term"] = show_term


def link_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    """Where a term's cell links to: the IRI itself for an IRI, nothing for other terms."""
    return term.value if isinstance(term, ox.NamedNode) else None


templates.env.filters["link"] = link_of
templates.env.filters["local"] = local_link
templates.env.filters["compact"] = compact


def page(request: Request, template: str, status_code: int = 200, **values: object) -> HTMLResponse:
    """A template rendered for a request, with the request in reach of the template."""
    return templates.TemplateResponse(request, template, values, status_code=status_code)
