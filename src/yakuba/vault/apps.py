from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "yakuba.vault"
    label = "vault"
    verbose_name = "暗号化ファイルと消去証明"
