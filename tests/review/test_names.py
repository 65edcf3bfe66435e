"""Names as filings give them: one normaliser, every match explained, named models matched."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import SimpleTestCase

from registry.review.names import (
    Kind,
    explain,
    mod_number,
    model_match,
    normalise,
    search_words,
    slug,
)

# "ACME" in full-width letters, as East Asian text input gives them: NFKC makes them ASCII.
FULLWIDTH_ACME = "\uff21\uff23\uff2d\uff25"

ACME = SimpleNamespace(legal_name="Acme Intelligence Ltd", trading_name="Acme AI")
BETA = SimpleNamespace(legal_name="Beta Labs Ltd", trading_name="")


def registered(name: str, version: str, provider=ACME, number: str | None = None):
    return SimpleNamespace(
        name=name, version=version, provider=provider, registration_number=number
    )


ATLAS = registered("Acme Atlas", "2.0", number="MOD-000001")
ATLAS_1_5 = registered("Acme Atlas", "1.5")
BETA_ATLAS = registered("Acme Atlas", "2.0", provider=BETA)


class NormaliseTests(SimpleTestCase):
    def test_each_kind_of_name_as_compared(self):
        cases = [
            # (name, kind, normalised)
            ("Acme Atlas 2.0", Kind.MODEL, "acme atlas 2.0"),
            ("acme-atlas 2.0", Kind.MODEL, "acme atlas 2.0"),
            ("  Acme   Atlas\t2.0 ", Kind.MODEL, "acme atlas 2.0"),
            ("Acme Atlas v1.5.3-beta (final)", Kind.MODEL, "acme atlas v1.5.3 beta final"),
            ("Atlas 2.0", Kind.MODEL, "atlas 2.0"),
            ("Atlas 20", Kind.MODEL, "atlas 20"),
            (f"{FULLWIDTH_ACME} Atlas", Kind.MODEL, "acme atlas"),  # full-width letters (NFKC)
            ("STRASSE Straße", Kind.OTHER, "strasse strasse"),  # case-folded, not lowered
            ("open_teacher/70B", Kind.MODEL, "open teacher 70b"),
            ("Acme Intelligence Ltd", Kind.ORGANISATION, "acme intelligence"),
            ("Acme Intelligence Limited.", Kind.ORGANISATION, "acme intelligence"),
            ("Hyperscale Cloud, Inc.", Kind.ORGANISATION, "hyperscale cloud"),
            ("Nordlicht KI GmbH", Kind.ORGANISATION, "nordlicht ki"),
            ("Fleet Street Publishing plc", Kind.ORGANISATION, "fleet street publishing"),
            ("Example Co Ltd", Kind.ORGANISATION, "example"),
            ("O'Brien & Sons LLC", Kind.ORGANISATION, "obrien sons"),
            ("Limited", Kind.ORGANISATION, "limited"),  # a suffix alone is the name
            ("Acme Ltd", Kind.MODEL, "acme ltd"),  # models keep every word
            ("", Kind.MODEL, ""),
        ]
        for name, kind, expected in cases:
            with self.subTest(name=name, kind=kind):
                self.assertEqual(normalise(name, kind), expected)

    def test_slugs_and_search_words(self):
        self.assertEqual(slug("Acme Atlas 2.0"), "acme-atlas-2.0")
        self.assertEqual(slug("acme-atlas-2.0"), "acme-atlas-2.0")
        self.assertEqual(slug("meta/Llama 3 8B"), "meta-llama-3-8b")
        self.assertEqual(search_words("acme-atlas 2.0"), ["atlas", "acme", "2.0"])
        # Words for the database to narrow by: lowered, not case-folded, as names are stored.
        self.assertEqual(search_words("O'Brien & Sons Ltd", Kind.ORGANISATION), ["obrien", "sons"])
        self.assertEqual(search_words("Müller Straße"), ["müller", "straße"])

    def test_mod_numbers_in_names(self):
        self.assertEqual(mod_number("MOD-000123"), "MOD-000123")
        self.assertEqual(mod_number("Atlas (mod-000123)"), "MOD-000123")
        self.assertIsNone(mod_number("MOD-12345"))
        self.assertIsNone(mod_number("Atlas 2.0"))


class ExplainTests(SimpleTestCase):
    def test_whole_names_and_why_they_match(self):
        cases = [
            # (query, value, kind, expected explanation or None)
            ("Acme Atlas 2", "Acme Atlas 2", Kind.MODEL, "matched 'Acme Atlas 2' exactly"),
            (
                "acme-atlas 2",
                "Acme Atlas 2",
                Kind.MODEL,
                "matched 'acme-atlas 2' to 'Acme Atlas 2' ignoring case and punctuation",
            ),
            (
                "Acme  Atlas 2",
                "Acme Atlas 2",
                Kind.MODEL,
                "matched 'Acme  Atlas 2' to 'Acme Atlas 2' ignoring punctuation",
            ),
            (
                f"{FULLWIDTH_ACME} Atlas",
                "ACME Atlas",
                Kind.MODEL,
                f"matched '{FULLWIDTH_ACME} Atlas' to 'ACME Atlas' ignoring Unicode variants",
            ),
            (
                "Open Models Limited",
                "Open Models Ltd",
                Kind.ORGANISATION,
                "matched 'Open Models Limited' to 'Open Models Ltd' ignoring the company "
                "suffixes 'Limited' and 'Ltd'",
            ),
            (
                "acme ai ltd",
                "Acme AI",
                Kind.ORGANISATION,
                "matched 'acme ai ltd' to 'Acme AI' ignoring case and the company suffix 'ltd'",
            ),
            ("Acme AI Ltd", "Acme AI", Kind.MODEL, None),  # a model keeps its words
            ("Acme Atlas 2.0", "Acme Atlas 20", Kind.MODEL, None),  # versions differ
            ("Acme Atlas 2.0", "Acme Atlas 2.1", Kind.MODEL, None),
            ("Atlas", "Acme Atlas", Kind.MODEL, None),  # a part is not the whole
        ]
        for query, value, kind, expected in cases:
            with self.subTest(query=query, value=value):
                found = explain(query, value, kind)
                self.assertEqual(found.text if found else None, expected)

    def test_parts_of_names_for_search(self):
        cases = [
            (
                "Atlas",
                "Acme Atlas 2.0",
                Kind.MODEL,
                "contains",
                "found 'Atlas' in 'Acme Atlas 2.0'",
            ),
            (
                "atlas",
                "acme-Atlas 2.0",
                Kind.MODEL,
                "contains",
                "found 'atlas' in 'acme-Atlas 2.0' ignoring case",
            ),
            (
                "northern ventures",
                "Northern Ventures LP",
                Kind.ORGANISATION,
                "normalised",
                "matched 'northern ventures' to 'Northern Ventures LP' ignoring case and the "
                "company suffix 'LP'",
            ),
            (
                "gulf-horizon",
                "Gulf Horizon Investment Authority",
                Kind.ORGANISATION,
                "contains",
                "found 'gulf-horizon' in 'Gulf Horizon Investment Authority' ignoring case "
                "and punctuation",
            ),
        ]
        for query, value, kind, how, text in cases:
            with self.subTest(query=query, value=value):
                found = explain(query, value, kind, partial=True)
                assert found is not None
                self.assertEqual((found.how, found.text), (how, text))
        self.assertIsNone(explain("Zephyr", "Acme Atlas", partial=True))


class ModelMatchTests(SimpleTestCase):
    def test_a_named_model_to_a_registered_one_and_how(self):
        cases = [
            # (name, provider as filed, candidates, expected model, by)
            ("MOD-000001", "", [ATLAS_1_5, ATLAS], ATLAS, "number"),
            ("Atlas (MOD-000001)", "Someone", [ATLAS], ATLAS, "number"),
            ("Acme Atlas 2.0", "Acme AI", [ATLAS_1_5, ATLAS], ATLAS, "exact"),
            ("acme-atlas 2.0", "Acme AI Ltd", [ATLAS_1_5, ATLAS], ATLAS, "normalised"),
            ("acme-atlas 2.0", "Acme Intelligence Limited", [ATLAS], ATLAS, "normalised"),
            ("Acme Atlas 2.0", "", [ATLAS], ATLAS, "exact"),
            ("Acme Atlas 1.5", "Acme AI", [ATLAS_1_5, ATLAS], ATLAS_1_5, "exact"),
            ("Acme Atlas 2.0", "Beta Labs", [ATLAS, BETA_ATLAS], BETA_ATLAS, "exact"),
        ]
        for name, provider, candidates, model, by in cases:
            with self.subTest(name=name, provider=provider):
                found = model_match(name, provider, candidates)
                assert found is not None
                self.assertIs(found.model, model)
                self.assertEqual(found.by, by)

    def test_no_match_is_made_up(self):
        cases = [
            ("MOD-000002", "", [ATLAS]),  # no such number
            ("Acme Atlas", "Acme AI", [ATLAS]),  # no version: which one?
            ("Acme Atlas 2.0", "Other Models Inc", [ATLAS]),  # someone else's model
            ("Acme Atlas 2.0", "", [ATLAS, BETA_ATLAS]),  # two fit as well: neither
            ("Acme Atlas 3.0", "Acme AI", [ATLAS, ATLAS_1_5]),
        ]
        for name, provider, candidates in cases:
            with self.subTest(name=name, provider=provider):
                self.assertIsNone(model_match(name, provider, candidates))

    def test_the_match_says_why(self):
        found = model_match("acme-atlas 2.0", "Acme AI Ltd", [ATLAS])
        assert found is not None
        self.assertEqual(
            found.text,
            "matched 'acme-atlas 2.0' to 'Acme Atlas 2.0' ignoring case and punctuation; "
            "the provider: matched 'Acme AI Ltd' to 'Acme AI' ignoring the company suffix "
            "'Ltd' (its trading name)",
        )
        by_number = model_match("MOD-000001", "", [ATLAS])
        assert by_number is not None
        self.assertEqual(by_number.text, "matched by its MOD- number MOD-000001")
