"""A model's label: its page, JSON, badge and PDF, with the validators that let them be cached.

Anyone may read them, signed in or not; they show only what `registry.labels.selectors`
returns, which is public by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe
from rest_framework.renderers import JSONRenderer

from registry.api.v1.public import label_response
from registry.declarations.models import ProvenanceDeclaration
from registry.exchange.selectors import export_links
from registry.filings.states import PUBLISHED
from registry.labels import selectors, svg
from registry.labels.models import LabelPdf
from registry.labels.views.not_found import not_on_register
from registry.transparency.selectors import label_with_proofs

# --- Caching: ETag and Last-Modified from one query (see selectors.label_stamp)


# Visitors who aren't signed in may be shown a label up to this many seconds behind the register.
# The stamp's query is all the work of the busiest page, and a label changes only on a decision, a
# withdrawal or an edit of the model's or provider's details. Signed-in people, among them the
# provider and the regulator who made the change, always get the label as stored.
VISITOR_STAMP_SECONDS = 10


def stamp(request: HttpRequest, registration_number: str, version: int | None = None):
    """The label's validators, read once per request however many times they are asked for."""
    key = (registration_number, version)
    cached = getattr(request, "_label_stamp", None)
    if cached is None or cached[0] != key:
        cached = (key, read_stamp(request, registration_number, version))
        request._label_stamp = cached  # type: ignore[attr-defined]
    return cached[1]


def read_stamp(request: HttpRequest, registration_number: str, version: int | None):
    if request.user.is_authenticated:
        return selectors.label_stamp(registration_number, version)
    key = f"label-stamp:{registration_number}:{version}"
    found = cache.get(key)
    if found is None:
        found = selectors.label_stamp(registration_number, version)
        if found is not None:  # a model is on the register for everyone as soon as it is published
            cache.set(key, found, VISITOR_STAMP_SECONDS)
    return found


def data_etag(request, registration_number: str, version: int | None = None) -> str | None:
    found = stamp(request, registration_number, version)
    return found["etag"] if found else None


def page_etag(request, registration_number: str, version: int | None = None) -> str | None:
    """The page's ETag also depends on who asks: the navigation differs once signed in."""
    found = stamp(request, registration_number, version)
    if found is None:
        return None
    viewer = request.user.pk if request.user.is_authenticated else "anonymous"
    return f"{found['etag']}-{viewer}"


def last_modified(request, registration_number: str, version: int | None = None):
    found = stamp(request, registration_number, version)
    return found["last_modified"] if found else None


label_page_condition = condition(etag_func=page_etag, last_modified_func=last_modified)
label_data_condition = condition(etag_func=data_etag, last_modified_func=last_modified)


# --- The label


def published(registration_number: str, version: int | None = None) -> ProvenanceDeclaration:
    declaration = selectors.label_declaration(registration_number, version)
    if declaration is None:
        raise Http404("Not on the register")
    return declaration


def label_pdf_url(declaration: ProvenanceDeclaration) -> str | None:
    """Where the version's label PDF can be downloaded; None while it isn't rendered yet (the
    page never waits for it). `label_declaration` loaded the PDF's row with the declaration."""
    if not hasattr(declaration, "label_pdf"):
        return None
    number = declaration.model.registration_number
    return reverse("labels:model-version-pdf", args=[number, declaration.version])


def label_links(request: HttpRequest, declaration: ProvenanceDeclaration) -> dict[str, Any]:
    number, version = declaration.model.registration_number, declaration.version
    badge = reverse("labels:model-badge", args=[number])
    return {
        "latest": reverse("labels:model", args=[number]),
        "json": reverse("labels:model-version-json", args=[number, version]),
        "latest_json": reverse("labels:model-json", args=[number]),
        "badge": badge,
        "badge_absolute": request.build_absolute_uri(badge),
        "latest_absolute": request.build_absolute_uri(reverse("labels:model", args=[number])),
        "pdf": label_pdf_url(declaration),
        "provider": reverse(
            "labels:provider", args=[declaration.model.provider.registration_number]
        ),
        "compare": f"{reverse('labels:compare')}?models={number}",
        "exports": export_links(number or "", version),
    }


def render_label(request: HttpRequest, declaration: ProvenanceDeclaration, data: dict[str, Any]):
    template = "labels/tombstone.html" if data["kind"] == "tombstone" else "labels/model.html"
    context = {
        "label": data,
        "links": label_links(request, declaration),
        "pdf_url": label_pdf_url(declaration),
        "pdf": getattr(declaration, "label_pdf", None),
        "is_latest": data["versions"][0]["version"] == declaration.version,
    }
    return render(request, template, context)


# How long a rendered label page is kept for visitors; a changed label has a new key anyway.
LABEL_PAGE_SECONDS = 24 * 60 * 60


def for_visitors(
    request: HttpRequest,
    registration_number: str,
    version: int | None,
    render_page: Callable[[], HttpResponse],
) -> HttpResponse:
    """The page as every visitor who isn't signed in sees it, rendered once per state of the
    label (its ETag, which already counts every version, the ownership and the date): the
    register's busiest page then costs one query and a cache read. Signed-in people, whose
    navigation differs, and anyone with a message waiting get it rendered afresh."""
    found = stamp(request, registration_number, version)  # read already, for the ETag
    if found is None or request.user.is_authenticated or len(get_messages(request)):
        return render_page()
    key = f"label-page:{request.path}:{found['etag']}"
    body = cache.get(key)
    if body is None:
        response = render_page()
        cache.set(key, response.content, LABEL_PAGE_SECONDS)
        return response
    return HttpResponse(body)


@require_safe
@label_page_condition
def model_page(request: HttpRequest, registration_number: str) -> HttpResponse:
    """The label of the model's latest published version, or its tombstone if withdrawn."""

    def render_page() -> HttpResponse:
        declaration = selectors.label_declaration(registration_number)
        if declaration is None:
            return not_on_register(request, "model", registration_number)
        data = label_with_proofs(declaration, selectors.model_label(declaration))
        return render_label(request, declaration, data)

    return for_visitors(request, registration_number, None, render_page)


@require_safe
@label_page_condition
def model_version_page(request: HttpRequest, registration_number: str, version: int):
    """One published version's label; superseded and withdrawn versions stay readable."""

    def render_page() -> HttpResponse:
        declaration = selectors.label_declaration(registration_number, version)
        if declaration is None:  # an unknown model, or a version it doesn't have
            return not_on_register(request, "model", registration_number)
        data = label_with_proofs(declaration, selectors.label_data(declaration))
        return render_label(request, declaration, data)

    return for_visitors(request, registration_number, version, render_page)


def json_response(data: dict[str, Any]) -> HttpResponse:
    """The label as the public API serves it: the same serializers and renderer."""
    body = JSONRenderer().render(label_response(data).data)
    response = HttpResponse(body, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@label_data_condition
def model_json(request: HttpRequest, registration_number: str) -> HttpResponse:
    declaration = published(registration_number)
    return json_response(label_with_proofs(declaration, selectors.model_label(declaration)))


@require_safe
@label_data_condition
def model_version_json(request: HttpRequest, registration_number: str, version: int):
    declaration = published(registration_number, version)
    return json_response(label_with_proofs(declaration, selectors.label_data(declaration)))


@require_safe
@label_data_condition
def model_badge(request: HttpRequest, registration_number: str) -> HttpResponse:
    """An SVG badge for the model's own site: facts from its current label, linking to it.

    Shown on other sites, it is fetched far more often than the label changes, so it is drawn
    once per state of the label (its ETag, which counts every version, the ownership and the
    date the alerts depend on) and per address it links to; one label read draws it.
    """
    found = stamp(request, registration_number)  # read already, for the ETag
    if found is None:
        raise Http404("Not on the register")
    href = request.build_absolute_uri(reverse("labels:model", args=[registration_number]))
    key = f"label-badge:{href}:{found['etag']}"
    body = cache.get(key)
    if body is None:
        body = badge_svg(published(registration_number), href)
        cache.set(key, body, LABEL_PAGE_SECONDS)
    response = HttpResponse(body, content_type="image/svg+xml")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge_svg(declaration: ProvenanceDeclaration, href: str) -> str:
    """Draw the badge of the model's current label: its number, label version and public alerts
    by severity, or that it was withdrawn; never a word that could read as an endorsement."""
    label = selectors.model_label(declaration)
    context = {
        **svg.badge_geometry(svg.BADGE_NAME, svg.badge_facts(label)),
        "withdrawn": label["kind"] == "tombstone",
        "href": href,
        "title": svg.badge_title(label),
    }
    return render_to_string("labels/badge.svg", context)


# --- The label as a PDF, rendered once per accepted version (labels.services)


def published_pdf(registration_number: str, version: int) -> QuerySet[LabelPdf]:
    return LabelPdf.objects.filter(
        declaration__model__registration_number=registration_number,
        declaration__version=version,
        declaration__status__in=PUBLISHED,
    )


def pdf_etag(request, registration_number: str, version: int) -> str | None:
    return published_pdf(registration_number, version).values_list("sha256", flat=True).first()


@require_safe
@condition(etag_func=pdf_etag)
def model_version_pdf(request: HttpRequest, registration_number: str, version: int) -> FileResponse:
    """The PDF as stored, with its SHA-256 as ETag: it never changes once rendered."""
    label_pdf = published_pdf(registration_number, version).first()
    if label_pdf is None:
        raise Http404("No PDF of this label yet")
    response = FileResponse(
        label_pdf.file.open("rb"),
        as_attachment=True,
        filename=f"{registration_number}-v{version}.pdf",
        content_type="application/pdf",
    )
    response["Last-Modified"] = http_date(label_pdf.rendered_at.timestamp())
    response["Digest"] = f"sha-256={label_pdf.sha256}"
    return response
