"""Rough benchmark: constrained decoder (yakuba.ocr.decode) vs plain RapidOCR recogniser.

Renders ~200 synthetic crops (fictional names in kanji and katakana, digit strings in cells) in the
handwriting-style fonts Debian installs, with jitter, blur and noise, and prints character accuracy
(1 - edit distance / length), exact-field rate, the accuracy of fields above the policy threshold,
and ms per field / per cell. Plain RapidOCR reads the same crops (the cells side by side, borders
included). Usage: ``.venv/bin/python bench/ocr_recogniser.py [--n 200] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ocr"))
sys.path.insert(0, str(ROOT / "src"))

from test_decode_render import HANDWRITING, render_cells, render_text  # noqa: E402

from yakuba.ocr.checks import thresholds  # noqa: E402
from yakuba.ocr.engines import RapidOcrEngine  # noqa: E402

FAMILY = [("山田", "ヤマダ"), ("川村", "カワムラ"), ("森本", "モリモト"), ("松井", "マツイ"),
          ("石川", "イシカワ"), ("中野", "ナカノ"), ("大西", "オオニシ"), ("小林", "コバヤシ"),
          ("高木", "タカギ"), ("藤田", "フジタ"), ("原口", "ハラグチ"), ("青木", "アオキ")]
GIVEN = [("花子", "ハナコ"), ("太郎", "タロウ"), ("美咲", "ミサキ"), ("健太", "ケンタ"),
         ("陽菜", "ヒナ"), ("大輔", "ダイスケ"), ("由美", "ユミ"), ("翔太", "ショウタ"),
         ("千尋", "チヒロ"), ("正人", "マサト")]


def edit(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def samples(n: int, seed: int):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        font = HANDWRITING[i % len(HANDWRITING)]
        f, g = rng.choice(FAMILY), rng.choice(GIVEN)
        kind = ("kanji", "katakana", "digits")[i % 3]
        if kind == "kanji":
            out.append((kind, f"{f[0]} {g[0]}", font, i))
        elif kind == "katakana":
            out.append((kind, f"{f[1]} {g[1]}", font, i))
        else:
            k = rng.choice([4, 7, 11])
            out.append((kind, "".join(rng.choice("0123456789") for _ in range(k)), font, i))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=201)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from rapidocr import RapidOCR

    plain = RapidOCR()
    eng = RapidOcrEngine()
    th = thresholds()
    stats: dict[tuple[str, str], list] = {}
    cell_ms: list[float] = []
    for kind, truth, font, i in samples(args.n, args.seed):
        if kind == "digits":
            cells = render_cells(truth, font, seed=i, blur=0.8, noise=8)
            t0 = time.perf_counter()
            r = eng.read_cells(cells, kind)
            dt = (time.perf_counter() - t0) * 1000
            cell_ms.append(dt / len(cells))
            row = np.concatenate(cells, axis=1)
            crop_plain = row
            ours, conf = r.text, r.confidence
        else:
            crop = render_text(truth, font, seed=i, blur=0.8, noise=8)
            t0 = time.perf_counter()
            r = eng.read_text(crop, kind)
            dt = (time.perf_counter() - t0) * 1000
            crop_plain = crop
            ours, conf = r.text, r.confidence
        t0 = time.perf_counter()
        res = plain(crop_plain, use_det=False, use_cls=False)
        pdt = (time.perf_counter() - t0) * 1000
        ptxt = "".join(res.txts or ()) if res.txts else ""
        pconf = float(min(res.scores)) if res.scores else 0.0
        for who, txt, c, ms in (("constrained", ours, conf, dt), ("plain", ptxt, pconf, pdt)):
            stats.setdefault((kind, who), []).append((truth, txt, c, ms))
    print(f"{'type':9} {'decoder':12} {'n':>4} {'char acc':>9} {'exact':>7} "
          f"{'exact*':>7} {'auto':>6} {'acc@thr':>8} {'ms/field':>9}")
    for (kind, who), rows in sorted(stats.items()):
        chars = sum(len(t) for t, *_ in rows)
        # characters compared ignoring spaces (space detection is measured by 'exact')
        errs = sum(edit(t.replace(" ", ""), x.replace(" ", "")) for t, x, *_ in rows)
        exact = sum(t == x for t, x, *_ in rows) / len(rows)
        exact_ns = sum(t.replace(" ", "") == x.replace(" ", "") for t, x, *_ in rows) / len(rows)
        thr = th.get(kind, th["default"])
        acc = [(t == x) for t, x, c, _ in rows if c > thr]
        auto = len(acc) / len(rows)
        acc_thr = (sum(acc) / len(acc)) if acc else float("nan")
        ms = sum(r[3] for r in rows) / len(rows)
        print(f"{kind:9} {who:12} {len(rows):4d} {1 - errs / chars:9.4f} {exact:7.3f} "
              f"{exact_ns:7.3f} {auto:6.3f} {acc_thr:8.4f} {ms:9.1f}")
    if cell_ms:
        print(f"digit cells: {sum(cell_ms) / len(cell_ms):.2f} ms per cell (constrained, batched)")
    print("exact* = exact ignoring spaces; auto/acc@thr = share above the policy threshold and "
          "its exact accuracy (plain: rapidocr's own score against the same threshold)")


if __name__ == "__main__":
    main()
