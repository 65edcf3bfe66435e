from django.urls import path

from registry.declarations import views

app_name = "declarations"

DECLARATION = "declarations/<int:declaration_id>/"

urlpatterns = [
    # Models and lineage
    path("models/", views.model_list, name="models"),
    path("models/new/", views.model_new, name="model-new"),
    path("models/<int:model_id>/", views.model_detail, name="model"),
    path("models/<int:model_id>/edit/", views.model_edit, name="model-edit"),
    path("models/<int:model_id>/lineage/add/", views.dependency_add, name="dependency-add"),
    path(
        "models/<int:model_id>/lineage/<int:dependency_id>/remove/",
        views.dependency_remove,
        name="dependency-remove",
    ),
    path(
        "models/<int:model_id>/declarations/new/",
        views.declaration_start,
        name="declaration-start",
    ),
    # A declaration: the task list (or, once submitted, the read view) and its pages
    path(DECLARATION, views.declaration_detail, name="declaration"),
    path(DECLARATION + "discard/", views.declaration_discard, name="discard"),
    path(DECLARATION + "general/", views.general, name="general"),
    path(DECLARATION + "sources/", views.source_list, name="sources"),
    path(DECLARATION + "sources/add/", views.source_add, name="source-add"),
    path(DECLARATION + "sources/upload/", views.sources_upload, name="sources-upload"),
    path(DECLARATION + "sources/<int:source_id>/", views.source_edit, name="source-edit"),
    path(
        DECLARATION + "sources/<int:source_id>/top-domains/",
        views.source_domains,
        name="source-domains",
    ),
    path(
        DECLARATION + "sources/<int:source_id>/remove/", views.source_remove, name="source-remove"
    ),
    path("declarations/sources-template.csv", views.sources_template, name="sources-template"),
    path(DECLARATION + "supply-chain/", views.party_list, name="parties"),
    path(DECLARATION + "supply-chain/add/", views.party_add, name="party-add"),
    path(DECLARATION + "supply-chain/<int:party_id>/", views.party_edit, name="party-edit"),
    path(
        DECLARATION + "supply-chain/<int:party_id>/remove/",
        views.party_remove,
        name="party-remove",
    ),
    path(DECLARATION + "red-teaming/", views.attestation_list, name="attestations"),
    path(DECLARATION + "red-teaming/add/", views.attestation_add, name="attestation-add"),
    path(
        DECLARATION + "red-teaming/<int:attestation_id>/",
        views.attestation_edit,
        name="attestation-edit",
    ),
    path(
        DECLARATION + "red-teaming/<int:attestation_id>/remove/",
        views.attestation_remove,
        name="attestation-remove",
    ),
    path(
        DECLARATION + "red-teaming/<int:attestation_id>/report/",
        views.attestation_report,
        name="attestation-report",
    ),
    path(DECLARATION + "statement-of-truth/", views.statement, name="statement"),
    path(DECLARATION + "check/", views.check, name="check"),
    path(DECLARATION + "submitted/", views.submitted, name="submitted"),
    path(DECLARATION + "withdraw/", views.withdraw, name="withdraw"),
    path(DECLARATION + "withdrawn/", views.withdrawn, name="withdrawn"),
]
