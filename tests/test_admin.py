"""The Django admin: every model registered and usable, records kept for good read-only, changes
audited, and nobody in without two-factor authentication."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.models import ApiKey, Invitation, User
from registry.accounts.roles import CASE_OFFICER, MemberRole
from registry.accounts.services import (
    api_key_create,
    email_verification_send,
    invitation_create,
    regulator_create,
)
from registry.api.models import IdempotentRequest
from registry.audit.admin_mixins import AuditedAdminMixin
from registry.audit.models import AuditEvent
from registry.declarations.models import (
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
)
from registry.declarations.services import declaration_submit
from registry.filings.models import FilingKind, FilingSnapshot, FilingTransition
from registry.filings.states import Status
from registry.labels.models import LabelPdf, OpenDataExport
from registry.providers.models import (
    OwnershipStatement,
    RegistrationSequence,
)
from registry.providers.services import ownership_transition
from registry.review.models import Case, CaseFlag, SavedFilter
from registry.review.services import case_decide, confidentiality_rule, finding_add, note_add
from registry.service.models import Feedback
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    DataSourceFactory,
    UserFactory,
    complete_declaration,
    complete_ownership_statement,
)

# Apps without models of their own in the admin: the transparency log is read by anyone at /log/,
# nothing in it may change, and its leaves' secrets are shown to no one.
NOT_HERE: set[str] = {"transparency"}


def admin_url(obj_or_model, view: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def registry_models() -> list[type[Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("registry.") and config.label not in NOT_HERE
        for model in config.get_models()
    ]


def state(obj: Model) -> dict:
    """Everything stored in the row, to show that nothing changed."""
    return model_to_dict(type(obj)._default_manager.get(pk=obj.pk))


def review_case_with_everything(case) -> Case:
    """The submitted declaration's case, with a flag, a finding, a note and a ruling."""
    review = Case.objects.get(filing_kind=FilingKind.DECLARATION, filing_id=case.submitted.pk)
    case_decide(actor=case.olivia, case=review, action="start_review")
    finding_add(actor=case.olivia, case=review, field="sources.0.licence", message="Which?")
    note_add(actor=case.olivia, case=review, kind="note", body="Looks fine otherwise")
    claim = case.submitted.sources.order_by("id").first()
    DataSource.objects.filter(pk=claim.pk).update(confidential=True, confidentiality_reason="x")
    claim.refresh_from_db()
    confidentiality_rule(actor=case.olivia, case=review, source=claim, accepted=True, reason="y")
    CaseFlag.objects.get_or_create(
        case=review, code="no_red_team", defaults={"severity": "high", "message": "None"}
    )
    return review


class AdminTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        """One row of every model: submitted filings with their snapshots, drafts, keys, logs."""
        super().setUpTestData()
        cls.chat = AIModelFactory(provider=cls.acme, name="Acme Chat")
        cls.base = AIModelFactory(provider=cls.acme, name="Acme Base")
        cls.dependency = ModelDependency.objects.create(
            model=cls.chat, depends_on=cls.base, relation="fine_tune"
        )
        cls.submitted = complete_declaration(model=cls.chat, created_by=cls.alice)
        declaration_submit(actor=cls.alice, declaration=cls.submitted, expected_lock_version=None)
        cls.draft = complete_declaration(model=cls.base, created_by=cls.alice)
        cls.statement = complete_ownership_statement(provider=cls.acme, created_by=cls.alice)
        ownership_transition(actor=cls.alice, statement=cls.statement, action="submit")
        cls.draft_statement = complete_ownership_statement(
            provider=cls.beta, created_by=cls.charlie
        )
        cls.api_key, cls.raw_key = api_key_create(actor=cls.alice, name="CI", scope="write")
        cls.saved_filter = SavedFilter.objects.create(
            owner=cls.olivia, view="console", name="Overdue", query="due=overdue"
        )
        cls.invitation = invitation_create(
            actor=cls.alice,
            provider=cls.acme,
            email="newcomer@acme.example",
            role=MemberRole.VIEWER,
        )
        cls.email_verification = email_verification_send(
            user=cls.nadia, action="account.email_verification_sent"
        )
        cls.set_up_link = regulator_create(
            actor=cls.ada, email="rita@regulator.example", full_name="Rita", role=CASE_OFFICER
        ).link
        cls.idempotent = IdempotentRequest.objects.create(
            api_key=cls.api_key,
            key="create-draft-1",
            method="POST",
            path="/api/v1/declarations/",
            body_sha256="0" * 64,
            status_code=201,
            response_body="{}",
        )
        RegistrationSequence.objects.get_or_create(prefix="PRV", defaults={"last_value": 7})
        backup = StaticDevice.objects.create(user=cls.ada, name="Backup codes", confirmed=True)
        StaticToken.objects.create(device=backup, token="abcd1234")
        of_submitted = {"filing_kind": FilingKind.DECLARATION, "filing_id": cls.submitted.pk}
        cls.snapshot = FilingSnapshot.objects.get(**of_submitted)
        cls.transition = FilingTransition.objects.get(**of_submitted)
        cls.case = review_case_with_everything(cls)
        # Published files, recorded as the services record them (their bytes are not needed here).
        LabelPdf.objects.create(
            declaration=cls.submitted,
            file="labels/MOD-000001/v1.pdf",
            sha256="a" * 64,
            size=1024,
            rendered_at=timezone.now(),
        )
        OpenDataExport.objects.create(
            format="csv",
            file="open-data/20260301T020000Z/register.csv",
            sha256="b" * 64,
            size=2048,
            rows=1,
            created_at=timezone.now(),
        )
        Feedback.objects.create(trying_to_do="Find a label", how_to_improve="Bigger search box")

    @classmethod
    def secrets(cls) -> list[str]:
        """What no admin page may show: the API key, its hash, the links' token hashes."""
        invitation = Invitation.objects.get(pk=cls.invitation.pk)
        return [
            cls.raw_key,
            cls.api_key.key_hash,
            invitation.token_hash,
            cls.email_verification.token_hash,
            cls.set_up_link.token_hash,
        ]

    def first_row(self, model: type[Model]) -> Model | None:
        return model._default_manager.order_by("pk").first()


class CompletenessTests(AdminTestCase):
    def test_every_model_of_the_register_has_an_admin(self):
        for model in registry_models():
            with self.subTest(model._meta.label):
                self.assertIs(admin.site.is_registered(model), True)

    def test_every_admin_that_can_change_anything_is_audited(self):
        request = RequestFactory().get("/admin/")
        request.user = self.ada
        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label == "axes":
                continue  # lockout bookkeeping, kept by django-axes itself
            can_write = (
                model_admin.has_add_permission(request)
                or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request)
            )
            with self.subTest(model._meta.label):
                self.assertIs(can_write and not isinstance(model_admin, AuditedAdminMixin), False)


class PagesTests(AdminTestCase):
    def test_every_list_search_and_change_page_answers_for_a_verified_administrator(self):
        self.sign_in(self.ada)
        for model in admin.site._registry:
            with self.subTest(model._meta.label):
                changelist = admin_url(model, "changelist")
                pages = [self.client.get(changelist), self.client.get(changelist + "?q=acme")]
                row = self.first_row(model)
                if row is None:
                    self.assertNotIn(model, registry_models())
                else:
                    pages.append(self.client.get(admin_url(model, "change", row.pk)))
                for page in pages:
                    self.assertEqual(page.status_code, 200)
                    for secret in self.secrets():
                        self.assertNotContains(page, secret)

    def test_api_keys_and_invitations_are_listed_without_their_hashes(self):
        self.sign_in(self.ada)
        for model, name in ((ApiKey, "CI"), (Invitation, "newcomer@acme.example")):
            with self.subTest(model._meta.label):
                response = self.client.get(admin_url(model, "changelist"))
                self.assertContains(response, name)
                for secret in self.secrets():
                    self.assertNotContains(response, secret)

    def test_a_declaration_links_to_its_own_sources_a_page_at_a_time(self):
        self.sign_in(self.ada)
        page = self.client.get(admin_url(self.submitted, "change", self.submitted.pk))
        url = admin_url(DataSource, "changelist") + (f"?declaration__id__exact={self.submitted.pk}")
        self.assertContains(page, f'href="{url.replace("&", "&amp;")}"')
        self.assertContains(page, "3 data sources")
        extra = DataSourceFactory(declaration=self.draft, name="Only in the draft")
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            {row.pk for row in response.context["cl"].result_list},
            set(self.submitted.sources.values_list("pk", flat=True)),
        )
        self.assertNotContains(response, extra.name)

    def test_the_sources_list_runs_the_same_queries_for_20_rows_as_for_200(self):
        self.sign_in(self.ada)
        url = admin_url(DataSource, "changelist")
        DataSource.objects.all().delete()
        for count in (20, 200):
            with self.subTest(rows=count):
                DataSource.objects.all().delete()
                # Spread over two declarations, so a query per row's declaration would show.
                for declaration in (self.submitted, self.draft):
                    DataSource.objects.bulk_create(
                        DataSourceFactory.build(declaration=declaration, name=f"Source {i}")
                        for i in range(count // 2)
                    )
                # 1 session, 2 user, 3 the OTP device that verified the session, 4 count of
                # the rows matching (no second count of all rows), 5 the page of sources with
                # their declarations and models, 6 the navigation's regulator groups (an
                # administrator has no provider pages, so their membership is not looked up)
                with self.assertNumQueries(6):
                    response = self.client.get(url)
                self.assertEqual(len(response.context["cl"].result_list), min(count, 100))


# What nobody may add, change or delete: each model's admin and a row of it.
READ_ONLY = {
    "audit events": lambda case: AuditEvent.objects.order_by("pk").first(),
    "filing snapshots": lambda case: case.snapshot,
    "filing transitions": lambda case: case.transition,
    "idempotent requests": lambda case: case.idempotent,
    "API keys": lambda case: case.api_key,
    "invitations": lambda case: case.invitation,
    "model lineage": lambda case: case.dependency,
    "registration counters": lambda case: RegistrationSequence.objects.get(prefix="PRV"),
    "a submitted declaration": lambda case: case.submitted,
    "a submitted declaration's source": lambda case: case.submitted.sources.first(),
    "a submitted declaration's party": lambda case: case.submitted.supply_chain.get(),
    "a submitted declaration's attestation": (
        lambda case: case.submitted.red_team_attestations.get()
    ),
    "a submitted statement": lambda case: case.statement,
    "a submitted statement's investor": lambda case: case.statement.links.first(),
    "feedback": lambda case: Feedback.objects.first(),
}


class ReadOnlyTests(AdminTestCase):
    def test_records_kept_for_good_can_be_read_but_not_added_changed_or_deleted(self):
        self.sign_in(self.ada)
        for name, row_of in READ_ONLY.items():
            with self.subTest(name):
                row = row_of(self)
                model = type(row)
                before, count = state(row), model._default_manager.count()
                page = self.client.get(admin_url(row, "change", row.pk))
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, 'name="_save"')
                self.assertNotContains(page, "deletelink")
                posted = {field: "rewritten" for field in before}
                self.assertEqual(
                    self.client.post(admin_url(row, "change", row.pk), posted).status_code, 403
                )
                delete = admin_url(row, "delete", row.pk)
                self.assertEqual(self.client.get(delete).status_code, 403)
                self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
                self.assertEqual(self.client.get(admin_url(model, "add")).status_code, 403)
                self.assertEqual(self.client.post(admin_url(model, "add"), posted).status_code, 403)
                bulk = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
                self.client.post(admin_url(model, "changelist"), bulk)
                self.assertEqual((state(row), model._default_manager.count()), (before, count))

    def test_a_submitted_declaration_shows_every_field_as_text_not_as_a_form(self):
        self.sign_in(self.ada)
        page = self.client.get(admin_url(self.submitted, "change", self.submitted.pk))
        self.assertContains(page, self.submitted.tdm_opt_out_measures)
        self.assertNotContains(page, 'name="tdm_opt_out_measures"')
        self.assertNotContains(page, "<textarea")


class DraftCorrectionTests(AdminTestCase):
    def test_correcting_a_draft_source_is_audited_and_voids_the_signature(self):
        self.sign_in(self.ada)
        source = self.draft.sources.get(name="Source 1")
        page = self.client.get(admin_url(source, "change", source.pk))
        form = page.context["adminform"].form
        data = {name: form[name].value() for name in form.fields}
        data = {k: "" if v is None else v for k, v in data.items()}
        data["owner"] = "Corrected Foundation"
        response = self.client.post(admin_url(source, "change", source.pk), data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        source.refresh_from_db()
        declaration = ProvenanceDeclaration.objects.get(pk=self.draft.pk)
        self.assertEqual((source.owner, source.lock_version), ("Corrected Foundation", 2))
        self.assertEqual(declaration.lock_version, self.draft.lock_version + 1)
        self.assertIsNone(declaration.signed_at)
        event = AuditEvent.objects.get(action="admin.datasource_changed")
        self.assertEqual(
            (event.actor, event.before["owner"], event.after["owner"]),
            (self.ada, "Example Foundation", "Corrected Foundation"),
        )

    def test_saving_a_draft_unchanged_leaves_its_signature(self):
        self.sign_in(self.ada)
        url = admin_url(self.draft_statement, "change", self.draft_statement.pk)
        self.assertContains(self.client.get(url), 'name="_save"')
        self.client.post(url, {})
        statement = OwnershipStatement.objects.get(pk=self.draft_statement.pk)
        self.assertEqual(
            (statement.lock_version, statement.signed_at),
            (self.draft_statement.lock_version, self.draft_statement.signed_at),
        )

    def test_a_draft_under_changes_requested_is_not_the_admins_to_change(self):
        self.sign_in(self.ada)
        ProvenanceDeclaration.objects.filter(pk=self.draft.pk).update(
            status=Status.CHANGES_REQUESTED
        )
        for row in (self.draft, self.draft.sources.first()):
            with self.subTest(type(row).__name__):
                page = self.client.get(admin_url(row, "change", row.pk))
                self.assertNotContains(page, 'name="_save"')

    def test_an_administrator_change_to_a_role_group_is_audited(self):
        self.sign_in(self.ada)
        group = Group.objects.get(name="case_officer")
        self.client.post(admin_url(group, "change", group.pk), {"name": "case_officer"})
        self.client.post(admin_url(group, "delete", group.pk), {"post": "yes"})
        self.assertEqual(
            list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))[-1:],
            ["admin.group_deleted"],
        )


class TwoFactorTests(AdminTestCase):
    def admin_pages(self) -> list[str]:
        pages = [reverse("admin:index")]
        for model in admin.site._registry:
            pages.append(admin_url(model, "changelist"))
            row = self.first_row(model)
            if row is not None:
                pages.append(admin_url(model, "change", row.pk))
        return pages

    def test_an_administrator_who_has_not_entered_a_code_is_sent_to_enter_one(self):
        self.sign_in(self.ada, verified=False)
        two_factor = reverse("accounts:two-factor")
        for url in self.admin_pages():
            with self.subTest(url):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.request["PATH_INFO"], two_factor)
                self.assertNotIn("cl", response.context)

    def test_an_unverified_administrator_changes_nothing(self):
        self.sign_in(self.ada, verified=False)
        before = state(self.acme)
        response = self.client.post(
            admin_url(self.acme, "change", self.acme.pk), {"legal_name": "Renamed Ltd"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(state(self.acme), before)
        olivia = User.objects.get(pk=self.olivia.pk)
        self.client.post(admin_url(olivia, "delete", olivia.pk), {"post": "yes"})
        self.assertIs(User.objects.filter(pk=olivia.pk).exists(), True)

    def test_an_administrator_without_an_authenticator_is_sent_to_set_one_up(self):
        grace = UserFactory(email="grace@regulator.example", is_staff=True, is_superuser=True)
        self.client.force_login(grace)
        response = self.client.get(reverse("admin:index"), follow=True)
        self.assertEqual(response.request["PATH_INFO"], reverse("accounts:two-factor-set-up"))

    def test_entering_a_code_from_the_authenticator_opens_the_admin(self):
        self.sign_in(self.ada, verified=False)
        device = TOTPDevice.objects.get(user=self.ada)
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"
        next_url = admin_url(AuditEvent, "changelist")
        response = self.client.post(
            reverse("accounts:two-factor") + "?next=" + next_url, {"code": code}, follow=True
        )
        self.assertEqual(response.request["PATH_INFO"], next_url)
        self.assertEqual(response.status_code, 200)

    def test_regulators_and_providers_cannot_reach_the_admin_even_with_a_code(self):
        for persona in (self.olivia, self.diana, self.alice, self.charlie):
            with self.subTest(persona.email):
                self.sign_in(persona)
                for url in (reverse("admin:index"), admin_url(User, "changelist")):
                    self.assertEqual(self.client.get(url, follow=True).status_code, 404)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        response = self.client.get(admin_url(AuditEvent, "changelist"), follow=True)
        self.assertEqual(response.request["PATH_INFO"], reverse("accounts:sign-in"))
