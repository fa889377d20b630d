"""The demo's attachments (issue #13 §10): on the first open case of `worker`, a synthetic PDF (a
面談記録 made with WeasyPrint), a spoken recording made with espeak-ng (in memory: ``--stdout``),
and a synthetic photo (Pillow). All synthetic; the real upload action stores them. Without
espeak-ng the demo says so in one line and skips just the recording."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any, Callable

SPOKEN = "これは合成音声による面談記録のデモです。実在の人物ではありません。次回の訪問は来週の火曜日です。"


def synthetic_pdf(number: str) -> bytes:
    from weasyprint import HTML

    html = f"""<html><head><meta charset="utf-8"><style>
      body {{ font-family: "IPAexGothic", sans-serif; font-size: 12pt; margin: 2cm; }}
      h1 {{ font-size: 16pt; }} td, th {{ border: 1px solid #444; padding: 4pt 8pt; }}
      table {{ border-collapse: collapse; width: 100%; }}</style></head><body>
      <h1>面談記録(デモ・合成データ)</h1><p>ケース {number}</p>
      <table><tr><th>日時</th><td>令和8年4月1日 10:00</td></tr><tr><th>方法</th><td>訪問</td></tr>
      <tr><th>内容</th><td>架空の相談者との面談。生活の状況と今後の支援について話し合った。</td></tr>
      <tr><th>次の対応</th><td>地域包括支援センターと情報共有の可否を本人に確認する。</td></tr></table>
      <p>このPDFはデモ用に合成したもので、実在の人物の情報は含まれていません。</p></body></html>"""
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def synthetic_photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 800), (236, 230, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 420, 1100, 760), fill=(150, 110, 70))  # a table
    for x in range(160, 1040, 180):
        draw.rectangle((x, 300, x + 120, 420), fill=(90 + x // 20, 120, 160))  # boxes on it
    draw.rectangle((0, 0, 1200, 120), fill=(200, 215, 230))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def spoken_audio() -> bytes | None:
    """A WAV from espeak-ng into memory, or None when espeak-ng is not installed."""
    if shutil.which("espeak-ng") is None:
        return None
    done = subprocess.run(["espeak-ng", "-v", "ja", "-s", "150", "--stdout", SPOKEN], capture_output=True,
                          timeout=60, check=True)
    return done.stdout


def run(worker: Any, progress: Callable[[str], None] = lambda m: None) -> None:
    from yakuba.consult.actions.attachments import do_upload
    from yakuba.consult.models import Attachment, Case

    case = (Case.objects.filter(workers=worker).exclude(status=Case.Status.CLOSED).order_by("pk").first())
    if case is None or Attachment.objects.filter(case=case).exists():
        return
    progress(f"基幹福祉相談センターのデモ: ケース {case.number} に添付ファイル(PDF・音声・画像)を用意しています")
    do_upload(case, worker, title="面談記録(合成)", data=synthetic_pdf(case.number))
    do_upload(case, worker, title="自宅の様子(合成写真)", data=synthetic_photo())
    audio = spoken_audio()
    if audio is None:
        progress("espeak-ng がないため、デモの音声の添付は作りません(apt-get install espeak-ng で作れます)")
        return
    do_upload(case, worker, title="面談の録音(合成音声)", data=audio)
