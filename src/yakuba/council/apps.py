from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "yakuba.council"
    label = "council"
    verbose_name = "情報公開・個人情報保護審議会"
