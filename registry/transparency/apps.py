from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "registry.transparency"
    label = "transparency"
    verbose_name = "Transparency log"

    def ready(self) -> None:
        """Append a leaf to the log for each publishing act of either kind of filing."""
        from registry.declarations.services import DECLARATION
        from registry.providers.services import OWNERSHIP
        from registry.transparency import checks, services

        del checks  # registered on import

        for spec in (DECLARATION, OWNERSHIP):
            if services.filing_published not in spec.transition_hooks:
                spec.transition_hooks.append(services.filing_published)
