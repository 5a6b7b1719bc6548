"""The pages as people meet them, in a real headless Chromium (Debian's, driven by Playwright): the search box's
suggestions, class listings, a canned form completing an IRI, a phone's 390 px screen, dark mode, and no serious
accessibility violation (axe-core). No request may leave the server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright
from servers import biokg_serving

from biokg.shipped import data_dir

ID = "https://w3id.org/biokg/id/"
BKG = "https://w3id.org/biokg/ontology#"
PAGES = [
    "/",
    "/search?q=osaka",
    "/browse?class=bkg:Company",
    "/id/organization/biom",
    "/graph/metadata",
    "/.well-known/void",
    "/ontology",
    "/shapes",
    "/queries",
    "/queries/organisations",
    "/sparql",
    "/curate",
]
"""One page of each kind the server has for people."""


def chromium_path() -> str:
    """Debian's Chromium; skipped without it on a developer's machine, a failure in CI (.ci/run installs it)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed, and CI must run the browser tests (see .ci/run)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, served: str) -> Iterator[Page]:
    """A page that may only reach the server: every other request is refused and fails the test."""
    context = browser.new_context(base_url=served)
    elsewhere: list[str] = []

    def only_the_server(route: Route) -> None:
        if route.request.url.startswith(served + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    opened = context.new_page()
    yield opened
    context.close()
    assert elsewhere == []


def test_the_search_box_suggests_as_you_type_and_opens_a_suggestion(page: Page) -> None:
    page.goto("/")
    page.get_by_role("combobox", name="Search by name").press_sequentially("biom", delay=30)
    suggestions = page.locator("#search-suggestions a")
    expect(suggestions.first).to_have_text("BioM Biotech Cluster Development GmbH cluster management organisation")
    page.keyboard.press("ArrowDown")
    expect(suggestions.first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/organization/biom")
    expect(page.locator("h1")).to_have_text("BioM Biotech Cluster Development GmbH")


def test_the_search_box_leads_to_the_results_page(page: Page) -> None:
    page.goto("/id/organization/biom")
    box = page.get_by_role("combobox", name="Search by name")
    box.fill("京都")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    expect(page.locator(".hits h2")).to_have_text(["educational organisation 1", "research facility 1"])
    expect(page.locator(".hits li a").first).to_have_text("Kyoto University")


def test_a_class_on_the_home_page_lists_its_instances(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="company", exact=True).click()
    expect(page.locator("h1")).to_have_text("company")
    expect(page.locator("table td:first-child a")).to_have_count(8)
    expect(page.locator("table td:first-child a").first).to_have_text(
        "GKM Gesellschaft für Therapieforschung mbH (Germany)"
    )


def test_a_canned_form_completes_a_place_by_name(page: Page) -> None:
    page.goto("/queries/organisations")
    place = page.locator('input[name="place"]')
    place.press_sequentially("munich", delay=30)
    page.locator("#suggest-place a", has_text="Munich").first.click()
    expect(place).to_have_value("https://w3id.org/biokg/id/place/city/2867714")


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(page: Page, path: str) -> None:
    page.goto(path)
    if path == "/sparql":
        expect(page.locator("#workbench .CodeMirror")).to_be_visible()
    # YASGUI's tab list holds its "+" button beside the tabs, which ARIA's tablist does not allow; it is
    # YASGUI's own markup, and moving the button would break how YASGUI adds tabs.
    violations = Axe().run(page, context={"exclude": [".tabsList"]}).response["violations"]
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize("path", PAGES)
def test_a_phone_screen_needs_no_sideways_scrolling(browser: Browser, served: str, path: str) -> None:
    context = browser.new_context(base_url=served, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_dark_mode_follows_the_system(browser: Browser, served: str) -> None:
    schemes: tuple[tuple[Literal["light", "dark"], str], ...] = (
        ("light", "rgb(255, 255, 255)"),
        ("dark", "rgb(17, 24, 32)"),
    )
    for scheme, background in schemes:
        context = browser.new_context(base_url=served, color_scheme=scheme)
        shown = context.new_page()
        shown.goto("/search?" + urllib.parse.urlencode({"q": "biom"}))
        assert shown.evaluate("getComputedStyle(document.body).backgroundColor") == background
        context.close()


def editor_value(page: Page) -> str:
    return str(page.evaluate("window.biokgWorkbench.getTab().getYasqe().getValue()"))


def set_editor(page: Page, text: str) -> None:
    page.evaluate("text => window.biokgWorkbench.getTab().getYasqe().setValue(text)", text)


def open_workbench(page: Page) -> None:
    page.goto("/sparql")
    expect(page.locator("#workbench .CodeMirror")).to_be_visible()
    expect(page.locator("form.sparql")).to_be_hidden()


def test_the_workbench_highlights_declares_prefixes_and_completes_classes_of_the_graph(page: Page) -> None:
    open_workbench(page)
    set_editor(page, "")
    page.locator("#workbench .CodeMirror-code").click()
    page.keyboard.type("SELECT * WHERE { ?agreement a bkg:Partner", delay=10)
    expect(page.locator("#workbench .cm-keyword")).to_have_text(["PREFIX", "SELECT", "WHERE"])
    assert editor_value(page).startswith("PREFIX bkg: <https://w3id.org/biokg/ontology#>\n")
    page.keyboard.press("Control+Space")
    expect(page.locator(".CodeMirror-hints li")).to_contain_text(["bkg:PartnershipAgreement"])
    set_editor(page, "SELECT ?label WHERE { ?s rdfs:label ?label }")  # pasted, not typed
    expect(page.locator("#workbench .CodeMirror-line").first).to_have_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
    )


def test_the_workbench_runs_a_query_shows_time_and_rows_and_sorts_the_table(page: Page, served: str) -> None:
    open_workbench(page)
    set_editor(page, f"SELECT ?company WHERE {{ ?company a <{BKG}Company> }}")
    page.locator(".yasqe_queryButton").click()
    cells = page.locator(".yasr table tbody tr td:nth-child(2) a.iri")
    expect(cells).to_have_count(8)
    expect(page.locator(".yasr")).to_contain_text("8 results in")
    before = cells.all_inner_texts()
    header = page.locator(".yasr table thead th").nth(1)
    header.click()
    expect(cells).to_have_text(sorted(before))
    header.click()
    expect(cells).to_have_text(sorted(before, reverse=True))
    if os.environ.get("BIOKG_SCREENSHOTS"):
        page.screenshot(path=Path(os.environ["BIOKG_SCREENSHOTS"]) / "workbench-table.png")


def test_an_unknown_prefix_is_marked_at_its_line_and_column(page: Page) -> None:
    open_workbench(page)
    set_editor(page, "SELECT * WHERE {\n  ?s rdfz:label ?o }")
    page.locator(".yasqe_queryButton").click()
    mark = page.locator("#workbench .biokg-error")
    expect(mark).to_have_text("rdfz:label")
    expect(mark).to_have_attribute(
        "title", "malformed SPARQL query: line 2, column 6: unknown prefix `rdfz:` (declare `PREFIX rdfz: <...>`)\n"
    )
    expect(page.locator(".yasr")).to_contain_text("unknown prefix `rdfz:`")


def test_a_canned_query_opens_from_the_examples_and_from_its_page(page: Page) -> None:
    open_workbench(page)
    page.select_option("#examples", "posts-in")
    expect(page.locator(".tabsList .tab")).to_have_count(2)
    assert "#+ summary: Posts in an organisation" in editor_value(page)
    assert f"VALUES ?_org_iri {{ <{ID}organization/biom> }}" in editor_value(page)  # its default, bound
    page.goto("/queries/award-winners")
    page.get_by_role("link", name="Open in the query editor").click()
    expect(page.locator("#workbench .CodeMirror")).to_be_visible()
    assert "#+ summary:" in editor_value(page)


def test_a_resource_page_opens_its_statements_in_the_editor(page: Page) -> None:
    page.goto("/id/organization/biom")
    page.get_by_role("link", name="open in the query editor").click()
    expect(page.locator("#workbench .CodeMirror")).to_be_visible()
    assert f"GRAPH ?graph {{ <{ID}organization/biom> ?property ?value }}" in editor_value(page)


def test_the_api_documentation_loads_from_the_server(page: Page) -> None:
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("biokg")
    expect(page.locator(".swagger-ui .opblock-summary-path").first).to_be_visible()


def run_in_workbench(page: Page, query: str) -> None:
    set_editor(page, query)
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr_response_chip")).to_contain_text(re.compile(r"results? in"))


PER_CLASS = f"""PREFIX bkg: <{BKG}>
SELECT ?kind (COUNT(DISTINCT ?org) AS ?organisations) WHERE {{
  ?org a ?kind FILTER(?kind IN (bkg:Company, bkg:ResearchFacility, bkg:Funder))
}} GROUP BY ?kind ORDER BY ?kind"""


def test_the_chart_views_draw_a_label_and_a_number_column(page: Page) -> None:
    open_workbench(page)
    run_in_workbench(page, PER_CLASS)
    for view, kind in (("barchart", "bar"), ("linechart", "line")):
        page.locator(f".yasr .select_{view}").click()
        drawn = page.evaluate(
            "() => { const chart = Chart.getChart(document.querySelector('.biokg-chart canvas'));"
            " return [chart.config.type, chart.data.labels, chart.data.datasets.map(d => [d.label, d.data])]; }"
        )
        assert drawn == [
            kind,
            ["bkg:Company", "bkg:Funder", "bkg:ResearchFacility"],
            [["organisations", [8, 6, 3]]],  # 02fvjvv74, a funder whose GRID id is a URL, is read now
        ]


def test_coordinates_are_shown_on_the_map_over_the_shipped_country_outlines(page: Page, served: str) -> None:
    open_workbench(page)
    query = f"""PREFIX schema: <https://schema.org/>
SELECT ?city ?lat ?long WHERE {{
  VALUES ?city {{ <{ID}place/city/2867714> <{ID}place/city/1853909> }}
  ?city schema:latitude ?lat ; schema:longitude ?long .
}}"""
    run_in_workbench(page, query)  # coordinates: the map, without being asked
    expect(page.locator(".yasr .select_map")).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator(".biokg-map path.biokg-point")).to_have_count(2)
    expect(page.locator(".biokg-map path.leaflet-interactive:not(.biokg-point)")).not_to_have_count(0)  # countries
    expect(page.locator(".biokg-map .leaflet-control-attribution")).to_contain_text("Natural Earth (public domain)")
    if os.environ.get("BIOKG_SCREENSHOTS"):
        page.screenshot(path=Path(os.environ["BIOKG_SCREENSHOTS"]) / "workbench-map.png")


def test_a_default_view_comment_picks_the_timeline(page: Page) -> None:
    open_workbench(page)
    query = f"""#defaultView:Timeline
PREFIX bkg: <{BKG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?date ?label WHERE {{
  ?signing a/rdfs:subClassOf* bkg:AgreementSigning ; bkg:date ?date ; rdfs:label ?label FILTER(LANG(?label) = "en")
}} ORDER BY ?date ?label"""
    run_in_workbench(page, query)
    expect(page.locator(".yasr .select_timeline")).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator(".biokg-timeline li")).to_have_text(
        [
            "2011 First signing of the Munich-Osaka Partnership Agreement (2011)",
            "2022 Third renewal of the Munich-Osaka Partnership Agreement (2022)",
        ]
    )


def test_a_construct_answer_is_drawn_as_a_graph(page: Page) -> None:
    open_workbench(page)
    query = (
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "CONSTRUCT { ?a org:subOrganizationOf ?b } WHERE { ?a org:subOrganizationOf ?b }"
    )
    run_in_workbench(page, query)
    graph = page.locator(".biokg-graph")
    expect(graph).to_be_visible()
    expect(graph.locator("canvas")).to_have_count(1)


def test_the_workbench_loads_at_most_one_and_a_half_megabytes_of_compressed_scripts(page: Page) -> None:
    scripts = []
    page.on("requestfinished", lambda request: scripts.append(request) if request.resource_type == "script" else None)
    open_workbench(page)
    sent = sum(request.sizes()["responseBodySize"] for request in scripts)
    assert len(scripts) == 8 and sent <= 1_500_000


def test_the_workbench_completes_a_resource_by_its_name(page: Page) -> None:
    open_workbench(page)
    set_editor(page, "PREFIX organization: <https://w3id.org/biokg/id/organization/>\nSELECT * WHERE { ?s ?p ")
    page.locator("#workbench .CodeMirror-code").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("organization:kyoto", delay=10)
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    expect(hints.first).to_have_text("organization:ror-02kpeqv85")  # Kyoto University, the best match of the index
    assert all(hint.startswith("organization:ror-") for hint in hints.all_inner_texts())  # its units and relations


def test_a_place_page_shows_the_place_on_the_map(page: Page) -> None:
    page.goto("/id/place/city/2867714")
    page.get_by_role("link", name="on the map").click()
    expect(page.locator(".biokg-map path.biokg-point")).to_have_count(1)


def test_the_table_labels_biokgs_iris_and_links_them_here(page: Page) -> None:
    open_workbench(page)
    run_in_workbench(page, f"SELECT ?company WHERE {{ VALUES ?company {{ <{ID}organization/ror-00sbvh153> }} }}")
    cell = page.locator(".yasr table tbody tr td:nth-child(2)")
    expect(cell.locator(".biokg-label")).to_have_text("Tubulis (Germany)")
    expect(cell.locator("a.iri")).to_have_text("organization:ror-00sbvh153")
    expect(cell.locator("a.iri")).to_have_attribute("href", "/id/organization/ror-00sbvh153")


def test_a_curator_checks_a_source_sees_its_findings_and_difference_and_writes_it(
    browser: Browser, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    made = [sys.executable, "-m", "biokg", "token", "create", "--role", "curator", "--store", str(store)]
    token = subprocess.run(made, capture_output=True, text=True, check=True).stdout.strip()
    source = data_dir() / "graphs" / "tubulis-boersen-zeitung.trig"
    broken = tmp_path / "broken.trig"
    broken.write_bytes(source.read_bytes().replace(b"a bkg:SourceGraph", b"a bkg:Nonsense"))
    with biokg_serving(["--store", str(store), "--workers", "1"], tmp_path / "serve.log") as (base, _):
        context = browser.new_context(base_url=base)
        page = context.new_page()
        page.goto("/curate")
        page.get_by_label("Token").fill(token)
        page.get_by_label("Graph").fill("https://w3id.org/biokg/graph/tubulis-boersen-zeitung")
        page.get_by_label("Source file (TriG)").set_input_files(broken)
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#verdict")).to_have_text(re.compile(r"The source breaks the shapes: \d+ finding"))
        expect(page.locator("#outcome table tr").nth(1)).to_contain_text("https://w3id.org/biokg/graph/")
        expect(page.get_by_role("button", name="Write to the store")).to_be_disabled()
        page.get_by_label("Source file (TriG)").set_input_files(source)
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#verdict")).to_have_text("The source conforms to the shapes together with the store.")
        added = page.locator("#outcome summary").first
        expect(added).to_have_text(re.compile(r"Statements added: [1-9]\d*"))
        count = (added.text_content() or "").rsplit(" ", 1)[1]
        page.get_by_role("button", name="Write to the store").click()
        expect(page.locator("#verdict")).to_have_text(
            f"Written: https://w3id.org/biokg/graph/tubulis-boersen-zeitung holds {count} statements "
            f"({count} added, 0 removed)."
        )
        context.close()
