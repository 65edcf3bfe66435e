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
from django.urls import resolve, reverse
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
from tests.labels import publish

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
    "languages-0-code": "en",
    "languages-0-share_percent": "62.5",
    "languages-1-code": "fr",
    "languages-1-share_percent": "37.5",
    "content_types": "news articles\nsource code",
    "tdm_opt_out_measures": "We honour robots.txt and TDM-Rep.",
    "illegal_content_measures": "Hash matching and review.",
    "code_of_practice_signatory": "yes",
}

# A source's answers, page by page, in the order a public dataset is asked them.
SOURCE_PAGES = {
    "source-kind": {"name": "Open Encyclopaedia", "category": "public_dataset"},
    "source-about": {
        "description": "Encyclopaedia articles",
        "url": "https://encyclopaedia.example",
        "purpose": "General knowledge",
    },
    "source-size": {
        "modalities": ["text"],
        "languages-0-code": "en",
        "languages-1-code": "fr",
        "share_percent": "40",
        "size_tokens": "1,000,000",
        "size_records": "2 000 000",
    },
    "source-rights": {
        "owner": "Example Foundation",
        "licence": "cc-by-4.0",
        "licence_use_category": "commercial",
        "acquisition": "public",
        "ip_status": "mixed",
    },
    "source-personal": {"personal_data": "no", "processing": ["deduplication"]},
    "source-dates": {
        **date_data("collection_start", date(2023, 1, 1)),
        **date_data("collection_end", date(2024, 6, 30)),
        **date_data("first_used_on", date(2024, 7, 1)),
        "countries-0-code": "United Kingdom",
        "countries-1-code": "US",
    },
    "source-confidentiality": {},
}
CRAWLER_PAGE = {
    "crawler_name": "AcmeBot",
    "crawler_user_agent": "AcmeBot/1.0",
    "robots_txt_respected": "yes",
    "tdm_opt_out_respected": "no",
}
GENERATORS_PAGE = {
    "generator_models-0-name": "Teacher 70B",
    "generator_models-0-provider": "Open Lab",
    "generator_models-0-terms_permit_training": "no",
    "generator_models-1-name": "Helper",
    "generator_models-1-terms_permit_training": "unknown",
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

    def answer(self, url: str, data: dict):
        """Post a question page, which always answers with a redirect; the page it leads to."""
        response = self.client.post(url, data)
        self.assertIn(
            response.status_code, (302, 303), f"{url} answered a POST without redirecting"
        )
        return self.client.get(response["Location"])

    def add_source(self, pages: dict[str, dict], **kind) -> DataSource:
        """Add a source through its pages, each answered with its own data, in the order asked."""
        first = pages["source-kind"] | kind
        response = self.client.post(self.draft_url("source-add"), first)
        self.assertEqual(response.status_code, 302)
        source = self.draft.sources.get(name=first["name"])
        while response["Location"] != self.draft_url("source-edit", source.pk):
            url_name = resolve(response["Location"].split("?")[0]).url_name
            data = pages.get(url_name, {}) | {"lock_version": self.fresh(source).lock_version}
            url = response["Location"]
            response = self.client.post(url, data)
            self.assertEqual(response.status_code, 302)
            self.assertNotEqual(response["Location"], url, f"{url_name} was refused")
        return self.fresh(source)


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
                response = self.answer(self.url("model-new"), MODEL_FORM | changes)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertFalse(AIModel.objects.filter(name="Acme Reasoner").exists())

    def test_a_second_model_with_the_same_name_and_version_is_refused(self):
        self.sign_in(self.alice)
        response = self.answer(
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

    def test_the_model_page_links_to_its_public_label_once_it_is_on_the_register(self):
        self.sign_in(self.victor)
        page = self.client.get(self.url("model", self.model.pk))
        self.assertContains(page, "once you submit declaration version 1 and the regulator")
        self.assertNotContains(page, "See its public label")
        ProvenanceDeclaration.objects.filter(pk=self.draft.pk).update(
            status=Status.UNDER_REVIEW, submitted_at=timezone.now()
        )
        page = self.client.get(self.url("model", self.model.pk))
        self.assertContains(page, "once the regulator accepts declaration version 1")
        published = publish(self, complete_declaration(model=AIModelFactory(provider=self.acme)))
        page = self.client.get(self.url("model", published.model_id))
        number = published.model.registration_number
        self.assertContains(page, f"on the public register as {number}")
        self.assertContains(page, f'href="{reverse("labels:model", args=[number])}"')

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
        response = self.answer(
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
                response = self.answer(add, data)
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
        self.assertRedirects(
            nothing_chosen, self.url("declaration-start", model.pk), fetch_redirect_response=False
        )
        shown = self.client.get(self.url("declaration-start", model.pk))
        self.assertContains(shown, "Select how you want to start the declaration")
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
        self.assertContains(response, "You have completed 4 of 4 sections")
        self.assertContains(response, "Ready to submit")
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
        licence = self.draft_url("source-rights", first.pk) + "#id_licence"
        self.assertContains(response, f'href="{licence}"')
        self.assertContains(response, "Data source 1 (Source 1): Enter a valid SPDX licence")
        domains = self.draft_url("source-domains", crawl.pk) + "#id_text"
        self.assertContains(response, f'href="{domains}"')
        self.assertContains(response, "not a host is not a host name")
        general = self.draft_url("general") + "#id_illegal_content_measures"
        self.assertContains(response, f'href="{general}"')
        # The statement of truth is signed on submitting: not a thing to do before.
        self.assertNotContains(response, "Confirm the statement of truth")
        # The shares now add up to 100 + 33.333 + 33.333 = 166.666%.
        self.assertContains(response, "they add up to 166.666%")
        self.assertContains(response, f'href="{self.draft_url("sources")}"')
        self.assertContains(response, '<strong class="govuk-tag">Incomplete</strong>')

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
        self.assertNotContains(response, ">Sign and submit</button>")

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
        self.assertContains(response, '<option value="en" selected data-synonyms="en">English')
        self.assertContains(response, 'name="languages-1-share_percent" value="20"')
        self.assertContains(response, "regulator sees this exact figure")
        self.assertContains(response, 'id="id_size_text_1" checked')

    def test_bad_general_information_names_the_field_and_saves_nothing(self):
        self.sign_in(self.bob)
        before = self.fresh(self.draft).lock_version
        future = timezone.localdate() + timedelta(days=30)
        cases = {
            "share not a number": (
                {"languages-1-share_percent": "lots"},
                "Language 2: enter its share as a number",
            ),
            "language not on the list": (
                {"languages-0-code": "xx"},
                "Language 1: select a language from the list",
            ),
            "share without a language": (
                {"languages-1-code": ""},
                "Language 2: select a language",
            ),
            "language share": (
                {"languages-0-share_percent": "160"},
                "The share of en must be a number",
            ),
            "languages over 100": (
                {"languages-0-share_percent": "70", "languages-1-share_percent": "70"},
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
                response = self.answer(self.draft_url("general"), self.general_form(**changes))
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertEqual(self.fresh(self.draft).lock_version, before)

    def test_a_stale_general_save_is_refused_with_the_input_kept(self):
        self.sign_in(self.bob)
        form = self.general_form(tdm_opt_out_measures="Bob's measures")
        services.party_save(actor=self.alice, declaration=self.draft, values=PARTY_FORM)
        response = self.answer(self.draft_url("general"), form)
        self.assertContains(response, "Someone else changed this since you opened it")
        self.assertContains(response, "Bob&#x27;s measures")
        self.assertNotEqual(self.fresh(self.draft).tdm_opt_out_measures, "Bob's measures")


# --- Data sources


class SourceViewTests(DeclarationViewTestCase):
    def test_a_source_is_added_page_by_page_with_codes_and_licence_normalised(self):
        self.sign_in(self.bob)
        source = self.add_source(SOURCE_PAGES)
        self.assertEqual(source.category, "public_dataset")
        self.assertEqual(source.languages, ["en", "fr"])
        self.assertEqual(source.countries, ["GB", "US"])  # by name and by code
        self.assertEqual(source.licence, "CC-BY-4.0")
        self.assertEqual(source.share_percent, Decimal("40"))
        self.assertEqual((source.size_tokens, source.size_records), (1_000_000, 2_000_000))
        summary = self.client.get(self.draft_url("source-edit", source.pk))
        self.assertContains(summary, "Open Encyclopaedia")
        self.assertContains(summary, "CC-BY-4.0")
        self.assertContains(summary, "United Kingdom, United States")

    def test_a_web_crawl_is_asked_about_its_crawler_and_top_domains(self):
        self.sign_in(self.bob)
        pages = SOURCE_PAGES | {
            "source-crawler": CRAWLER_PAGE,
            "source-domains": {"text": "Example.com\nhttps://news.example.org/path\n"},
        }
        crawl = self.add_source(pages, name="Acme web crawl", category="web_crawl")
        self.assertEqual(crawl.top_domains, ["example.com", "news.example.org"])
        self.assertEqual(crawl.crawler_name, "AcmeBot")
        self.assertIs(crawl.tdm_opt_out_respected, False)

    def test_a_web_crawl_gets_every_crawler_problem_in_one_round(self):
        crawl = self.draft.sources.get(category="web_crawl")
        self.sign_in(self.bob)
        data = {"crawler_name": "", "crawler_user_agent": "", "lock_version": crawl.lock_version}
        response = self.answer(self.draft_url("source-crawler", crawl.pk), data)
        self.assertContains(response, "Enter the crawler&#x27;s name")
        self.assertContains(response, "Enter the crawler&#x27;s user agent")
        self.assertContains(response, "Select whether the crawler respects robots.txt")
        self.assertContains(response, "Select whether the crawler respects TDM opt-outs")
        self.assertNotEqual(self.fresh(crawl).crawler_name, "")

    def test_a_synthetic_source_takes_its_generators_one_by_one(self):
        self.sign_in(self.bob)
        pages = SOURCE_PAGES | {"source-generators": GENERATORS_PAGE}
        source = self.add_source(pages, name="Distilled answers", category="synthetic")
        self.assertEqual(
            source.generator_models,
            [
                {"name": "Teacher 70B", "provider": "Open Lab", "terms_permit_training": "no"},
                {"name": "Helper", "provider": "", "terms_permit_training": "unknown"},
            ],
        )

    def test_bad_sources_name_the_field_and_save_nothing(self):
        source = self.draft.sources.order_by("id")[0]
        before = {field: getattr(source, field) for field in ("licence", "countries", "name")}
        self.sign_in(self.bob)
        future = timezone.localdate() + timedelta(days=3)
        cases = {
            "malformed licence": ("source-rights", {"licence": "MIT OR"}, "Enter a valid SPDX"),
            "unknown licence": ("source-rights", {"licence": "Made-Up-1.0"}, "unknown licence"),
            "bad country": (
                "source-dates",
                {"countries-0-code": "Atlantis"},
                "Country 1: select a country from the list",
            ),
            "bad language": (
                "source-size",
                {"languages-0-code": "english"},
                "Language 1: select a language from the list",
            ),
            "share over 100": (
                "source-size",
                {"share_percent": "140"},
                "The share must be a number from 0",
            ),
            "share not a number": (
                "source-size",
                {"share_percent": "forty"},
                "The share must be a number",
            ),
            "share too precise": (
                "source-size",
                {"share_percent": "1.23456"},
                "at most 3 decimal places",
            ),
            "unknown category": (
                "source-kind",
                {"name": "Source 1", "category": "stolen"},
                "Select the source&#x27;s category",
            ),
            "unknown modality": (
                "source-size",
                {"modalities": ["smell"]},
                "Select at least one modality",
            ),
            "too long": (
                "source-kind",
                {"name": "n" * 301, "category": "public_dataset"},
                "Name of the source must be 300 characters",
            ),
            "bad date": (
                "source-dates",
                {
                    "collection_start_day": "32",
                    "collection_start_month": "1",
                    "collection_start_year": "2023",
                },
                "When did collection start? must be a real date",
            ),
            "future date": (
                "source-dates",
                date_data("first_used_on", future),
                "must be today or in the past",
            ),
            "dates out of order": (
                "source-dates",
                date_data("collection_start", date(2023, 1, 1))
                | date_data("collection_end", date(2022, 1, 1)),
                "Collection must end on or after the day it started",
            ),
            "negative size": (
                "source-size",
                {"size_tokens": "-5"},
                "Size in tokens must be a whole number",
            ),
            "size not a number": (
                "source-size",
                {"size_tokens": "1,5"},
                "Size in tokens must be a whole number, like 1,500,000",
            ),
            "not a url": ("source-about", {"url": "ftp://files.example"}, "Enter a web address"),
            "licensed without owner": (
                "source-rights",
                {"acquisition": "purchased", "owner": "", "licence": ""},
                "Enter the owner or rightsholder",
            ),
            "confidential without reason": (
                "source-confidentiality",
                {"confidential": "on"},
                "Give the reason the source should be kept confidential",
            ),
            "personal data without measures": (
                "source-personal",
                {"personal_data": "yes", "personal_data_measures": ""},
                "Describe how personal data in the source is protected",
            ),
        }
        for label, (url_name, data, message) in cases.items():
            with self.subTest(label):
                url = self.draft_url(url_name, source.pk)
                response = self.answer(url, data | {"lock_version": source.lock_version})
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        source.refresh_from_db()
        self.assertEqual(
            {field: getattr(source, field) for field in before}, before, "nothing was saved"
        )
        self.assertEqual(source.lock_version, 1)

    def test_a_synthetic_source_refuses_half_answered_generators(self):
        source = DataSourceFactory(declaration=self.draft, name="Generated", category="synthetic")
        self.sign_in(self.bob)
        url = self.draft_url("source-generators", source.pk)
        data = {
            "generator_models-0-provider": "Lab",
            "generator_models-1-name": "Teacher",
            "generator_models-1-terms_permit_training": "maybe",
            "lock_version": source.lock_version,
        }
        response = self.answer(url, data)
        self.assertContains(response, "Generator model 1: enter the model&#x27;s name")
        self.assertContains(response, "Generator model 2: select yes, no or not known")
        # The cells at fault are marked, and what was typed is kept.
        self.assertContains(
            response,
            'id="id_generator_models_0_name" class="govuk-input govuk-input--error" '
            'aria-invalid="true"',
        )
        self.assertContains(response, 'value="Lab"')
        self.assertEqual(self.fresh(source).generator_models, source.generator_models)

    def test_a_source_is_changed_and_a_stale_change_refused(self):
        source = self.draft.sources.order_by("id")[0]
        self.sign_in(self.bob)
        page = self.client.get(self.draft_url("source-kind", source.pk))
        self.assertContains(page, 'value="Source 1"')
        data = {"name": "Renamed", "category": source.category, "lock_version": "1"}
        response = self.client.post(self.draft_url("source-kind", source.pk) + "?change", data)
        self.assertRedirects(response, self.draft_url("source-edit", source.pk))
        self.assertEqual(self.fresh(source).name, "Renamed")
        stale = self.answer(
            self.draft_url("source-kind", source.pk), data | {"name": "Late", "lock_version": "1"}
        )
        self.assertContains(stale, "Someone else changed this since you opened it")
        self.assertContains(stale, 'value="Late"')
        self.assertContains(stale, "What is saved now")
        self.assertEqual(self.fresh(source).name, "Renamed")

    def test_the_summary_shows_a_count_and_the_first_domains_never_the_whole_list(self):
        crawl = self.draft.sources.get(category="web_crawl")
        hosts = [f"host{i}.example.com" for i in range(10_000)]
        DataSource.objects.filter(pk=crawl.pk).update(top_domains=hosts)
        self.sign_in(self.bob)
        response = self.client.get(self.draft_url("source-edit", crawl.pk))
        self.assertContains(response, "10,000 hosts")
        self.assertContains(response, "host4.example.com")
        self.assertNotContains(response, "host5.example.com")
        self.assertContains(response, self.draft_url("source-domains", crawl.pk))
        domains = self.client.get(self.draft_url("source-domains", crawl.pk))
        self.assertContains(domains, "10000 hosts")
        self.assertNotContains(domains, "host5.example.com")

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

    def test_a_csv_file_replaces_the_list_and_goes_on_to_the_next_page(self):
        text = "domain,size\nA.example.com,10\nb.example.org.,5\na.example.com,1\n"
        response = self.post(file=upload("domains.csv", text))
        self.assertRedirects(response, self.draft_url("source-confidentiality", self.crawl.pk))
        self.assertEqual(self.fresh(self.crawl).top_domains, ["a.example.com", "b.example.org"])

    def test_a_pasted_list_replaces_the_list(self):
        self.post(text="one.example\ntwo.example\n")
        self.assertEqual(self.fresh(self.crawl).top_domains, ["one.example", "two.example"])

    def test_nothing_given_keeps_the_list_saved(self):
        before = self.fresh(self.crawl).top_domains
        response = self.post()
        self.assertRedirects(response, self.draft_url("source-confidentiality", self.crawl.pk))
        self.assertEqual(self.fresh(self.crawl).top_domains, before)

    def test_a_crawl_without_a_list_is_asked_for_one(self):
        DataSource.objects.filter(pk=self.crawl.pk).update(top_domains=[])
        response = self.answer(self.page, {"lock_version": self.fresh(self.crawl).lock_version})
        self.assertContains(response, "List the top domains crawled")
        self.assertContains(response, 'href="#id_text"')

    def test_bad_lines_are_reported_by_number_and_nothing_saved(self):
        before = self.fresh(self.crawl).top_domains
        response = self.post(file=upload("domains.txt", "good.example\nbad host\n-x-.com\n"))
        self.assertEqual(response.status_code, 302)
        response = self.client.get(response["Location"])
        self.assertContains(response, "Line 2: bad host is not a host name")
        self.assertContains(response, "Line 3: -x-.com is not a host name")
        self.assertContains(response, "select it again")
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
                self.assertEqual(response.status_code, 302)
                response = self.client.get(response["Location"])
                self.assertContains(response, message)
                self.assertContains(response, 'href="#id_file"')
        self.assertEqual(self.fresh(self.crawl).top_domains, before)


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

    def test_a_country_is_read_by_its_name_or_a_name_in_common_use(self):
        self.sign_in(self.bob)
        for typed, code in (("Ireland", "IE"), ("UK", "GB"), ("united states", "US")):
            with self.subTest(typed):
                data = PARTY_FORM | {"name": f"Party in {typed}", "country": typed}
                data["company_number"] = "01234567"  # a UK party's is checked for its form
                self.assertRedirects(
                    self.client.post(self.draft_url("party-add"), data), self.draft_url("parties")
                )
                self.assertEqual(
                    self.draft.supply_chain.get(name=f"Party in {typed}").country, code
                )

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
                response = self.answer(self.draft_url("party-add"), PARTY_FORM | changes)
                self.assertContains(response, message)
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
                response = self.add(report=file)
                self.assertEqual(response.status_code, 302)
                page = self.client.get(response["Location"])
                self.assertContains(page, message)
                self.assertContains(page, "select it again")
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
                response = self.answer(
                    self.draft_url("attestation-add"), ATTESTATION_FORM | changes
                )
                self.assertContains(response, message)
        self.assertEqual(self.draft.red_team_attestations.count(), 1)


# --- Statement, check your answers, submission, withdrawal


class SubmissionTests(DeclarationViewTestCase):
    def sign_and_submit(self, lock_version: int | None = None):
        """Sign the statement of truth and submit, in one step on check your answers."""
        form = {
            "signatory_role": "Head of Compliance",
            "confirm": "on",
            "lock_version": lock_version or self.fresh(self.draft).lock_version,
        }
        return self.client.post(self.draft_url("check"), form)

    def test_check_your_answers_summarises_sources_by_category(self):
        self.sign_in(self.bob)
        response = self.client.get(self.draft_url("check"))
        self.assertContains(response, "3 sources by category")
        self.assertContains(response, "Crawled from the web")
        self.assertContains(response, "33.333%")
        self.assertContains(response, f'href="{self.draft_url("general")}#id_languages"')
        self.assertContains(response, ">Sign and submit</button>")
        self.assertNotContains(response, "Source 2")  # the rows themselves are on their own list

    def test_sign_and_submit_then_see_the_confirmation_with_the_reference(self):
        self.sign_in(self.bob)
        response = self.sign_and_submit()
        self.assertRedirects(response, self.draft_url("submitted"))
        draft = self.fresh(self.draft)
        self.assertEqual(draft.status, Status.SUBMITTED)
        self.assertEqual(
            (draft.signatory_name, draft.signatory_role), ("Bob Submitter", "Head of Compliance")
        )
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
        first = self.sign_and_submit(lock_version)
        second = self.client.post(
            self.draft_url("check"),
            {"signatory_role": "Head", "confirm": "on", "lock_version": lock_version},
            follow=True,
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
        response = self.sign_and_submit(old)
        self.assertRedirects(response, self.draft_url("check"), fetch_redirect_response=False)
        shown = self.client.get(self.draft_url("check"))
        self.assertContains(shown, "Someone changed this declaration since you opened this page")
        self.assertEqual(self.fresh(self.draft).status, Status.DRAFT)

    def test_an_edit_after_signing_voids_the_signature(self):
        self.sign_in(self.bob)
        source = self.draft.sources.order_by("id")[0]
        self.client.post(self.draft_url("source-remove", source.pk))
        self.assertIsNone(self.fresh(self.draft).signed_at)
        # It is signed again as it is submitted, on check your answers.
        check = self.client.get(self.draft_url("check"))
        self.assertContains(check, "You are signing as <strong>Bob Submitter</strong>")

    def test_the_statement_needs_every_answer(self):
        self.sign_in(self.bob)
        response = self.client.post(
            self.draft_url("check"), {"signatory_role": "", "lock_version": 1}, follow=True
        )
        self.assertRedirects(response, self.draft_url("check"))
        self.assertContains(response, "Enter your role in the organisation")
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
            self.client.post(url, {"reason": ""}, follow=True), "Give the reason for withdrawing"
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
            "source-add": (self.draft_url("source-add"), SOURCE_PAGES["source-kind"]),
            "source-rights": (
                self.draft_url("source-rights", source.pk),
                SOURCE_PAGES["source-rights"] | {"lock_version": 1},
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
            self.draft_url("source-about", beta_source.pk),
            self.url("model-edit", self.beta_model.pk),
        ]
        for url in pages + forms:
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
        for url in forms:
            with self.subTest(url):
                data = SOURCE_PAGES["source-kind"] | {"lock_version": 1}
                self.assertEqual(self.client.post(url, data).status_code, 404)
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
