"""An hour of interview audio streamed to the player: under 50 MB of server memory, first sound
in under 300 ms (issue #13, targets).

    .venv/bin/python bench/consult_audio_stream.py [--minutes 60] [--rate 16000]

Builds one hour of synthetic audio (a generated 16 kHz mono 16-bit WAV, 115 MB: tones and noise,
no speech) and stores it in the vault as a case's attachment, streamed into the envelope block by
block (never whole in memory). Then, in the same process, as the case's assigned worker:

- ours: the viewer page (one audited viewing, its grant), then the content endpoint the <audio>
  player fetches — the whole file without Range, and a Range from the middle (a seek) — each
  consumed as a browser would; peak Python memory (tracemalloc) and time to the first byte;
- baseline: ``vault.service.read_bytes`` of the whole file (what a view that loads the file would do).

Prints one table and the ratio baseline ÷ ours (memory). Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT))  # tests.factories: the centre and its worker
TARGET_MB = 50.0
TARGET_TTFB_MS = 300.0


def setup() -> None:
    os.environ.setdefault("YAKUBA_DATA", tempfile.mkdtemp(prefix="yakuba-bench-audio-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


class SyntheticWav(io.RawIOBase):
    """A WAV file generated as it is read: header, then `seconds` of 16-bit mono samples."""

    def __init__(self, seconds: int, rate: int) -> None:
        import struct

        self.rate, self.total = rate, seconds * rate * 2
        fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
        self.head = (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + self.total) + b"WAVE" + b"fmt "
                     + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", self.total))
        self.pos = 0  # in the samples
        self.sent_head = False

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # type: ignore[no-untyped-def]
        import numpy as np

        if not self.sent_head:
            self.sent_head = True
            buf[:len(self.head)] = self.head
            return len(self.head)
        n = min(len(buf), self.total - self.pos) // 2 * 2
        if n <= 0:
            return 0
        t = (np.arange(self.pos // 2, self.pos // 2 + n // 2) / self.rate)
        wave = 6000 * np.sin(2 * np.pi * (220 + 110 * np.sin(t / 7)) * t) + np.random.default_rng(self.pos).normal(0, 300, n // 2)
        buf[:n] = wave.astype("<i2").tobytes()
        self.pos += n
        return n


def fixture(minutes: int, rate: int):  # type: ignore[no-untyped-def]
    from tests import factories
    from yakuba.accounts.roles import Role
    from yakuba.consult.actions import cases
    from yakuba.consult.models import Attachment, case_batch
    from yakuba.vault import service as vault
    from yakuba.vault.models import StoredObject

    worker = factories.user(Role.CENTER_WORKER, "bench-worker")
    case = cases.do_open_case(worker, person={"name": "合成 太郎"}, domains=["elderly"], route="phone",
                              urgency="normal", worry="合成データ")
    src = io.BufferedReader(SyntheticWav(minutes * 60, rate), buffer_size=1 << 20)
    t0 = time.perf_counter()
    stored = vault.store(src, kind=StoredObject.Kind.ATTACHMENT, organisation=case.centre, user=worker,
                         description=f"ケース {case.number} の添付(WAV音声)", categories=["sensitive"],
                         batch=case_batch(case.pk))
    stored_s = time.perf_counter() - t0
    a = Attachment.objects.create(case=case, kind="audio", format="wav", content_type="audio/wav", title="合成の録音",
                                  stored=stored, size=stored.size, seconds=minutes * 60.0, uploaded_by=worker)
    return worker, a, stored_s


def consume(response, sink_first: list[float], t0: float) -> int:  # type: ignore[no-untyped-def]
    total = 0
    for piece in response.streaming_content:
        if not sink_first:
            sink_first.append(time.perf_counter() - t0)
        total += len(piece)
    response.close()
    return total


def measure(label: str, fn):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    tracemalloc.reset_peak()
    t0 = time.perf_counter()
    out = fn(t0)
    wall = time.perf_counter() - t0
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return label, peak / 1e6, wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--rate", type=int, default=16000)
    args = parser.parse_args()
    setup()
    import html
    import re

    from django.test import Client
    from django.urls import reverse

    from yakuba.vault import service as vault

    worker, a, stored_s = fixture(args.minutes, args.rate)
    print(f"stored {a.size / 1e6:.1f} MB ({args.minutes} min, {args.rate} Hz mono) in the vault in {stored_s:.1f} s")
    client = Client()
    client.force_login(worker)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session  # the second factor, verified as the code page would
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=worker, name="bench", confirmed=True).persistent_id
    session.save()
    from consult_case_page import on_registered_terminal  # bench/ is on sys.path: the script's folder

    on_registered_terminal(worker, client)
    page = client.get(reverse("consult:attachment", args=[a.pk]))
    if page.status_code != 200:
        raise SystemExit(f"the viewer answered {page.status_code}")
    content = html.unescape(re.search(r'data-src="([^"]+)"', page.content.decode()).group(1))
    rows = []
    for label, headers in (("ours: whole file (no Range)", {}),
                           ("ours: seek to the middle (Range)", {"HTTP_RANGE": f"bytes={a.size // 2}-"}),
                           ("ours: player's first request (bytes=0-)", {"HTTP_RANGE": "bytes=0-"})):
        first: list[float] = []

        def run(t0: float, headers=headers, first=first) -> int:  # type: ignore[no-untyped-def]
            return consume(client.get(content, **headers), first, t0)

        name, peak, wall, sent = measure(label, run)
        rows.append((name, peak, first[0] * 1000 if first else float("nan"), wall, sent))
    rss_ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def baseline(t0: float) -> int:
        return len(vault.read_bytes(a.stored, user=worker))

    name, peak, wall, sent = measure("baseline: vault.read_bytes (whole file)", baseline)
    rows.append((name, peak, wall * 1000, wall, sent))
    rss_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'':44} {'peak MB':>9} {'1st byte ms':>12} {'total s':>8} {'bytes':>12}")
    for name, peak, ttfb, wall, sent in rows:
        print(f"{name:44} {peak:9.1f} {ttfb:12.1f} {wall:8.2f} {sent:12d}")
    ours_peak = max(r[1] for r in rows[:3])
    ours_ttfb = max(r[2] for r in rows[:3])
    print(f"max RSS after streaming: {rss_ours:.0f} MB; after the baseline: {rss_base:.0f} MB (process, incl. Django)")
    print(f"ratio baseline ÷ ours (peak memory): {rows[3][1] / ours_peak:.0f}×")
    print(f"target: < {TARGET_MB:.0f} MB → {'ok' if ours_peak < TARGET_MB else 'MISSED'} ({ours_peak:.1f} MB); "
          f"first byte < {TARGET_TTFB_MS:.0f} ms → {'ok' if ours_ttfb < TARGET_TTFB_MS else 'MISSED'} ({ours_ttfb:.1f} ms)")


if __name__ == "__main__":
    main()
