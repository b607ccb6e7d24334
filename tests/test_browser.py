"""The built site in headless Chromium: axe-core, console errors, external requests, links, a governor's journey."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .browser import AXE, CHROMIUM, CHROMIUM_ARGS, WCAG_TAGS, serve
from .helpers import copy_project, main

pytestmark = pytest.mark.browser


@dataclass
class PageReport:
    url: str
    violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("browser") / "project")
    assert main(["-C", str(root), "build"]) == 0
    return root / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run scripts/install-system-deps"
    assert AXE.exists(), "axe-core is missing: run npm ci"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def open_page(browser: Browser, base_url: str) -> tuple[Page, PageReport]:
    page = browser.new_page()
    report = PageReport("")
    host = urlparse(base_url).netloc
    page.on("console", lambda m: report.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: report.console_errors.append(str(e)))

    def on_request(request) -> None:
        if urlparse(request.url).scheme in ("http", "https") and urlparse(request.url).netloc != host:
            report.external_requests.append(request.url)

    page.on("request", on_request)
    return page, report


def audit(page: Page, report: PageReport) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    for v in result["violations"]:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
        report.violations.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    report.links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")


@pytest.fixture(scope="module")
def crawl(site: Path, base_url: str, browser: Browser) -> dict[str, PageReport]:
    """Every HTML page of the site, audited once."""
    reports = {}
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        url = urljoin(base_url, rel.removesuffix("index.html"))
        page, report = open_page(browser, base_url)
        report.url = url
        page.goto(url, wait_until="networkidle")
        audit(page, report)
        page.close()
        reports[rel] = report
    return reports


def test_every_page_is_axe_clean(crawl: dict[str, PageReport]) -> None:
    bad = {name: r.violations for name, r in crawl.items() if r.violations}
    assert not bad


@pytest.mark.parametrize(
    "page_type",
    [
        "index.html",
        "schools/elton/index.html",
        "library/staff-former-pupils/index.html",
        "references/index.html",
        "adopt/index.html",
        "library/index.html",
        "comparison/index.html",
    ],
)
def test_page_types_present_and_clean(crawl: dict[str, PageReport], page_type: str) -> None:
    assert page_type in crawl
    assert crawl[page_type].violations == []


def test_no_console_error_and_no_external_request(crawl: dict[str, PageReport]) -> None:
    assert {n: r.console_errors for n, r in crawl.items() if r.console_errors} == {}
    assert {n: r.external_requests for n, r in crawl.items() if r.external_requests} == {}


def test_no_broken_internal_link(crawl: dict[str, PageReport], site: Path, base_url: str) -> None:
    broken = []
    for name, report in crawl.items():
        for link in report.links:
            if not link.startswith(base_url):
                continue
            path = urlparse(link).path.removeprefix(urlparse(base_url).path)
            target = site / path
            if path.endswith("/") or not path:
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{name} -> {link}")
    assert broken == []


def test_governors_journey(site: Path, base_url: str, browser: Browser) -> None:
    page, report = open_page(browser, base_url)
    page.goto(base_url, wait_until="networkidle")
    # Find a school with the search box.
    page.get_by_role("textbox", name=re.compile("search", re.I)).first.click()
    page.keyboard.type("Elton")
    result = page.locator(".md-search-result__link[href*='schools/elton/']").first  # its page, not its other documents
    result.wait_for(timeout=10_000)
    result.click()
    page.wait_for_url(re.compile(r"/schools/elton/"))
    assert "Elton Primary School" in page.locator("h1").inner_text()
    school_url = page.url.split("#")[0]
    # Follow a clause link to the library page, and back.
    page.get_by_role("link", name=re.compile(r"Clause \d+\.\d+ in the clause library")).nth(1).click()
    page.wait_for_url(re.compile(r"/library/"))
    assert page.locator("h1").inner_text()
    page.go_back()
    page.wait_for_url(re.compile(r"/schools/elton/"))
    assert page.url.split("#")[0] == school_url
    # Every download link on the page returns a real file.
    downloads = page.eval_on_selector_all("a[href*='downloads/']", "els => els.map(e => e.href)")
    for href in downloads:
        response = page.request.get(href)
        assert response.status == 200 and len(response.body()) > 1000, href
    assert report.console_errors == [] and report.external_requests == []
    page.close()


def test_comparison_differences_only_filter(base_url: str, browser: Browser) -> None:
    page, report = open_page(browser, base_url)
    page.goto(urljoin(base_url, "comparison/"), wait_until="networkidle")
    rows = page.locator("#comparison-matrix tr[data-differs]")
    total = rows.count()
    differing = page.locator("#comparison-matrix tr[data-differs='true']").count()
    assert 0 < differing < total
    page.locator("#differences-only").check()
    visible = [rows.nth(i).get_attribute("data-differs") for i in range(total) if rows.nth(i).is_visible()]
    assert visible == ["true"] * differing
    assert str(differing) in page.locator("#comparison-filter-status").inner_text()
    page.locator("#differences-only").uncheck()
    assert sum(rows.nth(i).is_visible() for i in range(total)) == total
    assert report.console_errors == [] and report.external_requests == []
    page.close()


def test_a_large_sites_clause_page_counts_schools_and_links_their_comparison_rows(
    tmp_path: Path, browser: Browser
) -> None:
    """Above NAMED_MAX schools a clause page gives each organisation's number of schools, linked to the clause's
    row in its comparison: axe-clean, and each link lands on that row.  The shipped schools stand in for a
    large site (the limit lowered to 2), so a real MkDocs build of a small tree is enough."""
    root = copy_project(tmp_path / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("policies.render.library.NAMED_MAX", 2)  # the build forks after this: its pages see it
        assert main(["-C", str(root), "build", "--no-pdf"]) == 0
    with serve(root / "site") as url:
        page, report = open_page(browser, url)
        page.goto(urljoin(url, "library/staff-former-pupils/"), wait_until="networkidle")
        audit(page, report)
        assert report.violations == [] and report.console_errors == [] and report.external_requests == []
        text = page.locator("article").inner_text()
        assert "Used by: 3 schools." in text and "Used by: 1 school." in text
        assert "Not in the policy of: 1 school, whose policies" in text
        assert page.locator("article a[href*='schools/']").count() == 0  # counted, not named
        rows = page.eval_on_selector_all("a[href*='#matrix-clause-']", "els => els.map(e => e.href)")
        assert len(rows) == 4  # the organisations of the four schools that hold the clause
        for href in rows:
            page.goto(href, wait_until="networkidle")
            assert page.locator("#matrix-clause-staff-former-pupils").count() == 1, href
        page.close()
