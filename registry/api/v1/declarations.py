"""API v1: declarations endpoints (being built)."""

from __future__ import annotations

urlpatterns: list = []
