from django.urls import path, re_path

from registry.transparency import views

app_name = "transparency"

urlpatterns = [
    path("log/", views.log_page, name="log"),
    path("log/checkpoint", views.checkpoint, name="checkpoint"),
    path("log/key", views.log_key, name="key"),
    path("log/cosignature", views.cosignature, name="cosignature"),
    re_path(r"^log/(?P<path>tile/.+)$", views.tile, name="tile"),
    path("verify/", views.verify, name="verify"),
]
