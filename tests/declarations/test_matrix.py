"""Every model and declaration page for every persona."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from registry.declarations.models import ModelDependency
from registry.declarations.services import declaration_submit
from registry.filings.states import Status
from registry.review.models import Case
from registry.review.services import case_decide, finding_add
from tests.declarations.test_views import PDF, PrivateFilesMixin
from tests.factories import AIModelFactory, complete_declaration
from tests.matrix import ACME_EDITORS, ACME_MEMBERS, Matrix, MatrixTestCase, expect

# Pages of the person's own organisation: any member; regulators 404; others to their home.
OWN_MEMBERS = expect("sign-in", "home", 200, 200, 200, 200, 404, 404, 403)
# Registering a model: owners and submitters of any provider; viewers are told they can't.
OWN_EDITORS = expect("sign-in", "home", 200, 200, 403, 200, 404, 404, 403)
# A red-team report: Acme's members and regulator staff; everyone else 404.
REPORT_READERS = expect("sign-in", 404, 200, 200, 200, 404, 200, 200, 404)


def model(case) -> int:
    return case.model.pk


def fresh_model(case) -> int:
    return case.withdrawn.model_id


def dependency(case) -> int:
    return case.dependency.pk


def draft(case) -> int:
    return case.draft.pk


def submitted(case) -> int:
    return case.submitted.pk


def accepted(case) -> int:
    return case.accepted.pk


def withdrawn(case) -> int:
    return case.withdrawn.pk


def source(case) -> int:
    return case.draft.sources.order_by("id").first().pk


def crawl(case) -> int:
    return case.draft.sources.get(category="web_crawl").pk


def synthetic(case) -> int:
    return case.draft.sources.get(category="synthetic").pk


def party(case) -> int:
    return case.draft.supply_chain.get().pk


def attestation(case) -> int:
    return case.draft.red_team_attestations.get().pk


def sent_finding(case) -> int:
    """A finding sent to Acme on a declaration of its own, made once per test."""
    if not hasattr(case, "sent_finding_id"):
        declaration = complete_declaration(
            model=AIModelFactory(provider=case.acme), created_by=case.alice
        )
        declaration_submit(actor=case.alice, declaration=declaration, expected_lock_version=None)
        review = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        case_decide(actor=case.olivia, case=review, action="start_review")
        finding = finding_add(actor=case.olivia, case=review, field="signatory_role", message="?")
        case_decide(actor=case.olivia, case=review, action="request_changes", reason="See")
        case.sent_finding_id = finding.pk
    return case.sent_finding_id


DRAFT = {"declaration_id": draft}


def upload_page(case) -> str:
    return reverse("declarations:sources-upload", args=[case.draft.pk])


# An upload's report, before any upload: Acme's editors are sent to upload a file.
UPLOAD_REPORT = ACME_EDITORS | {"alice": upload_page, "bob": upload_page}

MATRIX: Matrix = {
    "declarations:models": ({}, OWN_MEMBERS),
    "declarations:model-new": ({}, OWN_EDITORS),
    "declarations:model": ({"model_id": model}, ACME_MEMBERS),
    "declarations:model-edit": ({"model_id": model}, ACME_EDITORS),
    "declarations:dependency-add": ({"model_id": model}, ACME_EDITORS),
    "declarations:dependency-remove": (
        {"model_id": model, "dependency_id": dependency},
        ACME_EDITORS,
    ),
    # A model with nothing in progress, so editors get the question rather than a redirect.
    "declarations:declaration-start": ({"model_id": fresh_model}, ACME_EDITORS),
    "declarations:declaration": (DRAFT, ACME_MEMBERS),
    # A reply to a finding sent to Acme: its owners and submitters (tested further in
    # tests/review/test_finding_life.py).
    "declarations:finding-reply": ({"finding_id": sent_finding}, ACME_EDITORS),
    "declarations:discard": (DRAFT, ACME_EDITORS),
    "declarations:general": (DRAFT, ACME_EDITORS),
    "declarations:sources": (DRAFT, ACME_MEMBERS),
    "declarations:source-add": (DRAFT, ACME_EDITORS),
    "declarations:sources-upload": (DRAFT, ACME_EDITORS),
    "declarations:sources-upload-report": (DRAFT, UPLOAD_REPORT),
    "declarations:sources-upload-report-csv": (DRAFT, UPLOAD_REPORT),
    "declarations:sources-template": ({}, OWN_MEMBERS),
    "declarations:sources-template-xlsx": ({}, OWN_MEMBERS),
    "declarations:sources-dictionary": ({}, OWN_MEMBERS),
    "declarations:source-edit": (DRAFT | {"source_id": source}, ACME_EDITORS),
    **{
        f"declarations:source-{page}": (DRAFT | {"source_id": source}, ACME_EDITORS)
        for page in ("kind", "about", "size", "rights", "personal", "dates", "confidentiality")
    },
    # Asked only of the kinds that have them: a web crawl's crawler, a synthetic source's models.
    "declarations:source-crawler": (DRAFT | {"source_id": crawl}, ACME_EDITORS),
    "declarations:source-generators": (DRAFT | {"source_id": synthetic}, ACME_EDITORS),
    "declarations:source-domains": (DRAFT | {"source_id": crawl}, ACME_EDITORS),
    "declarations:source-remove": (DRAFT | {"source_id": source}, ACME_EDITORS),
    "declarations:parties": (DRAFT, ACME_MEMBERS),
    "declarations:party-add": (DRAFT, ACME_EDITORS),
    "declarations:party-edit": (DRAFT | {"party_id": party}, ACME_EDITORS),
    "declarations:party-remove": (DRAFT | {"party_id": party}, ACME_EDITORS),
    "declarations:attestations": (DRAFT, ACME_MEMBERS),
    "declarations:attestation-add": (DRAFT, ACME_EDITORS),
    "declarations:attestation-edit": (DRAFT | {"attestation_id": attestation}, ACME_EDITORS),
    "declarations:attestation-remove": (DRAFT | {"attestation_id": attestation}, ACME_EDITORS),
    "declarations:attestation-report": (
        DRAFT | {"attestation_id": attestation},
        REPORT_READERS,
    ),
    # Signed on check your answers now: the old page sends editors there.
    "declarations:statement": (DRAFT, ACME_EDITORS | {"alice": 302, "bob": 302}),
    "declarations:check": (DRAFT, ACME_EDITORS),
    "declarations:submitted": ({"declaration_id": submitted}, ACME_MEMBERS),
    "declarations:withdraw": ({"declaration_id": accepted}, ACME_EDITORS),
    "declarations:withdrawn": ({"declaration_id": withdrawn}, ACME_MEMBERS),
}


class DeclarationMatrixTests(PrivateFilesMixin, MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        cls.model = AIModelFactory(provider=cls.acme, name="Acme Chat")
        cls.accepted = complete_declaration(
            model=cls.model, status=Status.ACCEPTED, submitted_at=now, created_by=cls.alice
        )
        cls.draft = complete_declaration(model=cls.model, created_by=cls.alice)
        report = cls.draft.red_team_attestations.get()
        report.report.save("report.pdf", ContentFile(PDF), save=True)
        cls.dependency = ModelDependency.objects.create(
            model=cls.model, external_name="Open Base 7B", relation="fine_tune"
        )
        cls.submitted = complete_declaration(
            model=AIModelFactory(provider=cls.acme, name="Acme Vision"),
            status=Status.SUBMITTED,
            submitted_at=now,
            created_by=cls.bob,
        )
        cls.withdrawn = complete_declaration(
            model=AIModelFactory(provider=cls.acme, name="Acme Audio"),
            status=Status.WITHDRAWN,
            submitted_at=now,
            withdrawn_at=now,
            created_by=cls.alice,
        )

    def test_every_declaration_page_for_every_persona(self):
        self.check_matrix(MATRIX)

    def test_the_filings_are_in_the_states_the_table_assumes(self):
        states = [self.accepted, self.draft, self.submitted, self.withdrawn]
        self.assertEqual(
            [filing.status for filing in states], ["accepted", "draft", "submitted", "withdrawn"]
        )
        self.assertIsNone(self.draft.submitted_at)
        self.assertTrue(self.draft.red_team_attestations.get().report)
