"""API v1: ownership endpoints (being built)."""

from __future__ import annotations

urlpatterns: list = []
