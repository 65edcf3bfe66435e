"""The provider's journeys through models and declarations, and every bad input they refuse."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from registry.declarations import services
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.declarations.selectors import SOURCE_FIELDS
from registry.filings.models import FilingSnapshot
from registry.filings.states import Status
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    DataSourceFactory,
    ProvenanceDeclarationFactory,
    complete_declaration,
    raise_finding,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class PrivateFilesMixin:
    """Keep red-team reports a test class uploads in a temporary folder of their own."""

    @classmethod
    def setUpClass(cls):
        cls.private_dir = tempfile.mkdtemp()
        field = RedTeamAttestation._meta.get_field("report")
        cls.saved_storage = field.storage
        field.storage = FileSystemStorage(location=cls.private_dir, base_url=None)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        RedTeamAttestation._meta.get_field("report").storage = cls.saved_storage
        shutil.rmtree(cls.private_dir, ignore_errors=True)


def date_data(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


MODEL_FORM = {
    "name": "Acme Reasoner",
    "version": "2.0",
    "model_type": "foundation",
    "modalities_in": ["text"],
    "modalities_out": ["text", "code"],
    "parameter_count": "70000000000",
    **date_data("release_date", date(2025, 3, 1)),
    "distribution": "api",
    "intended_uses": "Drafting and summarising",
}

GENERAL_FORM = {
    "size_text": "1b_10t",
    "size_image": "none",
    "total_tokens": "2000000000000",
    **date_data("latest_collection_date", date(2024, 12, 31)),
    "continuous_training": "no",
    "languages": "en 62.5\nfr 37.5",
    "content_types": "news articles\nsource code",
    "tdm_opt_out_measures": "We honour robots.txt and TDM-Rep.",
    "illegal_content_measures": "Hash matching and review.",
    "code_of_practice_signatory": "yes",
}

SOURCE_FORM = {
    "name": "Open Encyclopaedia",
    "category": "public_dataset",
    "description": "Encyclopaedia articles",
    "url": "https://encyclopaedia.example",
    "owner": "Example Foundation",
    "purpose": "General knowledge",
    "licence": "cc-by-4.0",
    "licence_use_category": "commercial",
    "acquisition": "public",
    "ip_status": "mixed",
    "modalities": ["text"],
    "languages": "en, fr",
    "share_percent": "40",
    **date_data("collection_start", date(2023, 1, 1)),
    **date_data("collection_end", date(2024, 6, 30)),
    **date_data("first_used_on", date(2024, 7, 1)),
    "countries": "gb us",
    "personal_data": "no",
    "processing": ["deduplication"],
}

CRAWL_FORM = SOURCE_FORM | {
    "name": "Acme web crawl",
    "category": "web_crawl",
    "acquisition": "scraped",
    "licence": "",
    "crawler_name": "AcmeBot",
    "crawler_user_agent": "AcmeBot/1.0",
    "robots_txt_respected": "yes",
    "tdm_opt_out_respected": "no",
    "top_domains_text": "Example.com\nhttps://news.example.org/path\n",
}

PARTY_FORM = {
    "name": "Cloud Co Ltd",
    "role": "cloud_hosting",
    "country": "IE",
    "company_number": "123",
}

ATTESTATION_FORM = {
    "assessor": "Assurance LLP",
    "assessor_independent": "yes",
    "scope": ["supply_chain", "data_poisoning"],
    **date_data("performed_on", date(2025, 2, 1)),
    "outcome": "pass",
    "summary": "Nothing found",
    **date_data("next_due", date(2026, 2, 1)),
}


def csv_text(rows: list[dict[str, str]], columns=None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or SOURCE_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


CSV_ROW = {
    "name": "Bulk source",
    "category": "public_dataset",
    "description": "From the upload",
    "url": "https://bulk.example",
    "licence": "MIT",
    "licence_use_category": "commercial",
    "acquisition": "public",
    "modalities": "text;code",
    "languages": "en;de",
    "share_percent": "10",
    "collection_start": "2023-01-01",
    "collection_end": "2023-12-31",
    "first_used_on": "2024-01-15",
    "purpose": "Coding",
    "personal_data": "no",
    "ip_status": "mixed",
    "countries": "GB;DE",
    "confidential": "no",
}


def upload(name: str, content: bytes | str, content_type="text/csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type=content_type)


class DeclarationViewTestCase(PrivateFilesMixin, PersonaTestCase):
    """Acme has a model with a complete draft; Beta has one too."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.model = AIModelFactory(provider=cls.acme, name="Acme Chat", version="1.0")
        cls.draft = complete_declaration(model=cls.model, created_by=cls.alice)
        cls.beta_model = AIModelFactory(provider=cls.beta, name="Beta Draw")
        cls.beta_draft = complete_declaration(model=cls.beta_model, created_by=cls.charlie)

    def url(self, name: str, *args) -> str:
        return reverse(f"declarations:{name}", args=args)

    def draft_url(self, name: str, *args) -> str:
        return self.url(name, self.draft.pk, *args)

    def fresh(self, obj):
        obj.refresh_from_db()
        return obj

    def general_form(self, **changes) -> dict:
        return GENERAL_FORM | {"lock_version": self.fresh(self.draft).lock_version} | changes

    def messages_of(self, response) -> list[str]:
        return [str(message) for message in response.context["messages"]]


# --- Models and lineage


class ModelViewTests(DeclarationViewTestCase):
    def test_a_submitter_registers_a_model_and_lands_on_its_page(self):
        self.sign_in(self.bob)
        response = self.client.post(self.url("model-new"), MODEL_FORM, follow=True)
        model = AIModel.objects.get(name="Acme Reasoner")
        self.assertRedirects(response, self.url("model", model.pk))
        self.assertEqual(model.provider, self.acme)
        self.assertEqual(model.modalities_out, ["text", "code"])
        self.assertEqual(model.release_date, date(2025, 3, 1))
        self.assertEqual(model.parameter_count, 70_000_000_000)
        self.assertContains(response, "Acme Reasoner 2.0 is registered")
        self.assertContains(response, "Start a new declaration")

    def test_bad_model_details_name_the_field_and_save_nothing(self):
        self.sign_in(self.alice)
        cases = {
            "wrong type": ({"parameter_count": "lots"}, "Number of parameters must be a whole"),
            "out of range": ({"parameter_count": "0"}, "must be a whole number from 1"),
            "too large": ({"parameter_count": str(2**64)}, "Number of parameters is too large"),
            "unknown choice": ({"model_type": "giant"}, "Select the type of model"),
            "unknown modality": ({"modalities_in": ["smell"]}, "Select at least one input"),
            "too long": ({"name": "x" * 201}, "Model name must be 200 characters or fewer"),
            "bad date": ({"release_date_day": "31", "release_date_month": "2"}, "must be a real"),
            "missing": ({"version": ""}, "Enter the model&#x27;s version"),
        }
        for label, (changes, message) in cases.items():
            with self.subTest(label):
                response = self.client.post(self.url("model-new"), MODEL_FORM | changes)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertFalse(AIModel.objects.filter(name="Acme Reasoner").exists())

    def test_a_second_model_with_the_same_name_and_version_is_refused(self):
        self.sign_in(self.alice)
        response = self.client.post(
            self.url("model-new"), MODEL_FORM | {"name": "Acme Chat", "version": "1.0"}
        )
        self.assertContains(response, "already registered a model with this name and version")
        self.assertEqual(AIModel.objects.filter(name="Acme Chat").count(), 1)

    def test_the_model_page_shows_details_lineage_both_ways_and_declarations(self):
        base = AIModelFactory(provider=self.acme, name="Acme Base", version="0.9")
        ModelDependency.objects.create(model=self.model, depends_on=base, relation="fine_tune")
        ModelDependency.objects.create(
            model=self.model, external_name="Llama X", external_provider="Meta", relation="merge"
        )
        # Beta's unpublished model built on ours is Beta's business: it is not shown to Acme.
        ModelDependency.objects.create(
            model=self.beta_model, depends_on=self.model, relation="distillation"
        )
        self.sign_in(self.victor)
        response = self.client.get(self.url("model", self.model.pk))
        self.assertContains(response, "Acme Base 0.9")
        self.assertContains(response, "7,000,000,000")
        self.assertContains(response, "Llama X")
        self.assertContains(response, "Not on the register")
        self.assertNotContains(response, "Beta Draw")
        self.assertContains(response, self.draft.reference)
        self.assertContains(response, "govuk-tag--grey")
        # A viewer reads; the actions are for editors.
        self.assertNotContains(response, "Start a new declaration")
        self.assertNotContains(response, self.url("model-edit", self.model.pk))
        response = self.client.get(self.url("model", base.pk))
        self.assertContains(response, "Acme Chat 1.0")

    def test_a_stale_save_is_refused_and_the_input_kept(self):
        self.sign_in(self.alice)
        opened = self.client.get(self.url("model-edit", self.model.pk))
        self.assertContains(opened, 'name="lock_version" value="1"')
        # Bob saves first.
        services.model_update(
            actor=self.bob,
            model=self.model,
            values={**MODEL_FORM, "name": "Bob's name", "parameter_count": 7, "release_date": None},
            expected_lock_version=1,
        )
        response = self.client.post(
            self.url("model-edit", self.model.pk),
            MODEL_FORM | {"name": "Alice's name", "lock_version": "1"},
        )
        self.assertContains(response, "Someone else changed this since you opened it")
        self.assertContains(response, 'value="Alice&#x27;s name"')
        self.assertContains(response, "What is saved now")
        self.assertContains(response, "Bob&#x27;s name")
        self.assertContains(response, 'name="lock_version" value="2"')
        self.assertEqual(self.fresh(self.model).name, "Bob's name")
        # Saving again, having seen the other change, is deliberate and goes through.
        again = self.client.post(
            self.url("model-edit", self.model.pk),
            MODEL_FORM | {"name": "Alice's name", "lock_version": "2"},
        )
        self.assertRedirects(again, self.url("model", self.model.pk))
        self.assertEqual(self.fresh(self.model).name, "Alice's name")

    def test_lineage_takes_a_registered_or_an_external_model_and_can_be_removed(self):
        base = AIModelFactory(provider=self.acme, name="Acme Base")
        self.sign_in(self.bob)
        add = self.url("dependency-add", self.model.pk)
        self.client.post(add, {"depends_on": base.pk, "relation": "fine_tune"})
        self.client.post(
            add, {"external_name": "Open 7B", "external_provider": "Open Lab", "relation": "merge"}
        )
        self.assertEqual(
            sorted(str(d.depends_on or d.external_name) for d in self.model.dependencies.all()),
            ["Acme Base 1.0", "Open 7B"],
        )
        dependency = self.model.dependencies.get(external_name="Open 7B")
        confirm = self.client.get(self.url("dependency-remove", self.model.pk, dependency.pk))
        self.assertContains(confirm, "Remove Open 7B from the lineage")
        self.client.post(self.url("dependency-remove", self.model.pk, dependency.pk))
        self.assertFalse(ModelDependency.objects.filter(pk=dependency.pk).exists())

    def test_bad_lineage_is_refused_with_a_message(self):
        self.sign_in(self.bob)
        add = self.url("dependency-add", self.model.pk)
        cases = {
            "neither": ({"relation": "merge"}, "Select a registered model, or enter the name"),
            "both": (
                {"depends_on": self.model.pk, "external_name": "X", "relation": "merge"},
                "Select a model from the list",
            ),
            # Beta's model is unpublished: not Acme's to choose.
            "another provider's": (
                {"depends_on": self.beta_model.pk, "relation": "merge"},
                "Select a model from the list",
            ),
            "unknown relation": ({"external_name": "X", "relation": "cloning"}, "Select how"),
        }
        for label, (data, message) in cases.items():
            with self.subTest(label):
                response = self.client.post(add, data)
                self.assertContains(response, message)
        self.assertFalse(self.model.dependencies.exists())


# --- Starting a declaration and the task list


class StartAndTaskListTests(DeclarationViewTestCase):
    def test_a_model_without_an_accepted_declaration_starts_blank(self):
        model = AIModelFactory(provider=self.acme, name="Acme Vision")
        self.sign_in(self.bob)
        page = self.client.get(self.url("declaration-start", model.pk))
        self.assertContains(page, "this one starts blank")
        self.assertNotContains(page, 'value="amend"')
        response = self.client.post(self.url("declaration-start", model.pk), {})
        declaration = model.declarations.get()
        self.assertRedirects(response, self.url("declaration", declaration.pk))
        self.assertEqual((declaration.version, declaration.status), (1, "draft"))
        self.assertFalse(declaration.sources.exists())

    def test_an_amendment_copies_the_latest_accepted_declaration(self):
        model = AIModelFactory(provider=self.acme, name="Acme Vision")
        accepted = complete_declaration(
            model=model, sources=4, status=Status.ACCEPTED, submitted_at=timezone.now()
        )
        self.sign_in(self.bob)
        page = self.client.get(self.url("declaration-start", model.pk))
        self.assertContains(page, 'value="amend"')
        nothing_chosen = self.client.post(self.url("declaration-start", model.pk), {})
        self.assertContains(nothing_chosen, "Select how you want to start the declaration")
        self.client.post(self.url("declaration-start", model.pk), {"start": "amend"})
        amendment = model.declarations.get(version=2)
        self.assertEqual(amendment.amends, accepted)
        self.assertEqual(amendment.sources.count(), 4)
        self.assertEqual(amendment.languages, accepted.languages)

    def test_a_model_with_a_declaration_in_progress_goes_to_it(self):
        self.sign_in(self.bob)
        response = self.client.post(self.url("declaration-start", self.model.pk), {})
        self.assertRedirects(response, self.draft_url("declaration"))
        self.assertEqual(self.model.declarations.count(), 1)

    def test_the_task_list_shows_each_section_complete(self):
        self.sign_in(self.bob)
        response = self.client.get(self.draft_url("declaration"))
        self.assertContains(response, "govuk-task-list")
        self.assertContains(response, "You have completed 5 of 5 sections")
        self.assertContains(response, "Nothing stops this declaration being submitted")
        self.assertContains(response, "3 sources")

    def test_the_checklist_links_each_problem_to_the_field_that_fixes_it(self):
        first = self.draft.sources.order_by("id")[0]
        crawl = self.draft.sources.get(category="web_crawl")
        DataSource.objects.filter(pk=first.pk).update(licence="MIT OR", share_percent=Decimal(100))
        DataSource.objects.filter(pk=crawl.pk).update(top_domains=["not a host"])
        ProvenanceDeclaration.objects.filter(pk=self.draft.pk).update(
            illegal_content_measures="", signed_at=None
        )
        self.sign_in(self.bob)
        response = self.client.get(self.draft_url("declaration"))
        licence = self.draft_url("source-edit", first.pk) + "#id_licence"
        self.assertContains(response, f'href="{licence}"')
        self.assertContains(response, "Data source 1 (Source 1): Enter a valid SPDX licence")
        self.assertContains(response, f'href="{self.draft_url("source-domains", crawl.pk)}"')
        self.assertContains(response, "not a host is not a host name")
        general = self.draft_url("general") + "#id_illegal_content_measures"
        self.assertContains(response, f'href="{general}"')
        self.assertContains(response, f'href="{self.draft_url("statement")}#id_confirm"')
        # The shares now add up to 100 + 33.333 + 33.333 = 166.666%.
        self.assertContains(response, "they add up to 166.666%")
        self.assertContains(response, f'href="{self.draft_url("sources")}"')
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--blue">Incomplete</strong>'
        )

    def test_shares_of_140_percent_are_a_problem_on_the_checklist(self):
        declaration = ProvenanceDeclarationFactory(model=AIModelFactory(provider=self.acme))
        DataSourceFactory(declaration=declaration, name="A", share_percent=Decimal(100))
        DataSourceFactory(declaration=declaration, name="B", share_percent=Decimal(40))
        self.sign_in(self.bob)
        response = self.client.get(self.url("declaration", declaration.pk))
        self.assertContains(response, "Source shares must add up to 100% (within 1%)")
        self.assertContains(response, "they add up to 140%")
        response = self.client.get(self.url("check", declaration.pk))
        self.assertContains(response, "they add up to 140%")
        self.assertNotContains(response, "Submit declaration")

    def test_a_viewer_reads_the_draft_without_editing_links(self):
        self.sign_in(self.victor)
        response = self.client.get(self.draft_url("declaration"))
        self.assertTemplateUsed(response, "declarations/read.html")
        self.assertNotContains(response, self.draft_url("general"))
        self.assertContains(response, self.draft.reference)


# --- General information


class GeneralViewTests(DeclarationViewTestCase):
    def test_general_information_is_saved_with_languages_parsed(self):
        self.sign_in(self.bob)
        response = self.client.post(self.draft_url("general"), self.general_form())
        self.assertRedirects(response, self.draft_url("declaration"))
        draft = self.fresh(self.draft)
        self.assertEqual(draft.training_data_size, {"text": "1b_10t"})
        self.assertEqual(
            draft.languages,
            [{"code": "en", "share_percent": 62.5}, {"code": "fr", "share_percent": 37.5}],
        )
        self.assertEqual(draft.content_types, ["news articles", "source code"])
        self.assertIs(draft.continuous_training, False)
        self.assertIs(draft.code_of_practice_signatory, True)
        # A change voids the statement of truth: it must be signed again.
        self.assertIsNone(draft.signed_at)

    def test_the_page_opens_with_what_is_saved(self):
        self.sign_in(self.bob)
        response = self.client.get(self.draft_url("general"))
        self.assertContains(response, "en 80\nfr 20")
        self.assertContains(response, "regulator sees this exact figure")
        self.assertContains(response, 'id="id_size_text_1" checked')

    def test_bad_general_information_names_the_field_and_saves_nothing(self):
        self.sign_in(self.bob)
        before = self.fresh(self.draft).lock_version
        future = timezone.localdate() + timedelta(days=30)
        cases = {
            "language line": ({"languages": "en 60\nenglish"}, "Line 2: write a language code"),
            "language code": ({"languages": "xx 60"}, "xx is not an ISO 639-1 language code"),
            "language share": ({"languages": "en 160"}, "The share of en must be a number"),
            "languages over 100": (
                {"languages": "en 70\nfr 70"},
                "Language shares add up to more than 100%",
            ),
            "unknown band": ({"size_text": "huge"}, "Select a size band for text from the list"),
            "no band": ({"size_text": "none"}, "Select the size of the training data"),
            "band mismatch": ({"total_tokens": "5000"}, "size band does not match"),
            "negative": ({"total_tokens": "-1"}, "Total tokens must be a whole number from 0"),
            "wrong type": ({"total_audio_hours": "lots"}, "Total hours of audio must be a number"),
            "future date": (
                date_data("latest_collection_date", future),
                "must be today or in the past",
            ),
            "bad date": ({"latest_collection_date_month": "13"}, "must be a real date"),
            "missing": ({"illegal_content_measures": ""}, "Describe how you remove illegal"),
            "unknown yes/no": ({"continuous_training": "maybe"}, "Select whether the model is"),
            "too long": ({"tdm_opt_out_measures": "x" * 10_001}, "10,000 characters or fewer"),
        }
        for label, (changes, message) in cases.items():
            with self.subTest(label):
                response = self.client.post(self.draft_url("general"), self.general_form(**changes))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertEqual(self.fresh(self.draft).lock_version, before)

    def test_a_stale_general_save_is_refused_with_the_input_kept(self):
        self.sign_in(self.bob)
        form = self.general_form(tdm_opt_out_measures="Bob's measures")
        services.party_save(actor=self.alice, declaration=self.draft, values=PARTY_FORM)
        response = self.client.post(self.draft_url("general"), form)
        self.assertContains(response, "Someone else changed this since you opened it")
        self.assertContains(response, "Bob&#x27;s measures")
        self.assertNotEqual(self.fresh(self.draft).tdm_opt_out_measures, "Bob's measures")


# --- Data sources


class SourceViewTests(DeclarationViewTestCase):
    def test_a_source_is_added_with_codes_and_licence_normalised(self):
        self.sign_in(self.bob)
        response = self.client.post(self.draft_url("source-add"), SOURCE_FORM)
        self.assertRedirects(response, self.draft_url("sources"))
        source = self.draft.sources.get(name="Open Encyclopaedia")
        self.assertEqual(source.languages, ["en", "fr"])
        self.assertEqual(source.countries, ["GB", "US"])
        self.assertEqual(source.licence, "CC-BY-4.0")
        self.assertEqual(source.share_percent, Decimal("40"))

    def test_a_web_crawl_is_added_with_its_top_domains_pasted(self):
        self.sign_in(self.bob)
        self.client.post(self.draft_url("source-add"), CRAWL_FORM)
        crawl = self.draft.sources.get(name="Acme web crawl")
        self.assertEqual(crawl.top_domains, ["example.com", "news.example.org"])
        self.assertIs(crawl.tdm_opt_out_respected, False)

    def test_a_web_crawl_needs_its_crawler_answers(self):
        self.sign_in(self.bob)
        data = CRAWL_FORM | {"crawler_name": "", "robots_txt_respected": "", "top_domains_text": ""}
        response = self.client.post(self.draft_url("source-add"), data)
        self.assertContains(response, "Enter the crawler&#x27;s name")
        self.assertContains(response, "Select whether the crawler respects robots.txt")
        self.assertContains(response, "List the top domains crawled")
        self.assertFalse(self.draft.sources.filter(name="Acme web crawl").exists())

    def test_a_synthetic_source_takes_generator_lines(self):
        self.sign_in(self.bob)
        data = SOURCE_FORM | {
            "name": "Distilled answers",
            "category": "synthetic",
            "acquisition": "generated",
            "generator_models": "Teacher 70B | Open Lab | NO\nHelper | | unknown",
        }
        self.client.post(self.draft_url("source-add"), data)
        source = self.draft.sources.get(name="Distilled answers")
        self.assertEqual(
            source.generator_models,
            [
                {"name": "Teacher 70B", "provider": "Open Lab", "terms_permit_training": "no"},
                {"name": "Helper", "provider": "", "terms_permit_training": "unknown"},
            ],
        )

    def test_bad_sources_name_the_field_and_save_nothing(self):
        self.sign_in(self.bob)
        future = timezone.localdate() + timedelta(days=3)
        cases = {
            "malformed licence": ({"licence": "MIT OR"}, "Enter a valid SPDX licence expression"),
            "unknown licence": ({"licence": "Made-Up-1.0"}, "unknown licence"),
            "bad country": ({"countries": "GB XX"}, "XX is not an ISO 3166 country code"),
            "bad language": ({"languages": "english"}, "english is not an ISO 639-1"),
            "share over 100": ({"share_percent": "140"}, "The share must be a number from 0"),
            "share not a number": ({"share_percent": "forty"}, "The share must be a number"),
            "share too precise": ({"share_percent": "1.23456"}, "at most 3 decimal places"),
            "unknown category": ({"category": "stolen"}, "Select the source&#x27;s category"),
            "unknown modality": ({"modalities": ["smell"]}, "Select at least one modality"),
            "too long": ({"name": "n" * 301}, "Name of the source must be 300 characters"),
            "bad date": ({"collection_start_day": "32"}, "Collection started must be a real date"),
            "future date": (date_data("first_used_on", future), "must be today or in the past"),
            "dates out of order": (
                date_data("collection_end", date(2022, 1, 1)),
                "Collection must end on or after the day it started",
            ),
            "negative size": ({"size_tokens": "-5"}, "Size in tokens must be a whole number"),
            "not a url": ({"url": "ftp://files.example"}, "Enter a web address starting"),
            "licensed without owner": (
                {"category": "licensed", "owner": ""},
                "Enter the owner or rightsholder",
            ),
            "confidential without reason": (
                {"confidential": "on"},
                "Give the reason the source should be kept confidential",
            ),
            "generator line": (
                {"category": "synthetic", "generator_models": "a | b | c | d"},
                "Line 1: write the model",
            ),
            "generator terms": (
                {"category": "synthetic", "generator_models": "Teacher | Lab | maybe"},
                "Say whether each generator",
            ),
        }
        for label, (changes, message) in cases.items():
            with self.subTest(label):
                response = self.client.post(self.draft_url("source-add"), SOURCE_FORM | changes)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertFalse(self.draft.sources.filter(name="Open Encyclopaedia").exists())

    def test_a_source_is_changed_and_a_stale_change_refused(self):
        source = self.draft.sources.order_by("id")[0]
        self.sign_in(self.bob)
        page = self.client.get(self.draft_url("source-edit", source.pk))
        self.assertContains(page, 'value="Source 1"')
        data = SOURCE_FORM | {"name": "Renamed", "share_percent": source.share_percent}
        response = self.client.post(
            self.draft_url("source-edit", source.pk), data | {"lock_version": "1"}
        )
        self.assertRedirects(response, self.draft_url("sources"))
        self.assertEqual(self.fresh(source).name, "Renamed")
        stale = self.client.post(
            self.draft_url("source-edit", source.pk), data | {"name": "Late", "lock_version": "1"}
        )
        self.assertContains(stale, "Someone else changed this since you opened it")
        self.assertContains(stale, 'value="Late"')
        self.assertEqual(self.fresh(source).name, "Renamed")

    def test_the_form_shows_a_count_and_the_first_domains_never_the_whole_list(self):
        crawl = self.draft.sources.get(category="web_crawl")
        hosts = [f"host{i}.example.com" for i in range(10_000)]
        DataSource.objects.filter(pk=crawl.pk).update(top_domains=hosts)
        self.sign_in(self.bob)
        response = self.client.get(self.draft_url("source-edit", crawl.pk))
        self.assertContains(response, "10000 hosts")
        self.assertContains(response, "host4.example.com")
        self.assertNotContains(response, "host5.example.com")
        self.assertNotContains(response, 'name="top_domains_text"')
        self.assertContains(response, self.draft_url("source-domains", crawl.pk))

    def test_the_list_pages_50_at_a_time_with_the_total_and_share_sum(self):
        DataSource.objects.bulk_create(
            DataSourceFactory.build(declaration=self.draft, name=f"Extra {i}", share_percent=0)
            for i in range(60)
        )
        self.sign_in(self.victor)
        response = self.client.get(self.draft_url("sources"))
        self.assertContains(response, "63 sources")
        self.assertContains(response, "add up to 100%")
        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertContains(response, "Page 1 of 2")
        self.assertNotContains(response, "Add a source")  # a viewer reads
        second = self.client.get(self.draft_url("sources") + "?page=2")
        self.assertContains(second, "Extra 59")

    def test_removing_a_source_asks_first(self):
        source = self.draft.sources.order_by("id")[0]
        self.sign_in(self.bob)
        confirm = self.client.get(self.draft_url("source-remove", source.pk))
        self.assertContains(confirm, "Remove Source 1 from the data sources?")
        self.assertTrue(DataSource.objects.filter(pk=source.pk).exists())
        self.client.post(self.draft_url("source-remove", source.pk))
        self.assertFalse(DataSource.objects.filter(pk=source.pk).exists())


class TopDomainsTests(DeclarationViewTestCase):
    def setUp(self):
        self.crawl = self.draft.sources.get(category="web_crawl")
        self.page = self.draft_url("source-domains", self.crawl.pk)
        self.sign_in(self.bob)

    def post(self, **data):
        return self.client.post(
            self.page, {"lock_version": self.fresh(self.crawl).lock_version} | data
        )

    def test_a_csv_file_replaces_the_list(self):
        text = "domain,size\nA.example.com,10\nb.example.org.,5\na.example.com,1\n"
        response = self.post(file=upload("domains.csv", text))
        self.assertRedirects(response, self.draft_url("source-edit", self.crawl.pk))
        self.assertEqual(self.fresh(self.crawl).top_domains, ["a.example.com", "b.example.org"])

    def test_a_pasted_list_replaces_the_list(self):
        self.post(text="one.example\ntwo.example\n")
        self.assertEqual(self.fresh(self.crawl).top_domains, ["one.example", "two.example"])

    def test_bad_lines_are_reported_by_number_and_nothing_saved(self):
        before = self.fresh(self.crawl).top_domains
        response = self.post(file=upload("domains.txt", "good.example\nbad host\n-x-.com\n"))
        self.assertContains(response, "Line 2: bad host is not a host name")
        self.assertContains(response, "Line 3: -x-.com is not a host name")
        self.assertEqual(self.fresh(self.crawl).top_domains, before)

    def test_bad_files_are_refused_naming_the_field(self):
        before = self.fresh(self.crawl).top_domains
        cases = {
            "wrong type": (upload("domains.pdf", PDF), "must be a TXT or CSV file"),
            "binary": (upload("domains.txt", b"\x00\x01"), "it is not text"),
            "not utf-8": (upload("domains.txt", "caf\xe9.example".encode("latin-1")), "UTF-8"),
            "empty": (upload("domains.txt", b""), "The selected file is empty"),
            "oversized": (
                upload("domains.txt", b"a.example\n" * (5 * 1024 * 1024 // 10 + 1)),
                "must be smaller than 5 MB",
            ),
        }
        for label, (file, message) in cases.items():
            with self.subTest(label):
                response = self.post(file=file)
                self.assertContains(response, message)
                self.assertContains(response, 'href="#id_file"')
        self.assertContains(self.post(), "Select a file or paste the list")
        self.assertEqual(self.fresh(self.crawl).top_domains, before)


class SourcesUploadTests(DeclarationViewTestCase):
    def setUp(self):
        self.page = self.draft_url("sources-upload")
        self.sign_in(self.bob)

    def post(self, content, name="sources.csv", mode="append"):
        return self.client.post(self.page, {"file": upload(name, content), "mode": mode})

    def test_the_template_is_a_header_row_of_every_field(self):
        response = self.client.get(self.url("sources-template"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(response.content.decode().strip().split(","), SOURCE_FIELDS)

    def test_good_rows_are_appended(self):
        rows = [CSV_ROW | {"name": f"Bulk {i}"} for i in range(3)]
        response = self.post(csv_text(rows))
        self.assertRedirects(response, self.draft_url("sources"))
        self.assertEqual(self.draft.sources.count(), 6)
        bulk = self.draft.sources.get(name="Bulk 0")
        self.assertEqual((bulk.modalities, bulk.countries), (["text", "code"], ["GB", "DE"]))
        self.assertEqual(bulk.collection_start, date(2023, 1, 1))

    def test_replace_swaps_the_sources(self):
        self.post(csv_text([CSV_ROW | {"share_percent": "100"}]), mode="replace")
        self.assertEqual(list(self.draft.sources.values_list("name", flat=True)), ["Bulk source"])

    def test_a_bad_row_among_good_ones_writes_nothing_and_is_reported_by_row(self):
        rows = [
            CSV_ROW,
            CSV_ROW | {"name": "Bad one", "licence": "MIT OR", "collection_end": "31/12/2023"},
            CSV_ROW | {"countries": "GB;XX"},
        ]
        before = list(self.draft.sources.values_list("pk", flat=True))
        response = self.post(csv_text(rows), mode="replace")
        self.assertContains(response, "3 problems in 2 rows, so no sources were saved")
        report = response.context["report"]
        self.assertEqual(
            [(item["row"], item["column"]) for item in report],
            [(2, "licence"), (2, "collection_end"), (3, "countries")],
        )
        self.assertContains(response, "Enter a date as YYYY-MM-DD")
        self.assertContains(response, "XX is not an ISO 3166 country code")
        self.assertEqual(list(self.draft.sources.values_list("pk", flat=True)), before)

    def test_rules_found_only_by_the_service_are_reported_too(self):
        rows = [CSV_ROW, CSV_ROW | {"category": "web_crawl", "crawler_name": ""}]
        response = self.post(csv_text(rows))
        columns = {(item["row"], item["column"]) for item in response.context["report"]}
        self.assertIn((2, "crawler_name"), columns)
        self.assertIn((2, "top_domains"), columns)
        self.assertEqual(self.draft.sources.count(), 3)

    def test_bad_files_are_refused_naming_the_file_field(self):
        header_only = csv_text([])
        cases = {
            "wrong type": (("sources.xlsx", b"PK\x03\x04"), "The selected file must be a CSV file"),
            "not text": (("sources.csv", b"PK\x03\x04\x00"), "it is not text"),
            "not utf-8": (("sources.csv", "name\ncaf\xe9\n".encode("latin-1")), "UTF-8"),
            "empty": (("sources.csv", b""), "The selected file is empty"),
            "no rows": (("sources.csv", header_only), "a header row but no sources"),
            "unknown column": (("sources.csv", "name,colour\nA,red\n"), "colour is not one"),
        }
        for label, ((name, content), message) in cases.items():
            with self.subTest(label):
                response = self.post(content, name=name)
                self.assertContains(response, message)
                self.assertContains(response, 'href="#id_file"')
        self.assertEqual(self.draft.sources.count(), 3)

    def test_an_oversized_file_is_refused(self):
        with self.settings(SOURCES_UPLOAD_MAX_BYTES=100):
            response = self.post(csv_text([CSV_ROW]))
        self.assertContains(response, "The selected file must be smaller than 100 bytes")
        self.assertContains(response, "Up to 10,000 sources and 100 bytes")
        self.assertEqual(self.draft.sources.count(), 3)

    def test_more_than_10000_rows_are_refused(self):
        rows = "\n".join(f"Source {i}" for i in range(10_001))
        response = self.post("name\n" + rows + "\n")
        self.assertContains(response, "more than 10,000 sources")
        self.assertEqual(self.draft.sources.count(), 3)

    def test_no_mode_chosen_is_a_problem(self):
        response = self.client.post(self.page, {"file": upload("s.csv", csv_text([CSV_ROW]))})
        self.assertContains(response, "Select whether to add to or replace")


# --- Supply chain and red-teaming


class SupplyChainTests(DeclarationViewTestCase):
    def test_a_party_is_added_changed_and_removed(self):
        self.sign_in(self.bob)
        self.client.post(self.draft_url("party-add"), PARTY_FORM)
        party = self.draft.supply_chain.get(name="Cloud Co Ltd")
        self.assertEqual((party.role, party.country), ("cloud_hosting", "IE"))
        listing = self.client.get(self.draft_url("parties"))
        self.assertContains(listing, "Ireland")
        self.client.post(
            self.draft_url("party-edit", party.pk),
            PARTY_FORM | {"name": "Cloud Co plc", "lock_version": party.lock_version},
        )
        self.assertEqual(self.fresh(party).name, "Cloud Co plc")
        self.client.post(self.draft_url("party-remove", party.pk))
        self.assertFalse(SupplyChainParty.objects.filter(pk=party.pk).exists())

    def test_bad_parties_are_refused(self):
        self.sign_in(self.bob)
        cases = {
            "bad country": ({"country": "XX"}, "Select a country from the list"),
            "unknown role": ({"role": "spy"}, "Select the party&#x27;s role"),
            "too long": ({"name": "p" * 301}, "300 characters or fewer"),
            "missing": ({"name": ""}, "Enter the party&#x27;s name"),
        }
        for label, (changes, message) in cases.items():
            with self.subTest(label):
                self.assertContains(
                    self.client.post(self.draft_url("party-add"), PARTY_FORM | changes), message
                )
        self.assertEqual(self.draft.supply_chain.count(), 1)


class RedTeamingTests(DeclarationViewTestCase):
    def add(self, **changes):
        return self.client.post(self.draft_url("attestation-add"), ATTESTATION_FORM | changes)

    def test_an_attestation_with_a_pdf_report_is_stored_privately(self):
        self.sign_in(self.bob)
        response = self.add(report=upload("findings.pdf", PDF, "application/pdf"))
        self.assertRedirects(response, self.draft_url("attestations"))
        attestation = self.draft.red_team_attestations.get(assessor="Assurance LLP")
        self.assertEqual(attestation.scope, ["supply_chain", "data_poisoning"])
        self.assertTrue(attestation.report.name.startswith("red-team-reports/"))
        self.assertEqual(len(attestation.report_sha256), 64)
        with attestation.report.open("rb") as stored:
            self.assertEqual(stored.read(), PDF)
        # Stored outside MEDIA_ROOT's public tree, and never linked by a media URL.
        listing = self.client.get(self.draft_url("attestations"))
        download = self.draft_url("attestation-report", attestation.pk)
        self.assertContains(listing, f'href="{download}"')
        self.assertNotContains(listing, attestation.report.name)
        self.assertTrue(attestation.report.path.startswith(self.private_dir))

    def test_the_report_is_served_to_members_and_regulators_only(self):
        attestation = self.draft.red_team_attestations.get()
        attestation.report.save("r.pdf", ContentFile(PDF), save=True)
        url = self.draft_url("attestation-report", attestation.pk)
        for persona in (self.victor, self.olivia, self.diana):
            with self.subTest(persona.email):
                self.sign_in(persona)
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(b"".join(response.streaming_content), PDF)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertIn("attachment", response["Content-Disposition"])
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        for persona in (self.charlie, self.nadia, self.ada):
            with self.subTest(persona.email):
                self.sign_in(persona)
                self.assertEqual(self.client.get(url).status_code, 404)
        # Under another declaration's address it is not found either.
        self.sign_in(self.bob)
        other = self.url("attestation-report", self.beta_draft.pk, attestation.pk)
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_a_report_must_be_a_small_pdf(self):
        self.sign_in(self.bob)
        cases = {
            "named pdf but not one": (upload("report.pdf", b"<html>hi</html>"), "must be a PDF"),
            "empty": (upload("report.pdf", b""), "The selected file is empty"),
            "oversized": (
                upload("report.pdf", PDF + b"0" * (10 * 1024 * 1024)),
                "must be smaller than 10 MB",
            ),
        }
        for label, (file, message) in cases.items():
            with self.subTest(label):
                self.assertContains(self.add(report=file), message)
        self.assertFalse(self.draft.red_team_attestations.filter(assessor="Assurance LLP").exists())

    def test_bad_attestations_are_refused(self):
        self.sign_in(self.bob)
        future = timezone.localdate() + timedelta(days=1)
        cases = {
            "unknown scope": ({"scope": ["everything"]}, "Select at least one area"),
            "unknown outcome": ({"outcome": "meh"}, "Select the outcome"),
            "future": (date_data("performed_on", future), "must be today or in the past"),
            "next due before": (
                date_data("next_due", date(2024, 1, 1)),
                "The next red-teaming must be due after the last one",
            ),
            "independence": ({"assessor_independent": ""}, "Select whether the assessor"),
        }
        for label, (changes, message) in cases.items():
            with self.subTest(label):
                self.assertContains(self.add(**changes), message)
        self.assertEqual(self.draft.red_team_attestations.count(), 1)


# --- Statement, check your answers, submission, withdrawal


class SubmissionTests(DeclarationViewTestCase):
    def sign_and_submit(self):
        draft = self.fresh(self.draft)
        self.client.post(
            self.draft_url("statement"),
            {
                "signatory_name": "Bob Submitter",
                "signatory_role": "Head of Compliance",
                "confirm": "on",
                "lock_version": draft.lock_version,
            },
        )
        return self.client.post(
            self.draft_url("check"), {"lock_version": self.fresh(self.draft).lock_version}
        )

    def test_check_your_answers_summarises_sources_by_category(self):
        self.sign_in(self.bob)
        response = self.client.get(self.draft_url("check"))
        self.assertContains(response, "3 sources by category")
        self.assertContains(response, "Crawled from the web")
        self.assertContains(response, "33.333%")
        self.assertContains(response, f'href="{self.draft_url("general")}#id_languages"')
        self.assertContains(response, "Submit declaration")
        self.assertNotContains(response, "Source 2")  # the rows themselves are on their own list

    def test_sign_and_submit_then_see_the_confirmation_with_the_reference(self):
        self.sign_in(self.bob)
        response = self.sign_and_submit()
        self.assertRedirects(response, self.draft_url("submitted"))
        draft = self.fresh(self.draft)
        self.assertEqual(draft.status, Status.SUBMITTED)
        self.assertEqual(draft.signatory_role, "Head of Compliance")
        confirmation = self.client.get(self.draft_url("submitted"))
        self.assertContains(confirmation, "govuk-panel--confirmation")
        self.assertContains(confirmation, draft.reference)
        read = self.client.get(self.draft_url("declaration"))
        snapshot = FilingSnapshot.objects.get(filing_kind="declaration", filing_id=draft.pk)
        self.assertContains(read, snapshot.sha256)
        self.assertContains(read, "Submitted")

    def test_a_double_submit_submits_once_and_shows_the_read_view(self):
        self.sign_in(self.bob)
        lock_version = self.fresh(self.draft).lock_version
        first = self.client.post(self.draft_url("check"), {"lock_version": lock_version})
        second = self.client.post(
            self.draft_url("check"), {"lock_version": lock_version}, follow=True
        )
        self.assertRedirects(first, self.draft_url("submitted"))
        self.assertRedirects(second, self.draft_url("declaration"))
        self.assertIn("This declaration has been submitted", self.messages_of(second)[0])
        self.assertEqual(
            FilingSnapshot.objects.filter(
                filing_kind="declaration", filing_id=self.draft.pk
            ).count(),
            1,
        )

    def test_a_stale_submit_is_refused_and_the_page_shows_the_latest(self):
        self.sign_in(self.bob)
        old = self.fresh(self.draft).lock_version
        services.party_save(actor=self.alice, declaration=self.draft, values=PARTY_FORM)
        response = self.client.post(self.draft_url("check"), {"lock_version": old})
        self.assertContains(response, "Someone changed this declaration since you opened this page")
        self.assertEqual(self.fresh(self.draft).status, Status.DRAFT)

    def test_an_edit_after_signing_voids_the_signature(self):
        self.sign_in(self.bob)
        source = self.draft.sources.order_by("id")[0]
        self.client.post(self.draft_url("source-remove", source.pk))
        self.assertIsNone(self.fresh(self.draft).signed_at)
        task_list = self.client.get(self.draft_url("declaration"))
        self.assertContains(task_list, "Sign again: the declaration changed after it was signed")
        self.assertContains(task_list, "Confirm the statement of truth")

    def test_the_statement_needs_every_answer(self):
        self.sign_in(self.bob)
        response = self.client.post(
            self.draft_url("statement"),
            {"signatory_name": "", "signatory_role": "", "lock_version": 1},
        )
        self.assertContains(response, "Enter the name of the person signing")
        self.assertContains(response, "Confirm the statement of truth")

    def test_changes_requested_show_the_reason_and_can_be_answered_and_resubmitted(self):
        self.sign_in(self.bob)
        self.sign_and_submit()
        services.declaration_decide(
            actor=self.olivia, declaration=self.draft, action="start_review"
        )
        raise_finding(self.draft, self.olivia)
        services.declaration_decide(
            actor=self.olivia,
            declaration=self.draft,
            action="request_changes",
            reason="Source 2 needs its opt-out answer checked.",
        )
        task_list = self.client.get(self.draft_url("declaration"))
        self.assertContains(task_list, "The regulator asked for changes")
        self.assertContains(task_list, "Source 2 needs its opt-out answer checked.")
        self.assertEqual(self.sign_and_submit().status_code, 302)
        self.assertEqual(self.fresh(self.draft).status, Status.SUBMITTED)
        snapshots = FilingSnapshot.objects.filter(
            filing_kind="declaration", filing_id=self.draft.pk
        )
        self.assertEqual(snapshots.count(), 2)
        # A viewer sees the history with the regulator's reason, but not the officer's name.
        self.sign_in(self.victor)
        read = self.client.get(self.draft_url("declaration"))
        self.assertContains(read, "Source 2 needs its opt-out answer checked.")
        self.assertContains(read, snapshots.last().sha256)
        self.assertNotContains(read, "Olivia Officer")

    def test_withdrawing_an_accepted_declaration_needs_a_reason(self):
        model = AIModelFactory(provider=self.acme, name="Acme Vision")
        accepted = complete_declaration(
            model=model, status=Status.ACCEPTED, submitted_at=timezone.now()
        )
        self.sign_in(self.alice)
        url = self.url("withdraw", accepted.pk)
        self.assertContains(
            self.client.post(url, {"reason": ""}), "Give the reason for withdrawing"
        )
        response = self.client.post(url, {"reason": "The model is retired."})
        self.assertRedirects(response, self.url("withdrawn", accepted.pk))
        accepted.refresh_from_db()
        self.assertEqual(
            (accepted.status, accepted.withdrawal_reason), ("withdrawn", "The model is retired.")
        )
        self.assertContains(
            self.client.get(self.url("withdrawn", accepted.pk)), "Declaration withdrawn"
        )

    def test_only_an_accepted_declaration_can_be_withdrawn(self):
        self.sign_in(self.alice)
        response = self.client.post(self.draft_url("withdraw"), {"reason": "x"}, follow=True)
        self.assertRedirects(response, self.draft_url("declaration"))
        self.assertEqual(
            self.messages_of(response), ["Only an accepted declaration can be withdrawn"]
        )
        self.assertEqual(self.fresh(self.draft).status, Status.DRAFT)

    def test_a_draft_never_submitted_can_be_discarded_after_confirming(self):
        self.sign_in(self.bob)
        confirm = self.client.get(self.draft_url("discard"))
        self.assertContains(confirm, "Delete this draft declaration?")
        response = self.client.post(self.draft_url("discard"))
        self.assertRedirects(response, self.url("model", self.model.pk))
        self.assertFalse(ProvenanceDeclaration.objects.filter(pk=self.draft.pk).exists())

    def test_a_draft_sent_back_for_changes_cannot_be_discarded(self):
        ProvenanceDeclaration.objects.filter(pk=self.draft.pk).update(
            status=Status.CHANGES_REQUESTED, submitted_at=timezone.now()
        )
        self.sign_in(self.bob)
        response = self.client.post(self.draft_url("discard"), follow=True)
        self.assertRedirects(response, self.draft_url("declaration"))
        self.assertEqual(
            self.messages_of(response), ["A declaration that has been submitted cannot be deleted"]
        )
        self.assertTrue(ProvenanceDeclaration.objects.filter(pk=self.draft.pk).exists())


# --- Who may do what


class PermissionTests(DeclarationViewTestCase):
    def test_editing_a_submitted_filing_by_url_changes_nothing(self):
        ProvenanceDeclaration.objects.filter(pk=self.draft.pk).update(
            status=Status.SUBMITTED, submitted_at=timezone.now()
        )
        source = self.draft.sources.order_by("id")[0]
        self.sign_in(self.bob)
        attempts = {
            "general": (self.draft_url("general"), self.general_form(tdm_opt_out_measures="New")),
            "source-add": (self.draft_url("source-add"), SOURCE_FORM),
            "source-edit": (
                self.draft_url("source-edit", source.pk),
                SOURCE_FORM | {"lock_version": 1},
            ),
            "source-remove": (self.draft_url("source-remove", source.pk), {}),
            "upload": (
                self.draft_url("sources-upload"),
                {"file": upload("s.csv", csv_text([CSV_ROW])), "mode": "replace"},
            ),
            "party-add": (self.draft_url("party-add"), PARTY_FORM),
            "statement": (self.draft_url("statement"), {}),
            "discard": (self.draft_url("discard"), {}),
        }
        for label, (url, data) in attempts.items():
            with self.subTest(label):
                response = self.client.post(url, data, follow=True)
                self.assertRedirects(response, self.draft_url("declaration"))
                self.assertIn("can no longer be changed", self.messages_of(response)[0])
                self.assertTemplateUsed(response, "declarations/read.html")
        self.assertEqual(self.draft.sources.count(), 3)
        self.assertEqual(self.draft.supply_chain.count(), 1)
        self.assertNotEqual(self.fresh(self.draft).tdm_opt_out_measures, "New")

    def test_another_providers_filing_is_not_found(self):
        beta_source = self.beta_draft.sources.order_by("id")[0]
        self.sign_in(self.bob)
        pages = [
            self.url("declaration", self.beta_draft.pk),
            self.url("sources", self.beta_draft.pk),
            self.url("model", self.beta_model.pk),
        ]
        forms = [
            self.url("general", self.beta_draft.pk),
            self.url("source-edit", self.beta_draft.pk, beta_source.pk),
            # Acme's own declaration with Beta's source in the address: still not found.
            self.draft_url("source-edit", beta_source.pk),
            self.url("model-edit", self.beta_model.pk),
        ]
        for url in pages + forms:
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
        for url in forms:
            with self.subTest(url):
                self.assertEqual(self.client.post(url, SOURCE_FORM).status_code, 404)
        self.assertEqual(self.fresh(beta_source).name, "Source 1")

    def test_a_viewer_trying_to_edit_is_told_viewers_cannot(self):
        self.sign_in(self.victor)
        response = self.client.post(self.draft_url("general"), self.general_form())
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Viewers cannot change filings", status_code=403)
        response = self.client.post(self.url("model-new"), MODEL_FORM)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(AIModel.objects.filter(name="Acme Reasoner").exists())
        self.assertIsNotNone(self.fresh(self.draft).signed_at)

    def test_regulators_and_strangers_do_not_see_provider_pages(self):
        for persona, expected in ((self.olivia, 404), (self.charlie, 404)):
            with self.subTest(persona.email):
                self.sign_in(persona)
                self.assertEqual(
                    self.client.get(self.draft_url("declaration")).status_code, expected
                )
        self.client.logout()
        response = self.client.get(self.draft_url("declaration"))
        self.assertRedirects(
            response,
            reverse("accounts:sign-in") + "?next=" + self.draft_url("declaration"),
            fetch_redirect_response=False,
        )


class AdminTests(DeclarationViewTestCase):
    def test_administrators_find_models_and_declarations(self):
        self.sign_in(self.ada)
        pages = {
            "admin:declarations_aimodel_changelist": "Acme Chat",
            "admin:declarations_provenancedeclaration_changelist": self.draft.reference,
            "admin:declarations_datasource_changelist": "Source 1",
        }
        for name, text in pages.items():
            with self.subTest(name):
                self.assertContains(self.client.get(reverse(name)), text)
        search = reverse("admin:declarations_provenancedeclaration_changelist") + "?q=Beta+Draw"
        response = self.client.get(search)
        self.assertContains(response, self.beta_draft.reference)
        self.assertNotContains(response, self.draft.reference)

    def test_a_submitted_declaration_is_read_only_in_the_admin(self):
        self.sign_in(self.ada)
        url = reverse("admin:declarations_provenancedeclaration_change", args=[self.draft.pk])
        self.assertContains(self.client.get(url), 'name="_save"')
        ProvenanceDeclaration.objects.filter(pk=self.draft.pk).update(status=Status.SUBMITTED)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')
        delete = reverse("admin:declarations_provenancedeclaration_delete", args=[self.draft.pk])
        self.assertEqual(self.client.get(delete).status_code, 403)
