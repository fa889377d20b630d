from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "yakuba.exports"
    label = "exports"
    verbose_name = "出力(持ち出し)管理"
