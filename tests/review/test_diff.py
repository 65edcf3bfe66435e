"""The field-by-field diff of two versions of a filing, as the regulator's case page shows it."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase

from registry.declarations.models import DataSource, SupplyChainParty
from registry.declarations.selectors import declaration_data
from registry.filings.states import Status
from registry.lib.canonical import canonical_json
from registry.providers.selectors import ownership_data
from registry.review.diff import (
    MAX_EXAMPLES,
    FieldChange,
    FilingDiff,
    filing_diff,
    readable,
)
from tests.factories import (
    AIModelFactory,
    InvestmentLinkFactory,
    SupplyChainPartyFactory,
    complete_declaration,
    complete_ownership_statement,
)


def source(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "name": name,
        "category": "public_dataset",
        "licence": "CC-BY-4.0",
        "share_percent": Decimal("50.000"),
        "collection_start": date(2023, 1, 1),
        "top_domains": [],
    } | fields


def declaration(**fields: Any) -> dict[str, Any]:
    """Declaration data as `declaration_data` gives it, cut down to what these tests need."""
    return {
        "reference": "DEC-000001-v1",
        "model": {"id": 7, "registration_number": None, "name": "Atlas", "version": "2.0"},
        "version": 1,
        "training_data_size": {"text": "1b_10t"},
        "total_audio_hours": None,
        "latest_collection_date": date(2024, 12, 31),
        "continuous_training": False,
        "languages": [{"code": "en", "share_percent": 80}, {"code": "fr", "share_percent": 20}],
        "tdm_opt_out_measures": "We honour robots.txt.",
        "code_of_practice_signatory": True,
        "signatory_name": "Alice Owner",
        "signatory_role": "Director",
        "signed_at": datetime(2025, 1, 1, 9, 0),
        "sources": [source("Open Encyclopaedia"), source("News Archive", id=2)],
        "supply_chain": [{"id": 1, "name": "Cloud Co", "role": "compute", "country": "GB"}],
        "red_team_attestations": [
            {"id": 1, "assessor": "Assurance LLP", "performed_on": date(2025, 3, 1)}
        ],
    } | fields


def link(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "investor_name": name,
        "country": "GB",
        "share_percent": Decimal("10.000"),
        "votes_percent": Decimal("10.000"),
        "share_band": "lt_10",
        "votes_band": "lt_10",
        "board_appointment": False,
    } | fields


def ownership(**fields: Any) -> dict[str, Any]:
    return {
        "reference": "OWN-000001-v1",
        "provider": {"id": 3, "registration_number": "PRV-000001", "legal_name": "Acme Ltd"},
        "version": 1,
        "signatory_name": "Alice Owner",
        "signatory_role": "Director",
        "signed_at": None,
        "links": [link("Northwind Capital"), link("Contoso Ventures", id=2)],
    } | fields


def read_back(data: dict[str, Any]) -> dict[str, Any]:
    """The data as a snapshot holds it: canonical JSON, read back."""
    return json.loads(canonical_json(data))


def collection(diff: FilingDiff, name: str):
    return next(collection for collection in diff.collections if collection.name == name)


class GeneralFieldTests(SimpleTestCase):
    def test_a_changed_answer_is_listed_with_its_label_and_both_values(self):
        new = declaration(tdm_opt_out_measures="We honour robots.txt and TDM-Rep.")
        diff = filing_diff("declaration", declaration(), new)
        self.assertEqual(
            diff.fields,
            (
                FieldChange(
                    field="tdm_opt_out_measures",
                    label="Text and data mining opt-out measures",
                    old="We honour robots.txt.",
                    new="We honour robots.txt and TDM-Rep.",
                ),
            ),
        )
        self.assertIs(diff.compared, True)
        self.assertIs(diff.has_changes, True)

    def test_the_same_data_has_no_changes(self):
        diff = filing_diff("declaration", declaration(), declaration())
        self.assertEqual(diff.fields, ())
        self.assertIs(diff.has_changes, False)
        self.assertEqual([c.unchanged for c in diff.collections], [2, 1, 1])

    def test_bookkeeping_that_differs_between_any_two_versions_is_not_a_change(self):
        new = declaration(
            reference="DEC-000002-v2",
            version=2,
            signed_at=datetime(2025, 6, 1, 12, 0),
            model={"id": 8, "registration_number": "MOD-000001", "name": "Atlas", "version": "2.0"},
            sources=[source("Open Encyclopaedia", id=11), source("News Archive", id=12)],
        )
        self.assertIs(filing_diff("declaration", declaration(), new).has_changes, False)

    def test_the_models_own_details_are_compared_with_a_model_prefix(self):
        new = declaration(
            model={"id": 7, "registration_number": None, "name": "Atlas", "version": "3.0"}
        )
        [change] = filing_diff("declaration", declaration(), new).fields
        self.assertEqual((change.field, change.label), ("model.version", "Model: version"))
        self.assertEqual((change.old, change.new), ("2.0", "3.0"))

    def test_values_read_as_a_person_reads_them(self):
        new = declaration(
            training_data_size={"text": "gt_10t"},
            total_audio_hours=Decimal("1234.5"),
            latest_collection_date=date(2025, 3, 1),
            continuous_training=True,
            languages=[{"code": "en", "share_percent": 100}],
            code_of_practice_signatory=None,
        )
        changes = {
            c.field: (c.old, c.new) for c in filing_diff("declaration", declaration(), new).fields
        }
        self.assertEqual(
            changes,
            {
                "training_data_size": (
                    "Text: 1 billion to 10 trillion tokens",
                    "Text: More than 10 trillion tokens",
                ),
                "total_audio_hours": ("Not given", "1,234.5"),
                "latest_collection_date": ("31 December 2024", "1 March 2025"),
                "continuous_training": ("No", "Yes"),
                "languages": ("en 80%, fr 20%", "en 100%"),
                "code_of_practice_signatory": ("Yes", "Not given"),
            },
        )

    def test_equal_values_in_different_forms_are_not_changes(self):
        """Live data holds Decimals and dates; a snapshot read back holds text and floats."""
        cases = [
            ("decimal and its text", Decimal("12.500"), "12.5"),
            ("whole decimal and integer", Decimal("100.000"), 100),
            ("float and integer", 80.0, 80),
        ]
        for name, old, new in cases:
            with self.subTest(name):
                diff = filing_diff(
                    "declaration",
                    declaration(total_audio_hours=old),
                    declaration(total_audio_hours=new),
                )
                self.assertEqual(diff.fields, ())
        blanks = filing_diff(
            "declaration",
            declaration(tdm_opt_out_measures=None),
            declaration(tdm_opt_out_measures=""),
        )
        self.assertEqual(blanks.fields, ())

    def test_a_date_and_its_iso_text_are_the_same_value(self):
        old = declaration(latest_collection_date=date(2024, 12, 31))
        new = declaration(latest_collection_date="2024-12-31")
        self.assertEqual(filing_diff("declaration", old, new).fields, ())

    def test_live_data_and_its_snapshot_read_back_have_no_changes(self):
        data = declaration()
        self.assertIs(filing_diff("declaration", read_back(data), data).has_changes, False)
        self.assertIs(filing_diff("declaration", data, read_back(data)).has_changes, False)

    def test_a_first_submission_has_nothing_to_compare_with(self):
        diff = filing_diff("declaration", None, declaration())
        self.assertIs(diff.compared, False)
        self.assertIs(diff.has_changes, False)
        self.assertEqual((diff.fields, diff.collections), ((), ()))

    def test_an_unknown_kind_is_refused(self):
        with self.assertRaisesMessage(ValueError, "Unknown filing kind: 'model'"):
            filing_diff("model", None, declaration())


class SourceTests(SimpleTestCase):
    def sources_diff(self, old: list[dict], new: list[dict]):
        diff = filing_diff("declaration", declaration(sources=old), declaration(sources=new))
        return collection(diff, "sources")

    def test_a_source_added_is_listed_by_name(self):
        sources = self.sources_diff([source("A")], [source("A"), source("B")])
        self.assertEqual([(row.label, row.status) for row in sources.rows], [("B", "added")])
        self.assertEqual(sources.unchanged, 1)

    def test_a_source_removed_is_listed_by_name(self):
        sources = self.sources_diff([source("A"), source("B")], [source("B")])
        self.assertEqual([(row.label, row.status) for row in sources.rows], [("A", "removed")])

    def test_a_changed_source_lists_only_its_changed_fields(self):
        sources = self.sources_diff(
            [source("A"), source("B")], [source("A", licence="MIT", id=99), source("B")]
        )
        [row] = sources.changed
        self.assertEqual((row.label, row.status), ("A", "changed"))
        self.assertEqual(row.changes, (FieldChange("licence", "Licence", "CC-BY-4.0", "MIT"),))
        self.assertEqual(sources.unchanged, 1)
        self.assertEqual(sources.tally, "1 changed, 1 unchanged")

    def test_a_renamed_source_is_one_removed_and_one_added(self):
        sources = self.sources_diff([source("A")], [source("A prime")])
        self.assertEqual(
            [(row.label, row.status) for row in sources.rows],
            [("A prime", "added"), ("A", "removed")],
        )

    def test_case_and_spacing_of_a_name_do_not_break_the_match(self):
        sources = self.sources_diff([source("open  encyclopaedia")], [source("Open Encyclopaedia")])
        [row] = sources.rows
        self.assertEqual(row.status, "changed")
        self.assertEqual(
            [(c.field, c.old, c.new) for c in row.changes],
            [("name", "open  encyclopaedia", "Open Encyclopaedia")],
        )

    def test_sources_sharing_a_name_pair_by_category_first_then_in_order(self):
        old = [
            source("Web", category="web_crawl", licence="one"),
            source("Web", category="licensed", licence="two"),
            source("Web", category="other", licence="three"),
        ]
        new = [
            source("Web", category="licensed", licence="two"),
            source("Web", category="synthetic", licence="four"),
            source("Web", category="web_crawl", licence="one"),
        ]
        sources = self.sources_diff(old, new)
        self.assertEqual(sources.unchanged, 2)
        [row] = sources.rows
        self.assertEqual(
            [(c.field, c.old, c.new) for c in row.changes],
            [
                ("category", "Other", "Synthetic (model generated)"),
                ("licence", "three", "four"),
            ],
        )

    def test_duplicates_beyond_the_other_side_are_added_in_order(self):
        old = [source("Dup", licence="one")]
        new = [source("Dup", licence="one"), source("Dup", licence="two")]
        sources = self.sources_diff(old, new)
        self.assertEqual(sources.unchanged, 1)
        self.assertEqual([(row.label, row.status) for row in sources.rows], [("Dup", "added")])

    def test_the_share_of_the_mix_reads_as_a_percentage(self):
        sources = self.sources_diff([source("A")], [source("A", share_percent="33.3")])
        [change] = sources.changed[0].changes
        self.assertEqual(
            (change.label, change.old, change.new), ("Share of the training mix", "50%", "33.3%")
        )

    def test_top_domains_show_counts_and_at_most_twenty_examples(self):
        kept = [f"kept{i}.example" for i in range(5)]
        removed = ["gone1.example", "gone2.example", "gone3.example"]
        added = [f"new{i}.example" for i in range(30)]
        sources = self.sources_diff(
            [source("Crawl", top_domains=kept + removed)],
            [source("Crawl", top_domains=kept + added)],
        )
        [change] = sources.changed[0].changes
        self.assertEqual(
            (change.label, change.old, change.new), ("Top domains", "8 host names", "35 host names")
        )
        assert change.items is not None
        self.assertEqual(change.items.summary, "+30 \u22123 host names")
        self.assertEqual(len(change.items.added), MAX_EXAMPLES)
        self.assertEqual(change.items.added, tuple(added[:MAX_EXAMPLES]))
        self.assertEqual(
            change.items.examples,
            (
                "Added: " + ", ".join(added[:MAX_EXAMPLES]) + " and 10 more",
                "Removed: gone1.example, gone2.example, gone3.example",
            ),
        )

    def test_top_domains_only_reordered_say_so(self):
        sources = self.sources_diff(
            [source("Crawl", top_domains=["a.example", "b.example"])],
            [source("Crawl", top_domains=["b.example", "a.example"])],
        )
        [change] = sources.changed[0].changes
        assert change.items is not None
        self.assertEqual(change.items.summary, "The same host names, in a different order")


class PartyAndAttestationTests(SimpleTestCase):
    def test_a_party_is_matched_by_name_and_role(self):
        old = declaration()
        new = declaration(
            supply_chain=[{"id": 5, "name": "Cloud Co", "role": "cloud_hosting", "country": "GB"}]
        )
        parties = collection(filing_diff("declaration", old, new), "supply_chain")
        self.assertEqual(
            [(row.label, row.status) for row in parties.rows],
            [("Cloud Co, Cloud hosting", "added"), ("Cloud Co, Compute", "removed")],
        )

    def test_a_party_moving_country_is_changed(self):
        new = declaration(
            supply_chain=[{"id": 5, "name": "Cloud Co", "role": "compute", "country": "IE"}]
        )
        parties = collection(filing_diff("declaration", declaration(), new), "supply_chain")
        [row] = parties.changed
        self.assertEqual([(c.label, c.old, c.new) for c in row.changes], [("Country", "GB", "IE")])

    def test_an_attestation_is_matched_by_assessor_and_date_in_either_form(self):
        new = declaration(
            red_team_attestations=[
                {"id": 9, "assessor": "Assurance LLP", "performed_on": "2025-03-01", "scope": []}
            ]
        )
        attestations = collection(
            filing_diff("declaration", declaration(), new), "red_team_attestations"
        )
        self.assertEqual((attestations.rows, attestations.unchanged), ((), 1))

    def test_an_attestation_on_another_date_is_a_new_one(self):
        new = declaration(
            red_team_attestations=[
                {"id": 9, "assessor": "Assurance LLP", "performed_on": date(2026, 3, 1)}
            ]
        )
        attestations = collection(
            filing_diff("declaration", declaration(), new), "red_team_attestations"
        )
        self.assertEqual(
            [(row.label, row.status) for row in attestations.rows],
            [("Assurance LLP, 1 March 2026", "added"), ("Assurance LLP, 1 March 2025", "removed")],
        )


class OwnershipTests(SimpleTestCase):
    def test_a_changed_holding_shows_the_exact_figures_not_the_derived_bands(self):
        new = ownership(
            links=[
                link("Northwind Capital", share_percent="25.5", share_band="25_50"),
                link("Contoso Ventures", id=2),
            ]
        )
        links = collection(filing_diff("ownership", ownership(), new), "links")
        self.assertEqual(links.title, "Investment links")
        self.assertEqual(links.unchanged, 1)
        [row] = links.changed
        self.assertEqual(row.label, "Northwind Capital")
        self.assertEqual(
            row.changes, (FieldChange("share_percent", "Shares held", "10%", "25.5%"),)
        )

    def test_investors_added_and_removed(self):
        new = ownership(links=[link("Northwind Capital"), link("Fabrikam Holdings", id=3)])
        links = collection(filing_diff("ownership", ownership(), new), "links")
        self.assertEqual(
            [(row.label, row.status) for row in links.rows],
            [("Fabrikam Holdings", "added"), ("Contoso Ventures", "removed")],
        )

    def test_the_providers_name_and_the_signatory_are_compared(self):
        new = ownership(
            provider={"id": 3, "registration_number": "PRV-000001", "legal_name": "Acme plc"},
            signatory_name="Bob Submitter",
        )
        changes = filing_diff("ownership", ownership(), new).fields
        self.assertEqual(
            [(c.label, c.old, c.new) for c in changes],
            [
                ("Provider: legal name", "Acme Ltd", "Acme plc"),
                ("Signatory name", "Alice Owner", "Bob Submitter"),
            ],
        )

    def test_a_first_statement_has_nothing_to_compare_with(self):
        self.assertIs(filing_diff("ownership", None, ownership()).compared, False)


class RealFilingTests(TestCase):
    def test_an_amended_declaration_against_the_accepted_snapshot(self):
        model = AIModelFactory()
        accepted = complete_declaration(model=model, status=Status.ACCEPTED)
        amendment = complete_declaration(model=model)
        # Factories number each party afresh; the amendment copies its party from the accepted one.
        SupplyChainParty.objects.filter(declaration__model=model).update(name="Compute Ltd")
        snapshot = read_back(declaration_data(accepted))
        self.assertIs(
            filing_diff("declaration", snapshot, declaration_data(amendment)).has_changes, False
        )

        amendment.sources.filter(name="Source 1").update(licence="MIT")
        crawl = amendment.sources.get(name="Source 2")
        crawl.top_domains = [*crawl.top_domains, "news.example"]
        crawl.save()
        amendment.sources.filter(name="Source 3").delete()
        SupplyChainPartyFactory(
            declaration=amendment, name="Annotators Ltd", role="annotation_vendor"
        )
        amendment.illegal_content_measures = "Hash matching only."
        amendment.save()

        diff = filing_diff("declaration", snapshot, read_back(declaration_data(amendment)))

        self.assertEqual(
            [(c.field, c.new) for c in diff.fields],
            [("illegal_content_measures", "Hash matching only.")],
        )
        sources = collection(diff, "sources")
        self.assertEqual(
            [(row.label, row.status) for row in sources.rows],
            [("Source 1", "changed"), ("Source 2", "changed"), ("Source 3", "removed")],
        )
        self.assertEqual(
            sources.rows[0].changes, (FieldChange("licence", "Licence", "CC-BY-4.0", "MIT"),)
        )
        [domains] = sources.rows[1].changes
        assert domains.items is not None
        self.assertEqual(domains.items.summary, "+1 \u22120 host names")
        parties = collection(diff, "supply_chain")
        self.assertEqual(
            [(row.label, row.status) for row in parties.rows],
            [("Annotators Ltd, Annotation vendor", "added")],
        )
        self.assertEqual(parties.unchanged, 1)
        self.assertEqual(DataSource.objects.filter(declaration=accepted).count(), 3)

    def test_an_ownership_statement_against_its_own_snapshot_has_no_changes(self):
        statement = complete_ownership_statement()
        InvestmentLinkFactory(statement=statement, share_percent=Decimal("12.500"))
        data = ownership_data(statement)
        self.assertIs(filing_diff("ownership", read_back(data), data).has_changes, False)


class TemplateTests(SimpleTestCase):
    def render(self, diff: FilingDiff) -> str:
        return render_to_string(
            "review/_diff.html", {"diff": diff, "diff_title": "Changes since submission 1"}
        )

    def test_the_changed_values_appear_before_and_after(self):
        old = declaration()
        new = declaration(
            tdm_opt_out_measures="We honour <b>TDM-Rep</b>.",
            sources=[
                source("Open Encyclopaedia", licence="MIT"),
                source("News Archive", id=2),
                source("Forum Posts", id=3),
            ],
            supply_chain=[],
        )
        html = self.render(filing_diff("declaration", old, new))
        self.assertInHTML('<h2 class="govuk-heading-m">Changes since submission 1</h2>', html)
        label = "Text and data mining opt-out measures"
        self.assertInHTML(f'<th scope="row" class="govuk-table__header">{label}</th>', html)
        self.assertIn("We honour robots.txt.", html)
        self.assertIn("We honour &lt;b&gt;TDM-Rep&lt;/b&gt;.", html)
        self.assertIn("Changed: Open Encyclopaedia", html)
        self.assertInHTML('<td class="govuk-table__cell">CC-BY-4.0</td>', html)
        self.assertInHTML('<td class="govuk-table__cell">MIT</td>', html)
        self.assertInHTML("<li>Forum Posts</li>", html)
        self.assertInHTML("<li>Cloud Co, Compute</li>", html)
        self.assertInHTML('<p class="govuk-body">1 added, 1 changed, 1 unchanged</p>', html)
        self.assertInHTML('<p class="govuk-body">1 removed</p>', html)
        self.assertNotIn("style=", html)
        self.assertNotIn("<script", html)

    def test_each_change_has_an_id_a_finding_can_link_to(self):
        new = declaration(
            tdm_opt_out_measures="Changed.",
            sources=[source("Open Encyclopaedia", licence="MIT", id=1), source("Forum", id=3)],
        )
        old = declaration(sources=[source("Open Encyclopaedia", id=1)])
        context = {"diff": filing_diff("declaration", old, new), "anchor": "since-submission"}
        html = render_to_string("review/_diff.html", context)
        self.assertIn('id="since-submission-tdm_opt_out_measures"', html)
        self.assertIn('<table class="govuk-table" id="since-submission-sources-1">', html)
        self.assertInHTML('<li id="since-submission-sources-3">Forum</li>', html)

    def test_long_lists_show_their_summary(self):
        new = declaration(sources=[source("Open Encyclopaedia", top_domains=["a.example"])])
        html = self.render(
            filing_diff("declaration", declaration(sources=[source("Open Encyclopaedia")]), new)
        )
        self.assertIn("1 host name<br>+1 \u22120 host names<br>Added: a.example", html)

    def test_no_changes_and_nothing_to_compare_say_so(self):
        self.assertIn(
            "No changes", self.render(filing_diff("declaration", declaration(), declaration()))
        )
        self.assertIn(
            "There is no earlier version to compare with.",
            self.render(filing_diff("declaration", None, declaration())),
        )


class OptionalDateTests(SimpleTestCase):
    def test_a_source_date_left_out_is_not_stated_and_other_answers_not_given(self):
        for field in ("collection_start", "collection_end", "first_used_on"):
            with self.subTest(field):
                self.assertEqual(readable(field, None), "Not stated")
        self.assertEqual(readable("performed_on", None), "Not given")
