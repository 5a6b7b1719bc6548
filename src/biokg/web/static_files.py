"""The package's static files (scripts, styles, the vendored front-end libraries), each sent as its gzip copy to
a client that takes gzip: the workbench's scripts weigh a quarter as much on the wire."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from biokg.web.representation import takes_gzip

STATIC = Path(__file__).parent / "static"


class CompressedStaticFiles(StaticFiles):
    """StaticFiles that answers with `name.gz`, beside `name`, when there is one and the client takes gzip."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if not isinstance(response, FileResponse) or response.status_code != 200:
            response.headers.setdefault("Vary", "Accept-Encoding")
            return response
        compressed = Path(str(response.path) + ".gz")
        response.headers["Vary"] = "Accept-Encoding"
        if compressed.is_file() and takes_gzip(Headers(scope=scope).get("accept-encoding")):
            headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            return FileResponse(compressed, media_type=response.media_type, headers=headers)
        return response
