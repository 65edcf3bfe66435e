from django.contrib.admin.apps import AdminConfig


class RegisterAdminConfig(AdminConfig):
    """The Django admin, behind two-factor authentication."""

    default_site = "registry.admin_site.RegisterAdminSite"
