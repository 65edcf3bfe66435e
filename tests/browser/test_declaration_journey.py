"""A provider's declaration, from a new model to submission, in a real browser."""

from __future__ import annotations

import re

from django.core.files.storage import FileSystemStorage

from registry.accounts.roles import MemberRole
from registry.declarations.models import ProvenanceDeclaration, RedTeamAttestation
from registry.filings.models import FilingSnapshot
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, ProviderFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SOURCES_CSV = (
    "name,category,description,url,licence,licence_use_category,acquisition,modalities,"
    "languages,share_percent,collection_start,collection_end,first_used_on,purpose,"
    "personal_data,ip_status,countries\n"
    "Open Encyclopaedia,public_dataset,Encyclopaedia articles,https://wiki.example,CC-BY-4.0,"
    "commercial,public,text,en;fr,60,2023-01-01,2024-06-30,2024-07-01,General knowledge,no,"
    "mixed,GB\n"
    "Code Archive,public_dataset,Open source code,https://code.example,MIT OR Apache-2.0,"
    "commercial,public,code,en,40,2023-01-01,2024-06-30,2024-07-01,Programming,no,mixed,US\n"
)


def sign_in(page, server: str, email: str) -> None:
    page.goto(server + "/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_date(page, field: str, day: int, month: int, year: int) -> None:
    page.locator(f"#id_{field}_day").fill(str(day))
    page.locator(f"#id_{field}_month").fill(str(month))
    page.locator(f"#id_{field}_year").fill(str(year))


def group(page, legend: str):
    return page.get_by_role("group", name=legend)


def register_model(page) -> None:
    page.get_by_label("Model name").fill("Gamma Chat")
    page.get_by_label("Version").fill("1.0")
    page.get_by_label("Foundation model").check()
    group(page, "What the model takes in").get_by_label("Text").check()
    group(page, "What the model produces").get_by_label("Text").check()
    page.get_by_label("Number of parameters").fill("7000000000")
    page.get_by_label("Through an API").check()
    page.get_by_role("button", name="Register model").click()


def answer_general_information(page) -> None:
    group(page, "Text").get_by_label("1 billion to 10 trillion tokens").check()
    page.get_by_label("Total tokens").fill("2000000000000")
    fill_date(page, "latest_collection_date", 30, 6, 2024)
    group(page, "Is the model trained continuously on new data?").get_by_label("No").check()
    page.get_by_label("Languages of the training data").fill("en 80\nfr 20")
    page.get_by_label("Types of content").fill("encyclopaedia articles\nsource code")
    page.get_by_label("How do you honour text and data mining opt-outs?").fill("robots.txt")
    page.get_by_label("How do you find and remove illegal content?").fill("Hash matching")
    group(page, "Have you signed the code of practice?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()


def upload_sources(page, text: str) -> None:
    page.get_by_label("Upload a CSV file").set_input_files(
        {"name": "sources.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_label("Add these sources to the ones already listed").check()
    page.get_by_role("button", name="Upload sources").click()


def add_red_teaming(page) -> None:
    page.get_by_label("Who carried out the red-teaming?").fill("Assurance LLP")
    group(page, "Is the assessor independent of your organisation?").get_by_label("Yes").check()
    page.get_by_label("Supply chain").check()
    fill_date(page, "performed_on", 1, 2, 2025)
    page.get_by_label("Passed").check()
    page.get_by_label("Summary of what was tested and found").fill("Nothing exploitable found.")
    page.get_by_label("Report").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Save red-teaming").click()


def test_a_provider_registers_a_model_declares_its_training_data_and_submits(
    server, new_page, tmp_path, monkeypatch
):
    # The red-team report goes to a temporary private folder, not the working copy's media/.
    field = RedTeamAttestation._meta.get_field("report")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path, base_url=None))
    provider = ProviderFactory(legal_name="Gamma Models Ltd")
    owner = UserFactory(email="priya@gamma.example", full_name="Priya Patel")
    MembershipFactory(user=owner, provider=provider, role=MemberRole.OWNER)
    page = new_page()
    sign_in(page, server, "priya@gamma.example")

    page.goto(server + "/models/")
    page.get_by_role("link", name="Register a model").click()
    page.get_by_role("button", name="Register model").click()
    assert "Enter the model's name" in page.locator(".govuk-error-summary").inner_text()
    register_model(page)
    assert "Gamma Chat 1.0" in page.locator("h1").inner_text()

    page.get_by_role("link", name="Start a new declaration").click()
    page.get_by_role("button", name="Start declaration").click()
    assert "Provenance declaration" in page.locator("h1").inner_text()
    assert "You have completed 0 of 5 sections" in page.locator("main").inner_text()
    screenshot(page, "declaration-task-list-new")

    page.get_by_role("link", name="General information").click()
    page.get_by_label("Languages of the training data").fill("en 80\nenglish")
    page.get_by_role("button", name="Save and continue").click()
    assert "Line 2: write a language code" in page.locator(".govuk-error-summary").inner_text()
    screenshot(page, "declaration-general-errors")
    answer_general_information(page)
    assert "General information is saved" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("link", name="Data sources").click()
    page.get_by_role("link", name="Add a source").click()
    page.get_by_role("button", name="Save source").click()
    assert "Enter the source's name" in page.locator(".govuk-error-summary").inner_text()
    screenshot(page, "declaration-source-form-errors")
    page.get_by_role("link", name="Back to the data sources").click()

    # A bad row among good ones: nothing is saved, and the report names the row and column.
    page.get_by_role("link", name="Upload a CSV of sources").click()
    upload_sources(page, SOURCES_CSV.replace("MIT OR Apache-2.0", "MIT OR"))
    assert "so no sources were saved" in page.locator(".govuk-error-summary").inner_text()
    report = page.locator("table").inner_text()
    assert "2\tlicence\tEnter a valid SPDX licence expression" in report
    screenshot(page, "declaration-upload-report")
    upload_sources(page, SOURCES_CSV)
    listing = page.locator("main").inner_text()
    assert "2 sources" in listing
    assert "add up to 100%" in listing

    page.get_by_role("link", name="Back to the task list").click()
    page.get_by_role("link", name="Supply chain").click()
    page.get_by_role("link", name="Add a party").click()
    page.get_by_label("Name of the party").fill("Cloud Co Ltd")
    page.get_by_label("Cloud hosting").check()
    page.get_by_label("Country").select_option("IE")
    page.get_by_role("button", name="Save party").click()
    assert "Ireland" in page.locator("table").inner_text()

    page.get_by_role("link", name="Back to the task list").click()
    page.get_by_role("link", name="Red-teaming").click()
    page.get_by_role("link", name="Add red-teaming").click()
    add_red_teaming(page)
    assert "Download" in page.locator("table").inner_text()

    page.get_by_role("link", name="Back to the task list").click()
    checklist = page.locator(".govuk-error-summary").inner_text()
    assert "Confirm the statement of truth" in checklist
    screenshot(page, "declaration-task-list")

    page.get_by_role("link", name="Statement of truth").first.click()
    page.get_by_label("Their role in the organisation").fill("Chief Executive")
    page.get_by_label("I confirm the statement of truth").check()
    page.get_by_role("button", name="Sign and continue").click()

    assert "Check your answers" in page.locator("h1").inner_text()
    answers = page.locator("main").inner_text()
    assert "2 sources by category" in answers
    assert "Priya Patel, Chief Executive" in answers
    screenshot(page, "declaration-check-your-answers")
    page.get_by_role("button", name="Submit declaration").click()

    panel = page.locator(".govuk-panel").inner_text()
    assert "Declaration submitted" in panel
    declaration = ProvenanceDeclaration.objects.get(model__name="Gamma Chat")
    assert re.search(r"DEC-\d{6}-v1", panel)
    assert declaration.reference in panel
    assert declaration.status == "submitted"
    assert FilingSnapshot.objects.filter(filing_id=declaration.pk).count() == 1
    attestation = declaration.red_team_attestations.get()
    assert attestation.report.path.startswith(str(tmp_path))
    screenshot(page, "declaration-submitted")

    page.get_by_role("link", name="View the declaration").click()
    read = page.locator("main").inner_text()
    assert "SHA-256 of submission 1" in read
    assert "Withdraw" not in read
    screenshot(page, "declaration-read")
    page.get_by_role("link", name="Back to Gamma Chat 1.0").click()
    assert "Submitted" in page.locator("table").last.inner_text()
    screenshot(page, "declaration-model")
    assert page.console_watch.problems == []
