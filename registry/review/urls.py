from django.urls import path

from registry.review.views import case, queue, register

app_name = "review"

CASE = "cases/<int:case_id>/"

urlpatterns = [
    # The queue
    path("", queue.queue, name="console"),
    path("my-cases/", queue.my_cases, name="my-cases"),
    # A case, and what a regulator does on it (each a POST that comes back to the case)
    path(CASE, case.case_detail, name="case"),
    path(CASE + "assign/", case.case_assign, name="case-assign"),
    path(CASE + "decide/", case.case_decide, name="case-decide"),
    path(CASE + "findings/", case.finding_add, name="finding-add"),
    path(CASE + "findings/<int:finding_id>/remove/", case.finding_remove, name="finding-remove"),
    path(CASE + "notes/", case.note_add, name="note-add"),
    path(
        CASE + "sources/<int:source_id>/confidentiality/",
        case.confidentiality_rule,
        name="confidentiality-rule",
    ),
    # Re-declaration and the register
    path("re-declaration/", register.redeclaration, name="redeclaration"),
    path("providers/", register.providers, name="providers"),
    path("providers/<int:provider_id>/", register.provider, name="provider"),
    path("models/", register.models, name="models"),
    path("models/<int:model_id>/", register.model, name="model"),
    path("search/", register.search, name="search"),
]
