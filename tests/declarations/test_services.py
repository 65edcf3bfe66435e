"""Writes for models, lineage and declarations: what each service does, and what it refuses."""

from __future__ import annotations

import hashlib
from unittest import mock

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from registry.audit.models import AuditEvent
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.declarations.selectors import GENERAL_FIELDS, declaration_data
from registry.declarations.services import (
    MAX_IMPORT_ROWS,
    attestation_save,
    declaration_decide,
    declaration_discard,
    declaration_start,
    declaration_submit,
    declaration_update_general,
    declaration_withdraw,
    dependency_add,
    dependency_remove,
    model_register,
    model_update,
    party_save,
    row_remove,
    source_remove,
    source_save,
    sources_import,
    statement_sign,
)
from registry.filings import services as filing_services
from registry.filings.states import OPEN, Status
from registry.lib.problems import ProblemsError
from tests.base import PersonaTestCase
from tests.declarations.test_validation import (
    VALID_ATTESTATION,
    VALID_CRAWL,
    VALID_GENERAL,
    VALID_MODEL,
    VALID_PARTY,
    VALID_SOURCE,
)
from tests.factories import (
    AIModelFactory,
    RedTeamAttestationFactory,
    SupplyChainPartyFactory,
    complete_declaration,
    ownership_in_force,
)

PRIVATE_IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def codes(error: ProblemsError) -> list[str]:
    return [p.code for p in error.problems]


class DeclarationServiceTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.model = AIModelFactory(provider=cls.acme, name="Atlas", version="1.0")

    def declaration(self, status=Status.DRAFT, model=None, **fields) -> ProvenanceDeclaration:
        model = model or AIModelFactory(provider=self.acme)
        return complete_declaration(model=model, status=status, created_by=self.alice, **fields)

    def written(self) -> dict[str, int]:
        tables = (
            AIModel,
            ModelDependency,
            ProvenanceDeclaration,
            DataSource,
            SupplyChainParty,
            RedTeamAttestation,
            AuditEvent,
        )
        return {table.__name__: table.objects.count() for table in tables}

    def assertRefused(self, expected_codes, call, declaration=None):
        """The call raises these problems and writes nothing, not even an audit event."""
        before = self.written()
        version = declaration.lock_version if declaration else None
        with self.assertRaises(ProblemsError) as raised:
            call()
        self.assertEqual(codes(raised.exception), expected_codes)
        self.assertEqual(self.written(), before)
        if declaration is not None:
            declaration.refresh_from_db()
            self.assertEqual(declaration.lock_version, version)
        return raised.exception


class ModelRegisterTests(DeclarationServiceTestCase):
    def test_an_owner_or_submitter_registers_a_model_unnumbered_and_it_is_audited(self):
        for person, name in ((self.alice, "Beacon"), (self.bob, "Compass")):
            with self.subTest(person.email):
                model = model_register(
                    actor=person, provider=self.acme, values=VALID_MODEL | {"name": name}
                )
                model.refresh_from_db()
                self.assertEqual(
                    (model.provider, model.name, model.version), (self.acme, name, "2.0")
                )
                self.assertEqual(model.modalities_out, ["text", "code"])
                self.assertIsNone(model.registration_number)
                event = AuditEvent.objects.get(action="model.registered", target_id=str(model.pk))
                self.assertEqual((event.actor, event.after["name"]), (person, name))

    def test_viewers_other_providers_and_regulators_may_not_register(self):
        for person in (self.victor, self.charlie, self.olivia, self.nadia):
            with self.subTest(person.email):
                self.assertRefused(
                    ["not_permitted"],
                    lambda p=person: model_register(
                        actor=p, provider=self.acme, values=VALID_MODEL
                    ),
                )

    def test_the_same_name_and_version_twice_is_refused_per_provider(self):
        values = VALID_MODEL | {"name": "Atlas", "version": "1.0"}
        error = self.assertRefused(
            ["model_exists"],
            lambda: model_register(actor=self.alice, provider=self.acme, values=values),
        )
        self.assertEqual(error.problems[0].field, "version")
        model_register(actor=self.alice, provider=self.acme, values=values | {"version": "1.1"})
        model_register(actor=self.charlie, provider=self.beta, values=values)
        self.assertEqual(AIModel.objects.filter(name="Atlas").count(), 3)

    def test_invalid_details_are_refused_and_nothing_is_written(self):
        self.assertRefused(
            ["name_required", "model_type_invalid"],
            lambda: model_register(
                actor=self.alice,
                provider=self.acme,
                values=VALID_MODEL | {"name": "", "model_type": "robot"},
            ),
        )

    def test_a_null_optional_field_is_stored_empty(self):
        model = model_register(
            actor=self.alice,
            provider=self.acme,
            values=VALID_MODEL | {"intended_uses": None, "parameter_count": None},
        )
        model.refresh_from_db()
        self.assertEqual((model.intended_uses, model.parameter_count), ("", None))


class ModelUpdateTests(DeclarationServiceTestCase):
    def update(self, person=None, values=None, expected=None, model=None):
        model = model or self.model
        return model_update(
            actor=person or self.alice,
            model=model,
            values=values or {**VALID_MODEL, "name": "Atlas", "version": "1.0"},
            expected_lock_version=model.lock_version if expected is None else expected,
        )

    def test_changes_are_saved_versioned_and_audited_with_before_and_after(self):
        updated = self.update(
            values=VALID_MODEL | {"name": "Atlas", "version": "1.0", "distribution": "open_weights"}
        )
        self.assertEqual(updated.distribution, "open_weights")
        self.assertEqual(updated.lock_version, self.model.lock_version + 1)
        event = AuditEvent.objects.get(action="model.updated")
        self.assertEqual(
            (event.before["distribution"], event.after["distribution"]), ("api", "open_weights")
        )

    def test_a_stale_form_is_refused_and_nothing_changes(self):
        self.assertRefused(
            ["stale_edit"], lambda: self.update(expected=self.model.lock_version - 1)
        )
        self.model.refresh_from_db()
        self.assertEqual(self.model.distribution, "api")

    def test_viewers_and_other_providers_may_not_update(self):
        for person in (self.victor, self.charlie, self.diana):
            with self.subTest(person.email):
                self.assertRefused(["not_permitted"], lambda p=person: self.update(person=p))

    def test_renaming_onto_another_model_is_refused_but_keeping_ones_own_name_is_fine(self):
        AIModelFactory(provider=self.acme, name="Beacon", version="1.0")
        self.assertRefused(
            ["model_exists"],
            lambda: self.update(values=VALID_MODEL | {"name": "Beacon", "version": "1.0"}),
        )
        self.assertEqual(self.update().name, "Atlas")


class LineageTests(DeclarationServiceTestCase):
    def add(self, person=None, model=None, **values):
        return dependency_add(
            actor=person or self.alice,
            model=model or self.model,
            values={"relation": "fine_tune", **values},
        )

    def test_an_external_base_model(self):
        dependency = self.add(external_name=" Open Base 8B ", external_provider="Open Models Ltd")
        self.assertEqual(
            (dependency.depends_on, dependency.external_name, dependency.relation),
            (None, "Open Base 8B", "fine_tune"),
        )
        self.assertTrue(AuditEvent.objects.filter(action="model.dependency_added").exists())

    def test_a_registered_base_model_own_or_numbered(self):
        own = AIModelFactory(provider=self.acme)
        numbered = AIModelFactory(provider=self.beta, registration_number="MOD-000777")
        for base in (own, numbered):
            with self.subTest(base.name):
                dependency = self.add(depends_on=base.pk, relation="distillation")
                self.assertEqual(dependency.depends_on, base)

    def test_an_unknown_or_unpublished_model_of_another_provider_is_refused(self):
        unpublished = AIModelFactory(provider=self.beta)
        for target in (unpublished.pk, 999_999):
            with self.subTest(target=target):
                error = self.assertRefused(
                    ["dependency_unknown"], lambda t=target: self.add(depends_on=t)
                )
                self.assertEqual(error.problems[0].field, "depends_on")

    def test_a_model_cannot_depend_on_itself(self):
        self.assertRefused(["dependency_self"], lambda: self.add(depends_on=self.model.pk))

    def test_one_target_exactly(self):
        other = AIModelFactory(provider=self.acme)
        self.assertRefused(
            ["dependency_target_required"],
            lambda: self.add(depends_on=other.pk, external_name="Also this"),
        )
        self.assertRefused(["dependency_target_required"], lambda: self.add())

    def test_viewers_and_other_providers_may_neither_add_nor_remove(self):
        dependency = self.add(external_name="Open Base 8B")
        for person in (self.victor, self.charlie):
            with self.subTest(person.email):
                self.assertRefused(
                    ["not_permitted"], lambda p=person: self.add(person=p, external_name="X")
                )
                self.assertRefused(
                    ["not_permitted"],
                    lambda p=person: dependency_remove(actor=p, dependency=dependency),
                )

    def test_removing_a_dependency_is_audited(self):
        dependency = self.add(external_name="Open Base 8B")
        dependency_remove(actor=self.bob, dependency=dependency)
        self.assertFalse(ModelDependency.objects.exists())
        event = AuditEvent.objects.get(action="model.dependency_removed")
        self.assertIn("Open Base 8B", event.before["dependency"])


class DeclarationStartTests(DeclarationServiceTestCase):
    def test_a_blank_first_version(self):
        declaration = declaration_start(actor=self.bob, model=self.model, amend=False)
        self.assertEqual(
            (declaration.version, declaration.status, declaration.created_by, declaration.amends),
            (1, Status.DRAFT, self.bob, None),
        )
        self.assertEqual(declaration.training_data_size, {})
        self.assertFalse(declaration.sources.exists())
        event = AuditEvent.objects.get(action="declaration.started")
        self.assertEqual(event.after, {"version": 1, "amends": None})

    def test_refused_while_a_filing_is_open(self):
        for status in sorted(OPEN):
            with self.subTest(status):
                open_one = self.declaration(status)
                for amend in (False, True):
                    self.assertRefused(
                        ["open_filing_exists"],
                        lambda m=open_one.model, a=amend: declaration_start(
                            actor=self.alice, model=m, amend=a
                        ),
                    )

    def test_nothing_to_amend_until_a_version_is_accepted(self):
        model = AIModelFactory(provider=self.acme)
        self.declaration(Status.REJECTED, model=model)
        self.declaration(Status.WITHDRAWN, model=model)
        self.assertRefused(
            ["nothing_to_amend"],
            lambda: declaration_start(actor=self.alice, model=model, amend=True),
        )
        third = declaration_start(actor=self.alice, model=model, amend=False)
        self.assertEqual(third.version, 3)

    def test_an_amendment_copies_general_information_and_every_row_but_not_the_signature(self):
        accepted = self.declaration(Status.ACCEPTED, sources=4)
        amendment = declaration_start(actor=self.alice, model=accepted.model, amend=True)
        self.assertEqual((amendment.version, amendment.amends), (2, accepted))
        for field in GENERAL_FIELDS:
            with self.subTest(field):
                self.assertEqual(getattr(amendment, field), getattr(accepted, field))
        self.assertEqual(
            (amendment.signatory_name, amendment.signatory_role, amendment.signed_at),
            ("", "", None),
        )
        old, new = declaration_data(accepted), declaration_data(amendment)
        for rows in ("sources", "supply_chain", "red_team_attestations"):
            with self.subTest(rows):
                strip = lambda items: [{k: v for k, v in r.items() if k != "id"} for r in items]  # noqa: E731
                self.assertEqual(strip(new[rows]), strip(old[rows]))
                self.assertEqual(len(new[rows]), len(old[rows]))
                self.assertFalse({r["id"] for r in new[rows]} & {r["id"] for r in old[rows]})
        self.assertEqual(accepted.sources.count(), 4)
        accepted.refresh_from_db()
        self.assertEqual(accepted.status, Status.ACCEPTED)
        self.assertEqual(
            AuditEvent.objects.get(action="declaration.started").after,
            {"version": 2, "amends": accepted.pk},
        )

    def test_viewers_and_other_providers_may_not_start(self):
        for person in (self.victor, self.charlie, self.olivia):
            with self.subTest(person.email):
                self.assertRefused(
                    ["not_permitted"],
                    lambda p=person: declaration_start(actor=p, model=self.model, amend=False),
                )


class DiscardTests(DeclarationServiceTestCase):
    def test_a_draft_never_submitted_is_deleted_with_its_rows_and_the_deletion_audited(self):
        declaration = self.declaration()
        pk = declaration.pk
        declaration_discard(actor=self.bob, declaration=declaration)
        self.assertFalse(ProvenanceDeclaration.objects.filter(pk=pk).exists())
        self.assertFalse(DataSource.objects.filter(declaration_id=pk).exists())
        self.assertFalse(SupplyChainParty.objects.filter(declaration_id=pk).exists())
        self.assertFalse(RedTeamAttestation.objects.filter(declaration_id=pk).exists())
        event = AuditEvent.objects.get(action="declaration.discarded")
        self.assertEqual((event.target_id, event.before), (str(pk), {"version": 1}))

    def test_anything_once_submitted_is_kept(self):
        returned = self.declaration(Status.CHANGES_REQUESTED, submitted_at=timezone.now())
        self.assertRefused(
            ["not_discardable"], lambda: declaration_discard(actor=self.alice, declaration=returned)
        )
        for status in (Status.SUBMITTED, Status.ACCEPTED):
            with self.subTest(status):
                declaration = self.declaration(status)
                self.assertRefused(
                    ["not_editable"],
                    lambda d=declaration: declaration_discard(actor=self.alice, declaration=d),
                )

    def test_a_viewer_may_not_discard(self):
        declaration = self.declaration()
        self.assertRefused(
            ["not_permitted"],
            lambda: declaration_discard(actor=self.victor, declaration=declaration),
        )


class EditTests(DeclarationServiceTestCase):
    """Every edit: refused when the filing is not editable, by a viewer, or from a stale page."""

    def edits(self, declaration, person):
        """Each way to change a draft, as a call by this person."""
        source = declaration.sources.first()
        party = declaration.supply_chain.first()
        attestation = declaration.red_team_attestations.first()
        return {
            "general": lambda: declaration_update_general(
                actor=person,
                declaration=declaration,
                values=VALID_GENERAL | {"continuous_training": True},
                expected_lock_version=declaration.lock_version,
            ),
            "add source": lambda: source_save(
                actor=person, declaration=declaration, values=VALID_SOURCE
            ),
            "change source": lambda: source_save(
                actor=person,
                declaration=declaration,
                source=source,
                values={"purpose": "Reasoning"},
                expected_lock_version=source.lock_version,
            ),
            "remove source": lambda: source_remove(actor=person, source=source),
            "import sources": lambda: sources_import(
                actor=person, declaration=declaration, rows=[VALID_SOURCE], replace=False
            ),
            "add party": lambda: party_save(
                actor=person, declaration=declaration, values=VALID_PARTY
            ),
            "change party": lambda: party_save(
                actor=person,
                declaration=declaration,
                party=party,
                values={"country": "FR"},
                expected_lock_version=party.lock_version,
            ),
            "remove party": lambda: row_remove(actor=person, row=party),
            "add attestation": lambda: attestation_save(
                actor=person, declaration=declaration, values=VALID_ATTESTATION
            ),
            "remove attestation": lambda: row_remove(actor=person, row=attestation),
            "sign": lambda: statement_sign(
                actor=person,
                declaration=declaration,
                name="Bob Submitter",
                role="Head of Data",
                expected_lock_version=declaration.lock_version,
            ),
        }

    def test_any_edit_voids_the_signature_and_bumps_the_version_but_signing_signs(self):
        for name in self.edits(self.declaration(), self.bob):
            with self.subTest(name):
                declaration = self.declaration()
                version = declaration.lock_version
                self.edits(declaration, self.bob)[name]()
                declaration.refresh_from_db()
                self.assertEqual(declaration.lock_version, version + 1)
                if name == "sign":
                    self.assertIsNotNone(declaration.signed_at)
                    self.assertEqual(declaration.signatory_name, "Bob Submitter")
                else:
                    self.assertIsNone(declaration.signed_at)

    def test_every_edit_is_audited(self):
        declaration = self.declaration()
        for name, edit in self.edits(declaration, self.alice).items():
            with self.subTest(name):
                before = AuditEvent.objects.filter(target_id=str(declaration.pk)).count()
                edit()
                declaration.refresh_from_db()
                self.assertEqual(
                    AuditEvent.objects.filter(
                        target_id=str(declaration.pk), actor=self.alice
                    ).count(),
                    before + 1,
                )

    def test_edits_are_refused_once_submitted(self):
        for status in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACCEPTED, Status.REJECTED):
            declaration = self.declaration(status)
            for name, edit in self.edits(declaration, self.alice).items():
                with self.subTest(status=status, edit=name):
                    self.assertRefused(["not_editable"], edit, declaration)

    def test_edits_are_refused_to_viewers_other_providers_and_regulators(self):
        declaration = self.declaration()
        for person in (self.victor, self.charlie, self.olivia, self.diana):
            for name, edit in self.edits(declaration, person).items():
                with self.subTest(person=person.email, edit=name):
                    self.assertRefused(["not_permitted"], edit, declaration)

    def test_edits_while_changes_are_requested_are_allowed(self):
        declaration = self.declaration(Status.CHANGES_REQUESTED)
        source_save(actor=self.alice, declaration=declaration, values=VALID_SOURCE)
        self.assertEqual(declaration.sources.count(), 4)

    def test_stale_forms_are_refused_and_nothing_is_lost(self):
        declaration = self.declaration()
        source = declaration.sources.first()
        party = declaration.supply_chain.first()
        stale = {
            "general": lambda: declaration_update_general(
                actor=self.alice,
                declaration=declaration,
                values=VALID_GENERAL,
                expected_lock_version=declaration.lock_version - 1,
            ),
            "source": lambda: source_save(
                actor=self.alice,
                declaration=declaration,
                source=source,
                values={"name": "Overwritten"},
                expected_lock_version=source.lock_version - 1,
            ),
            "party": lambda: party_save(
                actor=self.alice,
                declaration=declaration,
                party=party,
                values={"name": "Overwritten"},
                expected_lock_version=party.lock_version + 5,
            ),
            "sign": lambda: statement_sign(
                actor=self.alice,
                declaration=declaration,
                name="A",
                role="B",
                expected_lock_version=declaration.lock_version + 1,
            ),
        }
        for name, call in stale.items():
            with self.subTest(name):
                self.assertRefused(["stale_edit"], call, declaration)
        source.refresh_from_db()
        party.refresh_from_db()
        self.assertNotEqual("Overwritten", source.name)
        self.assertNotEqual("Overwritten", party.name)

    def test_invalid_values_are_refused_and_nothing_is_written(self):
        declaration = self.declaration()
        cases = {
            "general": (
                lambda: declaration_update_general(
                    actor=self.alice,
                    declaration=declaration,
                    values=VALID_GENERAL | {"training_data_size": {"text": "huge"}},
                    expected_lock_version=declaration.lock_version,
                ),
                ["size_band_invalid"],
            ),
            "source": (
                lambda: source_save(
                    actor=self.alice,
                    declaration=declaration,
                    values=VALID_SOURCE | {"licence": "MIT OR", "share_percent": 140},
                ),
                ["share_invalid", "licence_invalid"],
            ),
            "party": (
                lambda: party_save(
                    actor=self.alice, declaration=declaration, values=VALID_PARTY | {"role": "pal"}
                ),
                ["party_role_invalid"],
            ),
            "attestation": (
                lambda: attestation_save(
                    actor=self.alice,
                    declaration=declaration,
                    values=VALID_ATTESTATION | {"scope": []},
                ),
                ["scope_required"],
            ),
        }
        for name, (call, expected) in cases.items():
            with self.subTest(name):
                self.assertRefused(expected, call, declaration)
        declaration.refresh_from_db()
        self.assertIsNotNone(declaration.signed_at)

    def test_general_information_is_saved_and_audited_with_before_and_after(self):
        declaration = self.declaration()
        declaration_update_general(
            actor=self.bob,
            declaration=declaration,
            values=VALID_GENERAL | {"training_data_size": {"text": "gt_10t"}, "total_tokens": None},
            expected_lock_version=declaration.lock_version,
        )
        declaration.refresh_from_db()
        self.assertEqual(declaration.training_data_size, {"text": "gt_10t"})
        self.assertIsNone(declaration.total_tokens)
        event = AuditEvent.objects.get(action="declaration.general_updated")
        self.assertEqual(event.before["training_data_size"], {"text": "1b_10t"})
        self.assertEqual(event.after["training_data_size"], {"text": "gt_10t"})


class SourceTests(DeclarationServiceTestCase):
    def test_licences_are_stored_in_their_canonical_spelling_and_hosts_in_lower_case(self):
        declaration = self.declaration()
        cases = {
            "mit": "MIT",
            "apache-2.0 or mit": "Apache-2.0 OR MIT",
            "GPL-2.0+": "GPL-2.0-or-later",
            "LicenseRef-acme-1": "LicenseRef-acme-1",
        }
        for typed, stored in cases.items():
            with self.subTest(typed):
                source = source_save(
                    actor=self.alice,
                    declaration=declaration,
                    values=VALID_SOURCE | {"licence": typed},
                )
                source.refresh_from_db()
                self.assertEqual(source.licence, stored)
        crawl = source_save(
            actor=self.alice,
            declaration=declaration,
            values=VALID_CRAWL | {"top_domains": [" News.Example.COM. ", "bbc.co.uk"]},
        )
        crawl.refresh_from_db()
        self.assertEqual(crawl.top_domains, ["news.example.com", "bbc.co.uk"])

    def test_changing_a_source_keeps_what_was_not_sent_and_bumps_its_version(self):
        declaration = self.declaration()
        source = declaration.sources.get(name="Source 2")
        saved = source_save(
            actor=self.alice,
            declaration=declaration,
            source=source,
            values={"description": "Now described"},
            expected_lock_version=source.lock_version,
        )
        saved.refresh_from_db()
        self.assertEqual((saved.description, saved.category), ("Now described", "web_crawl"))
        self.assertEqual(saved.top_domains, source.top_domains)
        self.assertEqual(saved.lock_version, source.lock_version + 1)
        event = AuditEvent.objects.get(action="declaration.source_saved")
        self.assertEqual(event.before["description"], source.description)

    def test_a_source_of_another_declaration_cannot_be_changed_through_this_one(self):
        declaration, other = self.declaration(), self.declaration()
        source = other.sources.first()
        with self.assertRaises(DataSource.DoesNotExist):
            source_save(
                actor=self.alice,
                declaration=declaration,
                source=source,
                values={"name": "Hijacked"},
                expected_lock_version=source.lock_version,
            )
        source.refresh_from_db()
        self.assertNotEqual(source.name, "Hijacked")

    def test_removing_a_source_is_audited(self):
        declaration = self.declaration()
        source = declaration.sources.get(name="Source 3")
        pk = source.pk
        source_remove(actor=self.bob, source=source)
        self.assertEqual(
            list(declaration.sources.values_list("name", flat=True)), ["Source 1", "Source 2"]
        )
        event = AuditEvent.objects.get(action="declaration.source_removed")
        self.assertEqual(event.before, {"source": pk, "name": "Source 3"})

    def test_a_failing_save_leaves_no_source_and_no_audit_event(self):
        declaration = self.declaration()
        before = self.written()
        with (
            mock.patch.object(
                filing_services, "filing_touch", side_effect=RuntimeError("disk full")
            ),
            self.assertRaises(RuntimeError),
        ):
            source_save(actor=self.alice, declaration=declaration, values=VALID_SOURCE)
        self.assertEqual(self.written(), before)


class ImportTests(DeclarationServiceTestCase):
    def rows(self, count):
        return [
            VALID_SOURCE | {"name": f"Row {n}", "share_percent": "1"} for n in range(1, count + 1)
        ]

    def test_a_bad_row_among_a_hundred_good_ones_imports_nothing_and_names_the_row(self):
        declaration = self.declaration()
        rows = self.rows(101)
        rows[56]["licence"] = "MIT OR"
        rows[79]["share_percent"] = "140"
        error = self.assertRefused(
            ["licence_invalid", "share_invalid"],
            lambda: sources_import(
                actor=self.alice, declaration=declaration, rows=rows, replace=True
            ),
            declaration,
        )
        self.assertEqual(
            [p.field for p in error.problems], ["rows.57.licence", "rows.80.share_percent"]
        )
        self.assertEqual(declaration.sources.count(), 3)

    def test_a_draft_import_keeps_rows_with_problems_and_refuses_unstorable_ones(self):
        declaration = self.declaration()
        rows = self.rows(3)
        rows[1]["licence"] = "not a licence"
        imported = sources_import(
            actor=self.alice, declaration=declaration, rows=rows, replace=True, complete=False
        )
        self.assertEqual(
            [(p.code, p.field) for p in imported.problems], [("licence_invalid", "rows.2.licence")]
        )
        self.assertEqual(declaration.sources.filter(licence="not a licence").count(), 1)
        rows[2]["share_percent"] = "lots"
        with self.assertRaises(ProblemsError) as refused:
            sources_import(
                actor=self.alice, declaration=declaration, rows=rows, replace=True, complete=False
            )
        self.assertEqual(
            [(p.code, p.field) for p in refused.exception.problems],
            [("share_invalid", "rows.3.share_percent")],
        )
        self.assertEqual(declaration.sources.count(), 3)  # the earlier import, as it was

    def test_append_adds_and_replace_replaces(self):
        declaration = self.declaration()
        imported = sources_import(
            actor=self.alice, declaration=declaration, rows=self.rows(5), replace=False
        )
        self.assertEqual((imported.count, imported.problems), (5, []))
        self.assertEqual(declaration.sources.count(), 8)
        sources_import(actor=self.bob, declaration=declaration, rows=self.rows(2), replace=True)
        self.assertEqual(
            list(declaration.sources.values_list("name", flat=True)), ["Row 1", "Row 2"]
        )
        event = AuditEvent.objects.filter(action="declaration.sources_imported").first()
        self.assertEqual(event.after, {"rows": 2, "replace": True})

    def test_imported_rows_are_cleaned_like_saved_ones(self):
        declaration = self.declaration()
        rows = [VALID_CRAWL | {"licence": "mit", "top_domains": ["A.Example.com"]}]
        sources_import(actor=self.alice, declaration=declaration, rows=rows, replace=True)
        source = declaration.sources.get()
        self.assertEqual((source.licence, source.top_domains), ("MIT", ["a.example.com"]))

    def test_unknown_columns_are_ignored(self):
        declaration = self.declaration()
        rows = [VALID_SOURCE | {"id": 1, "declaration": 99, "colour": "blue"}]
        sources_import(actor=self.alice, declaration=declaration, rows=rows, replace=True)
        self.assertEqual(declaration.sources.get().declaration, declaration)

    def test_more_than_ten_thousand_rows_are_refused(self):
        declaration = self.declaration()
        self.assertEqual(MAX_IMPORT_ROWS, 10_000)
        error = self.assertRefused(
            ["too_many_rows"],
            lambda: sources_import(
                actor=self.alice, declaration=declaration, rows=[{}] * 10_001, replace=True
            ),
            declaration,
        )
        self.assertEqual(error.problems[0].message, "Upload at most 10,000 sources at a time")


@override_settings(STORAGES=PRIVATE_IN_MEMORY)
class AttestationReportTests(DeclarationServiceTestCase):
    def test_the_report_is_stored_privately_with_its_sha256(self):
        declaration = self.declaration()
        content = b"%PDF-1.7\nred team report\n%%EOF"
        report = SimpleUploadedFile("findings.pdf", content, content_type="application/pdf")
        saved = attestation_save(
            actor=self.alice, declaration=declaration, values=VALID_ATTESTATION, report=report
        )
        saved.refresh_from_db()
        self.assertEqual(saved.report_sha256, hashlib.sha256(content).hexdigest())
        self.assertTrue(saved.report.name.startswith(f"red-team-reports/{declaration.pk}/"))
        self.assertTrue(storages["private"].exists(saved.report.name))
        self.assertFalse(storages["default"].exists(saved.report.name))
        with saved.report.open("rb") as stored:
            self.assertEqual(stored.read(), content)
        row = next(
            r for r in declaration_data(declaration)["red_team_attestations"] if r["id"] == saved.pk
        )
        self.assertEqual(row["report"], saved.report.name)

    def test_a_refused_attestation_stores_no_report(self):
        declaration = self.declaration()
        report = SimpleUploadedFile("findings.pdf", b"%PDF-1.7 x", content_type="application/pdf")
        self.assertRefused(
            ["summary_required"],
            lambda: attestation_save(
                actor=self.alice,
                declaration=declaration,
                values=VALID_ATTESTATION | {"summary": ""},
                report=report,
            ),
        )
        self.assertEqual(storages["private"].listdir("")[1], [])


class RowTests(DeclarationServiceTestCase):
    def test_parties_and_attestations_are_added_changed_and_removed(self):
        declaration = self.declaration()
        party = party_save(actor=self.alice, declaration=declaration, values=VALID_PARTY)
        changed = party_save(
            actor=self.alice,
            declaration=declaration,
            party=party,
            values={"role": "api_aggregator"},
            expected_lock_version=party.lock_version,
        )
        self.assertEqual(
            (changed.name, changed.role, changed.lock_version), ("Cloud Co", "api_aggregator", 2)
        )
        attestation = RedTeamAttestationFactory(declaration=declaration)
        row_remove(actor=self.bob, row=attestation)
        row_remove(actor=self.bob, row=party)
        self.assertEqual(declaration.supply_chain.count(), 1)
        self.assertEqual(declaration.red_team_attestations.count(), 1)
        self.assertEqual(
            sorted(
                AuditEvent.objects.filter(action__endswith="_removed").values_list(
                    "action", flat=True
                )
            ),
            ["declaration.attestation_removed", "declaration.party_removed"],
        )

    def test_a_row_of_another_declaration_cannot_be_changed_through_this_one(self):
        declaration = self.declaration()
        party = SupplyChainPartyFactory(declaration=self.declaration())
        with self.assertRaises(SupplyChainParty.DoesNotExist):
            party_save(
                actor=self.alice,
                declaration=declaration,
                party=party,
                values={"name": "Hijacked"},
                expected_lock_version=party.lock_version,
            )


class LifecycleServiceTests(DeclarationServiceTestCase):
    def test_the_provider_submits_the_regulator_decides_and_the_provider_withdraws(self):
        ownership_in_force(self.acme)
        declaration = self.declaration()
        declaration_submit(
            actor=self.bob, declaration=declaration, expected_lock_version=declaration.lock_version
        )
        declaration_decide(actor=self.olivia, declaration=declaration, action="start_review")
        declaration_decide(
            actor=self.diana, declaration=declaration, action="accept", reason="Complete"
        )
        declaration_withdraw(actor=self.alice, declaration=declaration, reason="Model retired")
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, Status.WITHDRAWN)
        self.assertEqual(
            list(
                AuditEvent.objects.filter(target_id=str(declaration.pk))
                .order_by("id")
                .values_list("action", flat=True)
            ),
            [
                "declaration.submit",
                "declaration.start_review",
                "declaration.accept",
                "declaration.withdraw",
            ],
        )

    def test_a_regulator_cannot_submit_or_withdraw_through_decide(self):
        declaration = self.declaration(Status.ACCEPTED)
        for action in ("withdraw", "supersede"):
            with self.subTest(action):
                self.assertRefused(
                    ["not_permitted"],
                    lambda a=action: declaration_decide(
                        actor=self.diana, declaration=declaration, action=a, reason="x"
                    ),
                    declaration,
                )
