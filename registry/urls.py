from django.contrib import admin
from django.urls import include, path

from registry import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("registry.accounts.urls")),
    path("", include("registry.providers.urls")),
    path("", include("registry.declarations.urls")),
    # Before the labels: their last routes answer any other address under a model's.
    path("", include("registry.exchange.urls")),
    path("register/", include("registry.labels.urls")),
    path("", include("registry.transparency.urls")),
    path("console/", include("registry.review.urls")),
    path("inbox/", include("registry.notifications.urls")),
    path("api/", include("registry.api.urls")),
    path("", include("registry.service.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "registry.views.not_found"
handler500 = "registry.views.server_error"
