from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "yakuba.handover"
    label = "handover"
    verbose_name = "組織間の受け渡し"
