"""The 会議結果報告書 of a meeting, in the layout the council publishes: the table (会議の名称, 開催日時, 開催場所,
出席委員, 欠席委員, 説明員職氏名, 議題, 結果 with the 傍聴者, 事務局職員) and the 審議内容の記録 (開会, each
諮問事項 and 報告事項 with the 説明員's explanation, the 質疑応答 and the conclusion, 閉会). Dates in 和暦.
HTML from the template `council/meeting_report.html`; PDF through WeasyPrint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yakuba.wareki import to_wareki

__all__ = ["SECTIONS", "context", "to_html", "to_pdf"]

SECTIONS = ("会議結果報告書", "会議の名称", "開催日時", "開催場所", "出席委員", "欠席委員", "説明員職氏名", "議題", "結果",
            "事務局職員", "審議内容の記録")
"""The report's table, in order (what the seed's 会議結果報告書 has)."""
WEEKDAYS = "月火水木金土日"


def _time(t: dt.time) -> str:
    return f"{t.hour}時{t.minute:02d}分"


def _member(m: Any) -> str:
    title = "" if m.title == "member" else f"({m.get_title_display()})"
    return f"{m.name}委員{title}"


def context(meeting: Any) -> dict[str, Any]:
    """What the template prints, computed from the meeting (counts, 和暦, numbering)."""
    attendance = list(meeting.attendance.select_related("member").order_by("member__order", "member__pk"))
    present = [_member(a.member) for a in attendance if a.present]
    absent = [_member(a.member) for a in attendance if not a.present]
    explainers = list(meeting.explainers.all())
    agenda = list(meeting.agenda.prefetch_related("statements"))
    held = meeting.held_on
    when = f"{to_wareki(held)}({WEEKDAYS[held.weekday()]}) {_time(meeting.starts_at)}"
    if meeting.ends_at:
        when += f"～{_time(meeting.ends_at)}"
    return {
        "meeting": meeting, "reported_on": to_wareki(meeting.reported_on or held), "when": when,
        "present": present, "absent": absent, "explainers": explainers,
        "explainer_count": sum(len(e.people()) for e in explainers),
        "consultations": [a for a in agenda if a.kind == "consult"], "reports": [a for a in agenda if a.kind == "report"],
    }


def to_html(meeting: Any) -> str:
    from django.template.loader import render_to_string

    return render_to_string("council/meeting_report.html", context(meeting))


def to_pdf(meeting: Any) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    return HTML(string=to_html(meeting)).write_pdf()  # type: ignore[no-any-return]
