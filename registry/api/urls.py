from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

app_name = "api"

urlpatterns = [
    path("v1/", include(("registry.api.v1.urls", "v1"))),
    path("v1/schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
