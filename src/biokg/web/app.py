"""The FastAPI application of biokg: one router per concern, limits and logs around them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from biokg.web import canned, health, linked, search, sparql, workbench, writes
from biokg.web.context import ServerContext
from biokg.web.errors import install_error_handlers
from biokg.web.middleware import AccessLog, BodyLimit, ReaderAccess
from biokg.web.static_files import STATIC, CompressedStaticFiles


class BiokgApp(FastAPI):
    """FastAPI, with the SPARQL endpoint's plain routes in its OpenAPI description too."""

    def openapi(self) -> dict[str, Any]:
        schema = super().openapi()
        schema["paths"].setdefault("/sparql", sparql.openapi_path())
        return schema


def create_app(context: ServerContext) -> FastAPI:
    """The application serving `context`'s engine: the canned queries' first pages are answered once it starts
    (if the context says so), and the engine serving when it shuts down is closed."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warming = asyncio.create_task(canned.warm_first_pages(context)) if context.warm_canned else None
        yield
        if warming:
            warming.cancel()
        serving = app.state.context  # the one serving now: a curator's write may have swapped in another
        serving.engine.close()
        if serving.readers:
            serving.readers.close()

    app = BiokgApp(
        title="biokg",
        version=version("biokg"),
        description="A knowledge graph of the biotech ecosystem.",
        lifespan=lifespan,
        docs_url=None,  # served below from the package's own copy of Swagger UI, not from a CDN
        redoc_url=None,
    )
    app.state.context = context
    install_error_handlers(app)
    app.add_route("/sparql", sparql.sparql_endpoint, methods=["GET", "POST"])
    app.include_router(health.router)
    app.include_router(workbench.router)  # before the canned queries' routes, whose paths it extends
    app.include_router(canned.router)
    canned.add_query_routes(app, context)
    app.include_router(search.router)
    app.include_router(linked.router)
    app.include_router(writes.router)
    app.mount("/static", CompressedStaticFiles(directory=STATIC), name="static")
    app.add_route("/docs", _api_documentation, include_in_schema=False)
    # Public data: any origin may read, never with credentials (a "*" with credentials would echo any Origin).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=context.settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=[sparql.TRUNCATED_HEADER],
        allow_credentials=False,
    )
    app.add_middleware(ReaderAccess)
    app.add_middleware(BodyLimit, limit=context.settings.max_request_bytes)
    app.add_middleware(AccessLog)
    return app


async def _api_documentation(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json, every file of it from this server."""
    vendor = "/static/vendor/swagger-ui/"
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="biokg API",
        swagger_js_url=vendor + "swagger-ui-bundle.js",
        swagger_css_url=vendor + "swagger-ui.css",
        swagger_favicon_url=vendor + "favicon-32x32.png",
    )
