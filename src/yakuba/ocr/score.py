"""`yakuba intake score`: how well a reading did against the truth of synthetic pages.

Inputs are the two JSON-lines files of the issue's contract:

- results: one line per page, `{"page": name, "fields": {id: {"value", "confidence", "status",
  "reason"}}}` (status `accepted` or `review`);
- truth: one line per page, `{"page": name, "fields": {id: text}}` (checkboxes "1"/"0").

Measures (every value compared after NFKC, surrounding whitespace removed):

- **accuracy of accepted fields**: accepted and equal to the truth ÷ accepted;
- **automation rate**: accepted ÷ all fields of the truth (a page missing from the results
  counts as read by nobody: all its fields unaccepted);
- the same two **per field type** (the template gives each field id its type);
- **checkbox accuracy**: checkbox fields whose value equals the truth ÷ all checkbox fields,
  accepted or not (a checkbox sent to review with the right value counts as right);
- **pages/s**, when the reading wrote its timing next to the results (`<results>.meta.json`
  with `{"pages": n, "seconds": s}`).

Pure: no Django.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from yakuba.errors import YakubaError


class ScoreError(YakubaError, ValueError):
    """A results or truth file that cannot be read (with file and line)."""

    exit_code = 1


def normal(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()


@dataclass
class Tally:
    fields: int = 0
    accepted: int = 0
    correct_accepted: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        """Of the accepted fields, the share equal to the truth (None: none accepted)."""
        return self.correct_accepted / self.accepted if self.accepted else None

    @property
    def automation(self) -> float | None:
        return self.accepted / self.fields if self.fields else None

    @property
    def value_accuracy(self) -> float | None:
        """Of all fields, accepted or not, the share whose value equals the truth."""
        return self.correct / self.fields if self.fields else None

    def add(self, accepted: bool, correct: bool) -> None:
        self.fields += 1
        self.accepted += accepted
        self.correct_accepted += accepted and correct
        self.correct += correct


@dataclass
class Score:
    pages: int = 0
    pages_missing: list[str] = field(default_factory=list)
    pages_unknown: list[str] = field(default_factory=list)
    """Pages in the results that the truth does not have (not scored)."""
    overall: Tally = field(default_factory=Tally)
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    wrong_accepted: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(page, field, value, truth) of accepted fields that differ from the truth."""
    pages_per_second: float | None = None

    @property
    def checkbox(self) -> Tally:
        return self.by_type.get("checkbox", Tally())

    def as_json(self) -> dict:
        def tally(t: Tally) -> dict:
            return {"fields": t.fields, "accepted": t.accepted, "accuracy_of_accepted": t.accuracy,
                    "automation": t.automation, "value_accuracy": t.value_accuracy}

        return {"pages": self.pages, "pages_missing": self.pages_missing, "pages_unknown": self.pages_unknown,
                "overall": tally(self.overall), "by_type": {k: tally(v) for k, v in sorted(self.by_type.items())},
                "checkbox_accuracy": self.checkbox.value_accuracy, "pages_per_second": self.pages_per_second,
                "wrong_accepted": [dict(zip(("page", "field", "value", "truth"), w)) for w in self.wrong_accepted[:200]]}


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise ScoreError(f"{path}: UTF-8 ではありません (not UTF-8): {exc}") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScoreError(f"{path}:{n}: JSON として読めません (not JSON): {exc.msg}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("page"), str) or not isinstance(doc.get("fields"), dict):
            raise ScoreError(f'{path}:{n}: {{"page": …, "fields": {{…}}}} の形ではありません (not a page line)')
        yield n, doc


def _pages(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for n, doc in read_jsonl(path):
        if doc["page"] in out:
            raise ScoreError(f"{path}:{n}: ページ {doc['page']!r} が2回あります (page listed twice)")
        out[doc["page"]] = doc["fields"]
    return out


def score(results: Mapping[str, Mapping[str, object]], truth: Mapping[str, Mapping[str, object]],
          types: Mapping[str, str]) -> Score:
    """Score results against truth; `types` maps a field id to its type (unknown ids: "other")."""
    out = Score()
    for page, expected in truth.items():
        out.pages += 1
        got = results.get(page)
        if got is None:
            out.pages_missing.append(page)
            got = {}
        for fid, want in expected.items():
            reading = got.get(fid)
            value, accepted = "", False
            if isinstance(reading, dict):
                value = normal(reading.get("value"))
                accepted = reading.get("status") == "accepted"
            correct = value == normal(want)
            out.overall.add(accepted, correct)
            out.by_type[types.get(fid, "other")].add(accepted, correct)
            if accepted and not correct:
                out.wrong_accepted.append((page, fid, value, normal(want)))
    out.pages_unknown = sorted(set(results) - set(truth))
    return out


def score_files(results_path: Path, truth_path: Path, types: Mapping[str, str]) -> Score:
    result = score(_pages(results_path), _pages(truth_path), types)
    meta = results_path.with_name(results_path.name + ".meta.json")
    if meta.exists():
        try:
            timing = json.loads(meta.read_text(encoding="utf-8"))
            if timing.get("seconds"):
                result.pages_per_second = timing["pages"] / timing["seconds"]
        except (ValueError, KeyError, TypeError, ZeroDivisionError):
            pass  # timing is optional: a broken meta file only loses pages/s
    return result


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def report_lines(s: Score) -> Iterable[str]:
    yield f"ページ (pages): {s.pages}" + (f"  結果なし (missing): {len(s.pages_missing)}" if s.pages_missing else "")
    yield (f"採用した項目の正解率 (accuracy of accepted): {percent(s.overall.accuracy)}  "
           f"自動化率 (automation): {percent(s.overall.automation)}  "
           f"[{s.overall.correct_accepted}/{s.overall.accepted} correct, {s.overall.accepted}/{s.overall.fields} accepted]")
    yield f"チェックボックスの正解率 (checkbox accuracy): {percent(s.checkbox.value_accuracy)} [{s.checkbox.fields} boxes]"
    if s.pages_per_second is not None:
        yield f"速度 (pages/s): {s.pages_per_second:.2f}"
    for kind, t in sorted(s.by_type.items()):
        yield (f"  {kind:<9} accuracy {percent(t.accuracy):>9}  automation {percent(t.automation):>9}  "
               f"fields {t.fields}")
    for page, fid, value, want in s.wrong_accepted[:20]:
        yield f"  誤り (wrong, accepted): {page} {fid}: {value!r} ≠ {want!r}"
