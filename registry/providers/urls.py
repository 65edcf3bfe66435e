from django.urls import path

from registry.providers import views

app_name = "providers"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/register/", views.register, name="register"),
    path("organisation/edit/", views.organisation_edit, name="organisation-edit"),
]
