"""The public register in Chromium: every public page passes axe-core's WCAG 2.2 A and AA rules,
none scrolls sideways on a phone, and each label's facts panel fits one 1280 x 800 screen."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import F
from django.utils import timezone

from registry.declarations.models import DataSource, ModelDependency, RedTeamAttestation
from registry.declarations.services import declaration_start
from registry.labels.exports import open_data_export
from tests.base import PersonaTestCase
from tests.browser.conftest import screenshot
from tests.factories import AIModelFactory, SupplyChainPartyFactory, complete_declaration
from tests.labels import accepted_ownership, publish, published_model, withdraw
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
# How much wider than the window a page is: 0 unless something pushes it sideways.
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PHONES = (320, 375)


class People:
    """The personas of `tests.base`, made in the live server's database."""


def busy_model():
    """A model whose label has everything a panel can hold: every declaration alert, every role
    in the supply chain, many languages and long names."""
    model = AIModelFactory(
        provider=People.acme,
        name="Acme Omnibus Multilingual Reasoning Assistant",
        version="2027.1-preview",
    )
    declaration = complete_declaration(
        model=model,
        sources=12,
        languages=[
            {"code": code, "share_percent": share}
            for code, share in [
                ("en", 40),
                ("fr", 15),
                ("de", 15),
                ("cy", 10),
                ("ar", 10),
                ("ja", 5),
                ("hi", 5),
            ]
        ],
    )
    sources = DataSource.objects.filter(declaration=declaration)
    sources.filter(category="web_crawl").update(robots_txt_respected=False)
    sources.filter(category="synthetic").update(
        generator_models=[
            {"name": "Frontier Chat", "provider": "Big Model Inc", "terms_permit_training": "no"},
            {"name": "Open Teacher", "provider": "Open Ltd", "terms_permit_training": "unknown"},
        ]
    )
    shares = {1: 10, 2: 10, 3: 10, 9: 7, 10: 7, 11: Decimal("0.5"), 12: Decimal("0.5")}
    for number, share in shares.items():
        sources.filter(name=f"Source {number}").update(share_percent=share)
    # 55% of the mix withheld, with the regulator's leave: more than half is confidential.
    sources.filter(name__in=[f"Source {number}" for number in range(4, 9)]).update(
        confidential=True,
        confidentiality_reason="The licence forbids naming it",
        share_percent=11,
    )
    sources.filter(name__in=["Source 9", "Source 10"]).update(personal_data="unknown")
    RedTeamAttestation.objects.filter(declaration=declaration).update(
        performed_on=date(2024, 1, 5), outcome="findings_open"
    )
    for role, country in [
        ("compute", "US"),
        ("cloud_hosting", "IE"),
        ("data_vendor", "IN"),
        ("annotation_vendor", "KE"),
        ("api_aggregator", "SG"),
        ("model_vendor", "FR"),
        ("other", "CA"),
    ]:
        SupplyChainPartyFactory(declaration=declaration, role=role, country=country)
    return publish(People, declaration)


@pytest.fixture
def register(server):
    """A register with something on every public page, and those pages' addresses."""
    PersonaTestCase.setUpTestData.__func__(People)  # type: ignore[attr-defined]
    chat = published_model(People, name="Acme Chat", sources=6)
    DataSource.objects.filter(declaration=chat, name="Source 4").update(
        confidential=True, category="licensed"
    )
    DataSource.objects.filter(declaration=chat, category="web_crawl").update(
        robots_txt_respected=False, top_domains=[f"site{n}.example" for n in range(25)]
    )
    DataSource.objects.filter(declaration=chat, name="Source 5").update(
        category="user_data", personal_data="yes", share_percent=F("share_percent")
    )
    vision = published_model(People, name="Acme Vision", modalities_in=["image"])
    ModelDependency.objects.create(model=vision.model, depends_on=chat.model, relation="fine_tune")
    accepted_ownership(
        People,
        links=[
            US_FUND,
            CN_STATE | {"board_appointment": True, "share_percent": Decimal(30)},
            GB_FOUNDERS,
        ],
    )
    busy = busy_model()
    amended = declaration_start(actor=People.alice, model=vision.model, amend=True)
    amended.signatory_name, amended.signatory_role = "Alice Owner", "Director"
    amended.signed_at = timezone.now()
    amended.save()
    publish(People, amended)
    retired = published_model(People, name="Acme Retired")
    withdraw(People, retired, reason="Replaced by Acme Chat")
    open_data_export(timezone.now())
    numbers = {
        name: declaration.model.registration_number
        for name, declaration in [("chat", chat), ("vision", vision), ("busy", busy)]
    }
    labels = {
        "label": f"/register/models/{numbers['chat']}/",
        "busy label": f"/register/models/{numbers['busy']}/",
        "current label of a model built on another": f"/register/models/{numbers['vision']}/",
        "superseded version": f"/register/models/{numbers['vision']}/v/1/",
    }
    chat_busy_vision = ",".join(numbers[name] for name in ("chat", "busy", "vision"))
    return {
        "labels": labels,
        "pages": {
            "home": "/",
            "search": "/register/?q=Acme",
            "filtered": "/register/?category=web_crawl&alert=generator_terms"
            "&control=foreign_state_influence",
            "search with a problem": "/register/?alert=doom&q=" + "x" * 201,
            **labels,
            "tombstone": f"/register/models/{retired.model.registration_number}/",
            "not on the register": "/register/models/MOD-999999/",
            "malformed number": "/register/models/MOD-12/",
            "compare": f"/register/compare/?models={chat_busy_vision}",
            "compare with a problem": f"/register/compare/?models={numbers['chat']},MOD-999999",
            "what the label means": "/register/what-the-label-means/",
            "providers": "/register/providers/",
            "provider": f"/register/providers/{People.acme.registration_number}/",
            "provider with nothing accepted": (
                f"/register/providers/{People.beta.registration_number}/"
            ),
            "register in numbers": "/register/numbers/",
            "open data": "/register/data/",
            "data dictionary": "/register/data/dictionary/",
            "accessibility statement": "/accessibility/",
            "privacy notice": "/privacy/",
            "cookies": "/cookies/",
            "contact": "/contact/",
            "terms of use": "/terms/",
            "feedback": "/feedback/",
        },
    }


def violations(page) -> list[dict]:
    # page.evaluate runs through the DevTools protocol, which the page's CSP does not govern;
    # a <script> tag with axe inline would be refused by `script-src 'self'`.
    page.evaluate(AXE.read_text())
    return page.evaluate(AXE_RUN)


# Pages answered 404 on purpose: the browser reports the status of the page itself.
NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def test_axe_finds_no_violations_on_any_public_page(server, register, new_page):
    assert AXE.exists(), "run npm ci: axe-core comes from npm"
    page = new_page()
    for name, path in register["pages"].items():
        response = page.goto(server + path)
        assert violations(page) == [], name
        expected = [NOT_FOUND] if response.status == 404 else []
        assert page.console_watch.problems == expected, name
        page.console_watch.problems.clear()


def test_no_public_page_scrolls_sideways_on_a_phone(server, register, browser):
    for width in PHONES:
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            for name, path in register["pages"].items():
                page.goto(server + path)
                assert page.evaluate(SIDEWAYS) == 0, f"{name} at {width}px"
        finally:
            context.close()


def test_every_facts_panel_fits_one_1280_by_800_screen(server, register, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        for name, path in register["labels"].items():
            page.goto(server + path)
            panel = page.locator(".app-facts")
            box = panel.bounding_box()
            assert box is not None, name
            assert box["height"] <= 800, f"{name}: the panel is {box['height']}px high"
            assert panel.get_by_role("definition").count() == 14, name
        page.goto(server + register["labels"]["busy label"])
        alerts = page.locator("#fact-alerts .govuk-tag")
        assert alerts.count() >= 8  # every alert the busy model raises, in the panel
        page.locator(".app-facts").screenshot(path=str(screenshot_path("facts-panel-busy")))
    finally:
        context.close()


def screenshot_path(name: str) -> Path:
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_the_label_page_reads_without_javascript_and_is_kept_as_a_screenshot(
    server, register, browser
):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(server + register["labels"]["label"])
        assert page.get_by_role("heading", name="Training data facts").is_visible()
        assert page.get_by_role("heading", name="What it was trained on").is_visible()
        bars = page.get_by_role("img", name=re.compile("Training data of .*Acme Chat"))
        assert bars.count() == 2  # in the panel and in the full label
        assert page.get_by_role("table", name="Share of the training data by kind of source")
        # Without JavaScript the copy button stays hidden: the snippet is there to select.
        assert not page.get_by_role("button", name="Copy the HTML").is_visible()
        screenshot(page, "label-page")
    finally:
        context.close()


def test_the_search_finds_a_model_and_leads_to_its_label(server, register, new_page):
    page = new_page()
    page.goto(server + "/register/")
    page.get_by_label("Search the register").fill("Vision")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name="Acme Vision").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Acme Vision")
    screenshot(page, "register-search")


def test_a_comparison_reached_from_a_label(server, register, new_page):
    page = new_page()
    page.goto(server + register["labels"]["label"])
    page.get_by_role("link", name="Compare with another model").click()
    field = page.get_by_label("Models to compare")
    field.fill(field.input_value() + ", " + register["labels"]["busy label"].split("/")[3])
    page.get_by_role("button", name="Compare").click()
    assert page.get_by_role("table", name="2 models side by side").is_visible()
    screenshot(page, "compare")
