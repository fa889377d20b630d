from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "yakuba.intake"
    label = "intake"
    verbose_name = "入園申請データ入力(委託先)"

    def ready(self) -> None:
        from yakuba.intake import exporters, jobs  # noqa: F401
