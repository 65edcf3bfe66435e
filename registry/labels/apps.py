from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "registry.labels"
    label = "labels"
    verbose_name = "Public register and labels"

    def ready(self) -> None:
        """Fix what each label's alerts and control verdict are when a filing is accepted."""
        from registry.declarations.services import DECLARATION
        from registry.labels import services
        from registry.providers.services import OWNERSHIP

        if services.declaration_alerts_fix not in DECLARATION.accept_hooks:
            DECLARATION.accept_hooks.append(services.declaration_alerts_fix)
        if services.ownership_control_fix not in OWNERSHIP.accept_hooks:
            OWNERSHIP.accept_hooks.append(services.ownership_control_fix)
