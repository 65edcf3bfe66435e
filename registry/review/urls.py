from django.urls import path

from registry.review.views import case, caseload, decisions, extraction, overview, queue, register

app_name = "review"

CASE = "cases/<int:case_id>/"

urlpatterns = [
    # The queue
    path("", queue.queue, name="console"),
    path("my-cases/", queue.my_cases, name="my-cases"),
    path("overview/", overview.overview_page, name="overview"),
    path("export.csv", caseload.queue_export, name="queue-export"),
    path("assign/", caseload.bulk_assign, name="bulk-assign"),
    path("decided/", caseload.decided, name="decided"),
    path("decided/export.csv", caseload.decided_export, name="decided-export"),
    path("saved-filters/", caseload.saved_filter_add, name="saved-filter-add"),
    path(
        "saved-filters/<int:saved_filter_id>/delete/",
        caseload.saved_filter_delete,
        name="saved-filter-delete",
    ),
    # A case, and what a regulator does on it (each a POST that comes back to the case)
    path(CASE, case.case_detail, name="case"),
    path(CASE + "assign/", case.case_assign, name="case-assign"),
    path(CASE + "decide/", decisions.case_decide, name="case-decide"),
    path(CASE + "accept/", decisions.decision_confirm, {"action": "accept"}, name="case-accept"),
    path(CASE + "reject/", decisions.decision_confirm, {"action": "reject"}, name="case-reject"),
    path(
        CASE + "request-changes/",
        decisions.decision_confirm,
        {"action": "request_changes"},
        name="case-request-changes",
    ),
    path(CASE + "filing/", case.case_filing, name="case-filing"),
    path(CASE + "changes/", case.case_changes, name="case-changes"),
    path(CASE + "findings/", case.case_findings, name="case-findings"),
    path(CASE + "timeline/", case.case_timeline, name="case-timeline"),
    path(CASE + "findings/new/", case.finding_add, name="finding-add"),
    path(CASE + "findings/<int:finding_id>/remove/", case.finding_remove, name="finding-remove"),
    path(
        CASE + "findings/<int:finding_id>/conclude/",
        case.finding_conclude,
        name="finding-conclude",
    ),
    path(CASE + "notes/", case.note_add, name="note-add"),
    path(
        CASE + "sources/<int:source_id>/confidentiality/",
        case.confidentiality_rule,
        name="confidentiality-rule",
    ),
    # Re-declaration and the register
    path("re-declaration/", register.redeclaration, name="redeclaration"),
    path("providers/", register.providers, name="providers"),
    path("providers/export.csv", caseload.providers_export, name="providers-export"),
    path("providers/<int:provider_id>/", register.provider, name="provider"),
    path("models/", register.models, name="models"),
    path("models/export.csv", caseload.models_export, name="models-export"),
    path("models/<int:model_id>/", register.model, name="model"),
    path("search/", register.search, name="search"),
    path("named-models/<str:name>/", extraction.named_model, name="named-model"),
    path("search/export.csv", caseload.search_export, name="search-export"),
]
