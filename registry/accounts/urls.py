from django.urls import path
from django.views.generic import TemplateView

from registry.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/home/", views.home, name="home"),
    path("account/create/", views.account_create, name="create"),
    path("account/sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("account/sign-out/", views.sign_out, name="sign-out"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "account/password-reset/sent/",
        TemplateView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "account/password-reset/complete/",
        TemplateView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("account/confirm-email/<str:token>/", views.email_verify, name="email-verify"),
    path("account/email-confirmed/", views.email_confirmed, name="email-confirmed"),
    path(
        "account/send-email-link/",
        views.email_verification_send,
        name="email-verification-send",
    ),
    path("account/set-up/<str:token>/", views.set_up, name="set-up"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("account/two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("account/two-factor/backup-codes/", views.backup_codes_replace, name="backup-codes"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("organisation/members/invite/", views.invite, name="invite"),
    path("organisation/members/<int:membership_id>/role/", views.member_role, name="member-role"),
    path(
        "organisation/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        "organisation/invitations/<int:invitation_id>/withdraw/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("organisation/api-keys/", views.api_keys, name="api-keys"),
    path("organisation/api-keys/new/", views.api_key_create, name="api-key-new"),
    path(
        "organisation/api-keys/<int:key_id>/revoke/",
        views.api_key_revoke,
        name="api-key-revoke",
    ),
]
