from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "yakuba.jobs"
    label = "jobs"
    verbose_name = "バックグラウンド処理"

    def ready(self) -> None:
        from yakuba.jobs import registry  # noqa: F401
