"""The demo's sharing with agencies (issue #13 §2): one 支援会議 convened by 福祉課 with two agencies
on a 本人同意なし case, a consent-based referral on another case, an open 照会 past its due date.
The demo's `agency` login (みどり市中央地域包括支援センター) has a time-limited view to open.

The path is the real one (the actions the screens call). Idempotent: nothing when a disclosure exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from django.utils import timezone

AGENCIES = [  # code, name, kind of 関係機関
    ("agency-houkatsu", "みどり市中央地域包括支援センター", "houkatsu"),
    ("agency-soudan", "みどり市相談支援事業所ひかり(架空)", "soudan"),
]
CITY_DEPARTMENT = "fukushi"


def _agencies() -> list[Any]:
    from yakuba.accounts.models import Organisation
    from yakuba.consult.models import Agency

    out = []
    for code, name, kind in AGENCIES:
        org = Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": Organisation.Kind.AGENCY})[0]
        Agency.objects.get_or_create(organisation=org, defaults={"agency_kind": kind})
        out.append(org)
    return out


def _meeting_case(worker: Any, houkatsu: Any, soudan: Any, department: Any) -> None:
    from yakuba.consult.actions import cases, records, sharing

    case = cases.do_open_case(worker, person={"name": "見本 ゆうき(架空)", "name_kana": "ミホン ユウキ",
                                              "address": "みどり市本町9-1-1(架空)"},
                              domains=["child", "poverty"], route="agency", urgency="urgent", track="no_consent",
                              worry="近所の人から、子どもが夜遅くまで一人でいると連絡があった(本人の同意はまだない)",
                              received_at=timezone.now() - dt.timedelta(days=6))
    records.do_assess(case, worker, situation="ひとり親で夜間の仕事、親族の支援なし", risks="夜間の子どもの孤立")
    meeting = sharing.do_convene_meeting(case, worker, convened_by_id=department.pk,
                                         held_on=timezone.localdate() - dt.timedelta(days=2),
                                         agenda="夜間に一人で過ごす子どもへの見守りと、世帯への支援の分担")
    for org in (houkatsu, soudan):
        sharing.do_add_member(meeting, worker, organisation_id=org.pk, secrecy_acknowledged=True)
    sharing.do_minutes(meeting, worker, conclusions="相談支援事業所が週1回訪問、包括は祖母の介護相談を受ける",
                       minutes="各機関の把握している状況を共有した。次回は1か月後。")
    for org in (houkatsu, soudan):
        sharing.do_share(case, worker, organisation_id=org.pk, basis="meeting", meeting_id=meeting.pk,
                         fields=["person.name", "person.address", "assessment.risks"], form="view", days=14)


def _referral_case(worker: Any, houkatsu: Any, soudan: Any) -> None:
    from yakuba.consult.actions import sharing
    from yakuba.consult.models import Case

    open_cases = list(Case.objects.filter(centre_id=worker.organisation_id, track=Case.Track.CONSENT, workers=worker,
                                          status=Case.Status.SUPPORT).order_by("pk")[:50])
    case = next((c for c in open_cases if "elderly" in c.domains), open_cases[0] if open_cases else None)
    if case is None:
        return
    person = case.people.order_by("pk").first()
    consent = sharing.do_record_consent(case, worker, person_id=person.pk, agency_ids=[houkatsu.pk],
                                        agency_kinds=["soudan"], groups=["basic", "situation"],
                                        purpose="介護保険サービスの利用に向けた地域包括支援センターへのつなぎ",
                                        method="written", given_at=timezone.now() - dt.timedelta(days=3))
    sharing.do_share(case, worker, organisation_id=houkatsu.pk, basis="consent", consent_id=consent.pk,
                     fields=["person.name", "person.birth_date", "person.phone", "intake.worry"], form="view",
                     days=30)
    sharing.do_request_information(case, worker, organisation_id=soudan.pk, direction="to_agency",
                                   subject="通所先の空き状況と、見学できる日の照会",
                                   due_on=timezone.localdate() - dt.timedelta(days=3))


def run(worker: Any, chief: Any, progress: Callable[[str], None] = lambda m: None) -> None:
    from yakuba.accounts.models import Organisation
    from yakuba.consult.models import Disclosure

    if Disclosure.objects.filter(case__centre_id=worker.organisation_id).exists():
        return
    department = Organisation.objects.filter(code=CITY_DEPARTMENT).first()
    if department is None:
        return
    progress("基幹福祉相談センターのデモ: 支援会議と関係機関への提供を用意しています")
    houkatsu, soudan = _agencies()
    _meeting_case(worker, houkatsu, soudan, department)
    _referral_case(worker, houkatsu, soudan)
