"""乳幼児健診 as plain data: what the 健康情報システム records and what a 副本 carries. Pure: no Django.

The health app (`yakuba.health`) keeps these items in its models and turns them into these records;
the 副本 (`yakuba.linkage.fukuhon`), the FHIR export (`yakuba.linkage.fhir`) and the 中間サーバー work on
them. Item codes are the allow-list's (`allowlist.toml` [labels]): `checkup_date`, `age_in_months`,
`height_cm`, `weight_kg`, `chest_cm`, `head_cm`, `findings`, `judgement`, `urine`, `dental`,
`vision_hearing`, `interview_sensitive`.

The items follow the minimum every city must hold electronically (健診受診日, 受診時月齢, 身長, 体重,
胸囲, 頭囲 and the birth measurements) and the 2023 standard electronic format's additions per checkup:
所見 by body system, 判定 (with 精密検査受診日 when 要精査), the 3歳 検尿, the 1歳6か月 栄養・歯・眼・耳, and
the 問診 answers, some of which (abuse-risk items) are 要配慮.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal


class CheckupKind(enum.StrEnum):
    """The three checkups (the value is the stable code in 副本 and URLs)."""

    INFANT = "m3_4"        # 3〜4か月児健康診査 (母子保健法第13条)
    TODDLER = "m18"        # 1歳6か月児健康診査 (第12条第1項第1号)
    THREE = "y3"           # 3歳児健康診査 (第12条第1項第2号)

    @property
    def label(self) -> str:
        return {"m3_4": "3〜4か月児健診", "m18": "1歳6か月児健診", "y3": "3歳児健診"}[self.value]

    @property
    def months(self) -> tuple[int, int]:
        """The age in months (受診時月齢) at which the checkup is held, both ends included; a checkup
        outside it is possible (a late visit) but asks the staff to confirm."""
        return {"m3_4": (3, 5), "m18": (18, 23), "y3": (36, 47)}[self.value]


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return "男" if self is Sex.MALE else "女"


class BodySystem(enum.StrEnum):
    """The body systems that 所見 are recorded by (the standard format's 所見 by system)."""

    GROWTH = "growth"                    # 身体発育
    NUTRITION = "nutrition"              # 栄養
    DEVELOPMENT = "development"          # 精神発達
    MOTOR = "motor"                      # 運動機能・神経
    SKIN = "skin"                        # 皮膚
    EYES = "eyes"                        # 眼
    EARS_NOSE_THROAT = "ent"             # 耳鼻咽喉
    TEETH = "teeth"                      # 歯・口腔
    HEART = "heart"                      # 心臓・循環器
    RESPIRATORY = "respiratory"          # 呼吸器
    DIGESTIVE = "digestive"              # 消化器
    URO_GENITAL = "urogenital"           # 泌尿生殖器
    MUSCULOSKELETAL = "musculoskeletal"  # 四肢・骨格(股関節を含む)
    OTHER = "other"                      # その他

    @property
    def label(self) -> str:
        return BODY_SYSTEM_LABELS[self]


BODY_SYSTEM_LABELS: dict[BodySystem, str] = {
    BodySystem.GROWTH: "身体発育", BodySystem.NUTRITION: "栄養", BodySystem.DEVELOPMENT: "精神発達",
    BodySystem.MOTOR: "運動機能・神経", BodySystem.SKIN: "皮膚", BodySystem.EYES: "眼",
    BodySystem.EARS_NOSE_THROAT: "耳鼻咽喉", BodySystem.TEETH: "歯・口腔", BodySystem.HEART: "心臓・循環器",
    BodySystem.RESPIRATORY: "呼吸器", BodySystem.DIGESTIVE: "消化器", BodySystem.URO_GENITAL: "泌尿生殖器",
    BodySystem.MUSCULOSKELETAL: "四肢・骨格", BodySystem.OTHER: "その他",
}


class FindingStatus(enum.StrEnum):
    NONE = "none"                  # 所見なし
    PRESENT = "present"            # 所見あり
    UNDER_CARE = "under_care"      # 既医療(治療中・経過観察中)

    @property
    def label(self) -> str:
        return {"none": "所見なし", "present": "所見あり", "under_care": "既医療"}[self.value]


class Judgement(enum.StrEnum):
    """判定: the checkup's overall result."""

    HEALTHY = "healthy"            # 健康・要観察
    GUIDANCE = "guidance"          # 要指導
    DETAILED_EXAM = "detailed"     # 要精査(精密検査受診日を記録)

    @property
    def label(self) -> str:
        return {"healthy": "健康・要観察", "guidance": "要指導", "detailed": "要精査"}[self.value]


class UrineResult(enum.StrEnum):
    """検尿 (3歳): 蛋白 and 潜血, each on the dipstick scale."""

    NEGATIVE = "-"
    TRACE = "±"
    ONE = "+"
    TWO = "2+"
    THREE = "3+"


@dataclass(frozen=True)
class Finding:
    """所見 of one body system."""

    system: BodySystem
    status: FindingStatus
    note: str = ""   # free text of the doctor; health data, never shown outside the health staff


@dataclass(frozen=True)
class Urine:
    protein: UrineResult
    occult_blood: UrineResult


@dataclass(frozen=True)
class Dental:
    """歯科健診 (1歳6か月 and 3歳): teeth with caries (むし歯), and a note."""

    caries_teeth: int
    note: str = ""


@dataclass(frozen=True)
class VisionHearing:
    """眼・耳 (視覚・聴覚): the result of each, as written ("異常なし", "要精査: …")."""

    eyes: str
    ears: str


@dataclass(frozen=True)
class InterviewAnswer:
    """One 問診 answer. `sensitive` marks the abuse-risk items (要配慮): they never leave in a 副本
    unless an allow-list row names `interview_sensitive` (none does)."""

    question: str      # the question's code in the city's 問診票 (yakuba.health's questions table)
    answer: str
    sensitive: bool = False


@dataclass(frozen=True)
class Birth:
    """Measurements at birth (出生時), from the 母子健康手帳."""

    weight_g: int | None = None
    length_cm: Decimal | None = None
    head_cm: Decimal | None = None
    chest_cm: Decimal | None = None
    gestational_weeks: int | None = None


@dataclass(frozen=True)
class CheckupRecord:
    """One checkup of one child, as the 健康情報システム holds it."""

    kind: CheckupKind
    checkup_date: dt.date
    age_in_months: int
    height_cm: Decimal | None
    weight_kg: Decimal | None
    chest_cm: Decimal | None
    head_cm: Decimal | None
    findings: tuple[Finding, ...] = ()
    judgement: Judgement | None = None
    detailed_exam_date: dt.date | None = None   # 精密検査受診日, when the judgement is 要精査
    urine: Urine | None = None                  # 3歳 only
    nutrition: str = ""                         # 1歳6か月: 栄養状態 as written ("良", "要指導: …")
    dental: Dental | None = None
    vision_hearing: VisionHearing | None = None
    interview: tuple[InterviewAnswer, ...] = ()


@dataclass(frozen=True)
class ChildRecord:
    """A child and their checkups. `local_id` is the city's 団体内統合宛名番号 (the key of the 副本 on
    its 中間サーバー); no name, no address: the 副本 does not need them (the hub's 符号 names the child)."""

    local_id: str
    birth_date: dt.date
    sex: Sex
    birth: Birth = field(default_factory=Birth)
    checkups: tuple[CheckupRecord, ...] = ()


def age_in_months(birth_date: dt.date, on: dt.date) -> int:
    """受診時月齢: whole months from the birth date to `on` (a month is complete on the same day of the
    month; the 31st completes in a shorter month on its last day)."""
    if on < birth_date:
        raise ValueError("on is before the birth date")
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    last_day = calendar.monthrange(on.year, on.month)[1]
    if on.day < min(birth_date.day, last_day):
        months -= 1
    return months
