"""/healthz: whether the server can answer, and what its store holds."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from biokg.engine import QueryJob
from biokg.errors import BiokgError
from biokg.web.context import ContextDep

router = APIRouter()


@router.get(
    "/healthz",
    summary="Liveness: the store answers a query, what it holds, whether the canned queries' first pages are ready",
)
async def healthz(context: ContextDep) -> JSONResponse:
    probe = QueryJob(query="ASK {}", format_name="json", max_rows=1, cacheable=False)
    try:
        await context.engine.answer(probe)
    except BiokgError as error:
        return JSONResponse({"status": "failing", "store": context.store_name, "error": str(error)}, status_code=503)
    health: dict[str, object] = {
        "status": "ok",
        "store": context.store_name,
        "triples": context.triples,
        "graphs": len(context.graph_sizes),
    }
    if context.warm_canned:
        health["canned_warmed"] = context.warmed.is_set()
    return JSONResponse(health)
