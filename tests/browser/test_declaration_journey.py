"""A provider's first declaration, from sign-up to submission, through the forms in a real browser.

Every page gets a mistake first. Each must come back with all of its problems at once (one
round), after a redirect, and take the corrected answers on the next try. No page shows an error
before its form was sent.
"""

from __future__ import annotations

import re
from collections import Counter

from django.core import mail

from registry.declarations.models import ProvenanceDeclaration
from registry.filings.models import FilingSnapshot
from tests.browser.conftest import screenshot

PASSWORD = "a-long-enough-passphrase"
# Two sources from a spreadsheet; with the crawl added by hand (20%) the shares make 100%.
SOURCES_CSV = (
    "name,category,description,url,licence,licence_use_category,acquisition,modalities,"
    "languages,share_percent,collection_start,collection_end,first_used_on,purpose,"
    "personal_data,ip_status,countries\n"
    "Open Encyclopaedia,public_dataset,Encyclopaedia articles,https://wiki.example,CC-BY-4.0,"
    "commercial,public,text,en;fr,50,2023-01-01,2024-06-30,2024-07-01,General knowledge,no,"
    "mixed,GB\n"
    "Code Archive,public_dataset,Open source code,https://code.example,MIT OR Apache-2.0,"
    "commercial,public,code,en,30,,,,Programming,no,mixed,US\n"
)


class Rounds:
    """Sends a page's form and counts, page by page, the sends that came back with problems."""

    def __init__(self, page):
        self.page = page
        self.refused: Counter[str] = Counter()

    def arrive(self, name: str) -> None:
        """A page as first opened: no error of any kind before the person has acted."""
        assert self.page.locator(".govuk-error-summary").count() == 0, name
        assert self.page.locator(".govuk-error-message").count() == 0, name
        assert not self.page.title().startswith("Error: "), name

    def mistake(self, name: str, button: str, *problems: str, same_page: bool = True) -> str:
        """Send the page with its mistakes: every one of `problems` comes back in one summary,
        on the same page (or the upload's report), opened by a GET (so refreshing it posts
        nothing again)."""
        self.arrive(name)
        url = self.page.url.split("#")[0]
        self.press(button)
        summary = self.page.locator(".govuk-error-summary")
        assert summary.count() == 1, f"{name}: no problems shown"
        said = summary.inner_text()
        for problem in problems:
            assert problem in said, f"{name}: {problem!r} not in {said!r}"
        assert self.page.url.split("#")[0] == url or not same_page, name
        assert self.page.title().startswith("Error: "), name
        assert self.page.evaluate("performance.getEntriesByType('navigation')[0].type") != (
            "reload"
        )
        self.refused[name] += 1
        return said

    def correct(self, name: str, button: str) -> None:
        """Send the corrected page: it is taken, and the journey moves on. Problems now would
        be a second round: ones the first did not mention."""
        self.press(button)
        summary = self.page.locator(".govuk-error-summary")
        assert summary.count() == 0, f"a second round on {name}: {summary.inner_text()}"

    def press(self, button: str) -> None:
        # The last one: a page may hold a hidden copy of its main button first, for Enter.
        self.page.locator("main").get_by_role("button", name=button, exact=True).last.click()


def fill_date(page, field: str, day: int | str, month: int | str, year: int | str) -> None:
    page.locator(f"#id_{field}_day").fill(str(day))
    page.locator(f"#id_{field}_month").fill(str(month))
    page.locator(f"#id_{field}_year").fill(str(year))


def group(page, legend: str):
    return page.get_by_role("group", name=legend)


def answer(page, legend: str, label: str) -> None:
    """Tick the radio or checkbox labelled exactly `label` in the group with that legend."""
    group(page, legend).get_by_label(label, exact=True).check()


def choose(page, control_id: str, typed: str) -> None:
    """Pick from a list turned into GOV.UK's accessible autocomplete: type, take the first.

    The text box takes the select's id once the script (loaded on demand) has enhanced it, so
    wait for the box itself: before then the id is the select's, which can't be typed in."""
    page.locator(f"input#{control_id}").fill(typed)
    page.locator(f"#{control_id}__listbox li").first.click()


def sign_up(page, rounds: Rounds, server: str) -> None:
    page.goto(server + "/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Full name").fill("Priya Patel")
    rounds.mistake("sign up", "Create account", "Enter your email address")
    assert page.get_by_label("Full name").input_value() == "Priya Patel"
    page.get_by_label("Email address").fill("priya@gamma.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    rounds.correct("sign up", "Create account")
    assert "Confirm your email address" in page.locator("main").inner_text()


def confirm_email(page, server: str) -> None:
    link = re.search(r"https?://\S+/account/confirm-email/[^/\s]+/", mail.outbox[-1].body)
    page.goto(server + "/account/confirm-email/" + link.group(0).rstrip("/").rsplit("/", 1)[1])
    page.get_by_role("button", name="Confirm email address").click()
    assert "Email address confirmed" in page.locator("h1").inner_text()


def register_organisation(page, rounds: Rounds) -> None:
    page.goto(page.url.split("/account/")[0] + "/account/home/")
    page.locator("main").get_by_role("link", name="Register your organisation").click()
    page.get_by_label("Legal name").fill("Gamma Models Ltd")
    choose(page, "id_country", "United Kingdom")
    page.get_by_label("Companies House number").fill("XX123456")
    rounds.mistake(
        "organisation",
        "Register organisation",
        "Companies House numbers do not start with XX",
        "Enter the registered address",
        "Enter the organisation's website",
    )
    page.get_by_label("Companies House number").fill("12 34 56 78")
    page.get_by_label("Registered address").fill("3 Example Road\nLeeds")
    page.get_by_label("Website").fill("https://gamma.example")
    page.get_by_label("Contact email address").fill("compliance@gamma.example")
    rounds.correct("organisation", "Register organisation")
    assert "Organisation registered" in page.locator(".govuk-panel").inner_text()


def register_model(page, rounds: Rounds, server: str) -> None:
    page.goto(server + "/models/")
    page.get_by_role("link", name="Register a model").click()
    page.get_by_label("Number of parameters").fill("seven billion")
    rounds.mistake(
        "model",
        "Register model",
        "Enter the model's name",
        "Select the type of model",
        "Select how the model is distributed",
    )
    page.get_by_label("Model name").fill("Gamma Chat")
    page.get_by_label("Version").fill("1.0")
    page.get_by_label("Foundation model").check()
    answer(page, "What the model takes in", "Text")
    answer(page, "What the model produces", "Text")
    page.get_by_label("Number of parameters").fill("7,000,000,000")
    page.get_by_label("Through an API").check()
    rounds.correct("model", "Register model")
    assert "Gamma Chat 1.0" in page.locator("h1").inner_text()


def answer_general_information(page, rounds: Rounds) -> None:
    page.get_by_role("link", name="General information").click()
    answer(page, "Text", "1 billion to 10 trillion tokens")
    page.get_by_label("Total tokens").fill("2 000 000 000 000")
    fill_date(page, "latest_collection_date", 31, 2, 2024)
    rounds.mistake(
        "general information",
        "Save and continue",
        "Latest collection date must be a real date",
        "Select whether the model is trained continuously",
        "Describe how you honour text and data mining opt-outs",
        "Describe how you remove illegal content",
        "Select whether you have signed the code of practice",
    )
    # What was typed is still there after the redirect, as typed.
    assert page.get_by_label("Total tokens").input_value() == "2 000 000 000 000"
    fill_date(page, "latest_collection_date", 28, 2, 2024)
    answer(page, "Is the model trained continuously on new data?", "No")
    choose(page, "id_languages_0_code", "English")
    page.locator("#id_languages_0_share_percent").fill("100")
    page.get_by_label("How do you honour text and data mining opt-outs?").fill("robots.txt")
    page.get_by_label("How do you find and remove illegal content?").fill("Hash matching")
    answer(page, "Have you signed the code of practice?", "Yes")
    rounds.correct("general information", "Save and continue")
    assert "General information is saved" in page.locator(".govuk-notification-banner").inner_text()


def add_a_web_crawl(page, rounds: Rounds) -> None:
    """A web crawl over its pages, a mistake on each: it is asked only what a crawl needs."""
    page.get_by_role("link", name="Data sources").click()
    page.get_by_role("link", name="Add a source").click()
    rounds.mistake(
        "source: name and kind",
        "Continue",
        "Enter the source's name",
        "Select the source's category",
    )
    page.get_by_label("Name of the source").fill("Common Web Crawl")
    page.get_by_label("Crawled from the web").check()
    rounds.correct("source: name and kind", "Continue")

    assert page.locator("h1").inner_text() == "About the source"
    page.get_by_label("Web address").fill("not a web address")
    rounds.mistake("source: about", "Continue", "Describe the source")
    page.get_by_label("Web address").fill("https://crawl.example")
    page.get_by_label("Description").fill("Pages crawled from the open web")
    page.get_by_label("How does this source further the model's purpose?").fill("Breadth")
    rounds.correct("source: about", "Continue")

    page.get_by_label("Share of the training mix, in per cent").fill("lots")
    rounds.mistake("source: size", "Continue", "Select at least one modality")
    answer(page, "What kinds of data does it hold?", "Text")
    page.get_by_label("Share of the training mix, in per cent").fill("20")
    page.get_by_label("Size in tokens").fill("400,000,000,000")
    rounds.correct("source: size", "Continue")

    page.get_by_label("Licence").fill("MIT OR")
    rounds.mistake(
        "source: rights",
        "Continue",
        "Enter a valid SPDX licence expression",
        "Select what the licence allows",
        "Select how the data was acquired",
    )
    page.get_by_label("Licence").fill("")
    page.get_by_label("Unspecified").check()
    page.get_by_label("Scraped").check()
    page.get_by_label("Mixed").check()
    rounds.correct("source: rights", "Continue")

    rounds.mistake(
        "source: personal data", "Continue", "Select whether the source holds personal data"
    )
    answer(page, "Does the source hold personal data?", "No")
    answer(page, "What processing was applied to it?", "Deduplication")
    rounds.correct("source: personal data", "Continue")

    # Dates are optional, but given they must be in order.
    fill_date(page, "collection_start", 1, 6, 2024)
    fill_date(page, "collection_end", 1, 1, 2024)
    rounds.mistake(
        "source: dates", "Continue", "Collection must end on or after the day it started"
    )
    fill_date(page, "collection_end", "", "", "")
    page.get_by_label("Collection is ongoing").check()
    rounds.correct("source: dates", "Continue")

    assert page.locator("h1").inner_text() == "The crawler"
    page.get_by_label("Crawler's name").fill("GammaBot")
    rounds.mistake(
        "source: crawler",
        "Continue",
        "Enter the crawler's user agent",
        "Select whether the crawler respects robots.txt",
    )
    page.get_by_label("Crawler's user agent").fill("GammaBot/1.0 (+https://gamma.example/bot)")
    answer(page, "Does the crawler respect robots.txt?", "Yes")
    answer(page, "Does the crawler respect text and data mining opt-outs?", "Yes")
    rounds.correct("source: crawler", "Continue")

    page.get_by_label("Or paste the list").fill("example.com\nnot a host")
    rounds.mistake("source: top domains", "Continue", "not a host is not a host name")
    page.get_by_label("Or paste the list").fill("example.com\nnews.example.org")
    rounds.correct("source: top domains", "Continue")

    page.get_by_label(re.compile("Ask the regulator to keep this source")).check()
    rounds.mistake("source: confidentiality", "Continue", "confidential")
    page.get_by_label(re.compile("Ask the regulator to keep this source")).uncheck()
    rounds.correct("source: confidentiality", "Continue")

    summary = page.locator("main").inner_text()
    assert "Common Web Crawl" in summary
    assert "Incomplete" not in summary
    screenshot(page, "declaration-source-summary")
    page.locator("main").get_by_role("link", name="Back to the data sources").click()


def upload_sources(page, rounds: Rounds) -> None:
    page.get_by_role("link", name="Upload sources from a spreadsheet").click()

    def send(text: str) -> None:
        page.get_by_label("Upload a file").set_input_files(
            {"name": "sources.csv", "mimeType": "text/csv", "buffer": text.encode()}
        )
        page.get_by_label("Add these sources to the ones already listed").check()

    # A value that can't be stored refuses the file whole, with every problem in one report.
    send(SOURCES_CSV.replace("Programming,no", "Programming,maybe"))
    rounds.mistake("upload", "Upload sources", "Nothing was saved", same_page=False)
    report = page.locator("table").first.inner_text()
    assert "personal_data" in report
    assert "maybe" in report
    screenshot(page, "declaration-upload-report")
    # The report's page holds the form for the corrected file.
    send(SOURCES_CSV)
    rounds.correct("upload", "Upload sources")
    listing = page.locator("main").inner_text()
    assert "3 sources" in listing


def add_a_party(page, rounds: Rounds) -> None:
    page.get_by_role("link", name="Back to the task list").click()
    page.get_by_role("link", name="Supply chain").click()
    page.get_by_role("link", name="Add a party").click()
    page.get_by_label("Name of the party").fill("Cloud Co Ltd")
    choose(page, "id_country", "UK")
    page.get_by_label("Company number").fill("XX123456")
    rounds.mistake(
        "party",
        "Save party",
        "Select the party's role",
        "Companies House numbers do not start with XX",
    )
    page.get_by_label("Cloud hosting").check()
    page.get_by_label("Company number").fill("SC123456")
    rounds.correct("party", "Save party")
    assert "United Kingdom" in page.locator("table").inner_text()


def add_red_teaming(page, rounds: Rounds) -> None:
    page.get_by_role("link", name="Back to the task list").click()
    page.get_by_role("link", name="Red-teaming").click()
    page.get_by_role("link", name="Add red-teaming").click()
    page.get_by_label("Who carried out the red-teaming?").fill("Assurance LLP")
    fill_date(page, "performed_on", 1, 2, 2099)
    rounds.mistake(
        "red-teaming",
        "Save red-teaming",
        "Select whether the assessor is independent",
        "must be today or in the past",
        "Summarise the red-teaming and what was found",
    )
    answer(page, "Is the assessor independent of your organisation?", "Yes")
    page.get_by_label("Supply chain").check()
    fill_date(page, "performed_on", 1, 2, 2025)
    page.get_by_label("Passed").check()
    page.get_by_label("Summary of what was tested and found").fill("Nothing exploitable found.")
    rounds.correct("red-teaming", "Save red-teaming")


def check_sign_and_submit(page, rounds: Rounds) -> None:
    page.get_by_role("link", name="Back to the task list").click()
    task_list = page.locator("main").inner_text()
    assert "You have completed 4 of 4 sections" in task_list
    page.get_by_role("link", name="Check your answers and submit").click()
    answers = page.locator("main").inner_text()
    assert "3 sources by category" in answers
    # The label as it would be published, before anything is sent.
    assert "Training data facts" in answers
    assert "MOD- number given when accepted" in answers
    assert "SHA-256, given when the regulator accepts it" in answers
    # The signatory is the person signed in; only their role and the confirmation are asked.
    assert "You are signing as Priya Patel" in page.locator("#signatory-name").inner_text()
    screenshot(page, "declaration-check-your-answers")
    rounds.mistake(
        "check your answers",
        "Sign and submit",
        "Enter your role in the organisation",
        "Confirm the statement of truth",
    )
    page.get_by_label("Your role in the organisation").fill("Chief Executive")
    page.get_by_label(re.compile("I confirm")).check()
    rounds.correct("check your answers", "Sign and submit")


def test_a_declaration_from_sign_up_to_submission_one_round_of_problems_per_page(server, new_page):
    page = new_page()
    rounds = Rounds(page)

    sign_up(page, rounds, server)
    confirm_email(page, server)
    register_organisation(page, rounds)
    register_model(page, rounds, server)
    page.get_by_role("link", name="Start a new declaration").click()
    page.get_by_role("button", name="Start declaration").click()
    # A new draft lists what is to do, with no error summary to take the focus.
    rounds.arrive("task list")
    assert "things to do before you can submit" in page.locator("main").inner_text()
    screenshot(page, "declaration-task-list-new")

    answer_general_information(page, rounds)
    add_a_web_crawl(page, rounds)
    upload_sources(page, rounds)
    add_a_party(page, rounds)
    add_red_teaming(page, rounds)
    check_sign_and_submit(page, rounds)

    panel = page.locator(".govuk-panel").inner_text()
    assert "Declaration submitted" in panel
    declaration = ProvenanceDeclaration.objects.get(model__name="Gamma Chat")
    assert declaration.reference in panel
    assert declaration.status == "submitted"
    assert declaration.signatory_name == "Priya Patel"
    assert declaration.sources.count() == 3
    assert declaration.supply_chain.get().company_number == "SC123456"
    assert FilingSnapshot.objects.filter(filing_id=declaration.pk).count() == 1
    screenshot(page, "declaration-submitted")

    pages = [
        "sign up",
        "organisation",
        "model",
        "general information",
        "source: name and kind",
        "source: about",
        "source: size",
        "source: rights",
        "source: personal data",
        "source: dates",
        "source: crawler",
        "source: top domains",
        "source: confidentiality",
        "upload",
        "party",
        "red-teaming",
        "check your answers",
    ]
    assert rounds.refused == dict.fromkeys(pages, 1)
    assert page.console_watch.problems == []
