from django.urls import path, register_converter

from registry.labels.views import label, open_data, register


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
    path("providers/<prv:registration_number>/", register.provider_page, name="provider"),
    path("data/", open_data.open_data, name="open-data"),
    path("data/<int:export_id>/", open_data.open_data_file, name="open-data-file"),
]
