"""Refuse an API request body over the limit with a clear 413, before anything reads it."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse

from registry.api.errors import PROBLEM_JSON, TITLES


class ApiBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and self.too_large(request):
            return self.refusal()
        return self.get_response(request)

    def too_large(self, request) -> bool:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > settings.API_MAX_BODY_BYTES

    def refusal(self) -> HttpResponse:
        limit = settings.API_MAX_BODY_BYTES
        body = {
            "type": "about:blank",
            "title": TITLES[413],
            "status": 413,
            "detail": f"The request body is larger than the {limit:,} bytes the API accepts",
            "code": "body_too_large",
            "problems": [],
        }
        return HttpResponse(json.dumps(body), status=413, content_type=PROBLEM_JSON)
