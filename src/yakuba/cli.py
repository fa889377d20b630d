"""The `yakuba` command.

Subcommands that need the database set Django up themselves; pure ones do not import it.
Errors of the cores print one line (in Japanese, with what and where) and exit non-zero; a
traceback is a bug.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

from yakuba.commandline import EXIT_FAIL, EXIT_OK, EXIT_USAGE, fail, handle, number_in, write_output
from yakuba.errors import EnvironmentProblem, YakubaError


def _django() -> None:
    """Set Django up once a process: a second setup would configure the log again, onto whatever
    stderr is then (in tests, a captured stream that is closed afterwards)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.site.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=False, highlight=False)


def _passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str | None:
    if getattr(args, "passphrase_env", None):
        value = os.environ.get(args.passphrase_env)
        if not value:
            raise SystemExit(fail(f"環境変数 {args.passphrase_env} にパスフレーズがありません。"))
        return value
    if getattr(args, "passphrase_file", None):
        return _text_file(args.passphrase_file, "パスフレーズのファイル").rstrip("\n")
    if getattr(args, "ask_passphrase", False):
        first = getpass.getpass("パスフレーズ: ")
        if confirm and getpass.getpass("もう一度: ") != first:
            raise SystemExit(fail("パスフレーズが一致しません。"))
        return first
    return None


# --- demo, serve, worker ------------------------------------------------------------------------

def cmd_demo(args: argparse.Namespace) -> int:
    from yakuba.site.config import data_dir, reset_data_dir

    if args.reset:
        reset_data_dir(data_dir())
    if args.second_city:
        return _second_city_demo()
    if not args.no_linkage and args.second_port == args.port:
        return fail(f"--port と --second-port が同じ {args.port} です。2つ目の市町村には別のポートを指定してください"
                    f" (the second city needs a port of its own)", code=EXIT_USAGE)
    _demo_profile()
    running = None
    if not args.no_linkage:
        from yakuba.demo_linkage import start_services

        data_dir().mkdir(parents=True, exist_ok=True)
        _loop, running = start_services(data_dir(), progress=lambda msg: print(f"  {msg}", flush=True))
    try:
        _django()
        from django.core.management import call_command

        from yakuba.demo import print_logins, setup_demo

        call_command("migrate", interactive=False, verbosity=0)
        logins = setup_demo(progress=lambda msg: print(f"  {msg}", flush=True))
        second: list[dict] = []
        if running is not None:
            from yakuba.demo_linkage import (SECOND, moved_child, register_first_city, second_city_logins,
                                             setup_second_city)

            register_first_city(progress=lambda msg: print(f"  {msg}", flush=True))
            setup_second_city(data_dir(), moved_child(), progress=lambda msg: print(f"  {msg}", flush=True))
            second = [dict(x, organisation=f"{SECOND.name} {x['organisation']}".strip())
                      for x in second_city_logins(data_dir())]
        if args.logins_json:
            write_output(json.dumps(logins, ensure_ascii=False, indent=2).encode("utf-8"), args.logins_json)
        print_logins(logins)
        if second:
            print(f"{SECOND.name}(2つ目の市町村, http://{args.host}:{args.second_port}/): 転入した子が1人います")
            print_logins(second)
            print(f"家庭向けのページ (the family's page): http://{args.host}:{args.second_port}/family/")
        if args.no_serve:
            return EXIT_OK
        extra = []
        if running is not None:
            from yakuba.demo_linkage import serve_second_city

            extra.append(serve_second_city(data_dir(), args.host, args.second_port))
        return _serve(args.host, args.port, with_worker=True, extra=extra)
    finally:
        if running is not None:
            running.stop()


def _second_city_demo() -> int:
    """`yakuba demo --second-city` (run by the demo itself): the second city's installation, the moved
    child read from stdin as JSON."""
    _django()
    from django.core.management import call_command

    from yakuba.demo import setup_second_city

    try:
        moved = json.loads(sys.stdin.read())
    except ValueError:
        raise SystemExit(fail("転入した子の情報(JSON)を標準入力から読めません (no JSON on stdin)", code=EXIT_USAGE)) from None
    if not isinstance(moved, dict) or not {"name", "name_kana", "birth_date", "sex"} <= set(moved):
        raise SystemExit(fail("転入した子の情報に name, name_kana, birth_date, sex が必要です", code=EXIT_USAGE))
    call_command("migrate", interactive=False, verbosity=0)
    setup_second_city(moved, progress=lambda msg: print(f"  {msg}", flush=True))
    return EXIT_OK


def _serve(host: str, port: int, *, workers: int = 2, with_worker: bool = False,
           extra: Sequence[subprocess.Popen[bytes]] = ()) -> int:
    """Serve on gunicorn (and the worker) until Ctrl+C or SIGTERM; `extra` processes are stopped with them."""
    from yakuba.site.config import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="yakuba.site.settings")
    children: list[subprocess.Popen[bytes]] = list(extra)
    if with_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "yakuba.cli", "worker"], env=env))
    print(f"yakuba: http://{host}:{port}/ で待ち受けています (Ctrl+C で終了)", flush=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "yakuba.site.wsgi:application", "--bind", f"{host}:{port}",
         "--workers", str(workers), "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "10"],
        env=env,
    )
    children.append(server)

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        code = 0
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return code


def _demo_profile() -> None:
    """The demo runs on the demo city's profile, named (its server and worker inherit it)."""
    from yakuba.cityprofile.where import DEMO_PROFILE, ENV

    os.environ.setdefault(ENV, str(DEMO_PROFILE))


def _city_profile() -> None:
    """`serve` and `worker` run on a city profile that is named, and checked before they start:
    without YAKUBA_CITY_PROFILE only on the demo's data folder (`yakuba demo` made it)."""
    from yakuba.cityprofile.load import current
    from yakuba.cityprofile.where import ENV, is_explicit
    from yakuba.site.config import data_dir

    if not is_explicit():
        if not (data_dir() / "demo-logins.json").is_file():
            raise EnvironmentProblem(f"市の設定がありません: 環境変数 {ENV} に市の設定のフォルダを指定してください"
                                     f" (no city profile; set {ENV}, see docs/city-profile.md)")
        _demo_profile()
    current()


def cmd_serve(args: argparse.Namespace) -> int:
    _city_profile()
    _django()
    from django.core.management import call_command

    call_command("check", "--deploy" if args.check_deploy else "--fail-level=ERROR", verbosity=0)
    return _serve(args.host, args.port, workers=args.workers)


def cmd_worker(args: argparse.Namespace) -> int:
    _city_profile()
    _django()
    from django.core.management import call_command

    from yakuba.jobs.models import Job

    from yakuba.jobs.registry import RECOVERIES

    stalled = Job.fail_stalled()  # jobs left running by a worker that was killed
    from yakuba.exports.actions.keeping import expire

    expire()  # built exports past their time are erased when the worker starts (and by `yakuba exports expire`)
    if stalled:
        print(f"応答のない処理 {stalled} 件を失敗として記録しました (stalled jobs marked failed)", file=sys.stderr)
    recovered = sum(recover() for recover in RECOVERIES)  # what they left half-done: rounds, batches
    if recovered:
        print(f"中断された処理 {recovered} 件を再開できる状態に戻しました (interrupted work recovered)", file=sys.stderr)
    options = ["--queue-name", "*", "--no-reload"]
    if args.batch:
        options.append("--batch")
    else:
        from django.conf import settings

        from yakuba.jobs import housekeeping

        housekeeping.start(settings.YAKUBA_HOUSEKEEPING_S)  # exports past their time, every few minutes
    call_command("db_worker", *options)
    return EXIT_OK


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yakuba manage", *args.rest])
    return EXIT_OK


# --- audit --------------------------------------------------------------------------------------

def cmd_audit_verify(args: argparse.Namespace) -> int:
    _django()
    from rich.progress import Progress

    from yakuba.audit.log import verify

    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("監査ログを検証しています", total=None)
        result = verify(progress=lambda done, total: progress.update(task, completed=done, total=total))
    if result.ok:
        print(result.message())
        return EXIT_OK
    print(result.message(), file=sys.stderr)
    return EXIT_FAIL


# --- exports ------------------------------------------------------------------------------------

def cmd_exports_identify(args: argparse.Namespace) -> int:
    _django()
    from yakuba.exports.identify import identify_file

    print("\n".join(identify_file(Path(args.file)).lines()))
    return EXIT_OK


def cmd_exports_expire(args: argparse.Namespace) -> int:
    _django()
    from yakuba.exports.actions.keeping import expire

    print(f"保管期限を過ぎた出力 {expire()} 件を消去しました。")
    return EXIT_OK


# --- packages -----------------------------------------------------------------------------------

def cmd_package_create(args: argparse.Namespace) -> int:
    _django()
    from yakuba.handover import service

    manifest = service.create(Path(args.out), [Path(f) for f in args.files], sender=args.sender, recipient=args.recipient,
                              purpose=args.purpose, passphrase=_passphrase(args, confirm=True))
    print(f"作成しました: {args.out} (パッケージID {manifest.package_id}, 通番 {manifest.sequence}, {len(manifest.files)} ファイル)")
    return EXIT_OK


def _print_manifest(manifest) -> None:  # type: ignore[no-untyped-def]
    print(f"送付元 {manifest.sender} → 送付先 {manifest.recipient} / 通番 {manifest.sequence} / 作成 {manifest.created}")
    for f in manifest.files:
        print(f"  {f.path}  {f.size} bytes  sha256 {f.sha256}")


def cmd_package_verify(args: argparse.Namespace) -> int:
    _django()
    from yakuba.handover import service

    manifest = service.verify(Path(args.file), recipient=args.recipient, passphrase=_passphrase(args))
    print(f"OK: 署名・宛先・ハッシュ・通番を確認しました (パッケージID {manifest.package_id})")
    _print_manifest(manifest)
    return EXIT_OK


def cmd_package_open(args: argparse.Namespace) -> int:
    _django()
    from yakuba.handover import service

    from yakuba.files import staged

    receipt = Path(args.receipt or f"{args.file}.receipt.json")
    passphrase = _passphrase(args)
    # The receipt file is made (hidden, beside its name) before anything is opened: a path that
    # cannot be written refuses the package untouched. It is written and synced inside the
    # transaction that records the acceptance (both or neither: a retry then starts afresh), and
    # takes its name once that transaction is committed.
    with staged(receipt, mode=0o644) as out:
        def write_receipt(data: bytes) -> None:
            out.file.write(data)
            out.sync()

        accepted = service.accept(Path(args.file), Path(args.dest), recipient=args.recipient, passphrase=passphrase,
                                  with_receipt=write_receipt)
        out.place()
    manifest = accepted.manifest
    print(f"受領しました: {len(manifest.files)} ファイルを {args.dest} に取り出しました (パッケージID {manifest.package_id})")
    _print_manifest(manifest)
    print(f"受領書: {receipt} (送付元に返してください。送付元は yakuba package receipt で確認します)")
    return EXIT_OK


def cmd_package_receipt(args: argparse.Namespace) -> int:
    _django()
    from yakuba.handover import service

    sent = service.confirm_receipt(Path(args.file).read_bytes())
    print(f"OK: {sent.recipient} がパッケージ {sent.package_id} (通番 {sent.sequence}) を受領したことを確認しました")
    return EXIT_OK


# --- privacy ------------------------------------------------------------------------------------

def cmd_council_register(args: argparse.Namespace) -> int:
    _django()
    from yakuba.council import register as reg
    from yakuba.council.outputs import current_register, to_html, to_pdf

    register = current_register(source=args.source)
    if args.diff:
        path = Path(args.diff)
        if path.stat().st_size > 16 * 1024 * 1024:
            return fail(f"{args.diff}: 個人情報ファイル簿としては大きすぎます (too large for a register)")
        old = reg.loads(path.read_bytes(), where=args.diff)
        lines = reg.diff(old, register)
        print("\n".join(lines) if lines else "個人情報ファイル簿に変更はありません (the register is unchanged)")
        return EXIT_OK
    if args.format == "pdf" and not args.out:
        return fail("PDF は --out FILE に書きます (give --out for a PDF)", code=EXIT_USAGE)
    data = {"csv": lambda: reg.to_csv(register), "json": lambda: reg.dumps(register),
            "html": lambda: to_html(register).encode("utf-8"), "pdf": lambda: to_pdf(register)}[args.format]()
    write_output(data, args.out)
    unwritten = sorted({f"{f.code}:{name}" for f in register.files for name in f.not_written})
    if unwritten:
        print(f"yakuba: 市が未記入の事項があります (city items not written in register.toml): {', '.join(unwritten)}",
              file=sys.stderr)
    return EXIT_OK


def cmd_debit_journal(args: argparse.Namespace) -> int:
    _django()
    from yakuba.debit.actions.journal import do_post_journal
    from yakuba.debit.journal import to_csv

    lines, new, before = do_post_journal(args.month)
    write_output(to_csv(lines), args.out)
    debits = sum(line.amount for line in lines if line.side == "借方")
    print(f"仕訳 {len(lines)} 行 (借方計 {debits:,}円 = 貸方計): バッチ {len(new)} 件を新たに記録、{len(before)} 件は記録済み"
          f" ({len(lines)} lines, {len(new)} new batches, {len(before)} posted before)", file=sys.stderr)
    return EXIT_OK


def cmd_upgrade_check(args: argparse.Namespace) -> int:
    _django()
    from django.db.migrations.loader import MigrationLoader

    from yakuba.upgrade import check_migrations, every, pending

    if args.migrations:
        known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
        keys = []
        for text in args.migrations:
            app, _, name = text.partition(".")
            matches = [k for k in known if k[0] == app and (k[1] == name or k[1].startswith(name + "_"))]
            if len(matches) != 1:
                return fail(f"移行 {text} が{'ありません' if not matches else '一つに決まりません'} (give APP.NAME of one"
                            f" migration)", code=EXIT_USAGE)
            keys.append(matches[0])
    else:
        keys, new = (every(), []) if args.all else pending()
        if new:
            print(f"{len(new)} 移行はこのデータベースに初めて入るアプリのものです(表がまだないので、動いている版は使っていません)"
                  f" ({len(new)} migrations of apps new to this database: nothing running uses their tables)")
    problems = check_migrations(keys)
    for problem in problems:
        print(f"yakuba: {problem.line()}", file=sys.stderr)
    if problems:
        print(f"止めずに更新できない移行があります: {len(problems)} 件 / {len(keys)} 移行"
              f" (migrations that would lock or break: refused)", file=sys.stderr)
        return EXIT_FAIL
    print(f"ok: {len(keys)} 移行を検査しました。止めずに適用できます (checked: safe to apply while serving)")
    return EXIT_OK


def cmd_council_report(args: argparse.Namespace) -> int:
    _django()
    from yakuba.audit.log import record
    from yakuba.council.models import Meeting
    from yakuba.council.report import to_html, to_pdf
    from yakuba.privacy.declarations import Category

    meetings = Meeting.objects.all()
    meeting = meetings.filter(pk=args.meeting).first() if args.meeting else meetings.order_by("-held_on", "-pk").first()
    if meeting is None:
        return fail(f"会議 {args.meeting} はありません (no such meeting)" if args.meeting
                    else "会議がまだありません (no meeting yet)")
    data = to_pdf(meeting) if args.format == "pdf" else to_html(meeting).encode("utf-8")
    write_output(data, args.out)
    record("council.report.written", target=meeting, categories=[Category.NAME],
           detail={"format": args.format, "bytes": len(data), "via": "shell"})
    print(f"会議結果報告書を書き出しました (written): {args.out} ({meeting.name})")
    return EXIT_OK


def cmd_privacy_fields(args: argparse.Namespace) -> int:
    _django()
    from yakuba.personal import declared_fields

    rows = [{"field": f.label, "name": f.verbose_name, "category": f.declaration.category.value,
             "category_label": f.declaration.category.label, "purpose": f.declaration.purpose,
             "retention": f.declaration.retention} for f in declared_fields()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    from rich.table import Table

    table = Table("項目", "名称", "区分", "利用目的", "保存期間", title="宣言された個人情報の項目")
    for r in rows:
        table.add_row(r["field"], r["name"], r["category_label"], r["purpose"], r["retention"])
    _console().print(table)
    return EXIT_OK


def cmd_privacy_verify_certificate(args: argparse.Namespace) -> int:
    from yakuba.privacy.erasure import verify_certificate

    public_key = args.public_key
    if args.public_key_file:
        public_key = _text_file(args.public_key_file, "公開鍵のファイル").strip()
    if public_key is None:  # this installation's own key; verifying never makes one
        from yakuba.privacy.errors import KeyringError
        from django.conf import settings

        from yakuba.privacy.keys import Keyring
        from yakuba.site.config import keys_dir

        # where get_keyring() looks when Django is set up (tests point it elsewhere); the environment's
        # otherwise: loading the settings would make the data folder that verifying must not create
        keys = settings.KEYS_DIR if settings.configured else keys_dir()
        try:
            public_key = Keyring.open(keys, create=False).public_key_text()
        except KeyringError as exc:
            raise KeyringError(f"この環境には鍵束がありません ({keys})。署名者の公開鍵を --public-key か "
                               f"--public-key-file で指定してください (no keyring here: give the signer's public key)",
                               where=exc.where) from None
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    cert = verify_certificate(data, public_key)
    print(f"OK: 消去証明書 {cert.certificate_id} の署名は正当です ({cert.count} 件, {cert.issued_at}, {cert.operator})")
    return EXIT_OK


def cmd_privacy_public_key(args: argparse.Namespace) -> int:
    _django()
    from yakuba.keyring import get_keyring

    keyring = get_keyring()
    print(f"signing: {keyring.public_key_text()}")
    print(f"age:     {keyring.age_recipient()}")
    return EXIT_OK


def _audit_key_operation(action: str) -> None:
    """A key operation is an audit entry when the database is reachable (the keys work without it)."""
    try:
        _django()
        from yakuba.audit.log import record

        record(action, detail={"via": "command"})
    except Exception as exc:  # noqa: BLE001 - only a database that is not there is let pass
        if _environment_problem(exc) is None:
            raise
        print("監査ログに記録できませんでした(データベースに接続できません)。", file=sys.stderr)


def cmd_privacy_backup_key(args: argparse.Namespace) -> int:
    _django()
    from yakuba.keyring import get_keyring

    passphrase = _passphrase(args, confirm=True)
    if not passphrase:
        return fail("パスフレーズを --passphrase-env, --passphrase-file または --ask-passphrase で指定してください。", EXIT_USAGE)
    get_keyring().backup(Path(args.out), passphrase)
    _audit_key_operation("key.backed_up")
    print(f"鍵を {args.out} にバックアップしました。パスフレーズとは別々に保管してください。")
    return EXIT_OK


def cmd_privacy_restore_key(args: argparse.Namespace) -> int:
    from yakuba.privacy.keys import Keyring
    from yakuba.site.config import keys_dir

    passphrase = _passphrase(args)
    if not passphrase:
        return fail("パスフレーズを --passphrase-env, --passphrase-file または --ask-passphrase で指定してください。", EXIT_USAGE)
    Keyring.restore(Path(args.file), keys_dir(), passphrase, force=args.force)
    _audit_key_operation("key.restored")
    print(f"鍵を {keys_dir()} に復元しました。")
    return EXIT_OK


def cmd_privacy_rotate_key(args: argparse.Namespace) -> int:
    _django()
    from yakuba.keyring import forget, get_keyring
    from yakuba.vault.service import rewrap_all

    result = get_keyring().rotate(rewrap_all)
    forget()  # the rotation records its own entry (key.rotated)
    print(f"マスター鍵を更新しました: {result}")
    return EXIT_OK


# --- the parser ---------------------------------------------------------------------------------

def _passphrase_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--passphrase-env", metavar="VAR", help="パスフレーズを読む環境変数")
    g.add_argument("--passphrase-file", metavar="FILE", help="パスフレーズを読むファイル")
    g.add_argument("--ask-passphrase", action="store_true", help="パスフレーズを端末で尋ねる")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yakuba", description="yakuba: 市の個人情報を扱う業務のバックオフィス")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help: str, fn: Callable[[argparse.Namespace], int], parent=sub) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        p = parent.add_parser(name, help=help, description=help)
        p.set_defaults(fn=fn)
        return p

    p = add("demo", "set up the demo city (SQLite) and serve it; prints the demo logins", cmd_demo)
    p.add_argument("--no-serve", action="store_true", help="set up and exit")
    p.add_argument("--reset", action="store_true", help="start clean: erase the data directory first")
    p.add_argument("--logins-json", metavar="FILE", help="write the demo logins as JSON")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=number_in(1, 65535, "ポート番号"), default=8000)
    p.add_argument("--second-port", type=number_in(1, 65535, "ポート番号"), default=8001,
                   help="where the second city (あおば町) is served")
    p.add_argument("--no-linkage", action="store_true", help="without 情報連携: no hub, no 中間サーバー, no second city")
    p.add_argument("--second-city", action="store_true", help=argparse.SUPPRESS)

    p = add("serve", "serve the web UI (gunicorn)", cmd_serve)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=number_in(1, 65535, "ポート番号"), default=8000)
    p.add_argument("--workers", type=number_in(1, 64, "プロセス数"), default=2, help="web processes")
    p.add_argument("--check-deploy", action="store_true", help="refuse to start on deployment warnings")

    p = add("worker", "run background jobs (OCR, debit runs, verification) until stopped", cmd_worker)
    p.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    audit = add("audit", "the hash-chained audit log", lambda a: 2)
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    add("verify", "check the chain; exit 1 naming the first broken entry", cmd_audit_verify, audit_sub)

    exp = add("exports", "the one export step: which export a leaked file is; erase expired files", lambda a: 2)
    exp_sub = exp.add_subparsers(dest="exports_command", metavar="ACTION", required=True)
    p = add("identify", "name the export a file came from (by SHA-256, else by its watermark)", cmd_exports_identify, exp_sub)
    p.add_argument("file")
    add("expire", "erase the built files past YAKUBA_EXPORT_TTL_H that were not downloaded", cmd_exports_expire, exp_sub)

    pkg = add("package", "signed, encrypted hand-over packages between organisations", lambda a: 2)
    pkg_sub = pkg.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    p = add("create", "sign and encrypt files into a package", cmd_package_create, pkg_sub)
    p.add_argument("--from", dest="sender", required=True, help="sending organisation code")
    p.add_argument("--to", dest="recipient", required=True, help="receiving organisation code")
    p.add_argument("--out", required=True)
    p.add_argument("--purpose", default="")
    _passphrase_options(p)
    p.add_argument("files", nargs="+")
    p = add("verify", "check a package without extracting it", cmd_package_verify, pkg_sub)
    p.add_argument("file")
    p.add_argument("--as", dest="recipient", required=True, help="receiving organisation code")
    _passphrase_options(p)
    p = add("open", "verify, extract and record a package as accepted", cmd_package_open, pkg_sub)
    p.add_argument("file")
    p.add_argument("dest")
    p.add_argument("--as", dest="recipient", required=True, help="receiving organisation code")
    p.add_argument("--receipt", metavar="FILE", help="where to write the signed receipt (default: FILE.receipt.json)")
    _passphrase_options(p)
    p = add("receipt", "sender side: check the recipient's signed receipt and record it", cmd_package_receipt, pkg_sub)
    p.add_argument("file")

    council = add("council", "the council's system (個人情報保護審議会): the register of personal-information files",
                  lambda a: 2)
    council_sub = council.add_subparsers(dest="council_command", metavar="ACTION", required=True)
    p = add("register", "write the 個人情報ファイル簿 drawn from the code and the city profile; --diff: what changed",
            cmd_council_register, council_sub)
    p.add_argument("--format", choices=["csv", "html", "pdf", "json"], default="csv")
    p.add_argument("--out", metavar="FILE", help="write to FILE (whole or not at all); default standard output")
    p.add_argument("--source", default="", help="what the register is drawn from, printed on it (a release, a commit)")
    p.add_argument("--diff", metavar="OLD.json", help="instead: what this code changes against a register written"
                   " earlier with --format json (one line each; exit 0 either way)")

    p = add("report", "write a meeting's 会議結果報告書 (the latest meeting when MEETING is omitted)",
            cmd_council_report, council_sub)
    p.add_argument("meeting", nargs="?", type=number_in(1, 2**31 - 1, "会議の番号"), help="the meeting's number")
    p.add_argument("--format", choices=["pdf", "html"], default="pdf")
    p.add_argument("--out", metavar="FILE", required=True, help="write to FILE (whole or not at all)")

    debit = add("debit", "上下水道 口座振替: the month's journal for the 財務会計 system", lambda a: 2)
    debit_sub = debit.add_subparsers(dest="debit_command", metavar="ACTION", required=True)
    p = add("journal", "write the month's 調定 and 収納 journal lines (CSV for the accounting system); each day's"
            " batch is recorded once", cmd_debit_journal, debit_sub)
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--out", metavar="FILE", help="write to FILE (whole or not at all); default standard output")

    upgrade = add("upgrade", "upgrading without stopping the office: check the migrations before running them",
                  lambda a: 2)
    upgrade_sub = upgrade.add_subparsers(dest="upgrade_command", metavar="ACTION", required=True)
    p = add("check", "refuse a migration that would lock a busy table or break the running release (exit 1)",
            cmd_upgrade_check, upgrade_sub)
    p.add_argument("migrations", nargs="*", metavar="APP.NAME", help="these migrations (default: those the database"
                   " has not applied)")
    p.add_argument("--all", action="store_true", help="every migration of every app (the history too)")

    priv = add("privacy", "declared personal data, keys and erasure certificates", lambda a: 2)
    priv_sub = priv.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    p = add("fields", "list every declared personal-data field", cmd_privacy_fields, priv_sub)
    p.add_argument("--json", action="store_true")
    p = add("verify-certificate", "check an erasure certificate's signature", cmd_privacy_verify_certificate, priv_sub)
    p.add_argument("file", help="certificate file, or - for standard input")
    p.add_argument("--public-key", help="the signer's public key (ed25519:…); default: this installation's")
    p.add_argument("--public-key-file")
    add("public-key", "print this installation's public signing key and age recipient", cmd_privacy_public_key, priv_sub)
    p = add("backup-key", "write the keyring to a passphrase-encrypted file", cmd_privacy_backup_key, priv_sub)
    p.add_argument("out")
    _passphrase_options(p)
    p = add("restore-key", "restore the keyring from a backup", cmd_privacy_restore_key, priv_sub)
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace an existing keyring")
    _passphrase_options(p)
    add("rotate-key", "new master key; re-wrap every data key", cmd_privacy_rotate_key, priv_sub)

    from yakuba.allocation.cli import add_parser as add_allocate

    add_allocate(sub, add)
    from yakuba.ocr.cli import add_parser as add_intake

    add_intake(sub, add)
    from yakuba.zengin.cli import add_parser as add_zengin
    add_zengin(sub, add)

    from yakuba.relay.cli import add_parser as add_relay

    add_relay(sub, add)
    from yakuba.linkage.cli import add_parser as add_linkage

    add_linkage(sub, add)
    from yakuba.cityprofile.cli import add_parser as add_config

    add_config(sub, add)
    from yakuba.consult.cli import add_parser as add_consult

    add_consult(sub, add)

    p = add("manage", "Django's management commands (migrate, create_admin, enroll_factor, …)", cmd_manage)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; whatever it raises is told once, here (``yakuba.commandline.handle``)."""
    args = build_parser().parse_args(argv)
    try:
        _refuse_special_files(args)
        return int(args.fn(args) or 0)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the one place errors become exit codes
        return handle(_environment_problem(exc) or exc, prog="yakuba")


def _text_file(path: str, what: str) -> str:
    """A small text file given on the command line (a passphrase, a key), as UTF-8; anything else
    is one line naming it."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YakubaError(f"{what} {path} が UTF-8 のテキストではありません (byte {exc.start + 1})", where=path) from None


def _refuse_special_files(args: argparse.Namespace) -> None:
    """No argument may name a device, a FIFO or a socket (yakuba.files.check_not_special): an input
    such as /dev/zero would be read forever, an output such as /dev/sda written over."""
    from yakuba.files import check_not_special

    for value in vars(args).values():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            check_not_special(item)


def _environment_problem(exc: BaseException) -> EnvironmentProblem | None:
    """A database or setting that is not ready, told as such (not as a bug): an unmigrated
    database, one that cannot be reached, a DATABASE_URL that names no known database."""
    db = sys.modules.get("django.db.utils")
    core = sys.modules.get("django.core.exceptions")
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if db is not None and isinstance(exc, (db.OperationalError, db.ProgrammingError)):
        if "no such table" in first or ("relation" in first and "does not exist" in first):
            return EnvironmentProblem("データベースの準備ができていません。`yakuba manage migrate` を実行してください"
                                      " (the database is not migrated)", detail=first)
        return EnvironmentProblem(f"データベースを使えません (database error): {first}")
    if type(exc).__name__ == "UnknownSchemeError" or (
            core is not None and isinstance(exc, core.ImproperlyConfigured)):
        return EnvironmentProblem(f"設定が正しくありません (bad setting, e.g. DATABASE_URL): {first}")
    return None


if __name__ == "__main__":
    sys.exit(main())
