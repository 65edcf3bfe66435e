from django.urls import path

from registry.declarations.views import (
    declarations,
    general,
    models,
    red_teaming,
    replies,
    sources,
    submission,
    supply_chain,
    uploads,
)

app_name = "declarations"

DECLARATION = "declarations/<int:declaration_id>/"

urlpatterns = [
    # Models and lineage
    path("models/", models.model_list, name="models"),
    path("models/new/", models.model_new, name="model-new"),
    path("models/<int:model_id>/", models.model_detail, name="model"),
    path("models/<int:model_id>/edit/", models.model_edit, name="model-edit"),
    path("models/<int:model_id>/lineage/add/", models.dependency_add, name="dependency-add"),
    path(
        "models/<int:model_id>/lineage/<int:dependency_id>/remove/",
        models.dependency_remove,
        name="dependency-remove",
    ),
    path(
        "models/<int:model_id>/declarations/new/",
        declarations.declaration_start,
        name="declaration-start",
    ),
    # A declaration: the task list (or, once submitted, the read view) and its pages
    path(DECLARATION, declarations.declaration_detail, name="declaration"),
    # A reply to the regulator's finding, on a declaration or an ownership statement
    path("findings/<int:finding_id>/reply/", replies.finding_reply, name="finding-reply"),
    path(DECLARATION + "discard/", declarations.declaration_discard, name="discard"),
    path(DECLARATION + "general/", general.general, name="general"),
    path(DECLARATION + "sources/", sources.source_list, name="sources"),
    path(DECLARATION + "sources/add/", sources.source_add, name="source-add"),
    path(DECLARATION + "sources/upload/", uploads.sources_upload, name="sources-upload"),
    path(
        DECLARATION + "sources/upload/report/",
        uploads.sources_upload_report,
        name="sources-upload-report",
    ),
    path(
        DECLARATION + "sources/upload/report.csv",
        uploads.sources_upload_report_csv,
        name="sources-upload-report-csv",
    ),
    path(DECLARATION + "sources/<int:source_id>/", sources.source_edit, name="source-edit"),
    # A source's question pages: the kind of source decides which of them it is asked
    *(
        path(
            DECLARATION + f"sources/<int:source_id>/{slug}/",
            sources.source_page,
            {"url_name": name},
            name=name,
        )
        for slug, name in (
            ("kind", "source-kind"),
            ("about", "source-about"),
            ("size", "source-size"),
            ("rights", "source-rights"),
            ("personal-data", "source-personal"),
            ("dates", "source-dates"),
            ("crawler", "source-crawler"),
            ("generators", "source-generators"),
            ("confidentiality", "source-confidentiality"),
        )
    ),
    path(
        DECLARATION + "sources/<int:source_id>/top-domains/",
        sources.source_domains,
        name="source-domains",
    ),
    path(
        DECLARATION + "sources/<int:source_id>/remove/", sources.source_remove, name="source-remove"
    ),
    path("declarations/sources-template.csv", uploads.sources_template, name="sources-template"),
    path(
        "declarations/sources-template.xlsx",
        uploads.sources_template_xlsx,
        name="sources-template-xlsx",
    ),
    path("declarations/sources-dictionary/", uploads.sources_dictionary, name="sources-dictionary"),
    path(DECLARATION + "supply-chain/", supply_chain.party_list, name="parties"),
    path(DECLARATION + "supply-chain/add/", supply_chain.party_add, name="party-add"),
    path(DECLARATION + "supply-chain/<int:party_id>/", supply_chain.party_edit, name="party-edit"),
    path(
        DECLARATION + "supply-chain/<int:party_id>/remove/",
        supply_chain.party_remove,
        name="party-remove",
    ),
    path(DECLARATION + "red-teaming/", red_teaming.attestation_list, name="attestations"),
    path(DECLARATION + "red-teaming/add/", red_teaming.attestation_add, name="attestation-add"),
    path(
        DECLARATION + "red-teaming/<int:attestation_id>/",
        red_teaming.attestation_edit,
        name="attestation-edit",
    ),
    path(
        DECLARATION + "red-teaming/<int:attestation_id>/remove/",
        red_teaming.attestation_remove,
        name="attestation-remove",
    ),
    path(
        DECLARATION + "red-teaming/<int:attestation_id>/report/",
        red_teaming.attestation_report,
        name="attestation-report",
    ),
    path(DECLARATION + "statement-of-truth/", submission.statement, name="statement"),
    path(DECLARATION + "check/", submission.check, name="check"),
    path(DECLARATION + "submitted/", submission.submitted, name="submitted"),
    path(DECLARATION + "withdraw/", submission.withdraw, name="withdraw"),
    path(DECLARATION + "withdrawn/", submission.withdrawn, name="withdrawn"),
]
