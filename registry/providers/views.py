from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from registry.accounts.access import member_required, owner_required
from registry.accounts.validation import problems_joining_provider
from registry.lib.codes import country_name
from registry.lib.problems import ProblemsError, add_problems_to_form
from registry.providers import selectors, services
from registry.providers.forms import ProviderDetailsForm


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """Register a provider organisation; the person registering it becomes its owner."""
    cannot_join = problems_joining_provider(request.user)
    if cannot_join:
        return render(
            request, "providers/cannot_register.html", {"problems": cannot_join}, status=403
        )
    form = ProviderDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_register(user=request.user, details=form.cleaned_data)
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            return render(request, "providers/registered.html", {"provider": provider})
    return render(request, "providers/register.html", {"form": form})


@member_required
def dashboard(request):
    membership = request.user.membership
    provider = membership.provider
    context = {
        "membership": membership,
        "provider": provider,
        "member_count": provider.memberships.count(),
        "pending_invitations": selectors.provider_pending_invitations(provider).count(),
    }
    return render(request, "providers/dashboard.html", context)


@member_required
def organisation(request):
    membership = request.user.membership
    provider = membership.provider
    context = {
        "membership": membership,
        "provider": provider,
        "country": country_name(provider.country),
        "members": selectors.provider_members(provider),
        "invitations": selectors.provider_pending_invitations(provider),
    }
    return render(request, "providers/organisation.html", context)


@owner_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request):
    provider = request.user.membership.provider
    form = ProviderDetailsForm(request.POST or None, initial=services.provider_details(provider))
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(
                actor=request.user, provider=provider, details=form.cleaned_data
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            messages.success(request, "Organisation details updated")
            return redirect("providers:organisation")
    return render(request, "providers/organisation_edit.html", {"form": form, "provider": provider})
