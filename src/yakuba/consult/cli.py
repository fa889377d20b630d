"""`yakuba consult erase-expired|escalate|record-disposal`: the centre's retention and disposal
from the command line (cron, or by hand).

- ``erase-expired --as USER [--dry-run]``: every closed case past the city's period
  (city.toml ``[consult] retention_years``) is erased — rows, files (data keys destroyed) — with one
  signed certificate per case (check it with ``yakuba privacy verify-certificate``). Progress on
  stderr (one line per case); with ``--dry-run`` what would go, changing nothing.
- ``escalate``: overdue 訂正依頼 are escalated to the センター長 (once each; the worker does it too).
- ``record-disposal --as USER --asset … --serial … --retired-on YYYY-MM-DD --contractor … --certificate FILE
  --sha256 HEX [--signature FILE] [--public-key KEY | --public-key-file FILE]``: a machine's retired
  storage with the contractor's certificate, refused unless the SHA-256 (and the signature, where given) match.

Exit codes: 0 done; 1 refused or failed (one line per problem on stderr: a case that could not be
erased, a certificate that does not match, an unknown user, a database or city profile not ready);
2 usage. Errors are told by `yakuba.cli.main` (never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from yakuba.commandline import EXIT_FAIL, EXIT_OK
from yakuba.errors import EnvironmentProblem, YakubaError

PROG = "yakuba consult"


def _setup() -> None:
    """Django (once a process, as `yakuba.cli` does) and the city profile, checked."""
    import os

    import django
    from django.apps import apps

    from yakuba.cityprofile.load import ProfileInvalid, current

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.site.settings")
    if not apps.ready:
        django.setup()
    try:
        current()
    except ProfileInvalid as exc:
        raise EnvironmentProblem(exc.message, where=exc.where) from None


def _user(username: str):  # type: ignore[no-untyped-def]
    from yakuba.accounts.models import User
    from yakuba.consult.errors import ConsultError

    user = User.objects.filter(username=username, is_active=True).select_related("organisation").first()
    if user is None:
        raise ConsultError(f"利用者 {username!r} はいません(または無効です)", where="--as")
    return user


def cmd_erase_expired(args: argparse.Namespace) -> int:
    _setup()
    from yakuba.consult.actions.retention import ErasurePlan, iter_erase_expired
    from yakuba.consult.errors import ConsultError

    operator = _user(args.as_user)
    done = failed = 0
    verb = "消去の対象" if args.dry_run else "消去しました"
    for _case, number, result in iter_erase_expired(operator, dry_run=args.dry_run):
        if isinstance(result, ConsultError):
            failed += 1
            print(f"{PROG}: {result.message}", file=sys.stderr)
            continue
        done += 1
        if isinstance(result, ErasurePlan):
            print(f"{verb}: ケース {number}(行 {result.row_count} 件, ファイル {len(result.files)} 件)", file=sys.stderr)
        else:
            print(f"{verb}: ケース {number}(行 {result.rows} 件, ファイル {result.files} 件, 消去証明書 "
                  f"{result.certificate_id})", file=sys.stderr)
    what = "消去の対象になるケース" if args.dry_run else "消去したケース"
    print(f"{what}: {done} 件" + (f", 消去できなかったケース: {failed} 件" if failed else "")
          + (" (--dry-run: 何も変更していません)" if args.dry_run else ""))
    return EXIT_FAIL if failed else EXIT_OK


def cmd_escalate(args: argparse.Namespace) -> int:
    _setup()
    from yakuba.consult.actions.corrections import escalate_overdue

    escalated = escalate_overdue()
    for req in escalated:
        print(f"督促: 訂正依頼 {req.number}(期限 {req.due_on.isoformat()})をセンター長に報告しました", file=sys.stderr)
    print(f"期限を過ぎてセンター長に報告した訂正依頼: {len(escalated)} 件")
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日付は 2026-04-01 の形で指定してください: {text!r}") from None


def cmd_record_disposal(args: argparse.Namespace) -> int:
    certificate = Path(args.certificate).read_bytes()
    signature = Path(args.signature).read_bytes() if args.signature else None
    public_key = args.public_key
    if args.public_key_file:
        raw = Path(args.public_key_file).read_bytes()
        try:
            public_key = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise YakubaError(f"公開鍵のファイル {args.public_key_file} が UTF-8 のテキストではありません",
                              where=args.public_key_file) from None
    _setup()
    from yakuba.consult.actions.disposal import do_record_disposal

    user = _user(args.as_user)
    d = do_record_disposal(user, asset_id=args.asset, serial=args.serial, retired_on=args.retired_on,
                           contractor=args.contractor, certificate=certificate,
                           certificate_name=Path(args.certificate).name, sha256=args.sha256, signature=signature,
                           public_key=public_key)
    signed = f", 署名を検証しました(鍵ID {d.signature_key.key_id})" if d.signature_key else ", 署名なし"
    print(f"記録しました: 機器 {d.asset_id} の記憶装置 {d.serial}(廃棄日 {d.retired_on.isoformat()}, "
          f"証明書 SHA-256 {d.certificate_sha256}{signed})")
    return EXIT_OK


def add_parser(sub, add) -> None:  # type: ignore[no-untyped-def]
    consult = add("consult", "基幹福祉相談センター: erase expired cases, escalate corrections, record disposals",
                  lambda a: 2)
    c_sub = consult.add_subparsers(dest="consult_command", metavar="ACTION", required=True)
    p = add("erase-expired", "erase closed cases past the city's retention period, one signed certificate each",
            cmd_erase_expired, c_sub)
    p.add_argument("--as", dest="as_user", required=True, metavar="USER", help="the センター長 (or admin) who erases")
    p.add_argument("--dry-run", action="store_true", help="say what would be erased; change nothing")
    add("escalate", "escalate overdue correction requests to the センター長 (once each)", cmd_escalate, c_sub)
    p = add("record-disposal", "record a machine's retired storage with the contractor's verified certificate",
            cmd_record_disposal, c_sub)
    p.add_argument("--as", dest="as_user", required=True, metavar="USER")
    p.add_argument("--asset", required=True, help="the machine's asset id")
    p.add_argument("--serial", required=True, help="the storage's serial number")
    p.add_argument("--retired-on", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--contractor", required=True, help="the disposal contractor's name")
    p.add_argument("--certificate", required=True, metavar="FILE", help="the contractor's certificate file")
    p.add_argument("--sha256", required=True, help="the SHA-256 the contractor stated for it")
    p.add_argument("--signature", metavar="FILE", help="a detached Ed25519 signature of the certificate")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--public-key", help="the contractor's public key (ed25519:…), registered the first time")
    g.add_argument("--public-key-file", metavar="FILE")
