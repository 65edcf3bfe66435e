from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from csp.decorators import csp_update
from django.http import HttpResponseBase
from django.template.loader import get_template
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from registry.api.views import filing_json_schema, not_found

app_name = "api"


def swagger_ui_style_hash() -> str:
    """The CSP source for the one inline `<style>` of drf-spectacular's Swagger UI page.

    Swagger UI itself needs no exception (its styles are a file, and it sets element styles
    through the DOM, which CSP allows), but the page's template carries three lines of inline
    CSS. Allowing their hash, on this page only, admits exactly those lines and nothing else;
    it is read from the installed template so that an upgrade can't silently break the page.
    """
    template = get_template(SpectacularSwaggerSplitView.template_name)
    source = template.template.source  # type: ignore[attr-defined]  # Django's own engine
    style = re.search(r"<style>(.*?)</style>", source, re.DOTALL)
    if style is None:
        return ""
    digest = hashlib.sha256(style.group(1).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def with_swagger_ui_style_allowed(view: Callable[..., HttpResponseBase]) -> Callable:
    style_hash = swagger_ui_style_hash()
    return csp_update({"style-src": [style_hash]})(view) if style_hash else view


urlpatterns = [
    path("v1/", include(("registry.api.v1.urls", "v1"))),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/schema/<slug:name>.json", filing_json_schema, name="filing-schema"),
    path(
        "v1/docs/",
        with_swagger_ui_style_allowed(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    # Last: whatever else is asked for under /api/ is answered as the API answers, in problem+json.
    re_path(r"", not_found),
]
