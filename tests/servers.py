"""Real SPARQL servers for the tests, started on 127.0.0.1 in a temporary folder and stopped afterwards."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass(frozen=True)
class Server:
    """A running SPARQL server and the URLs of its services."""

    query_url: str
    update_url: str | None
    graph_store_url: str | None
    user: str | None = None
    password: str | None = None
    auth: Literal["basic", "digest"] = "basic"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def biokg_serving(options: list[str], log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`biokg serve` with `options` on a free port, its output in `log`: its URL and process, once it answers."""
    port = free_port()
    with log.open("wb") as output:
        command = [sys.executable, "-m", "biokg", "serve", "--port", str(port), *options]
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{url}/healthz", process, 60)
            yield url, process
        finally:
            process.terminate()
            process.wait(10)


def wait_until_answering(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


@contextmanager
def store_answering_once(status: str, body: bytes) -> Iterator[str]:
    """A listener on 127.0.0.1 that reads one request and answers it with `status` and a SPARQL JSON `body` as given:
    a store misbehaving in a way no real one can be made to (a cut answer, a broken one). Yields its query URL."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        head = f"HTTP/1.1 {status}\r\nContent-Type: application/sparql-results+json\r\nContent-Length: {len(body)}"

        def answer() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65_536)
                connection.sendall(f"{head}\r\nConnection: close\r\n\r\n".encode() + body)

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        thread.join(5)


def oxigraph_executable() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    return found


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Server]:
    """`oxigraph serve` on disk, its default graph the union of the named graphs, as biokg's own."""
    port = free_port()
    command = [oxigraph_executable(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    log = (folder.parent / f"{folder.name}.log").open("wb")
    process = subprocess.Popen([*command, "--union-default-graph"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/query?query=ASK%7B%7D", process, 30)
        yield Server(query_url=f"{base}/query", update_url=f"{base}/update", graph_store_url=f"{base}/store")
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def virtuoso_available() -> bool:
    return shutil.which("virtuoso-t") is not None and VIRTUOSO_INI.exists()


def require_virtuoso() -> None:
    """Skip without Virtuoso on a developer's machine; in CI (CI=true) its absence is a failure."""
    if not virtuoso_available():
        if os.environ.get("CI"):
            pytest.fail("Virtuoso is not installed, and CI must run the Virtuoso suite (see .ci/run)")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")


@contextmanager
def virtuoso_server(folder: Path, max_rows: int = 10_000) -> Iterator[Server]:
    """Debian's Virtuoso 7 with its own files and ports on 127.0.0.1, and its shipped limits unless told."""
    http_port, sql_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text().replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    ini = re.sub(r"(\[Parameters\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>127.0.0.1:{sql_port}", ini, flags=re.S)
    ini = re.sub(r"(\[HTTPServer\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>127.0.0.1:{http_port}", ini, flags=re.S)
    ini = re.sub(r"ResultSetMaxRows\s*=\s*\d+", f"ResultSetMaxRows = {max_rows}", ini)
    (folder / "virtuoso.ini").write_text(ini)
    process = subprocess.Popen(
        ["virtuoso-t", "-f", "-c", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_answering(f"{base}/sparql?query=ASK%7B%7D", process, 90)
        yield Server(
            query_url=f"{base}/sparql",
            update_url=None,
            graph_store_url=f"{base}/sparql-graph-crud-auth",
            user="dba",
            password="dba",
            auth="digest",
        )
    finally:
        process.terminate()
        process.wait(30)
