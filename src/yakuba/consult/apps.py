from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "yakuba.consult"
    label = "consult"
    verbose_name = "基幹福祉相談センターの相談記録"

    def ready(self) -> None:
        from yakuba.consult import exporters  # noqa: F401
