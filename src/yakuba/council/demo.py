"""The demo council: ten synthetic members and one meeting laid out as a council's meeting is (two
諮問事項, two 報告事項, 説明員 by department, a 質疑応答 for each item). Every name and word here is made up."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from django.db import transaction

from yakuba.council.models import AgendaItem, Attendance, Explainer, Meeting, Member, Statement

MEMBERS = [("甲野 一郎", "chair"), ("乙川 二葉", "deputy"), ("丙田 三郎", "member"), ("丁山 四季", "member"),
           ("戊井 五月", "member"), ("己島 六郎", "member"), ("庚崎 七海", "member"), ("辛谷 八雲", "member"),
           ("壬原 九重", "member"), ("癸生 十和", "member")]
ABSENT = {"辛谷 八雲", "壬原 九重", "癸生 十和"}
EXPLAINERS = [("福祉課", "甲斐主幹、乙部主任"), ("子ども家庭課", "丙野主幹、丁原主任"), ("財政課", "戊田主任"),
              ("健康増進センター", "己野所長、庚田主査")]
BASIS = "市個人情報保護法施行条例の規定による諮問"
AGENDA = [
    (1, "consult", "基幹福祉相談センター業務の外部委託", "福祉課", BASIS,
     "複合的な生活課題の相談を受ける基幹福祉相談センターの業務を社会福祉法人に委託する。相談記録は市のシステムに"
     "置き、委託先の端末は登録した端末に限り、記録の持ち出しと USB 記憶装置の使用を禁止する。",
     [("member", "相談員が私物のスマートフォンで記録を撮影するおそれはないか。"),
      ("explainer", "業務の端末以外では記録を開けず、撮影の禁止は契約の特記事項に定めて研修で確認する。"),
      ("member", "夜間に緊急で記録を見る必要があるときはどうするのか。"),
      ("explainer", "緊急時の閲覧は理由を入力して行い、翌営業日にセンター長が全件を確認する。")],
     "審議の結果、承認された。"),
    (2, "consult", "保育所等利用申込書のデータ入力業務委託", "子ども家庭課", BASIS,
     "申込書の読み取り(AI-OCR)と確認入力を事業者に委託する。入力担当者には氏名・住所を表示せず、納品データは"
     "暗号化して受け渡し、読み取った画像は受領後に消去して証明書を受け取る。",
     [("member", "読み取りの誤りで順位が変わることはないか。"),
      ("explainer", "確信度の低い項目は必ず人が確認し、確認の記録を残す。"),
      ("member", "委託先の従業員が画像を持ち帰ることはできないか。"),
      ("explainer", "画像は暗号化して保管し、閲覧は記録され、端末からの書き出しはできない。")],
     "審議の結果、承認された。"),
    (3, "report", "財務会計システムの更新", "財政課", "",
     "財務会計システムを業務を止めずに更新する。旧機器の記憶装置は専門業者が消去・破壊し、証明書で確認する。",
     [("member", "旧機器の消去はどのように確かめるのか。"),
      ("explainer", "記憶装置ごとに業者の証明書を受け取り、台帳と照合して審議会に一覧を報告する。")],
     "報告を了承した。"),
    (4, "report", "情報連携に伴う健康情報システムの改修", "健康増進センター", "",
     "乳幼児健診の記録を、転居先の市町村が情報提供ネットワークシステムを通じて照会できるよう改修する。照会と提供"
     "はすべて記録され、保護者が確認できる。",
     [("member", "どの市町村から照会があったかを保護者は知ることができるのか。"),
      ("explainer", "お知らせに印刷した確認コードで、照会・提供・職員の閲覧の記録を確認できる。")],
     "報告を了承した。"),
]


def _last_thursday(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=(today.weekday() - 3) % 7 or 7)


def run(city: str, progress: Callable[[str], None] = lambda m: None, *, today: dt.date | None = None) -> Meeting:
    """The demo council's members and its last meeting (made once; a rerun finds them)."""
    existing = Meeting.objects.order_by("-held_on", "-pk").first()
    if existing is not None:
        return existing
    progress("審議会: 委員と会議を用意しています")
    today = today or dt.date.today()
    held = _last_thursday(today)
    fiscal = held.year - (1 if held.month < 4 else 0)
    with transaction.atomic():
        members = [Member.objects.create(name=name, title=title, order=i) for i, (name, title) in enumerate(MEMBERS)]
        meeting = Meeting.objects.create(
            name=f"{city}情報公開・個人情報保護審議会 令和{fiscal - 2018}年度第2回会議", held_on=held,
            starts_at=dt.time(14, 0), ends_at=dt.time(15, 10), place="市役所 本庁舎 3階 第1会議室",
            reported_on=held + dt.timedelta(days=21), result="審議の結果、諮問事項はいずれも承認された。", observers=0,
            secretariat="辛川課長、壬田主査", opening="会長が開会を宣し、委員の過半数の出席により会議が成立した。",
            closing="会長が閉会を宣した。")
        Attendance.objects.bulk_create(Attendance(meeting=meeting, member=m, present=m.name not in ABSENT)
                                       for m in members)
        Explainer.objects.bulk_create(Explainer(meeting=meeting, department=d, names=n, order=i)
                                      for i, (d, n) in enumerate(EXPLAINERS))
        for number, kind, title, department, basis, explanation, statements, conclusion in AGENDA:
            item = AgendaItem.objects.create(meeting=meeting, number=number, kind=kind, title=title,
                                             department=department, basis=basis, explanation=explanation,
                                             conclusion=conclusion)
            Statement.objects.bulk_create(Statement(item=item, order=i, speaker=s, text=t)
                                          for i, (s, t) in enumerate(statements))
    return meeting
