"""One resource, several representations: content negotiation, file extensions, and HTTP caching headers.

Every document the linked-data routes serve goes through `represent`: it sets `Vary: Accept`, `Content-Location`
(the URL of the chosen representation), `Link: rel=alternate` for the others, an ETag computed from the body, and
`Last-Modified` (when the data was loaded), and answers 304 to a matching `If-None-Match` or `If-Modified-Since`.
"""

from __future__ import annotations

import email.utils
import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime

from fastapi import Request, Response

from biokg.formats import HTML, Format, ResultKind, choose_format, formats_of, quality_values


def document_formats() -> list[Format]:
    """What a resource's description is offered as: Turtle first (for RDF clients that accept anything), then the
    other RDF formats, and HTML for browsers (they ask for text/html with the highest quality)."""
    return [*formats_of(ResultKind.GRAPH), HTML]


def split_extension(path: str) -> tuple[str, Format | None]:
    """`person/x.ttl` to (`person/x`, Turtle); a path without a known extension stays as it is."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension:
        for fmt in document_formats():
            if fmt.extension == extension:
                return stem, fmt
    return path, None


def choose(request: Request, fixed: Format | None, offered: Sequence[Format] | None = None) -> Format:
    """The format an extension fixed, else the one the Accept header prefers; 406 when none is acceptable."""
    return fixed or choose_format(offered or document_formats(), request.headers.get("accept"))


def represent(
    request: Request,
    path: str,
    fmt: Format,
    write: Callable[[Format], bytes],
    modified: datetime,
    offered: Sequence[Format] | None = None,
    status_code: int = 200,
) -> Response:
    """The response for one representation of the document at `path` (without extension)."""
    offered = offered or document_formats()
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


def takes_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header takes gzip: by name (or x-gzip), else by `*`, with a quality above 0."""
    qualities = dict(quality_values(accept_encoding or ""))
    return next((qualities[name] for name in ("gzip", "x-gzip", "*") if name in qualities), 0.0) > 0
