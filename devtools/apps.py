from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo data and benchmarks; no models. Installed only where settings.DEVTOOLS is on."""

    name = "devtools"
    verbose_name = "Development tools"
