from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


class RegisterAdminSite(admin.AdminSite):
    """The Django admin, open only to active administrators who passed two-factor authentication."""

    site_header = "AI Training Data Provenance Register: administration"
    site_title = "Register administration"
    index_title = "Administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.is_verified()

    def login(self, request, extra_context=None):
        """Send people to the service's own sign-in, then to two-factor authentication."""
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if user.is_active and user.is_staff:
            return redirect(reverse("accounts:two-factor") + "?" + urlencode({"next": next_url}))
        # Signed in but not an administrator: the admin does not exist for them.
        raise Http404
