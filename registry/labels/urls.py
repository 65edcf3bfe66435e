from django.urls import path, register_converter

from registry.labels import views


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
    path("", views.register, name="register"),
    path("models/<mod:registration_number>/", views.model_page, name="model"),
    path("models/<mod:registration_number>.json", views.model_json, name="model-json"),
    path("models/<mod:registration_number>/badge.svg", views.model_badge, name="model-badge"),
    path(
        "models/<mod:registration_number>/v/<int:version>/",
        views.model_version_page,
        name="model-version",
    ),
    path(
        "models/<mod:registration_number>/v/<int:version>.json",
        views.model_version_json,
        name="model-version-json",
    ),
    path(
        "models/<mod:registration_number>/v/<int:version>.pdf",
        views.model_version_pdf,
        name="model-version-pdf",
    ),
    path("providers/<prv:registration_number>/", views.provider_page, name="provider"),
    path("data/", views.open_data, name="open-data"),
    path("data/<int:export_id>/", views.open_data_file, name="open-data-file"),
]
