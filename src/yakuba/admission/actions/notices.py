"""After approval: the letters (承諾通知・保留通知), the results for the city's core system, and the
guardians' answers (承諾・辞退).

- `do_print_notices`: one PDF, one letter per child; audited with ids, never a name.
- `do_export_results`: the results CSV (`docs/formats/admission-results.md`).
- `do_record_response`: a guardian accepts or declines a placement.
Nothing here works before a supervisor has approved the round.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Sequence

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Result, Round
from yakuba.audit.log import record
from yakuba.cityprofile.load import current as city_profile
from yakuba.wareki import to_wareki

NOTICE_CATEGORIES = ["name", "address", "circumstances"]
RESULTS_HEADER = ["受付番号", "宛名番号", "入園年度", "調整次数", "年齢クラス", "点数", "結果", "決定施設コード", "希望順位",
                  "承認日"]
RESULT_CODES = {Result.Status.PLACED: "1", Result.Status.STAYED: "2", Result.Status.WAITING: "9"}
APPEAL = "この通知を受けた日の翌日から起算して3か月以内"


def results_for_print(rnd: Round, *, waiting: bool | None = None) -> list[Result]:
    """The round's results by 受付番号: all, only the waiting ones (True) or only the others (False)."""
    qs = rnd.results.select_related("application", "round").order_by("application__receipt_number")
    if waiting is True:
        qs = qs.filter(status=Result.Status.WAITING)
    elif waiting is False:
        qs = qs.filter(~Q(status=Result.Status.WAITING))
    return list(qs)


def notice_context(result: Result, names: dict[str, str]) -> dict[str, Any]:
    """What one letter says: the decision, the facility's name, the dates in 和暦."""
    rnd, app = result.round, result.application
    return {
        "result": result, "app": app, "placed": result.status != Result.Status.WAITING,
        "facility": names.get(result.facility, result.facility),
        "notice_date": to_wareki(rnd.notice_date or timezone.localdate()),
        "start": to_wareki(dt.date(rnd.admission_year, 4, 1)) if not app.start_month else
        to_wareki(dt.date.fromisoformat(app.start_month + "-01")),
        "birth": to_wareki(app.child_birth), "round": rnd, "appeal_until": APPEAL,
    }


def notices_html(results: Sequence[Result]) -> str:
    names = dict(results[0].round.facilities.values_list("code", "name")) if results else {}
    return render_to_string("admission/notice_pdf.html", {"letters": [notice_context(r, names) for r in results],
                                                          "city": city_profile().city})


def check_notices(results: Sequence[Result]) -> None:
    """Letters only for results of an approved round, and at least one."""
    if not results:
        raise AdmissionError("印刷する通知がありません。")
    if any(r.round.status != Round.Status.APPROVED for r in results):
        raise AdmissionError("所属長の承認前は通知を作成できません。")


def do_print_notices(results: Sequence[Result], user: Any, *, request: Any = None) -> bytes:
    """承諾通知・保留通知 as one PDF (one letter per child); only for an approved round; audited."""
    from weasyprint import HTML  # heavy: loaded when a letter is printed, not with the screens

    results = list(results)
    check_notices(results)
    data = HTML(string=notices_html(results)).write_pdf()
    with transaction.atomic():
        Result.objects.filter(pk__in=[r.pk for r in results], printed_at__isnull=True).update(printed_at=timezone.now())
        record("admission.notice.printed", request=request, actor=user, target_type="admission.result",
               categories=NOTICE_CATEGORIES, detail={"ids": [r.pk for r in results][:1000], "count": len(results)})
    return data


def do_export_results(rnd: Round, user: Any, *, request: Any = None) -> bytes:
    """The results for the city's core system (`docs/formats/admission-results.md`): UTF-8 with BOM, CRLF."""
    if rnd.status != Round.Status.APPROVED:
        raise AdmissionError("所属長の承認前は結果を出力できません。")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(RESULTS_HEADER)
    rows = rnd.results.select_related("application__child_resident").order_by("application__receipt_number")
    n = 0
    for r in rows:
        resident = r.application.child_resident
        w.writerow([r.application.receipt_number, resident.atena_number if resident else "", rnd.admission_year,
                    rnd.number, r.age_class, r.points, RESULT_CODES[r.status], r.facility, r.wish_rank or "",
                    rnd.approved_at.date().isoformat() if rnd.approved_at else ""])
        n += 1
    record("admission.results.exported", request=request, actor=user, target=rnd, categories=["identifier"],
           detail={"rows": n})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def check_response(result: Result, response: str) -> None:
    """An answer is 承諾 or 辞退, and only to a published placement."""
    if result.status != Result.Status.PLACED or result.round.status != Round.Status.APPROVED:
        raise AdmissionError("公開済みの内定にだけ回答を記録できます。")
    if response not in (Result.Response.ACCEPTED, Result.Response.DECLINED):
        raise AdmissionError("回答は承諾か辞退です。")


def do_record_response(result: Result, response: str, user: Any, *, request: Any = None) -> Result:
    """The guardian accepts or declines a placement (承諾・辞退)."""
    check_response(result, response)
    with transaction.atomic():
        result.response = response
        result.save(update_fields=["response"])
        record("admission.result.response", request=request, actor=user, target=result, detail={"response": response})
    return result
