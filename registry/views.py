"""Pages that belong to the service as a whole."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from kombu import Connection

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "home.html")


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not_configured"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1)
        return "ok"
    except Exception:
        logger.exception("Health check: broker unreachable")
        return "unreachable"


@never_cache
def healthz(request):
    """Report whether the database and broker answer; 503 when the database doesn't."""
    database_ok = database_reachable()
    broker = broker_state()
    healthy = database_ok and broker != "unreachable"
    body = {
        "status": "ok" if healthy else ("degraded" if database_ok else "unavailable"),
        "database": "ok" if database_ok else "unreachable",
        "broker": broker,
    }
    return JsonResponse(body, status=200 if database_ok else 503)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
