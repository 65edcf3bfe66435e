from django.urls import path

from registry.review import views

app_name = "review"

CASE = "cases/<int:case_id>/"

urlpatterns = [
    # The queue
    path("", views.queue, name="console"),
    path("my-cases/", views.my_cases, name="my-cases"),
    # A case, and what a regulator does on it (each a POST that comes back to the case)
    path(CASE, views.case_detail, name="case"),
    path(CASE + "assign/", views.case_assign, name="case-assign"),
    path(CASE + "decide/", views.case_decide, name="case-decide"),
    path(CASE + "findings/", views.finding_add, name="finding-add"),
    path(CASE + "findings/<int:finding_id>/remove/", views.finding_remove, name="finding-remove"),
    path(CASE + "notes/", views.note_add, name="note-add"),
    path(
        CASE + "sources/<int:source_id>/confidentiality/",
        views.confidentiality_rule,
        name="confidentiality-rule",
    ),
    # Re-declaration and the register
    path("re-declaration/", views.redeclaration, name="redeclaration"),
    path("providers/", views.providers, name="providers"),
    path("providers/<int:provider_id>/", views.provider, name="provider"),
    path("models/", views.models, name="models"),
    path("models/<int:model_id>/", views.model, name="model"),
    path("search/", views.search, name="search"),
]
