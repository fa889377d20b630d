from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "yakuba.health"
    label = "health"
    verbose_name = "健康情報システム(乳幼児健診)"

    def ready(self) -> None:
        from yakuba.health import jobs  # noqa: F401
