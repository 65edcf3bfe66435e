"""The exports of each published version, beside its label under /register/models/, and the
import of a file into a provider's draft, beside its other pages under /declarations/."""

from django.urls import path

from registry.exchange.views import bom, imports, summaries
from registry.labels.urls import ModelNumber  # noqa: F401 (registers the "mod" converter)

app_name = "exchange"

VERSION = "register/models/<mod:registration_number>/v/<int:version>"

urlpatterns = [
    path(f"{VERSION}/spdx.json", bom.spdx, name="spdx"),
    path(f"{VERSION}/cyclonedx.json", bom.cyclonedx, name="cyclonedx"),
    path(f"{VERSION}/eu-summary/", summaries.eu_summary_page, name="eu-summary"),
    path(f"{VERSION}/eu-summary.pdf", summaries.eu_summary_pdf, name="eu-summary-pdf"),
    path(f"{VERSION}/ab-2013/", summaries.ab2013_page, name="ab-2013"),
    path(f"{VERSION}/ab-2013.json", summaries.ab2013_json, name="ab-2013-json"),
]

# Importing a file into a provider's draft declaration.
DECLARATION = "declarations/<int:declaration_id>"

urlpatterns += [
    path(f"{DECLARATION}/import/", imports.import_upload, name="import"),
    path(f"{DECLARATION}/import/preview/", imports.import_preview_page, name="import-preview"),
    path(f"{DECLARATION}/import/apply/", imports.import_apply_page, name="import-apply"),
]
