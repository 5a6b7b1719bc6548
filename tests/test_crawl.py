"""No dead ends: every link and every script or style a page of the server names, followed from the home page
over real HTTP as a browser asks for it, answers without a 4xx or 5xx."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import deque

MAX_PAGES = 5000
"""Far more than the seed with the ROR fixture has: a crawl that reaches it has found a page that links to ever
new pages."""
_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def links_in(page: str, at: str, origin: str) -> set[str]:
    """The server's own URLs a page names, without their fragments."""
    found = set()
    for raw in _LINK.findall(page):
        url = urllib.parse.urljoin(at, html.unescape(raw)).partition("#")[0]
        if url.startswith(origin + "/"):
            found.add(url)
    return found


def test_every_link_on_every_page_answers(served: str) -> None:
    seen = {served + "/"}
    queue = deque(seen)
    failures: list[str] = []
    answered = 0
    while queue:
        url = queue.popleft()
        request = urllib.request.Request(url, headers={"Accept": BROWSER_ACCEPT})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                kind = response.headers.get("content-type", "")
                body = response.read()
        except urllib.error.HTTPError as error:
            failures.append(f"{error.code} {url}")
            continue
        answered += 1
        if kind.startswith("text/html"):
            for link in links_in(body.decode(), url, served) - seen:
                seen.add(link)
                queue.append(link)
        assert len(seen) < MAX_PAGES, "the crawl does not end"
    assert failures == [], "\n".join(failures)
    assert answered > 600  # resources, graphs, classes, searches, queries, dumps: 646 when written
