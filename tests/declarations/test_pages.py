"""The declaration's question pages as a provider meets them.

No error before the person has acted; every problem of a page in one round, and the same round
again if nothing changed; every post answered with a redirect; "Save and come back later" keeps
what was typed; a source asked only what its kind needs; and every field of a source on a page
that a finding or a checklist link can land on.
"""

from __future__ import annotations

import html as html_text
import re
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from registry.declarations.forms import (
    SOURCE_PAGE_FORM,
    AttestationForm,
    GeneralForm,
    ModelDetailsForm,
    PartyForm,
    SourceForm,
    source_pages,
)
from registry.declarations.models import DataSource, ProvenanceDeclaration
from registry.declarations.selectors import ATTESTATION_FIELDS, PARTY_FIELDS, SOURCE_FIELDS
from tests.declarations.test_views import (
    ATTESTATION_FORM,
    MODEL_FORM,
    PARTY_FORM,
    DeclarationViewTestCase,
    date_data,
)
from tests.factories import AIModelFactory, DataSourceFactory, ProvenanceDeclarationFactory

ERROR_SUMMARY = "govuk-error-summary"


def summary_messages(html: str) -> list[str]:
    """The messages of the page's error summary, in order."""
    start = html.find(ERROR_SUMMARY)
    if start < 0:
        return []
    block = html[start : html.index("</ul>", start)]
    items = re.findall(r"<li>(.*?)</li>", block, re.S)
    return [html_text.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


class PageTestCase(DeclarationViewTestCase):
    def setUp(self):
        self.sign_in(self.bob)

    def one_round(self, url: str, data: dict, expected: list[str]) -> list[str]:
        """Post mistakes twice: each time a redirect to the page, showing every expected problem
        (and the same set the second time). Returns the messages shown."""
        first = self.answer(url, data)
        shown = summary_messages(first.content.decode())
        for message in expected:
            self.assertTrue(
                any(message in said for said in shown), f"{message!r} not among {shown}"
            )
        again = self.answer(url, data)
        self.assertEqual(summary_messages(again.content.decode()), shown)
        return shown


class EveryProblemInOneRoundTests(PageTestCase):
    def test_general_information(self):
        future = timezone.localdate() + timedelta(days=9)
        data = self.general_form(
            size_text="none",
            total_images="lots",
            illegal_content_measures="",
            continuous_training="",
            **{"languages-0-share_percent": "160", "languages-1-code": "xx"},
            **date_data("latest_collection_date", future),
        )
        before = self.fresh(self.draft).lock_version
        shown = self.one_round(
            self.draft_url("general"),
            data,
            [
                "Select the size of the training data for at least one modality",
                "Total images must be a whole number",
                "Describe how you remove illegal content",
                "Select whether the model is trained continuously",
                "Language 2: select a language from the list",
                "must be today or in the past",
            ],
        )
        self.assertEqual(len(shown), len(set(shown)), "each problem is said once")
        self.assertEqual(self.fresh(self.draft).lock_version, before)

    def test_a_page_about_a_source(self):
        source = self.draft.sources.order_by("id")[0]
        data = {
            "share_percent": "forty",
            "size_tokens": "-3",
            "modalities": [],
            "languages-0-code": "english",
            "lock_version": source.lock_version,
        }
        self.one_round(
            self.draft_url("source-size", source.pk),
            data,
            [
                "The share must be a number",
                "Size in tokens must be a whole number from 0",
                "Select at least one modality",
                "Language 1: select a language from the list",
            ],
        )
        self.assertEqual(self.fresh(source).lock_version, source.lock_version)

    def test_rights_of_paid_data_need_owner_and_licence_with_the_other_problems(self):
        source = DataSourceFactory(declaration=self.draft, name="Bought", category="licensed")
        data = {
            "owner": "",
            "licence": "",
            "licence_use_category": "everything",
            "lock_version": source.lock_version,
        }
        self.one_round(
            self.draft_url("source-rights", source.pk),
            data,
            [
                "Enter the owner or rightsholder",
                "Enter the licence of licensed or purchased data",
                "Select what the licence allows",
            ],
        )

    def test_a_party(self):
        data = PARTY_FORM | {"name": "", "role": "spy", "country": "Atlantis"}
        self.one_round(
            self.draft_url("party-add"),
            data,
            [
                "Enter the party's name",
                "Select the party's role",
                "Select a country from the list",
            ],
        )

    def test_an_attestation(self):
        data = ATTESTATION_FORM | {
            "assessor": "",
            "scope": [],
            "outcome": "meh",
            **date_data("next_due", date(2020, 1, 1)),
        }
        self.one_round(
            self.draft_url("attestation-add"),
            data,
            [
                "Enter who carried out the red-teaming",
                "Select at least one area",
                "Select the outcome",
                "The next red-teaming must be due after the last one",
            ],
        )

    def test_the_models_details_with_a_name_already_taken(self):
        data = MODEL_FORM | {
            "name": "Acme Chat",
            "version": "1.0",
            "parameter_count": "many",
            "model_type": "",
        }
        self.one_round(
            self.url("model-new"),
            data,
            [
                "already registered a model with this name and version",
                "Number of parameters must be a whole number",
                "Select the type of model",
            ],
        )

    def test_lineage(self):
        self.one_round(
            self.url("dependency-add", self.model.pk),
            {"relation": "cloning"},
            ["Select a registered model, or enter the name", "Select how the model is built"],
        )


class NoErrorBeforeActingTests(PageTestCase):
    def test_a_blank_drafts_pages_open_without_a_problem(self):
        model = AIModelFactory(provider=self.acme, name="Acme Blank")
        blank = ProvenanceDeclarationFactory(model=model)
        source = DataSource.objects.create(declaration=blank, name="", category="web_crawl")
        synthetic = DataSource.objects.create(declaration=blank, name="", category="synthetic")
        urls = [
            reverse("declarations:general", args=[blank.pk]),
            reverse("declarations:source-add", args=[blank.pk]),
            reverse("declarations:party-add", args=[blank.pk]),
            reverse("declarations:attestation-add", args=[blank.pk]),
            reverse("declarations:model-new"),
            reverse("declarations:model-edit", args=[model.pk]),
            reverse("declarations:dependency-add", args=[model.pk]),
            reverse("declarations:source-edit", args=[blank.pk, source.pk]),
        ]
        for row in (source, synthetic):
            urls += [
                reverse(f"declarations:{page.url_name}", args=[blank.pk, row.pk])
                for page in source_pages(row.category)
            ]
        for url in urls:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, ERROR_SUMMARY)
                self.assertNotContains(response, "govuk-error-message")


class RedirectAfterEveryPostTests(PageTestCase):
    def test_good_and_bad_posts_are_both_answered_with_a_redirect(self):
        source = self.draft.sources.order_by("id")[0]
        party = self.draft.supply_chain.get()
        posts = {
            "general good": (self.draft_url("general"), self.general_form()),
            "general bad": (self.draft_url("general"), self.general_form(total_tokens="x")),
            "source page bad": (
                self.draft_url("source-about", source.pk),
                {"url": "nope", "lock_version": source.lock_version},
            ),
            "party bad": (self.draft_url("party-add"), {"name": ""}),
            "party good": (
                self.draft_url("party-edit", party.pk),
                PARTY_FORM | {"lock_version": party.lock_version},
            ),
            "model bad": (self.url("model-new"), {"name": ""}),
            "add another": (self.draft_url("general"), self.general_form(**{"languages-add": 1})),
        }
        for label, (url, data) in posts.items():
            with self.subTest(label):
                response = self.client.post(url, data)
                self.assertIn(response.status_code, (302, 303))
                # Refreshing the page it leads to posts nothing again.
                self.assertEqual(self.client.get(response["Location"]).status_code, 200)


class SaveAndComeBackLaterTests(PageTestCase):
    def test_an_incomplete_page_is_saved_and_the_task_list_says_what_is_left(self):
        data = self.general_form(
            illegal_content_measures="", tdm_opt_out_measures="Robots", save_later="1"
        )
        response = self.client.post(self.draft_url("general"), data, follow=True)
        self.assertRedirects(response, self.draft_url("declaration"))
        draft = self.fresh(self.draft)
        self.assertEqual(draft.tdm_opt_out_measures, "Robots")
        self.assertEqual(draft.illegal_content_measures, "")
        said = " ".join(self.messages_of(response))
        self.assertIn("General information is saved. Still to do there", said)
        self.assertIn("Describe how you remove illegal content", said)

    def test_what_cant_be_stored_stays_on_the_page_as_typed_and_the_rest_is_saved(self):
        data = self.general_form(
            total_tokens="two thousand", tdm_opt_out_measures="New measures", save_later="1"
        )
        response = self.client.post(self.draft_url("general"), data)
        self.assertRedirects(response, self.draft_url("general"), fetch_redirect_response=False)
        page = self.client.get(response["Location"])
        self.assertContains(page, "your other answers are saved")
        self.assertContains(page, 'value="two thousand"')
        self.assertContains(page, "Total tokens must be a whole number")
        self.assertEqual(self.fresh(self.draft).tdm_opt_out_measures, "New measures")
        # The page goes on from the version just saved: saving again is not refused as stale.
        again = self.client.post(
            self.draft_url("general"),
            {key: values for key, values in page.context["form"].data.lists()}
            | {"total_tokens": "2,000,000,000,000"},
        )
        self.assertRedirects(again, self.draft_url("declaration"), fetch_redirect_response=False)
        self.assertEqual(self.fresh(self.draft).total_tokens, 2_000_000_000_000)

    def test_a_new_source_saved_for_later_opens_on_its_own_page(self):
        data = {"name": "Half done", "category": "synthetic", "save_later": "1"}
        response = self.client.post(self.draft_url("source-add"), data, follow=True)
        self.assertRedirects(response, self.draft_url("declaration"))
        source = self.draft.sources.get(name="Half done")
        self.assertEqual(source.category, "synthetic")

    def test_a_new_party_without_a_role_keeps_what_was_typed(self):
        data = {"name": "Vendor", "role": "", "country": "FR", "save_later": "1"}
        page = self.answer(self.draft_url("party-add"), data)
        self.assertContains(page, 'value="Vendor"')
        self.assertContains(page, "Select the party&#x27;s role")
        self.assertFalse(self.draft.supply_chain.filter(name="Vendor").exists())


class AddAnotherTests(PageTestCase):
    def test_add_another_shows_one_more_empty_row_and_keeps_what_was_typed(self):
        data = self.general_form(tdm_opt_out_measures="Typed, not saved", **{"languages-add": "1"})
        response = self.client.post(self.draft_url("general"), data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].endswith("#id_languages_2_code"))
        page = self.client.get(response["Location"])
        self.assertContains(page, 'name="languages-2-code"')
        self.assertNotContains(page, 'name="languages-3-code"')
        self.assertContains(page, "Typed, not saved")
        self.assertNotContains(page, ERROR_SUMMARY)
        self.assertNotEqual(self.fresh(self.draft).tdm_opt_out_measures, "Typed, not saved")

    def test_remove_takes_a_row_away(self):
        data = self.general_form(**{"languages-remove": "0"})
        page = self.answer(self.draft_url("general"), data)
        self.assertContains(page, 'name="languages-0-share_percent" value="37.5"')
        self.assertNotContains(page, 'name="languages-1-code"')


class ConditionalPagesTests(PageTestCase):
    def test_each_kind_of_source_is_asked_only_its_own_questions(self):
        kinds = {
            "web_crawl": ({"source-crawler", "source-domains"}, {"source-generators"}),
            "synthetic": ({"source-generators"}, {"source-crawler", "source-domains"}),
            "public_dataset": (set(), {"source-crawler", "source-domains", "source-generators"}),
        }
        for category, (asked, not_asked) in kinds.items():
            with self.subTest(category):
                names = {page.url_name for page in source_pages(category)}
                self.assertTrue(asked <= names)
                self.assertFalse(not_asked & names)

    def test_a_page_another_kind_needs_is_not_shown(self):
        source = self.draft.sources.exclude(category="web_crawl").order_by("id")[0]
        response = self.client.get(self.draft_url("source-crawler", source.pk), follow=True)
        self.assertRedirects(response, self.draft_url("source-edit", source.pk))
        self.assertNotContains(response, 'name="crawler_name"')

    def test_the_next_page_after_the_kind_depends_on_the_kind(self):
        crawl = self.client.post(
            self.draft_url("source-add"), {"name": "New crawl", "category": "web_crawl"}
        )
        source = self.draft.sources.get(name="New crawl")
        self.assertRedirects(crawl, self.draft_url("source-about", source.pk))
        about = self.client.post(
            self.draft_url("source-confidentiality", source.pk),
            {"lock_version": source.lock_version},
        )
        self.assertRedirects(about, self.draft_url("source-edit", source.pk))
        summary = self.client.get(self.draft_url("source-edit", source.pk))
        self.assertContains(summary, "The crawler")
        self.assertContains(summary, "Top domains crawled")
        self.assertNotContains(summary, "Models that generated the data")

    def test_personal_data_measures_are_revealed_by_yes(self):
        source = self.draft.sources.order_by("id")[0]
        page = self.client.get(self.draft_url("source-personal", source.pk))
        html = page.content.decode()
        self.assertRegex(
            html, r'value="yes"[^>]*data-aria-controls="conditional-id_personal_data_measures"'
        )
        self.assertIn('id="conditional-id_personal_data_measures"', html)
        # Without JavaScript the question shows: only GOV.UK Frontend's script hides it.
        self.assertIn('name="personal_data_measures"', html)

    def test_owner_and_licence_are_asked_as_required_of_paid_data(self):
        paid = DataSourceFactory(declaration=self.draft, name="Bought", category="licensed")
        free = self.draft.sources.get(category="public_dataset")
        paid_page = self.client.get(self.draft_url("source-rights", paid.pk)).content.decode()
        free_page = self.client.get(self.draft_url("source-rights", free.pk)).content.decode()
        self.assertIn("Required: the data is licensed or purchased", paid_page)
        self.assertNotIn("Owner or rightsholder (optional)", paid_page)
        self.assertIn("Owner or rightsholder (optional)", free_page)


class FindingsLandOnAFieldTests(PageTestCase):
    def test_every_source_field_has_a_page_and_a_control_there(self):
        crawl = self.draft.sources.get(category="web_crawl")
        synthetic = DataSourceFactory(declaration=self.draft, name="Gen", category="synthetic")
        for field in SOURCE_FIELDS:
            with self.subTest(field):
                url_name = SourceForm.url_name_for(field)
                target = SourceForm.anchor_for(field)
                self.assertTrue(url_name and target, f"{field} has no page or no control")
                row = synthetic if url_name == "source-generators" else crawl
                html = self.client.get(self.draft_url(url_name, row.pk)).content.decode()
                self.assertIn(f'id="{target}"', html)
                # The summary that links to it holds the same anchor.
                summary = self.client.get(self.draft_url("source-edit", row.pk))
                if url_name != "source-domains":
                    self.assertContains(summary, f'id="{target}"')

    def test_every_field_of_the_other_pages_has_a_control_there(self):
        party = self.draft.supply_chain.get()
        attestation = self.draft.red_team_attestations.get()
        pages = [
            (GeneralForm, self.draft_url("general"), ["languages.1.code", "training_data_size"]),
            (PartyForm, self.draft_url("party-edit", party.pk), PARTY_FIELDS),
            (
                AttestationForm,
                self.draft_url("attestation-edit", attestation.pk),
                [field for field in ATTESTATION_FIELDS if field != "report_sha256"],
            ),
            (ModelDetailsForm, self.url("model-edit", self.model.pk), ["parameter_count"]),
        ]
        for form_class, url, fields in pages:
            html = self.client.get(url).content.decode()
            for field in fields:
                with self.subTest(form_class.__name__, field=field):
                    target = form_class.anchor_for(field)
                    self.assertTrue(target, f"{field} has no control")
                    self.assertIn(f'id="{target}"', html)

    def test_each_source_page_form_is_the_one_its_page_shows(self):
        source = self.draft.sources.order_by("id")[0]
        for url_name, form_class in SOURCE_PAGE_FORM.items():
            if not form_class.page.asks(source.category):
                continue
            with self.subTest(url_name):
                response = self.client.get(self.draft_url(url_name, source.pk))
                self.assertIsInstance(response.context["form"], form_class)


class StaleDraftTests(PageTestCase):
    def test_a_source_page_saved_meanwhile_is_refused_with_both_versions_shown(self):
        source = self.draft.sources.order_by("id")[0]
        DataSource.objects.filter(pk=source.pk).update(lock_version=5, purpose="Theirs")
        data = {"description": "Mine", "purpose": "Mine too", "lock_version": 1}
        page = self.answer(self.draft_url("source-about", source.pk), data)
        self.assertContains(page, "Someone else changed this since you opened it")
        self.assertContains(page, "Theirs")
        self.assertContains(page, "Mine too")
        self.assertContains(page, 'name="lock_version" value="5"')
        self.assertEqual(self.fresh(source).purpose, "Theirs")


class ShareTotalsTests(PageTestCase):
    def test_the_share_is_saved_as_typed(self):
        source = self.draft.sources.order_by("id")[0]
        data = {
            "modalities": ["text"],
            "share_percent": "33.333",
            "size_tokens": "1 000",
            "lock_version": source.lock_version,
        }
        response = self.client.post(self.draft_url("source-size", source.pk), data)
        self.assertRedirects(
            response, self.draft_url("source-rights", source.pk), fetch_redirect_response=False
        )
        source.refresh_from_db()
        self.assertEqual((source.share_percent, source.size_tokens), (Decimal("33.333"), 1000))
        self.assertEqual(ProvenanceDeclaration.objects.get(pk=self.draft.pk).signed_at, None)
