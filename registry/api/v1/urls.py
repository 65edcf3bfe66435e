from django.urls import path

from registry.api.v1 import declarations, findings, imports, ownership, public, views

urlpatterns = [
    path("models/", views.ModelListApi.as_view(), name="models"),
    path("models/<int:model_id>/", views.ModelDetailApi.as_view(), name="model"),
    path("models/<int:model_id>/lineage/", views.LineageApi.as_view(), name="lineage"),
    path(
        "models/<int:model_id>/lineage/<int:dependency_id>/",
        views.LineageItemApi.as_view(),
        name="lineage-item",
    ),
    *declarations.urlpatterns,
    *imports.urlpatterns,
    *ownership.urlpatterns,
    *findings.urlpatterns,
    *public.urlpatterns,
]
