"""uvicorn's HTTP/1.1 protocol (httptools), with limits on the request head that say what went wrong.

Left to itself, uvicorn takes a request head of any size, for any time: httptools gathers each header value by
concatenation in the event loop, so one client sending a 60 MB header froze every other request for seconds (and
took the memory), and a connection that never finished its head stayed open for good, so a few thousand of them
would use up the server's connections. A head over `MAX_HEAD_BYTES` gets 431 as it arrives, and one not complete
within the head time limit gets 408 (a connection that sent nothing is closed). httptools also parses URLs of at
most 65,535 bytes, and uvicorn answered a longer one with a bare 400 ("Invalid HTTP request received."): a SPARQL
client sending a long query by GET (SPARQLWrapper's default) gets 414 instead, saying that POST takes the query.

The answer side has its own hole: uvicorn hands a whole answer to the connection at once, and a client that never
reads it kept it in the server's memory for good (eight such clients held 430 MB). A connection whose client takes
none of its answer for the stall time limit is closed, as nginx's send_timeout does.
"""

from __future__ import annotations

import asyncio
import logging

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from biokg.formats import PLAIN_TEXT

MAX_URL_BYTES = 65_535
MAX_HEAD_BYTES = 256 * 1024
URL_TOO_LONG = (
    f"the URL is longer than this server takes ({MAX_URL_BYTES} bytes); "
    "send a long query by POST, as application/sparql-query or form-encoded\n"
)
HEAD_TOO_LARGE = f"the request line and headers are larger than this server takes ({MAX_HEAD_BYTES} bytes)\n"
HEAD_TOO_SLOW = "the request line and headers did not arrive in time\n"


_log = logging.getLogger("biokg.http")


class _UrlTooLong(Exception):
    pass


def http_protocol(head_seconds: float, stall_seconds: float) -> type[HttpProtocol]:
    """The protocol class for uvicorn, giving a client `head_seconds` to send each request's line and headers,
    and closing its connection when it takes none of an answer for `stall_seconds`."""
    return type("HttpProtocol", (HttpProtocol,), {"head_seconds": head_seconds, "stall_seconds": stall_seconds})


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's protocol, refusing an overlong URL (414) or request head (431) as it arrives, and a head that
    takes longer than `head_seconds` (408); dropping a client that stalls for `stall_seconds` while it is sent an
    answer."""

    head_seconds = 20.0
    stall_seconds = 60.0
    _in_head = False
    _head_bytes = 0
    _head_timer: asyncio.TimerHandle | None = None
    _stall_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.head_seconds, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        self._stop_stall_timer()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        """The connection holds more of an answer than the client has taken: watch that it goes on taking it."""
        super().pause_writing()
        self._stop_stall_timer()
        self._stall_timer = self.loop.call_later(self.stall_seconds, self._check_progress, self._unsent())

    def resume_writing(self) -> None:
        self._stop_stall_timer()
        super().resume_writing()

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():  # refused already: what the client still sends is not read
            return
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(b"431 Request Header Fields Too Large", HEAD_TOO_LARGE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0
        if self._head_timer is None:  # the next request on a kept-alive connection
            self._head_timer = self.loop.call_later(self.head_seconds, self._head_too_slow)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            raise _UrlTooLong  # httptools stops parsing, and uvicorn answers through send_400_response

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_head_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if len(self.url) > MAX_URL_BYTES:
            self._refuse(b"414 URI Too Long", URL_TOO_LONG)
        else:
            super().send_400_response(msg)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head:
            self._refuse(b"408 Request Timeout", HEAD_TOO_SLOW)
        else:  # nothing of a request came: no answer, as a browser's spare connection may be closed any time
            self.transport.close()

    def _check_progress(self, unsent_before: int) -> None:
        """Close the connection, and free the answer it holds, if the client took none of it since the last check."""
        unsent = self._unsent()
        if unsent < unsent_before:
            self._stall_timer = self.loop.call_later(self.stall_seconds, self._check_progress, unsent)
            return
        self._stall_timer = None
        client = self.client[0] if self.client else "a client"
        _log.warning(
            "closed the connection of %s: it took none of its answer for %g s (%d bytes unsent)",
            client,
            self.stall_seconds,
            unsent,
        )
        self.transport.abort()

    def _unsent(self) -> int:
        return self.transport.get_write_buffer_size()

    def _stop_stall_timer(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _refuse(self, status: bytes, message: str) -> None:
        """Answer with `status` and `message` as text, and close the connection."""
        body = message.encode()
        head = [b"HTTP/1.1 " + status + b"\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: " + PLAIN_TEXT.encode() + b"\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
