"""The 利用調整 steps as services (views, jobs, the demo and the tests call these; views stay thin).

1. `import_package`: the vendor's delivery package (`docs/formats/intake-delivery.md`) through the
   hand-over service (signature, recipient, sequence, manifest; tampered or replayed refused and
   audited), then one `Application` per record with its 基準点, matched to the 住民記録.
2. `import_income`: 所得割額 per 宛名番号 from the tax system's CSV (UTF-8 or Shift_JIS).
3. `compute`: the round's applicants → `yakuba.allocation.rules` (調整点, tie-break row order, age
   class) → the engine → explanations; `what_if` does the same with other capacities, saving nothing.
4. `approve`: a supervisor other than the one who computed it (two people) publishes it.
5. `notices_pdf` (承諾通知・保留通知), `results_csv` (`docs/formats/admission-results.md`).
6. `create_second_round`: 二次調整 — accepted seats leave the capacity, declined ones return.
Every step is audited with ids and counts, never personal values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yakuba.errors import YakubaError
from yakuba.admission.config import ORGANISATION, rules_path
from yakuba.admission.models import Application, Delivery, Facility, Resident, Result, Round
from yakuba.audit.log import record
from yakuba.ocr.canonical import text as _text  # the delivery's canonical text: NFKC, one space
from yakuba.privacy.errors import PrivacyError

FORMAT = "yakuba-intake-delivery/1"
HEADER_FILE = "batch.json"
RECORDS_FILE = "applications.jsonl"
NOTICE_CATEGORIES = ["name", "address", "circumstances"]
FACT_KEYS = ("single_parent", "welfare", "guardian_absent_reason", "siblings_enrolled", "returning_from_leave",
             "nursery_worker", "unlicensed_care", "grandparent_caregiver", "fee_arrears", "multiple_birth",
             "child_disability", "number_of_children", "current")

BOOLEAN_FACTS = {
    "single_parent": "ひとり親世帯", "welfare": "生活保護世帯", "returning_from_leave": "育児休業からの復職",
    "nursery_worker": "保護者が市内の保育施設で保育士等として勤務", "unlicensed_care": "認可外保育施設等を有償で利用して就労",
    "grandparent_caregiver": "同居の親族(65歳未満)が保育可能", "fee_arrears": "保育料の滞納",
    "multiple_birth": "多胎児の同時申込", "child_disability": "児童に障害がある(集団保育が可能)",
}
"""The city's yes/no facts staff tick on an application (the 調整点 rules name them)."""

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    pass


class AdmissionError(YakubaError):
    """A step that cannot be done; the message (Japanese) says why and what to do."""


def school_year(month: str, default: int) -> int:
    """The 年度 of a `YYYY-MM` start month (April to March)."""
    try:
        y, m = (int(x) for x in month.split("-"))
    except (ValueError, AttributeError):
        return default
    return y if m >= 4 else y - 1


# --------------------------------------------------------------------------- 1. delivery package


def import_package(path: Path, user: Any, *, admission_year: int, passphrase: str | None = None) -> Delivery:
    """Accept the vendor's package, create its applications, keep the signed receipt.

    Refused (and audited as `admission.import.refused`): a package whose signature, recipient,
    sequence or manifest does not verify, one already accepted (replay), or a content that is not
    `yakuba-intake-delivery/1`. Nothing of a refused package stays: the decrypted files live in a
    temporary folder that is removed either way.
    """
    from yakuba.handover.service import accept

    try:
        with tempfile.TemporaryDirectory(prefix="admission-") as tmp, transaction.atomic():
            accepted = accept(Path(path), Path(tmp) / "package", recipient=ORGANISATION, passphrase=passphrase, user=user)
            header, rows = _read_delivery(Path(tmp) / "package")
            delivery = Delivery.objects.create(
                package_id=str(accepted.manifest.package_id), sender=accepted.manifest.sender, batch=header["batch"],
                name=str(header.get("name", ""))[:100], records=len(rows), receipt=accepted.receipt, by=user)
            received = _receipt_date(header)
            apps = [_application_from(row, delivery, admission_year, received) for row in rows]
            for app in apps:
                match_residents(app)
                app.save()
            record("admission.import.accepted", actor=user, target=delivery,
                   detail={"package_id": str(delivery.package_id), "records": len(apps),
                           "matched": sum(a.match == Application.Match.MATCHED for a in apps)})
    except PrivacyError as exc:
        _refused(path, user, type(exc).__name__)
        raise AdmissionError(f"納品パッケージを受領できません: {exc}") from None
    except AdmissionError as exc:
        _refused(path, user, "content")
        raise AdmissionError(f"納品パッケージを受領できません: {exc}") from None
    return delivery


def _refused(path: Path, user: Any, reason: str) -> None:
    record("admission.import.refused", actor=user, target_type="handover.package", target_id=Path(path).name[:80],
           detail={"reason": reason})


def _read_delivery(folder: Path) -> tuple[dict, list[dict]]:
    try:
        header = json.loads((folder / HEADER_FILE).read_text(encoding="utf-8"))
        lines = (folder / RECORDS_FILE).read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
    except FileNotFoundError as exc:
        raise AdmissionError(f"パッケージに {Path(exc.filename).name} がありません。") from None
    except (ValueError, UnicodeError) as exc:
        raise AdmissionError(f"申込データを JSON として読めません ({type(exc).__name__})。") from None
    if header.get("format") != FORMAT:
        raise AdmissionError(f"未対応の形式です: {header.get('format')!r}(対応: {FORMAT})")
    if header.get("recipient") != ORGANISATION:
        raise AdmissionError(f"宛先 {header.get('recipient')!r} はこの課ではありません。")
    if header.get("records") != len(rows):
        raise AdmissionError(f"batch.json の件数 {header.get('records')} と申込データの行数 {len(rows)} が違います。")
    for n, row in enumerate(rows, 1):
        if row.get("format") != FORMAT or not row.get("receipt_number") or not isinstance(row.get("fields"), dict):
            raise AdmissionError(f"{RECORDS_FILE} の {n} 行目が {FORMAT} の申込ではありません。")
    return header, rows


def _receipt_date(header: dict) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(header["created_at"]).date()
    except (KeyError, ValueError, TypeError):
        return None


def _application_from(row: dict, delivery: Delivery | None, admission_year: int, received: dt.date | None) -> Application:
    f = row["fields"]
    try:
        birth = dt.date.fromisoformat(f.get("child_birth", ""))
    except ValueError:
        raise AdmissionError(f"受付番号 {row['receipt_number']}: 児童の生年月日がありません。") from None
    points = row.get("base_points") or {}
    if Application.objects.filter(admission_year=admission_year, receipt_number=row["receipt_number"]).exists():
        raise AdmissionError(f"受付番号 {row['receipt_number']} は既に登録されています。")
    return Application(
        admission_year=admission_year, receipt_number=row["receipt_number"], receipt_date=received,
        source=Application.Source.PACKAGE, delivery=delivery, page=row.get("page", ""),
        child_name=_text(f.get("child_name", "")), child_kana=_text(f.get("child_kana", "")), child_birth=birth,
        address=_text(f.get("address", "")), postal_code=f.get("postal_code", ""), phone=f.get("phone", ""),
        guardian1_name=_text(f.get("guardian1_name", "")), guardian2_name=_text(f.get("guardian2_name", "")),
        wishes=[f[k] for k in ("wish1", "wish2", "wish3", "wish4", "wish5") if f.get(k)],
        start_month=f.get("start_month", ""), base_points=int(points.get("total") or 0),
        points_lines=list(points.get("lines") or []), points_problems=list(points.get("problems") or []),
    )


def match_residents(app: Application) -> Application:
    """Exact matches only: the child on (氏名, 生年月日), each guardian on 氏名 at the child's address.

    Anything else (none, several, a guardian not found) leaves the application 照合待ち for staff.
    Does not save.
    """
    children = list(Resident.objects.filter(name=_text(app.child_name), birth_date=app.child_birth)[:2])
    child = children[0] if len(children) == 1 else None
    guardians: list[Resident | None] = []
    ok = child is not None
    for name in (app.guardian1_name, app.guardian2_name):
        if not name:
            guardians.append(None)
            continue
        found = list(Resident.objects.filter(name=_text(name), address=child.address)[:2]) if child else []
        guardians.append(found[0] if len(found) == 1 else None)
        ok = ok and len(found) == 1
    app.child_resident, app.guardian1_resident, app.guardian2_resident = child, guardians[0], guardians[1]
    app.match = Application.Match.MATCHED if ok else Application.Match.PENDING
    if ok and not app.household and guardians[0] is not None:
        app.household = f"H{guardians[0].atena_number}"
    return app


def confirm_match(app: Application, user: Any, *, child: str, guardian1: str = "", guardian2: str = "",
                  request: Any = None) -> Application:
    """Staff tie an application to residents by 宛名番号 (the 照合待ち queue)."""
    def get(number: str) -> Resident | None:
        if not number.strip():
            return None
        try:
            return Resident.objects.get(atena_number=number.strip())
        except Resident.DoesNotExist:
            raise AdmissionError(f"宛名番号 {number} の住民記録がありません。") from None

    app.child_resident = get(child)
    if app.child_resident is None:
        raise AdmissionError("児童の宛名番号を入力してください。")
    app.guardian1_resident, app.guardian2_resident = get(guardian1), get(guardian2)
    app.match = Application.Match.CONFIRMED
    if not app.household and app.guardian1_resident is not None:
        app.household = f"H{app.guardian1_resident.atena_number}"
    with transaction.atomic():
        app.save()
        record("admission.application.matched", request=request, actor=user, target=app,
               detail={"residents": [r.pk for r in (app.child_resident, app.guardian1_resident, app.guardian2_resident) if r]})
    return app


EDITABLE = ("base_points", "wishes", "facts", "household", "sibling_pattern", "child_name", "child_birth",
            "guardian1_name", "guardian2_name", "address", "receipt_date")


def save_application(app: Application, user: Any, changes: dict[str, Any], *, request: Any = None) -> Application:
    """Enter (new `app`) or correct an application by hand; the change is audited (field names only)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise AdmissionError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    changed = sorted(k for k, v in changes.items() if getattr(app, k, None) != v)
    for k, v in changes.items():
        setattr(app, k, v)
    new = app.pk is None
    if new:
        app.source = Application.Source.MANUAL
    with transaction.atomic():
        if new or {"child_name", "child_birth", "guardian1_name", "guardian2_name"} & set(changed):
            match_residents(app)
        app.save()
        record("admission.application.created" if new else "admission.application.changed", request=request,
               actor=user, target=app, detail={"fields": changed})
    return app


# --------------------------------------------------------------------------- 2. income


@dataclass(frozen=True)
class IncomeImport:
    residents: int
    unknown: int
    """宛名番号 of the file with no resident here (not stored)."""


def import_income(path: Path, user: Any, *, year: int, request: Any = None) -> IncomeImport:
    """所得割額 per 宛名番号 from the tax system's CSV (UTF-8 or Shift_JIS; `read_income_csv`)."""
    from yakuba.allocation.rules import IncomeCsvError, read_income_csv

    try:
        amounts = read_income_csv(path)
    except IncomeCsvError as exc:
        raise AdmissionError(f"所得割額のファイルを読めません: {exc}") from None
    with transaction.atomic():
        residents = list(Resident.objects.filter(atena_number__in=list(amounts)))
        for r in residents:
            r.income_tax_amount, r.income_year = amounts[r.atena_number], year
        Resident.objects.bulk_update(residents, ["income_tax_amount", "income_year"], batch_size=500)
        result = IncomeImport(len(residents), len(amounts) - len(residents))
        record("admission.income.imported", request=request, actor=user, target_type="admission.resident",
               categories=["income"], detail={"residents": result.residents, "unknown": result.unknown, "year": year})
    return result


# --------------------------------------------------------------------------- 3. rounds


def rules() -> Any:
    from yakuba.allocation.rules import load_rules

    return load_rules(rules_path())


def read_facilities_csv(path: Path) -> list[tuple[str, str, list[int]]]:
    """施設ID, 施設名, 0歳定員 … 5歳定員 (the engine's daycares table, UTF-8 or Shift_JIS)."""
    raw = Path(path).read_bytes()
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AdmissionError("施設のファイルの文字コードが UTF-8 でも Shift_JIS でもありません。")
    out = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
        try:
            out.append((row["施設ID"].strip(), row["施設名"].strip(), [int(row[f"{a}歳定員"] or 0) for a in range(6)]))
        except (KeyError, ValueError, AttributeError):
            raise AdmissionError(f"施設のファイルの {n} 行目を読めません(施設ID, 施設名, 0歳定員〜5歳定員)。") from None
    return out


def create_round(admission_year: int, facilities: Iterable[tuple[str, str, Sequence[int]]], user: Any, *,
                 name: str = "", number: int = 1, previous: Round | None = None, request: Any = None) -> Round:
    with transaction.atomic():
        rnd = Round.objects.create(name=name or f"{admission_year}年度 {'一次' if number == 1 else '二次'}調整",
                                   admission_year=admission_year, number=number, previous=previous)
        Facility.objects.bulk_create([Facility(round=rnd, code=c, name=n, capacity=[int(x) for x in cap])
                                      for c, n, cap in facilities])
        record("admission.round.created", request=request, actor=user, target=rnd,
               detail={"facilities": rnd.facilities.count(), "number": number})
    return rnd


def participants(rnd: Round) -> list[Application]:
    """一次: every application of the year. 二次: round-1 waiting children and late applications."""
    apps = Application.objects.filter(admission_year=rnd.admission_year).select_related(
        "guardian1_resident", "guardian2_resident")
    if rnd.previous is not None:
        earlier = Result.objects.filter(round__admission_year=rnd.admission_year, round__number__lt=rnd.number)
        decided = earlier.exclude(status=Result.Status.WAITING).values("application")
        apps = apps.exclude(pk__in=decided)
    return list(apps)


def applicant(app: Application, facilities: set[str]) -> Any:
    from yakuba.allocation.rules import Applicant

    facts = {k: v for k, v in (app.facts or {}).items() if k in FACT_KEYS}
    if "siblings_enrolled" in facts:
        facts["siblings_enrolled"] = frozenset(facts["siblings_enrolled"] or ())
    current = facts.pop("current", None) or None
    return Applicant(
        id=app.receipt_number, household=app.household_id, birth=app.child_birth,
        wishes=tuple(w for w in app.wishes if w in facilities), base_points=app.base_points,
        receipt_number=app.receipt_number, receipt_date=app.receipt_date,
        current=current if current in facilities else None, pattern=app.sibling_pattern,
        household_income=app.income(), **facts)


def check_ready(rnd: Round) -> list[Application]:
    """The round's participants, or AdmissionError when staff must act first (照合待ち, 承認済み)."""
    if rnd.status == Round.Status.APPROVED:
        raise AdmissionError("承認済みの利用調整は計算し直せません。")
    apps = participants(rnd)
    pending = [a.receipt_number for a in apps if a.match == Application.Match.PENDING]
    if pending:
        raise AdmissionError(f"住民記録との照合が済んでいない申込が {len(pending)} 件あります"
                             f"(受付番号 {', '.join(pending[:5])}{' …' if len(pending) > 5 else ''})。照合してから計算してください。")
    if not apps:
        raise AdmissionError("この利用調整の対象となる申込がありません。")
    return apps


@dataclass
class Computed:
    instance: Any
    outcome: Any
    explanations: list
    breakdowns: dict
    apps: dict


def _compute(rnd: Round, capacity: dict[str, list[int]] | None = None, progress: Progress = _no_progress) -> Computed:
    from yakuba.allocation.allocate import allocate
    from yakuba.allocation.explain import explain
    from yakuba.allocation.model import Facility as EngineFacility
    from yakuba.allocation.rules import AgeClassError, score, to_instance

    the_rules = rules()
    facilities = list(rnd.facilities.all())
    codes = {f.code for f in facilities}
    apps = check_ready(rnd)
    progress(0, 3, "申込者の点数と順位を計算しています")
    applicants, by_id = [], {}
    sizes: dict[str, int] = {}
    for a in apps:
        sizes[a.household_id] = sizes.get(a.household_id, 0) + 1
    for a in apps:
        if sizes[a.household_id] > 1 and a.sibling_pattern is None:
            a.sibling_pattern = 5  # 別保順次: at least one child newly placed
        try:
            the_rules.age_class(a.child_birth, rnd.admission_year)
        except AgeClassError as exc:
            raise AdmissionError(f"受付番号 {a.receipt_number}: {exc}") from None
        applicants.append(applicant(a, codes))
        by_id[a.receipt_number] = a
    engine_facilities = [EngineFacility(f.code, f.name, tuple((capacity or {}).get(f.code, f.capacity)))  # type: ignore[arg-type]
                         for f in facilities]
    instance = to_instance(applicants, the_rules, rnd.admission_year, engine_facilities)
    progress(1, 3, f"{len(applicants)} 人の利用調整を計算しています")
    outcome = allocate(instance, effort=30.0)
    progress(2, 3, "決定理由を作成しています")
    breakdowns = {a.id: score(a, the_rules) for a in applicants}
    return Computed(instance, outcome, explain(instance, outcome.allocation), breakdowns, by_id)


def compute(rnd: Round, user: Any, *, progress: Progress = _no_progress) -> Round:
    """Run the allocation for the round and store each child's result and explanation (not published)."""
    c = _compute(rnd, progress=progress)
    children = c.instance.children
    results = []
    for i, e in enumerate(c.explanations):
        app = c.apps[e.child_id]
        child = children[i]
        results.append(Result(
            round=rnd, application=app, facility=e.facility or "", first_wish=child.wishes[0] if child.wishes else "",
            age_class=child.age, points=child.points_at(e.facility) if e.facility else e.points, wish_rank=e.wish_rank,
            status=e.status, breakdown=c.breakdowns[e.child_id].describe(), explanation=_as_dict(e), text=e.text))
    with transaction.atomic():
        rnd.results.all().delete()
        Result.objects.bulk_create(results, batch_size=1000)
        rnd.status, rnd.method, rnd.stable = Round.Status.COMPUTED, c.outcome.method[:200], c.outcome.stable
        rnd.rules_title, rnd.started_by, rnd.computed_at = rules().title[:200], user, timezone.now()
        rnd.approved_by = rnd.approved_at = None
        rnd.save()
        counts = {s: sum(r.status == s for r in results) for s in Result.Status.values}
        record("admission.round.computed", actor=user, target=rnd, detail={"children": len(results), **counts,
                                                                            "stable": c.outcome.stable})
    progress(3, 3, "完了")
    return rnd


def _as_dict(e: Any) -> dict:
    from dataclasses import asdict

    return asdict(e)


def what_if(rnd: Round, capacity: dict[str, list[int]], user: Any, *, request: Any = None) -> dict[tuple[str, int], int]:
    """Placed children per facility × age with other capacities; nothing is saved or published."""
    c = _compute(rnd, capacity)
    placed: dict[tuple[str, int], int] = {}
    for child, facility in zip(c.instance.children, c.outcome.allocation):
        if facility is not None:
            placed[(facility, child.age)] = placed.get((facility, child.age), 0) + 1
    record("admission.round.what_if", request=request, actor=user, target=rnd,
           detail={"changed": sorted(capacity), "placed": sum(placed.values())})
    return placed


def approve(rnd: Round, user: Any, *, notice_date: dt.date | None = None, request: Any = None) -> Round:
    """Publish the computed round: a supervisor, and not the person who computed it (two people)."""
    from yakuba.accounts.roles import Role

    if rnd.status != Round.Status.COMPUTED:
        raise AdmissionError("計算済みで承認待ちの利用調整だけを承認できます。")
    if getattr(user, "role", None) != Role.CITY_SUPERVISOR:
        raise AdmissionError("承認できるのは所属長だけです。")
    if rnd.started_by_id is not None and rnd.started_by_id == user.pk:
        raise AdmissionError("計算した職員とは別の職員が承認してください(二人による確認)。")
    with transaction.atomic():
        rnd.status, rnd.approved_by, rnd.approved_at = Round.Status.APPROVED, user, timezone.now()
        rnd.notice_date = notice_date or timezone.localdate()
        rnd.save(update_fields=["status", "approved_by", "approved_at", "notice_date"])
        record("admission.round.approved", request=request, actor=user, target=rnd,
               detail={"computed_by": rnd.started_by_id})
    return rnd


def record_response(result: Result, response: str, user: Any, *, request: Any = None) -> Result:
    """The guardian accepts or declines a placement (承諾・辞退)."""
    if result.status != Result.Status.PLACED or result.round.status != Round.Status.APPROVED:
        raise AdmissionError("公開済みの内定にだけ回答を記録できます。")
    if response not in (Result.Response.ACCEPTED, Result.Response.DECLINED):
        raise AdmissionError("回答は承諾か辞退です。")
    with transaction.atomic():
        result.response = response
        result.save(update_fields=["response"])
        record("admission.result.response", request=request, actor=user, target=result, detail={"response": response})
    return result


def create_second_round(first: Round, user: Any, *, request: Any = None) -> Round:
    """二次調整: accepted (or unanswered) round-1 placements keep their seats, which leave the
    capacity; declined seats return. Waiting children and late applications take part."""
    if first.status != Round.Status.APPROVED:
        raise AdmissionError("承認済みの利用調整の後にだけ二次調整を作成できます。")
    taken: dict[tuple[str, int], int] = {}
    for facility, age in (first.results.filter(status=Result.Status.PLACED)
                          .exclude(response=Result.Response.DECLINED).values_list("facility", "age_class")):
        taken[(facility, age)] = taken.get((facility, age), 0) + 1
    facilities = [(f.code, f.name, [max(0, f.capacity[a] - taken.get((f.code, a), 0)) for a in range(6)])
                  for f in first.facilities.all()]
    return create_round(first.admission_year, facilities, user, number=first.number + 1, previous=first, request=request)


# --------------------------------------------------------------------------- 5. notices and CSV


def _facility_names(rnd: Round) -> dict[str, str]:
    return dict(rnd.facilities.values_list("code", "name"))


def notice_context(result: Result, names: dict[str, str]) -> dict[str, Any]:
    from yakuba.wareki import to_wareki

    rnd, app = result.round, result.application
    return {
        "result": result, "app": app, "placed": result.status != Result.Status.WAITING,
        "facility": names.get(result.facility, result.facility),
        "notice_date": to_wareki(rnd.notice_date or timezone.localdate()),
        "start": to_wareki(dt.date(rnd.admission_year, 4, 1)) if not app.start_month else
        to_wareki(dt.date.fromisoformat(app.start_month + "-01")),
        "birth": to_wareki(app.child_birth), "round": rnd,
        "appeal_until": "この通知を受けた日の翌日から起算して3か月以内",
    }


def notices_html(results: Sequence[Result]) -> str:
    from django.template.loader import render_to_string

    names = _facility_names(results[0].round) if results else {}
    return render_to_string("admission/notice_pdf.html", {"letters": [notice_context(r, names) for r in results]})


def notices_pdf(results: Sequence[Result], user: Any, *, request: Any = None) -> bytes:
    """承諾通知・保留通知 as one PDF (one letter per child); only for an approved round; audited."""
    from weasyprint import HTML

    results = list(results)
    if not results:
        raise AdmissionError("印刷する通知がありません。")
    if any(r.round.status != Round.Status.APPROVED for r in results):
        raise AdmissionError("所属長の承認前は通知を作成できません。")
    data = HTML(string=notices_html(results)).write_pdf()
    with transaction.atomic():
        Result.objects.filter(pk__in=[r.pk for r in results], printed_at__isnull=True).update(printed_at=timezone.now())
        record("admission.notice.printed", request=request, actor=user, target_type="admission.result",
               categories=NOTICE_CATEGORIES, detail={"ids": [r.pk for r in results][:1000], "count": len(results)})
    return data


RESULTS_HEADER = ["受付番号", "宛名番号", "入園年度", "調整次数", "年齢クラス", "点数", "結果", "決定施設コード", "希望順位", "承認日"]


def results_csv(rnd: Round, user: Any, *, request: Any = None) -> bytes:
    """The results for the city's core system (`docs/formats/admission-results.md`): UTF-8 with BOM, CRLF."""
    if rnd.status != Round.Status.APPROVED:
        raise AdmissionError("所属長の承認前は結果を出力できません。")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(RESULTS_HEADER)
    code = {Result.Status.PLACED: "1", Result.Status.STAYED: "2", Result.Status.WAITING: "9"}
    rows = rnd.results.select_related("application__child_resident").order_by("application__receipt_number")
    n = 0
    for r in rows:
        resident = r.application.child_resident
        w.writerow([r.application.receipt_number, resident.atena_number if resident else "", rnd.admission_year,
                    rnd.number, r.age_class, r.points, code[r.status], r.facility, r.wish_rank or "",
                    rnd.approved_at.date().isoformat() if rnd.approved_at else ""])
        n += 1
    record("admission.results.exported", request=request, actor=user, target=rnd, categories=["identifier"],
           detail={"rows": n})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def results_for_print(rnd: Round, *, waiting: bool | None = None) -> list[Result]:
    qs = rnd.results.select_related("application", "round").order_by("application__receipt_number")
    if waiting is True:
        qs = qs.filter(status=Result.Status.WAITING)
    elif waiting is False:
        qs = qs.filter(~Q(status=Result.Status.WAITING))
    return list(qs)
