"""SPDX licence expressions: valid ones in their canonical spelling, anything else a reason."""

from __future__ import annotations

from django.test import SimpleTestCase

from registry.lib.licences import licence_error, normalise_licence


class LicenceErrorTests(SimpleTestCase):
    def test_valid_expressions_and_custom_references(self):
        for expression in (
            "MIT",
            "mit",
            "Apache-2.0 OR MIT",
            "apache-2.0 or mit",
            "GPL-2.0+",
            "GPL-2.0-or-later",
            "CC-BY-4.0",
            "(MIT AND CC-BY-SA-4.0) OR Apache-2.0",
            "Apache-2.0 WITH LLVM-exception",
            "LicenseRef-acme-1",
            "LicenseRef-news.2024",
            "MIT AND LicenseRef-acme-1",
        ):
            with self.subTest(expression):
                self.assertIsNone(licence_error(expression))

    def test_malformed_expressions_say_why_and_never_raise(self):
        cases = {
            "MIT OR": "OR requires two or more licenses",
            "((MIT": "Invalid expression",
            "MIT)": "Unbalanced parenthesis",
            "Foo-1": "unknown licence Foo-1",
            "MIT Apache-2.0": "Invalid symbols sequence",
            "MIT OR OR Apache-2.0": "Invalid operator sequence",
            "Classpath-exception-2.0": "exception",
            "GPL-2.0 WITH MIT": "cannot be used as an exception",
            "LicenseRef-": "unknown licence LicenseRef-",
            "LicenseRef-has space": "unknown licence",
            "LicenseRef-under_score": "unknown licence LicenseRef-under_score",
            "licenseref-lowercase": "unknown licence",
            "": "empty expression",
            "   ": "empty expression",
        }
        for expression, reason in cases.items():
            with self.subTest(expression):
                self.assertIn(reason, licence_error(expression))

    def test_values_that_are_not_text_are_a_reason_too(self):
        for value in (None, 42, ["MIT"], "\x00"):
            with self.subTest(value=value):
                self.assertIsInstance(licence_error(value), str)

    def test_a_long_string_is_answered_quickly(self):
        self.assertIn("unknown licence", licence_error("x" * 100_000))
        self.assertIsNone(licence_error(" OR ".join(["MIT"] * 500)))


class NormaliseLicenceTests(SimpleTestCase):
    def test_the_canonical_spelling(self):
        cases = {
            "mit": "MIT",
            "apache-2.0 or mit": "Apache-2.0 OR MIT",
            "MIT  or  Apache-2.0": "MIT OR Apache-2.0",
            "GPL-2.0+": "GPL-2.0-or-later",
            "cc-by-4.0 and mit": "CC-BY-4.0 AND MIT",
            "LicenseRef-acme-1": "LicenseRef-acme-1",
        }
        for typed, canonical in cases.items():
            with self.subTest(typed):
                self.assertEqual(normalise_licence(typed), canonical)
                self.assertIsNone(licence_error(canonical))
