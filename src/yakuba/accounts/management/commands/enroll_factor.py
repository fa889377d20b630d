"""`yakuba manage enroll_factor USERNAME`: a new TOTP device for a user whose role needs one,
from the shell — for the first administrator, or an administrator who lost the phone when no other
administrator can enroll one on 「二段階認証の端末の登録」. The secret is printed once; the old
device stops working; audited as ``account.factor.enrolled`` (via shell)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yakuba.accounts.actions.factor import check_enroll
from yakuba.accounts.errors import AccountsError
from yakuba.accounts.management.commands._factor import enroll_and_show
from yakuba.accounts.models import User


class Command(BaseCommand):
    help = "二段階認証(TOTP)の端末を登録し、秘密鍵を一度だけ表示する / enroll a TOTP device, print its secret once"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).prefetch_related("role_grants").first()
        if user is None:
            raise CommandError(f"利用者がいません (no such user): {username}")
        if not user.is_active:
            raise CommandError(f"無効な利用者です (inactive user): {username}")
        try:
            check_enroll(user)
        except AccountsError as exc:
            raise CommandError(f"{exc.one_line()}: {username}") from None
        enroll_and_show(self, user)
