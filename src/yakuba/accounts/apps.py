from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yakuba.accounts"
    label = "accounts"
    verbose_name = "組織と利用者"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from yakuba.accounts import grants
        from yakuba.accounts.actions.factor import forget_failures

        grants.connect()
        user_logged_in.connect(forget_failures, dispatch_uid="yakuba.accounts.forget_failures")
