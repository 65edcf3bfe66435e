"""The EU AI Office's public summary of training content (a page and a PDF) and California
AB 2013's training data documentation (a page and JSON) of each published label version.

Anyone may read them, signed in or not. Each is drawn from `selectors.export_label` alone, so it
shows only what the label publishes; each answers with the label's own validators, so a cached
copy is good until the label changes. A withdrawn version's are tombstones.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from registry.exchange.ab2013 import ab2013
from registry.exchange.eu_summary import eu_summary
from registry.exchange.selectors import export_label
from registry.labels.views.label import (
    for_visitors,
    label_data_condition,
    label_page_condition,
    stamp,
)
from registry.labels.views.not_found import not_on_register
from registry.lib.pdf import html_to_pdf

# The AB 2013 page shows this many datasets in full, the largest first, and lists the rest in a
# table; the JSON holds the twelve items of every one.
AB2013_IN_FULL = 25
# The PDF shows this many items of a list (a crawl's domains: `eu_summary.PDF_DOMAINS`); the
# page folds away those beyond PAGE_ITEMS.
PDF_ITEMS = 25
PAGE_ITEMS = 25
# A rendered PDF is kept this long, under the label's ETag: a changed label gets a new one.
PDF_SECONDS = 24 * 60 * 60


def links(label: dict[str, Any], site_url: str = "") -> dict[str, str]:
    """The summaries' and the label's addresses; in full (`site_url`) for a PDF."""
    number, version = label["model"]["registration_number"], label["version"]
    latest = label["versions"][0]["version"] if label.get("versions") else version
    here = {
        "label": reverse("labels:model-version", args=[number, version]),
        "label_json": reverse("labels:model-version-json", args=[number, version]),
        "current_label": reverse("labels:model", args=[number]),
        "provider": reverse("labels:provider", args=[label["provider"]["registration_number"]]),
        "eu_summary": reverse("exchange:eu-summary", args=[number, version]),
        "eu_summary_pdf": reverse("exchange:eu-summary-pdf", args=[number, version]),
        "ab2013": reverse("exchange:ab-2013", args=[number, version]),
        "ab2013_json": reverse("exchange:ab-2013-json", args=[number, version]),
        "latest_eu_summary": reverse("exchange:eu-summary", args=[number, latest]),
        "latest_ab2013": reverse("exchange:ab-2013", args=[number, latest]),
    }
    return {name: site_url + path for name, path in here.items()}


# --- The EU AI Office's public summary


@require_safe
@label_page_condition
def eu_summary_page(request: HttpRequest, registration_number: str, version: int):
    """The summary in the template's numbered sections."""

    def render_page() -> HttpResponse:
        label = export_label(registration_number, version)
        if label is None:
            return not_on_register(request, "model", registration_number)
        context = {"summary": eu_summary(label), "links": links(label), "limit": PAGE_ITEMS}
        return render(request, "exchange/eu_summary.html", context)

    return for_visitors(request, registration_number, version, render_page)


@require_safe
@label_data_condition
def eu_summary_pdf(request: HttpRequest, registration_number: str, version: int):
    """The summary as a tagged PDF, rendered on the first request for each state of the label
    (its ETag) and kept for a day."""
    found = stamp(request, registration_number, version)  # read already, for the ETag
    if found is None:
        raise Http404("Not on the register")
    key = f"exchange-eu-summary-pdf:{registration_number}:{version}:{found['etag']}"
    content = cache.get(key)
    if content is None:
        label = export_label(registration_number, version)
        if label is None:
            raise Http404("Not on the register")
        content = eu_summary_as_pdf(label)
        cache.set(key, content, PDF_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{registration_number}-v{version}-eu-summary.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def eu_summary_as_pdf(label: dict[str, Any]) -> bytes:
    """Render the summary, or its tombstone, with its own print template."""
    summary = eu_summary(label)
    model = summary["model"]
    context = {
        "summary": summary,
        "links": links(label, settings.SITE_URL),
        "site_url": settings.SITE_URL,
        "limit": PDF_ITEMS,
    }
    html = render_to_string("exchange/eu_summary_pdf.html", context)
    what = (
        "withdrawn" if summary["kind"] == "tombstone" else "EU public summary of training content"
    )
    title = f"{model['name']} {model['version']} ({model['registration_number']}): {what}"
    return html_to_pdf(html, title=title).content


# --- California AB 2013


@require_safe
@label_page_condition
def ab2013_page(request: HttpRequest, registration_number: str, version: int):
    """The system's items, then each dataset's twelve: the largest in full, a table of the rest."""

    def render_page() -> HttpResponse:
        label = export_label(registration_number, version)
        if label is None:
            return not_on_register(request, "model", registration_number)
        document = ab2013(label)
        context: dict[str, Any] = {"document": document, "links": links(label)}
        if document["kind"] != "tombstone":
            named = [d for d in document["datasets"] if d["kind"] == "dataset"]
            withheld = [d for d in document["datasets"] if d["kind"] != "dataset"]
            context |= {
                "in_full": named[:AB2013_IN_FULL] + withheld,
                "rest": named[AB2013_IN_FULL:],
            }
        return render(request, "exchange/ab2013.html", context)

    return for_visitors(request, registration_number, version, render_page)


@require_safe
@label_data_condition
def ab2013_json(request: HttpRequest, registration_number: str, version: int) -> HttpResponse:
    """The documentation as JSON, compact as the label's own, the same bytes for the same
    label."""
    label = export_label(registration_number, version)
    if label is None:
        raise Http404("Not on the register")
    body = json.dumps(
        ab2013(label), cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    )
    response = HttpResponse(body.encode(), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
