"""The queue: every case awaiting the regulator, and the cases assigned to the person looking."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from registry.accounts.access import regulator_required
from registry.notifications.selectors import latest_notifications
from registry.review import selectors
from registry.review.access import (
    RegulatorRequest,
)
from registry.review.forms import (
    QueueFilterForm,
)
from registry.review.views.caseload import caseload_context, tickable_rows
from registry.review.views.common import page


@regulator_required
@require_GET
def queue(request: RegulatorRequest) -> HttpResponse:
    """Every case awaiting the regulator (or sent back for changes), filtered and sorted."""
    return show_queue(request, section="queue", mine=False)


@regulator_required
@require_GET
def my_cases(request: RegulatorRequest) -> HttpResponse:
    """The queue, of the cases assigned to the person looking."""
    return show_queue(request, section="my-cases", mine=True)


def show_queue(request: RegulatorRequest, *, section: str, mine: bool) -> HttpResponse:
    staff = list(selectors.regulator_staff())
    filter_form = QueueFilterForm(request.GET, staff=staff)
    filters = filter_form.filters()
    if mine:
        filters = replace(filters, assignee="me")
    today = timezone.localdate()
    context = selectors.queue_page(filters, request.user, today, request.GET.get("page"))
    context |= caseload_context(request, section if mine else "console", staff)
    context["tickable_rows"] = tickable_rows(context["rows"], context["bulk_form"])
    context |= {"filter_form": filter_form, "filters": filters, "section": section, "mine": mine}
    if not mine:  # the console's home page
        context["latest_notifications"] = latest_notifications(request.user)
    return page(request, "queue", context)
