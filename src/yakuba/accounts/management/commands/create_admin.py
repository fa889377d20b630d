"""`yakuba manage create_admin USERNAME`: the installation's administrator, ready to sign in.

Makes the user (role 管理者, Django admin rights), sets its password — asked twice on the
terminal, or read from the environment variable named by ``--password-env`` — checked by the
password rules, and enrolls its second factor (the TOTP secret printed once). The first
administrator of an installation needs nobody (``bootstrap``); when an active administrator
already exists, the role waits for that second person on 「役割の付与の承認」, as every grant
does. Every step is an audit entry (yakuba.accounts.grants)."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yakuba.accounts.management.commands._factor import enroll_and_show
from yakuba.accounts.models import Organisation, RoleGrant, User
from yakuba.accounts.roles import Role


class Command(BaseCommand):
    help = "管理者を作成し、二段階認証の端末を登録する / create the administrator and enroll its TOTP device"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--organisation", metavar="CODE", help="所属する組織のコード(省略可)")
        parser.add_argument("--password-env", metavar="VAR", help="パスワードを読む環境変数 (default: ask twice)")

    def _password(self, options: dict[str, Any]) -> str:
        if options.get("password_env"):
            value = os.environ.get(options["password_env"], "")
            if not value:
                raise CommandError(f"環境変数 {options['password_env']} にパスワードがありません。")
            return value
        if not sys.stdin.isatty():
            raise CommandError("パスワードを尋ねる端末がありません。--password-env VAR で渡してください。")
        first = getpass.getpass("パスワード: ")
        if getpass.getpass("もう一度: ") != first:
            raise CommandError("パスワードが一致しません。")
        return first

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"その利用者はすでにいます (user exists): {username}")
        org = None
        if options.get("organisation"):
            org = Organisation.objects.filter(code=options["organisation"]).first()
            if org is None:
                raise CommandError(f"組織がありません (no such organisation): {options['organisation']}")
        password = self._password(options)
        user = User(username=username, role=Role.ADMIN, organisation=org, is_staff=True, is_superuser=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("パスワードが規則に合いません: " + " ".join(exc.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            enroll_and_show(self, user)
        if user.role_grants.filter(status=RoleGrant.Status.PENDING).exists():
            self.stdout.write("管理者の役割は、別の管理者が「役割の付与の承認」で承認するまで有効になりません。")
