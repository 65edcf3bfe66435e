"""The pages every GOV.UK service has, and the feedback form the phase banner links to."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from registry.lib.problems import ProblemsError, add_problems_to_form
from registry.service import selectors, services
from registry.service.forms import FeedbackForm


def contact_details() -> dict[str, str]:
    return {
        "contact_email": settings.REGISTER_CONTACT_EMAIL,
        "data_protection_email": settings.REGISTER_DATA_PROTECTION_EMAIL,
    }


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "service/accessibility.html", contact_details())


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {
        **contact_details(),
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "invitation_days": settings.INVITATION_VALID_DAYS,
        "feedback_limit": settings.FEEDBACK_LIMIT_PER_HOUR,
    }
    return render(request, "service/privacy.html", context)


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "service/cookies.html", {"cookies": selectors.service_cookies()})


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "service/contact.html", contact_details())


@require_safe
def terms_of_use(request: HttpRequest) -> HttpResponse:
    context = {
        **contact_details(),
        "rate_limits": selectors.api_rate_limits(),
        "api_max_body_bytes": settings.API_MAX_BODY_BYTES,
    }
    return render(request, "service/terms.html", context)


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """Ask what the visitor was trying to do and how to improve; keep the answers."""
    if request.method == "GET":
        form = FeedbackForm(initial={"page": request.GET.get("from", "")})
        return render(request, "service/feedback.html", {"form": form})
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_submit(
                trying_to_do=form.cleaned_data["trying_to_do"],
                how_to_improve=form.cleaned_data["how_to_improve"],
                page=form.cleaned_data["page"],
                client_address=get_client_ip_address(request) or "unknown",
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
            return render(request, "service/feedback.html", {"form": form}, status=429)
        return redirect("service:feedback-sent")
    return render(request, "service/feedback.html", {"form": form})


@require_safe
def feedback_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "service/feedback_sent.html", contact_details())
