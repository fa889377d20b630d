from django.apps import AppConfig


class AdmissionConfig(AppConfig):
    name = "yakuba.admission"
    label = "admission"
    verbose_name = "保育所等の利用調整"

    def ready(self) -> None:
        from yakuba.admission import exporters, jobs  # noqa: F401
