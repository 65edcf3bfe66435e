"""The public register in Chromium: axe-core finds no WCAG 2.2 AA violations on the home,
search, label and provider pages, and the label page is kept as a screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import F

from registry.declarations.models import DataSource
from tests.base import PersonaTestCase
from tests.browser.conftest import screenshot
from tests.labels import accepted_ownership, published_model
from tests.labels.test_selectors import CN_STATE, GB_FOUNDERS, US_FUND

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0, 2.1 and 2.2 A and AA rules (best practices are advice, not the standard).
AXE_RUN = """
axe.run(document, {runOnly: {type: "tag", values: [
  "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"
]}}).then(result => result.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))
})))
"""


class People:
    """The personas of `tests.base`, made in the live server's database."""


@pytest.fixture
def register(server):
    PersonaTestCase.setUpTestData.__func__(People)  # type: ignore[attr-defined]
    declaration = published_model(People, name="Acme Chat", sources=6)
    DataSource.objects.filter(declaration=declaration, name="Source 4").update(
        confidential=True, category="licensed"
    )
    DataSource.objects.filter(declaration=declaration, category="web_crawl").update(
        robots_txt_respected=False, top_domains=[f"site{n}.example" for n in range(25)]
    )
    DataSource.objects.filter(declaration=declaration, name="Source 5").update(
        category="user_data", personal_data="yes", share_percent=F("share_percent")
    )
    published_model(People, name="Acme Vision", modalities_in=["image"])
    accepted_ownership(People, links=[US_FUND, CN_STATE, GB_FOUNDERS])
    return {
        "home": "/",
        "search": "/register/?q=Acme",
        "filtered": "/register/?category=web_crawl&alert=generator_terms",
        "label": f"/register/models/{declaration.model.registration_number}/",
        "provider": f"/register/providers/{People.acme.registration_number}/",
    }


def violations(page) -> list[dict]:
    # page.evaluate runs through the DevTools protocol, which the page's CSP does not govern;
    # a <script> tag with axe inline would be refused by `script-src 'self'`.
    page.evaluate(AXE.read_text())
    return page.evaluate(AXE_RUN)


def test_axe_finds_no_violations_on_the_public_pages(server, register, new_page):
    assert AXE.exists(), "run npm ci: axe-core comes from npm"
    page = new_page()
    for name, path in register.items():
        page.goto(server + path)
        assert violations(page) == [], name
        assert page.console_watch.problems == [], name


def test_the_label_page_reads_without_javascript_and_is_kept_as_a_screenshot(
    server, register, browser
):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(server + register["label"])
        assert page.get_by_role("heading", name="What it was trained on").is_visible()
        assert page.get_by_role("img", name="Training data of Acme Chat").is_visible()
        assert page.get_by_role("table", name="Share of the training data by kind of source")
        screenshot(page, "label-page")
    finally:
        context.close()


def test_the_search_finds_a_model_and_leads_to_its_label(server, register, new_page):
    page = new_page()
    page.goto(server + "/register/")
    page.get_by_label("Search the register").fill("Vision")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Acme Vision").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Acme Vision")
    screenshot(page, "register-search")
