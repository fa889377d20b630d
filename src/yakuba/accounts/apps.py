from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yakuba.accounts"
    label = "accounts"
    verbose_name = "組織と利用者"
