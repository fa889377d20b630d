"""A child's 乳幼児健診 body measurements as a FHIR R4 `Bundle` (type `collection`) with JP Core
profiles and codes. Pure: no Django.

For systems that speak FHIR rather than the 副本 layout (a prefecture's data platform, a
clinic's EHR): one `Patient` (JP_Patient; the city's identifier, birth date and sex, no name, no
address), per checkup one `Encounter` (finished, ambulatory, its type naming the checkup, its
period the checkup day) and one `Observation` per measurement (JP_Observation_BodyMeasurement:
身長, 体重, 胸囲, 頭囲; and the 出生体重). Each measurement carries JP Core's code (MEDIS
看護実践用語標準マスター, as JP Core's JP_ObservationBodyMeasurementCode_CS) and the LOINC code,
UCUM units (cm, kg, g), and the categories `body-measurement` (JP Core) and, for the measurements
that FHIR R4 counts as vital signs (height, weight, head circumference), `vital-signs`.

The bundle is plain JSON data (a dict): numbers are JSON numbers, ids are UUIDs derived from the
identifier system, the local id and the checkup, so the same child gives the same bundle. The
tests validate every bundle with `fhir.resources`' R4B models (R4B is wire-compatible with R4 for
Patient, Encounter, Observation and Bundle). Which codes are confirmed and which are not:
docs/linkage/fukuhon.md, "FHIR".
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yakuba.linkage.checkup import CheckupRecord, ChildRecord
from yakuba.linkage.errors import LinkageError

__all__ = ["Measurement", "MEASUREMENTS", "BIRTH_WEIGHT", "to_bundle", "JP_PATIENT", "JP_ENCOUNTER",
           "JP_BODY_MEASUREMENT", "JP_BODY_MEASUREMENT_CODE", "JP_BODY_MEASUREMENT_CATEGORY",
           "JP_SIMPLE_CATEGORY", "HL7_CATEGORY", "LOINC", "UCUM", "CHECKUP_KIND_SYSTEM"]

JP_PATIENT = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient"
JP_ENCOUNTER = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter"
JP_BODY_MEASUREMENT = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_BodyMeasurement"
JP_BODY_MEASUREMENT_CODE = "http://jpfhir.jp/fhir/core/CodeSystem/JP_ObservationBodyMeasurementCode_CS"
JP_BODY_MEASUREMENT_CATEGORY = "http://jpfhir.jp/fhir/core/CodeSystem/JP_ObservationBodyMeasurementCategory_CS"
JP_SIMPLE_CATEGORY = "http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS"
HL7_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# yakuba's own code system for the three checkups (the codes are CheckupKind's values)
CHECKUP_KIND_SYSTEM = "https://yakuba.example/fhir/CodeSystem/checkup-kind"
_NAMESPACE = uuid.UUID("6f0f7d3e-3b4e-5c1a-9a8e-1d2c3b4a5f60")  # yakuba's FHIR ids (uuid5)


@dataclass(frozen=True)
class Measurement:
    """How one measurement is coded: JP Core's code, LOINC's, the unit, the categories."""

    field: str                 # the CheckupRecord field (an allow-list item code)
    label: str                 # 身長 …
    jp_code: str               # JP_ObservationBodyMeasurementCode_CS
    jp_category: str           # JP_ObservationBodyMeasurementCategory_CS
    loinc: str
    loinc_display: str
    unit: str                  # UCUM
    vital_sign: bool           # an R4 vital sign (category vital-signs, the core vital-signs profile)
    vital_profile: str | None = None


MEASUREMENTS: tuple[Measurement, ...] = (
    Measurement("height_cm", "身長", "31000298", "height", "8302-2", "Body height", "cm", True,
                "http://hl7.org/fhir/StructureDefinition/bodyheight"),
    Measurement("weight_kg", "体重", "31000296", "weight", "29463-7", "Body weight", "kg", True,
                "http://hl7.org/fhir/StructureDefinition/bodyweight"),
    Measurement("chest_cm", "胸囲", "31000299", "chest-circumference", "8279-2",
                "Chest Circumference at nipple line", "cm", False),
    Measurement("head_cm", "頭囲", "31006116", "head-circumference", "9843-4",
                "Head Occipital-frontal circumference", "cm", True,
                "http://hl7.org/fhir/StructureDefinition/headcircum"),
)
BIRTH_WEIGHT = Measurement("weight_g", "出生体重", "31002900", "weight", "8339-4", "Birth weight Measured", "g",
                           False)


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def _number(value: Decimal | int) -> float | int:
    if isinstance(value, int):
        return value
    if not value.is_finite() or value < 0:
        raise LinkageError("測定値が正しくありません (a measurement is not a non-negative number)")
    return float(value)


def _patient(child: ChildRecord, system_local_id: str) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "meta": {"profile": [JP_PATIENT]},
        "identifier": [{"system": system_local_id, "value": child.local_id}],
        "gender": child.sex.value,
        "birthDate": child.birth_date.isoformat(),
    }


def _encounter(record: CheckupRecord, patient_url: str) -> dict[str, Any]:
    day = record.checkup_date.isoformat()
    return {
        "resourceType": "Encounter",
        "meta": {"profile": [JP_ENCOUNTER]},
        "status": "finished",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "type": [{"coding": [{"system": CHECKUP_KIND_SYSTEM, "code": record.kind.value,
                              "display": record.kind.label}], "text": record.kind.label}],
        "subject": {"reference": patient_url},
        "period": {"start": day, "end": day},
    }


def _observation(m: Measurement, value: Decimal | int, on: dt.date, patient_url: str,
                 encounter_url: str | None) -> dict[str, Any]:
    categories: list[dict[str, Any]] = [
        {"coding": [{"system": JP_SIMPLE_CATEGORY, "code": "body-measurement", "display": "Body Measurement"}]},
        {"coding": [{"system": JP_BODY_MEASUREMENT_CATEGORY, "code": m.jp_category}]},
    ]
    profiles = [JP_BODY_MEASUREMENT]
    if m.vital_sign:
        categories.append({"coding": [{"system": HL7_CATEGORY, "code": "vital-signs", "display": "Vital Signs"}]})
        if m.vital_profile:
            profiles.append(m.vital_profile)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": profiles},
        "status": "final",
        "category": categories,
        "code": {"coding": [{"system": JP_BODY_MEASUREMENT_CODE, "code": m.jp_code, "display": m.label},
                            {"system": LOINC, "code": m.loinc, "display": m.loinc_display}], "text": m.label},
        "subject": {"reference": patient_url},
        "effectiveDateTime": on.isoformat(),
        "valueQuantity": {"value": _number(value), "unit": m.unit, "system": UCUM, "code": m.unit},
    }
    if encounter_url is not None:
        observation["encounter"] = {"reference": encounter_url}
    return observation


def to_bundle(child: ChildRecord, *, system_local_id: str) -> dict[str, Any]:
    """The child's checkups as a FHIR R4 `collection` Bundle. `system_local_id` is the URI of the
    city's identifier system (the 団体内統合宛名番号 of that city), e.g.
    ``urn:oid:…`` or ``https://city.example/id/local``."""
    if not system_local_id or any(c.isspace() for c in system_local_id) or ":" not in system_local_id:
        raise LinkageError("識別子の体系が URI ではありません (system_local_id is not a URI)",
                           where="system_local_id")
    key = (system_local_id, child.local_id)
    patient_url = f"urn:uuid:{_id(*key, 'Patient')}"
    entries: list[dict[str, Any]] = [{"fullUrl": patient_url, "resource": _patient(child, system_local_id)}]
    if child.birth.weight_g is not None:
        entries.append({"fullUrl": f"urn:uuid:{_id(*key, 'birth', 'weight_g')}",
                        "resource": _observation(BIRTH_WEIGHT, child.birth.weight_g, child.birth_date, patient_url,
                                                 None)})
    for i, record in enumerate(child.checkups):
        visit = (*key, "checkup", str(i), record.kind.value, record.checkup_date.isoformat())
        encounter_url = f"urn:uuid:{_id(*visit, 'Encounter')}"
        entries.append({"fullUrl": encounter_url, "resource": _encounter(record, patient_url)})
        for m in MEASUREMENTS:
            value = getattr(record, m.field)
            if value is not None:
                entries.append({"fullUrl": f"urn:uuid:{_id(*visit, m.field)}",
                                "resource": _observation(m, value, record.checkup_date, patient_url, encounter_url)})
    return {"resourceType": "Bundle", "id": _id(*key, "Bundle"), "type": "collection", "entry": entries}
