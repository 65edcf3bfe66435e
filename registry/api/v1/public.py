"""API v1: public endpoints (being built)."""

from __future__ import annotations

urlpatterns: list = []
