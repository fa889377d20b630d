from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "yakuba.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from yakuba.audit import jobs, signals  # noqa: F401
