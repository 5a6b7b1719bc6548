"""One resource, several representations: content negotiation, file extensions, and HTTP caching headers.

Every document the linked-data routes serve goes through `represent`: it sets `Vary: Accept`, `Content-Location`
(the URL of the chosen representation), `Link: rel=alternate` for the others, an ETag computed from the body, and
`Last-Modified` (when the data was loaded), and answers 304 to a matching `If-None-Match` or `If-Modified-Since`.
"""

from __future__ import annotations

import email.utils
import hashlib
from collections.abc import Callable
from datetime import datetime

from fastapi import Request, Response

from biokg.formats import HTML, Format, ResultKind, candidates_for, negotiate
from biokg.web.errors import HttpError

DOCUMENT_FORMATS: list[Format] = [*candidates_for(ResultKind.GRAPH), HTML]
"""What a resource's description is offered as: Turtle first (for RDF clients that accept anything), then the
other RDF formats, and HTML for browsers (they ask for text/html with the highest quality)."""
EXTENSIONS = {fmt.extension: fmt for fmt in DOCUMENT_FORMATS}


def split_extension(path: str) -> tuple[str, Format | None]:
    """`person/x.ttl` to (`person/x`, Turtle); a path without a known extension stays as it is."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension and extension in EXTENSIONS:
        return stem, EXTENSIONS[extension]
    return path, None


def choose(request: Request, fixed: Format | None, offered: list[Format] = DOCUMENT_FORMATS) -> Format:
    """The format an extension fixed, else the one the Accept header prefers; 406 when none is acceptable."""
    if fixed is not None:
        return fixed
    accept = request.headers.get("accept")
    chosen = negotiate(accept, offered)
    if chosen is None:
        types = ", ".join(fmt.media_type for fmt in offered)
        raise HttpError(406, f"none of the accepted media types ({accept}) is offered here: {types}")
    return chosen


def represent(
    request: Request,
    path: str,
    fmt: Format,
    write: Callable[[Format], bytes],
    modified: datetime,
    offered: list[Format] = DOCUMENT_FORMATS,
    status_code: int = 200,
) -> Response:
    """The response for one representation of the document at `path` (without extension)."""
    body = write(fmt)
    validators = cache_validators(fmt.name.encode() + b"\0" + body, modified)
    alternates = ", ".join(
        f'<{path}.{other.extension}>; rel="alternate"; type="{other.media_type}"' for other in offered
    )
    headers = {
        "Vary": "Accept",
        "Content-Location": f"{path}.{fmt.extension}",
        "Link": alternates,
        **validators,
    }
    if status_code == 200 and not_modified(request, validators["ETag"], modified):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type=fmt.content_type, headers=headers)


def cache_validators(content: bytes, modified: datetime) -> dict[str, str]:
    """ETag (from the content) and Last-Modified headers."""
    return {
        "ETag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
        "Last-Modified": http_date(modified),
    }


def http_date(moment: datetime) -> str:
    """A moment as HTTP writes dates (RFC 9110 IMF-fixdate)."""
    return email.utils.format_datetime(moment, usegmt=True)


def not_modified(request: Request, etag: str | None, modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present (against `etag`, when the answer has one); If-Modified-Since
    only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return modified.replace(microsecond=0) <= since
    return False
