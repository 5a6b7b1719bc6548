"""uvicorn's HTTP/1.1 protocol (httptools), with a 414 that says what to do about a URL too long to parse.

httptools parses URLs of at most 65,535 bytes, and uvicorn answers a longer one with a bare 400 ("Invalid HTTP
request received.") after buffering all of it. A SPARQL client sending a long query by GET (SPARQLWrapper's
default) should hear that the URL is too long and that POST takes the query, and the URL should be refused as
soon as it is too long, not held in memory to its end.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_URL_BYTES = 65_535
URL_TOO_LONG = (
    f"the URL is longer than this server takes ({MAX_URL_BYTES} bytes); "
    "send a long query by POST, as application/sparql-query or form-encoded\n"
)


class _UrlTooLong(Exception):
    pass


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's protocol, refusing an overlong URL with 414 URI Too Long as it arrives."""

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            raise _UrlTooLong  # httptools stops parsing, and uvicorn answers through send_400_response

    def send_400_response(self, msg: str) -> None:
        if len(self.url) <= MAX_URL_BYTES:
            super().send_400_response(msg)
            return
        body = URL_TOO_LONG.encode()
        head = [b"HTTP/1.1 414 URI Too Long\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
