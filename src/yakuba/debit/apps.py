from django.apps import AppConfig


class DebitConfig(AppConfig):
    name = "yakuba.debit"
    label = "debit"
    verbose_name = "上下水道料金の口座振替"

    def ready(self) -> None:
        from yakuba.debit import exporters, jobs  # noqa: F401
