"""`yakuba relay pki|serve|send|status|fetch`: the relay (仲介機関) from the command line. No Django.

Errors print one line (`yakuba relay: …`, Japanese then English) and exit 1; `fetch` exits 3
while the result is not ready. The scaffolding is `yakuba.commandline`; the contract
`docs/formats/relay.md`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from yakuba.commandline import EXIT_OK, fail, guarded, number_in
from yakuba.relay.errors import RelayError

EXIT_NOT_READY = 3
PROG = "yakuba relay"

told = guarded(PROG)
"""Every failure is one line on stderr, ``yakuba relay: …``, and its exit code (yakuba.commandline)."""


def _client(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from yakuba.relay.client import RelayClient

    return RelayClient(args.url, cert=Path(args.cert), key=Path(args.key), ca=Path(args.ca), retries=args.retries,
                       timeout=args.timeout)


def cmd_pki(args: argparse.Namespace) -> int:
    from yakuba.relay.certs import make_pki

    if not args.dir.strip():
        raise RelayError("PKI のフォルダを指定してください (name a folder for the PKI; an empty name would be the current one)")
    pki = make_pki(Path(args.dir), clients=args.client or ["city"])
    print(f"作成しました (PKI ready): CA {pki.ca}, server {pki.server_cert}")
    for name in args.client or ["city"]:
        print(f"  client {name}: {pki.client_cert(name)} / {pki.client_key(name)}")
    print("秘密鍵 (*.key) は権限 0600 です。ca.key はサーバーにも置かず別に保管してください "
          "(keep ca.key offline; keys are mode 0600)")
    return EXIT_OK


def _simulated_bank() -> Callable[[bytes], bytes]:
    try:
        from yakuba.zengin.bank import simulate
    except ImportError as exc:
        raise RelayError(f"銀行シミュレータを読み込めません (cannot import yakuba.zengin.bank.simulate): {exc}") from exc
    return lambda data: simulate(data)


def cmd_serve(args: argparse.Namespace) -> int:
    """The relay on gunicorn (yakuba.relay.production): mutual TLS, or plain HTTP behind a trusted proxy."""
    import socket

    from yakuba.relay.production import serve

    bank = _simulated_bank() if args.simulate_bank else None
    try:  # one clear line for a port in use, before gunicorn's own retries
        socket.create_server((args.host, args.port), family=socket.AF_INET6 if ":" in args.host else socket.AF_INET).close()
    except OSError as exc:
        raise RelayError(f"待ち受けできません (cannot listen on {args.host}:{args.port}): {exc.strerror or exc}") from exc

    def announce(url: str) -> None:
        print(f"yakuba relay: {url} で待ち受けています (listening; Ctrl+C で終了)", flush=True)

    serve(Path(args.store), host=args.host, port=args.port, cert=args.cert and Path(args.cert),
          key=args.key and Path(args.key), ca=args.ca and Path(args.ca), trusted_proxies=args.trusted_proxy or (),
          bank=bank, threads=args.threads, announce=announce)
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()
    with _client(args) as client:
        up = client.upload(args.name or Path(args.file).name, data)
    if up.duplicate:
        print(f"{up.id} duplicate: 同じファイルは送信済みです。再送しません (already sent: not forwarded again)")
    else:
        resumed = " (中断から再開 / resumed)" if up.resumed else ""
        print(f"{up.id} sent: 送信しました{resumed} ({len(data)} bytes, sha256 {up.sha256})")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    with _client(args) as client:
        info = client.info(args.id)
    reason = f" ({info['reason']})" if info.get("reason") else ""
    print(f"{args.id} {info['status']}{reason}: {info['name']} {info['offset']}/{info['size']} bytes")
    return EXIT_OK


def cmd_fetch(args: argparse.Namespace) -> int:
    from yakuba.files import write_bytes_atomic
    from yakuba.relay.media import refuse_removable

    out = Path(args.out)
    refuse_removable(out)
    with _client(args) as client:
        data = client.wait_result(args.id, timeout=args.wait) if args.wait else client.fetch_result(args.id)
    if data is None:
        return fail(f"結果はまだありません (result not ready yet): {args.id}", EXIT_NOT_READY, prog=PROG)
    write_bytes_atomic(out.absolute(), data, mode=0o600)
    print(f"受け取りました (fetched): {out} ({len(data)} bytes)")
    return EXIT_OK


def add_parser(sub, add) -> None:  # type: ignore[no-untyped-def]
    relay = add("relay", "仲介機関: transmit debit files to the banks over mutual TLS (pki, serve, send, status, fetch)",
                lambda a: 2)
    relay_sub = relay.add_subparsers(dest="relay_command", metavar="ACTION", required=True)

    def connection(p: argparse.ArgumentParser) -> None:
        p.add_argument("--url", required=True, help="the relay, https://host:port")
        p.add_argument("--cert", required=True, help="this sender's client certificate (PEM)")
        p.add_argument("--key", required=True, help="its private key (PEM)")
        p.add_argument("--ca", required=True, help="the relay CA certificate (PEM)")
        p.add_argument("--retries", type=number_in(0, 20, "再試行の回数"), default=4, help="retries after a dropped connection (default 4)")
        p.add_argument("--timeout", type=number_in(0.1, 600, "待ち時間(秒)", float), default=30.0, help="seconds per request (default 30)")

    p = add("pki", "make a private CA, the server certificate and client certificates in DIR", told(cmd_pki),
            relay_sub)
    p.add_argument("dir")
    p.add_argument("--client", action="append", metavar="NAME", help="a client (sender) name; repeatable (default: city)")
    p = add("serve", "run the relay on gunicorn until Ctrl+C or SIGTERM (docs/relay-production.md)", told(cmd_serve),
            relay_sub)
    p.add_argument("--store", required=True, help="folder for uploads and results (not removable media)")
    p.add_argument("--cert", help="server certificate (PEM); with --key and --ca: mutual TLS")
    p.add_argument("--key", help="server key (PEM)")
    p.add_argument("--ca", help="CA that signs the client certificates (PEM)")
    p.add_argument("--trusted-proxy", action="append", metavar="ADDRESS",
                   help="a TLS-terminating proxy (address or network) whose X-Client-Verified-Name is believed; "
                        "repeatable; without --cert the relay listens in plain HTTP for it")
    p.add_argument("--threads", type=number_in(1, 256, "同時に受ける接続の数"), default=8, help="connections served at once (default 8)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=number_in(0, 65535, "ポート番号"), default=8443, help="0: any free port (printed)")
    p.add_argument("--simulate-bank", action="store_true", help="answer with yakuba.zengin.bank.simulate (tests, demo)")
    p = add("send", "upload FILE; prints its id and whether it was a duplicate", told(cmd_send), relay_sub)
    p.add_argument("file")
    p.add_argument("--name", help="name given to the relay (default: the file's name)")
    connection(p)
    p = add("status", "print an upload's status", told(cmd_status), relay_sub)
    p.add_argument("id")
    connection(p)
    p = add("fetch", "write the bank's result of upload ID to --out (exit 3 while not ready)", told(cmd_fetch),
            relay_sub)
    p.add_argument("id")
    p.add_argument("--out", required=True)
    p.add_argument("--wait", type=number_in(0, 86400, "結果を待つ時間(秒)", float), default=0.0, metavar="SECONDS", help="wait up to SECONDS for the result")
    connection(p)
