from django.urls import path

from registry.providers import views

app_name = "providers"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/register/", views.register, name="register"),
    path("organisation/edit/", views.organisation_edit, name="organisation-edit"),
    # Ownership statements and their investment links.
    path("organisation/ownership/", views.ownership, name="ownership"),
    path("organisation/ownership/start/", views.ownership_start, name="ownership-start"),
    path("ownership/<int:statement_id>/", views.ownership_statement, name="ownership-statement"),
    path("ownership/<int:statement_id>/links/", views.ownership_links, name="ownership-links"),
    path(
        "ownership/<int:statement_id>/links/add/",
        views.ownership_link_add,
        name="ownership-link-add",
    ),
    path("ownership/links/<int:link_id>/", views.ownership_link_edit, name="ownership-link-edit"),
    path(
        "ownership/links/<int:link_id>/remove/",
        views.ownership_link_remove,
        name="ownership-link-remove",
    ),
    path(
        "ownership/<int:statement_id>/statement-of-truth/",
        views.ownership_sign,
        name="ownership-sign",
    ),
    path("ownership/<int:statement_id>/check/", views.ownership_check, name="ownership-check"),
    path(
        "ownership/<int:statement_id>/submitted/",
        views.ownership_submitted,
        name="ownership-submitted",
    ),
    path(
        "ownership/<int:statement_id>/withdraw/",
        views.ownership_withdraw,
        name="ownership-withdraw",
    ),
    path(
        "ownership/<int:statement_id>/withdrawn/",
        views.ownership_withdrawn,
        name="ownership-withdrawn",
    ),
    path(
        "ownership/<int:statement_id>/discard/",
        views.ownership_discard,
        name="ownership-discard",
    ),
]
