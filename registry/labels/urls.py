from django.urls import path, re_path, register_converter

from registry.labels.views import (
    compare,
    guide,
    label,
    not_found,
    open_data,
    register,
    statistics,
)


class ModelNumber:
    regex = "MOD-[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ProviderNumber(ModelNumber):
    regex = "PRV-[0-9]{6}"


register_converter(ModelNumber, "mod")
register_converter(ProviderNumber, "prv")

app_name = "labels"

urlpatterns = [
    path("", register.register, name="register"),
    path("what-the-label-means/", guide.guide, name="guide"),
    path("compare/", compare.compare, name="compare"),
    path("models/<mod:registration_number>/", label.model_page, name="model"),
    path("models/<mod:registration_number>.json", label.model_json, name="model-json"),
    path("models/<mod:registration_number>/badge.svg", label.model_badge, name="model-badge"),
    path(
        "models/<mod:registration_number>/v/<int:version>/",
        label.model_version_page,
        name="model-version",
    ),
    path(
        "models/<mod:registration_number>/v/<int:version>.json",
        label.model_version_json,
        name="model-version-json",
    ),
    path(
        "models/<mod:registration_number>/v/<int:version>.pdf",
        label.model_version_pdf,
        name="model-version-pdf",
    ),
    path("providers/", register.providers, name="providers"),
    path("providers/<prv:registration_number>/", register.provider_page, name="provider"),
    path("data/", open_data.open_data, name="open-data"),
    path("data/<int:export_id>/", open_data.open_data_file, name="open-data-file"),
    path("data/dictionary/", open_data.data_dictionary, name="data-dictionary"),
    path("numbers/", statistics.statistics, name="statistics"),
    # After every other route: a number not on the register, or not a number at all, gets a page
    # saying so (404) rather than a generic one. Each needs the slash, so a number typed without
    # one is first sent to its page by APPEND_SLASH.
    re_path(r"^models/(?P<asked_for>[^/]+)/", not_found.model_not_found),
    re_path(r"^providers/(?P<asked_for>[^/]+)/", not_found.provider_not_found),
]
