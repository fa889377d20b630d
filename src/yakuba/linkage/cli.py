"""`yakuba linkage hub|intermediate|log|verify`: the 情報連携 services and the log's verifier. No Django.

- ``hub init|serve`` and ``intermediate init|connect|serve``: make a service's data folder, serve it on
  gunicorn with mutual TLS (docs/linkage/services.md);
- ``log export DIR``: write the hub's log as static tlog tiles (the checkpoint last);
- ``verify --log DIR|URL --log-key VKEY``: check a published log from its files alone — the
  checkpoint's signature and witnesses, every tile and entry, and with ``--view-key`` the family's
  entries with their inclusion proofs. Exit 0 when everything verifies; else exit 1 with one
  located line (``yakuba linkage: tile/entries/000.p/3 entry 1: …``), never a traceback.

The scaffolding is `yakuba.commandline` (`guarded`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import threading
import socket
from pathlib import Path

from yakuba.commandline import EXIT_OK, guarded, number_in
from yakuba.linkage.errors import LinkageError, LogError

PROG = "yakuba linkage"
told = guarded(PROG)
"""Every failure is one line on stderr, ``yakuba linkage: …``, and its exit code."""

HUB_DATA_ENV = "YAKUBA_LINKAGE_HUB_DATA"


def _located(error: LinkageError) -> LinkageError:
    """The error with its place (a file, a tile, an entry) in front of its message, on one line."""
    if error.where and error.where not in error.message:
        return LogError(f"{error.where}: {error.one_line()}", where=error.where)
    return error


def _listen_check(host: str, port: int) -> None:
    try:
        socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET).close()
    except OSError as exc:
        raise LinkageError(f"待ち受けできません (cannot listen on {host}:{port}): {exc.strerror or exc}") from None


# --- hub ---------------------------------------------------------------------------------------

def cmd_hub_init(args: argparse.Namespace) -> int:
    from yakuba.linkage.hub import Hub

    with Hub.init(Path(args.data), registry=Path(args.registry), origin=args.origin,
                  allowlist=Path(args.allowlist) if args.allowlist else None) as hub:
        print(f"ハブを作成しました (hub ready): {hub.directory}")
        print(f"ログの検証鍵 (log key, give it to the witnesses and verifiers): {hub.log_verifier.key_string()}")
    return EXIT_OK


def _providers(args: argparse.Namespace, hub: object) -> dict[str, str]:
    urls: dict[str, str] = {m.id: m.url for m in hub.registry.members.values() if m.url}  # type: ignore[attr-defined]
    for item in args.provider or []:
        institution, sep, url = item.partition("=")
        if not sep or not url.startswith("https://"):
            raise LinkageError(f"--provider は ID=https://host:port の形です (give --provider ID=URL): {item}")
        urls[institution] = url
    return urls


def cmd_hub_serve(args: argparse.Namespace) -> int:
    from yakuba.linkage.http import Client, serve
    from yakuba.linkage.hub import Hub
    from yakuba.linkage.hub.app import Witnessing, hub_app

    data = Path(args.data)
    with Hub(data) as hub:  # a bad folder, key or registry: one line here, not in the worker
        urls = _providers(args, hub)
    _listen_check(args.host, args.port)

    def make_app():  # type: ignore[no-untyped-def]
        hub = Hub(data)
        clients: dict[str, Client] = {}

        def provider(institution: str) -> Client:
            if institution not in urls:
                from yakuba.linkage.errors import Refused
                raise Refused("unreachable", f"{institution} の中間サーバーの URL がありません (no URL for the provider)")
            if institution not in clients:
                clients[institution] = Client(urls[institution], cert=Path(args.client_cert),
                                              key=Path(args.client_key), ca=Path(args.ca))
            return clients[institution]

        if args.witness_every > 0:
            Witnessing(hub, provider, args.witness_every).start()
        return hub_app(hub, provider)

    serve(make_app, name="hub", host=args.host, port=args.port, cert=Path(args.cert), key=Path(args.key),
          ca=Path(args.ca), threads=args.threads, announce=_announce("hub"))
    return EXIT_OK


def _announce(name: str):  # type: ignore[no-untyped-def]
    def announce(url: str) -> None:
        print(f"yakuba linkage {name}: {url} で待ち受けています (listening; Ctrl+C で終了)", flush=True)
    return announce


# --- intermediate ------------------------------------------------------------------------------

def cmd_intermediate_init(args: argparse.Namespace) -> int:
    from yakuba.linkage.intermediate import Intermediate

    with Intermediate.init(Path(args.data), id=args.id, kind=args.kind, name=args.name, tls_cn=args.tls_cn,
                           url=args.url) as server:
        print(f"中間サーバーを作成しました (intermediate server ready): {server.directory}")
        print(f"登録簿の項目 (registry entry, for the hub's operator): {server.directory / 'public.json'}")
    return EXIT_OK


def cmd_intermediate_connect(args: argparse.Namespace) -> int:
    from yakuba.linkage.intermediate import Intermediate

    with Intermediate(Path(args.data)) as server:
        server.connect(registry=Path(args.registry), hub_log_key=args.hub_log_key)
        print(f"登録簿とハブのログの鍵を設定しました (registry and hub log key set): {server.directory}")
    return EXIT_OK


def cmd_intermediate_serve(args: argparse.Namespace) -> int:
    from yakuba.linkage.http import serve
    from yakuba.linkage.intermediate import Intermediate
    from yakuba.linkage.intermediate.app import intermediate_app

    data = Path(args.data)
    with Intermediate(data) as server:
        if server.registry is None or server.hub_log_key is None:
            raise LinkageError("登録簿とハブのログの鍵がありません。connect してください (no registry or hub log key: run"
                               " connect)", where=str(data))
        if args.hub and not (args.client_cert and args.client_key):
            raise LinkageError("--hub には --client-cert と --client-key が必要です (--hub needs the client certificate"
                               " and key)", where=str(data))
        if args.hub and not args.hub.startswith("https://"):
            raise LinkageError(f"--hub は https://host:port の形です (give the hub's https URL): {args.hub}")
    _listen_check(args.host, args.port)

    def make_app():  # type: ignore[no-untyped-def]
        from yakuba.linkage.http import Client
        from yakuba.linkage.intermediate.core import Retention

        server = Intermediate(data)
        local = threading.local()

        def hub() -> Client:  # one connection per thread: asks do not wait on each other
            if getattr(local, "client", None) is None:
                local.client = Client(args.hub, cert=Path(args.client_cert), key=Path(args.client_key),
                                      ca=Path(args.ca))
            return local.client

        if args.retain_every > 0:
            Retention(server, args.retain_every).start()
        return intermediate_app(server, hub_cn=args.hub_cn, app_cns=args.app_cn or ["health-app"],
                                hub=hub if args.hub else None)

    serve(make_app, name="intermediate", host=args.host, port=args.port, cert=Path(args.cert), key=Path(args.key),
          ca=Path(args.ca), threads=args.threads, announce=_announce("intermediate"))
    return EXIT_OK


# --- the log -----------------------------------------------------------------------------------

def cmd_log_export(args: argparse.Namespace) -> int:
    from yakuba.linkage.hub import Hub

    data = args.hub_data or os.environ.get(HUB_DATA_ENV)
    if not data:
        raise LinkageError(f"ハブのデータフォルダを --hub-data か {HUB_DATA_ENV} で指定してください (name the hub's data folder)")
    with Hub(Path(data)) as hub:
        written = hub.export(Path(args.dir))
        print(f"書き出しました (exported): {args.dir}: size {hub.log.size}, {len(written)} files written")
    return EXIT_OK


def _served_reader(url: str, args: argparse.Namespace, **options):  # type: ignore[no-untyped-def]
    """A `TileReader` over a served log: the checkpoint and each tile fetched from the hub over mTLS."""
    from yakuba.linkage.hub.app import HubClient
    from yakuba.linkage.tlog import TileReader

    if not (args.cert or args.key):
        return _public_reader(url, args, **options)
    if not (args.cert and args.key and args.ca):
        raise LinkageError("hub のログには --cert、--key、--ca が必要です (the hub's log needs --cert, --key and --ca)")
    client = HubClient(url, cert=Path(args.cert), key=Path(args.key), ca=Path(args.ca))

    class ServedReader(TileReader):
        def _read(self, rel: str) -> bytes | None:
            return client.log_file(rel)

    return ServedReader(Path(url.split("://", 1)[1]), **options)


MAX_LOG_FILE = 16 * 1024 * 1024 + 1024  # no tile or entry bundle is larger


def _public_reader(url: str, args: argparse.Namespace, **options):  # type: ignore[no-untyped-def]
    """A `TileReader` over a log published over HTTP(S) without client certificates (a city's
    ``/linkage/log/``, any static copy): every file is checked against the signed checkpoint, so the
    transport needs no trust; with --ca, that CA is the only one trusted for https."""
    import requests

    from yakuba.linkage.tlog import TileReader

    base = url if url.endswith("/") else url + "/"
    session = requests.Session()
    verify: bool | str = args.ca or True

    class PublicReader(TileReader):
        def _read(self, rel: str) -> bytes | None:
            try:
                with session.get(base + rel, timeout=30, stream=True, verify=verify, allow_redirects=False) as response:
                    if response.status_code == 404:
                        return None
                    if response.status_code != 200:
                        raise LinkageError(f"{base + rel}: HTTP {response.status_code}", where=rel)
                    data = b""
                    for chunk in response.iter_content(65536):
                        data += chunk
                        if len(data) > MAX_LOG_FILE:
                            raise LinkageError("ファイルが大きすぎます (larger than any tile can be)", where=rel)
                    return data
            except requests.RequestException as exc:
                raise LinkageError(f"{base} に接続できません (cannot fetch the log): {type(exc).__name__}",
                                   where=rel) from None

    return PublicReader(Path(base.split("://", 1)[1]), **options)


def cmd_verify(args: argparse.Namespace) -> int:
    from yakuba.linkage.entries import parse_view_key, read_entries
    from yakuba.linkage.tlog import TileReader, Verifier, open_checkpoint, verify_consistency

    log_key = Verifier.parse(args.log_key)
    witnesses = [Verifier.parse(w) for w in args.witness or []]
    key = parse_view_key(args.view_key) if args.view_key else None
    try:
        options = {"log_keys": log_key, "witnesses": witnesses, "quorum": len({w.name for w in witnesses})}
        reader = (_served_reader(args.log, args, **options) if args.log.startswith(("https://", "http://"))
                  else TileReader(Path(args.log), **options))
        reader.verify()
        _, mine = read_entries(reader, key)
        if args.checkpoint:
            earlier = open_checkpoint(Path(args.checkpoint).read_bytes(), log_key)
            if earlier.size > reader.size:
                raise LogError("ログが以前のチェックポイントより小さくなっています (the log shrank since the earlier"
                               " checkpoint)", where=args.checkpoint)
            if earlier.size == reader.size and earlier.root_hash != reader.root_hash:
                raise LogError("以前のチェックポイントと根が違います (another root at the same size: rewritten)",
                               where=args.checkpoint)
            if 0 < earlier.size < reader.size:
                try:
                    verify_consistency(earlier.size, reader.size, earlier.root_hash, reader.root_hash,
                                       reader.consistency_proof(earlier.size))
                except LogError:
                    raise LogError("以前のチェックポイントから追記だけで伸びていません (the log does not extend the"
                                   " earlier checkpoint: history rewritten)", where=args.checkpoint) from None
    except LinkageError as error:
        raise _located(error) from None
    cosigned = ", ".join(sorted(reader.signed.cosignatures)) or "none"
    print(f"ok: {args.log}: size {reader.size}, root {reader.root_hash.hex()}, cosigned by {cosigned}")
    if key is not None:
        for found in mine:
            index, e = found.index, found.entry
            when = dt.datetime.fromtimestamp(e.time, dt.timezone.utc).isoformat().replace("+00:00", "Z")
            items = ",".join(e.get("items") or ())
            reason = f" reason={e.get('reason')}" if e.get("reason") else ""
            print(f"  entry {index}: {e.type} {when} {e.get('requester')} -> {e.get('provider', '-')}"
                  f" jimu={e.get('jimu', '-')} items={items or '-'}{reason} (inclusion proof ok)")
        print(f"  {len(mine)} entries for this view key (閲覧用の鍵に該当する記録)")
    return EXIT_OK


def add_parser(sub, add) -> None:  # type: ignore[no-untyped-def]
    linkage = add("linkage", "情報連携: the hub, the cities' 中間サーバー and the provision log (hub, intermediate, log,"
                  " verify)", lambda a: 2)
    linkage_sub = linkage.add_subparsers(dest="linkage_command", metavar="ACTION", required=True)

    def served(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data", required=True, help="the service's data folder")
        p.add_argument("--cert", required=True, help="server certificate (PEM)")
        p.add_argument("--key", required=True, help="server key (PEM)")
        p.add_argument("--ca", required=True, help="CA that signs the client certificates (PEM)")
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=number_in(0, 65535, "ポート番号"), default=8443, help="0: any free port (printed)")
        p.add_argument("--threads", type=number_in(1, 256, "同時に受ける接続の数"), default=8)

    hub = add("hub", "the hub (情報提供ネットワークシステム): init, serve", lambda a: 2, linkage_sub)
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    p = add("init", "make the hub's data folder: its keys and a copy of the registry", told(cmd_hub_init), hub_sub)
    p.add_argument("--data", required=True)
    p.add_argument("--registry", required=True, help="the registry of institutions (JSON or TOML)")
    p.add_argument("--origin", default="yakuba.example/linkage/hub", help="the log's origin (its name)")
    p.add_argument("--allowlist", help="the allow-list (default: the shipped one)")
    p = add("serve", "serve the hub on gunicorn with mutual TLS", told(cmd_hub_serve), hub_sub)
    served(p)
    p.add_argument("--client-cert", required=True, help="the hub's client certificate, to call the 中間サーバー")
    p.add_argument("--client-key", required=True)
    p.add_argument("--provider", action="append", metavar="ID=URL", help="where a 中間サーバー listens (over the registry)")
    p.add_argument("--witness-every", type=number_in(0, 86400, "秒", float), default=60.0,
                   help="ask the witnesses to cosign every SECONDS (0: never)")

    inter = add("intermediate", "a city's 中間サーバー: init, connect, serve", lambda a: 2, linkage_sub)
    inter_sub = inter.add_subparsers(dest="intermediate_command", metavar="ACTION", required=True)
    p = add("init", "make the 中間サーバー's data folder and keys; writes public.json", told(cmd_intermediate_init),
            inter_sub)
    p.add_argument("--data", required=True)
    p.add_argument("--id", required=True, help="the institution id (city-a …)")
    p.add_argument("--kind", default="市町村")
    p.add_argument("--name", required=True)
    p.add_argument("--tls-cn", help="the CN of its TLS client certificate (default: the id)")
    p.add_argument("--url", help="where it will listen, https://host:port (for the registry)")
    p = add("connect", "take the registry and the hub's log key", told(cmd_intermediate_connect), inter_sub)
    p.add_argument("--data", required=True)
    p.add_argument("--registry", required=True)
    p.add_argument("--hub-log-key", required=True, help="the hub's log verifier key (printed by hub init)")
    p = add("serve", "serve the 中間サーバー on gunicorn with mutual TLS", told(cmd_intermediate_serve), inter_sub)
    served(p)
    p.add_argument("--hub-cn", default="hub", help="the CN of the hub's client certificate")
    p.add_argument("--app-cn", action="append", help="a CN of the city's health app, allowed to register (default health-app)")
    p.add_argument("--hub", metavar="URL", help="the hub's https URL: lets the health app ask other cities (POST /ask)")
    p.add_argument("--client-cert", help="this server's client certificate, to call the hub")
    p.add_argument("--client-key")
    p.add_argument("--retain-every", type=number_in(0, 86400 * 7, "秒", float), default=3600.0,
                   help="erase 副本 past their retention every SECONDS, a certificate each time (0: never)")

    log_parser = add("log", "the provision log: export", lambda a: 2, linkage_sub)
    log_sub = log_parser.add_subparsers(dest="log_command", metavar="ACTION", required=True)
    p = add("export", "write DIR/checkpoint and DIR/tile/… (tlog-tiles) from the hub's data", told(cmd_log_export),
            log_sub)
    p.add_argument("dir")
    p.add_argument("--hub-data", help=f"the hub's data folder (default ${HUB_DATA_ENV}); the hub must not be serving")

    p = add("verify", "check a published log (exit 0), or name the first thing that does not verify (exit 1)",
            told(cmd_verify), linkage_sub)
    p.add_argument("--log", required=True, metavar="DIR|URL", help="an exported folder, a published copy's http(s):// URL, or the hub's https:// URL (with --cert/--key)")
    p.add_argument("--log-key", required=True, metavar="VKEY", help="the log's verifier key")
    p.add_argument("--witness", action="append", metavar="VKEY", help="a witness key; every one given must have cosigned")
    p.add_argument("--view-key", metavar="K", help="a family's view key: list its entries, proofs checked")
    p.add_argument("--checkpoint", metavar="FILE", help="a checkpoint seen earlier: the log must extend it")
    p.add_argument("--cert", help="client certificate, for a URL (mutual TLS)")
    p.add_argument("--key", help="its key")
    p.add_argument("--ca", help="the CA of the hub's server certificate")
