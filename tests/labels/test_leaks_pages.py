"""Nothing regulator-only reaches the register's pages: the label (HTML, JSON, badge), the
provider page and the search page, for the sentinel filing of `test_selectors.LeakTests`, whose
review case also carries an internal note and a finding never sent."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from registry.declarations.models import AIModel
from registry.review.models import Case, CaseNote, Finding
from tests.labels import test_selectors

CASE_SENTINELS = {
    "internal case note": f"Sentinel internal note {test_selectors.TAG}",
    "unsent finding": f"Sentinel unsent finding {test_selectors.TAG}",
}


def spellings(value) -> set[str]:
    """How a number could be printed: as stored, and with thousands separators."""
    text = str(value)
    found = {text}
    if isinstance(value, int):
        found.add(f"{value:,}")
    return found


class PageLeakTests(test_selectors.LeakTests):
    """The selector-level leak test's filing, read through the register's pages."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        case = Case.objects.get(filing_kind="declaration", filing_id=cls.declaration.pk)
        CaseNote.objects.create(
            case=case, kind="note", body=CASE_SENTINELS["internal case note"], author=cls.olivia
        )
        Finding.objects.create(
            case=case,
            submission=1,
            field="tdm_opt_out_measures",
            message=CASE_SENTINELS["unsent finding"],
            raised_by=cls.olivia,
        )

    def setUp(self):
        cache.clear()

    def page_texts(self) -> dict[str, str]:
        number = AIModel.objects.get(name="Leaky").registration_number
        provider = self.acme.registration_number
        urls = {
            "label page": reverse("labels:model", args=[number]),
            "label version page": reverse("labels:model-version", args=[number, 1]),
            "label JSON": reverse("labels:model-json", args=[number]),
            "label version JSON": reverse("labels:model-version-json", args=[number, 1]),
            "badge": reverse("labels:model-badge", args=[number]),
            "provider page": reverse("labels:provider", args=[provider]),
            "register": reverse("labels:register"),
            "register search": reverse("labels:register") + f"?q={number}",
            "register search by name": reverse("labels:register")
            + "?q=Leaky&alert=none&alert=generator_terms",
        }
        client, texts = Client(), {}
        for name, url in urls.items():
            response = client.get(url)
            self.assertEqual(response.status_code, 200, name)
            texts[name] = response.content.decode()
        return texts

    def test_the_pages_show_the_sentinel_filing(self):
        texts = self.page_texts()
        for where in ("label page", "register search", "register search by name"):
            with self.subTest(where=where):
                self.assertIn("Leaky", texts[where])
        self.assertIn("3 confidential sources", texts["label page"])

    def test_no_sentinel_appears_on_any_page(self):
        sentinels = [
            *test_selectors.SENTINEL_TEXT.items(),
            *test_selectors.SENTINEL_NUMBERS.items(),
            *CASE_SENTINELS.items(),
        ]
        for where, text in self.page_texts().items():
            for name, sentinel in sentinels:
                for spelling in spellings(sentinel):
                    with self.subTest(where=where, sentinel=name, spelling=spelling):
                        self.assertNotIn(spelling, text)

    def test_the_label_json_has_no_regulator_only_key(self):
        texts = self.page_texts()
        for where in ("label JSON", "label version JSON"):
            with self.subTest(where=where):
                keys = test_selectors.keys_in(json.loads(texts[where]))
                self.assertEqual(keys & test_selectors.REGULATOR_ONLY_KEYS, set())
