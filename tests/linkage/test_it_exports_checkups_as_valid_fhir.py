"""The FHIR export: a `collection` Bundle of a JP_Patient (no name), an Encounter per checkup and a
JP_Observation_BodyMeasurement per measurement, with JP Core's and LOINC's codes and UCUM units.
Every bundle, for random children too, validates with fhir.resources' R4B models (fhir.resources
8's default models are R5; R4B is wire-compatible with R4 for these resources)."""

from __future__ import annotations

import json
import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from pydantic import ValidationError

from tests.linkage.checkups import children, example_child
from yakuba.linkage import fhir
from yakuba.linkage.errors import LinkageError

SYSTEM = "urn:oid:1.2.392.999999.1.1"  # a made-up identifier system
EXPECTED = {  # item → (JP Core code, LOINC, UCUM unit, vital sign)
    "height_cm": ("31000298", "8302-2", "cm", True),
    "weight_kg": ("31000296", "29463-7", "kg", True),
    "chest_cm": ("31000299", "8279-2", "cm", False),
    "head_cm": ("31006116", "9843-4", "cm", True),
}


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(observation, system):
    return [c["code"] for c in observation["code"]["coding"] if c["system"] == system]


def check(bundle, child):
    model = Bundle.model_validate(bundle)  # R4B: raises on anything out of shape
    assert model.type == "collection"
    assert json.loads(model.model_dump_json())["resourceType"] == "Bundle"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls) and all(u.startswith("urn:uuid:") for u in urls)
    [patient] = resources(bundle, "Patient")
    assert "name" not in patient and "address" not in patient
    assert patient["meta"]["profile"] == [fhir.JP_PATIENT]
    assert patient["identifier"] == [{"system": SYSTEM, "value": child.local_id}]
    assert patient["birthDate"] == child.birth_date.isoformat() and patient["gender"] == child.sex.value
    encounters = resources(bundle, "Encounter")
    assert len(encounters) == len(child.checkups)
    for encounter, record in zip(encounters, child.checkups):
        assert encounter["status"] == "finished" and encounter["class"]["code"] == "AMB"
        assert encounter["type"][0]["coding"][0]["code"] == record.kind.value
        assert encounter["period"] == {"start": record.checkup_date.isoformat(), "end": record.checkup_date.isoformat()}
    encounter_urls = [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"]
    seen = 0
    for observation in resources(bundle, "Observation"):
        assert observation["status"] == "final" and fhir.JP_BODY_MEASUREMENT in observation["meta"]["profile"]
        assert observation["subject"]["reference"] == urls[0]
        categories = {(c["coding"][0]["system"], c["coding"][0]["code"]) for c in observation["category"]}
        assert (fhir.JP_SIMPLE_CATEGORY, "body-measurement") in categories
        quantity = observation["valueQuantity"]
        assert quantity["system"] == fhir.UCUM and quantity["code"] == quantity["unit"]
        if "encounter" not in observation:  # the birth weight
            assert codes(observation, fhir.JP_BODY_MEASUREMENT_CODE) == ["31002900"]
            assert codes(observation, fhir.LOINC) == ["8339-4"] and quantity == {
                "value": child.birth.weight_g, "unit": "g", "system": fhir.UCUM, "code": "g"}
            continue
        seen += 1
        # by the encounter's place, not its content: two checkups may look alike
        record = child.checkups[encounter_urls.index(observation["encounter"]["reference"])]
        [item] = [i for i, e in EXPECTED.items() if codes(observation, fhir.JP_BODY_MEASUREMENT_CODE) == [e[0]]]
        jp, loinc, unit, vital = EXPECTED[item]
        assert codes(observation, fhir.LOINC) == [loinc] and quantity["code"] == unit
        assert ((fhir.HL7_CATEGORY, "vital-signs") in categories) == vital
        assert quantity["value"] == float(getattr(record, item))
        assert observation["effectiveDateTime"] == record.checkup_date.isoformat()
    assert seen == sum(getattr(r, i) is not None for r in child.checkups for i in EXPECTED)


def test_it_works():
    child = example_child()
    bundle = fhir.to_bundle(child, system_local_id=SYSTEM)
    check(bundle, child)
    assert len(resources(bundle, "Observation")) == 1 + 3 * 4
    height = resources(bundle, "Observation")[1]
    assert height["code"]["coding"][0] == {"system": fhir.JP_BODY_MEASUREMENT_CODE, "code": "31000298",
                                           "display": "身長"}
    assert height["valueQuantity"] == {"value": 62.3, "unit": "cm", "system": "http://unitsofmeasure.org", "code": "cm"}
    assert fhir.to_bundle(child, system_local_id=SYSTEM) == bundle  # the same child, the same bundle
    json.dumps(bundle)  # plain JSON data


@settings(max_examples=60, deadline=None)
@given(children())
def test_every_random_child_gives_a_valid_r4_bundle(child):
    check(fhir.to_bundle(child, system_local_id=SYSTEM), child)


def test_the_r4b_models_do_check_the_shape():
    """What makes the validation above worth having: R5's shape of Encounter.class is refused."""
    bundle = fhir.to_bundle(example_child(), system_local_id=SYSTEM)
    encounter = resources(bundle, "Encounter")[0]
    encounter["class"] = [{"coding": [encounter["class"]]}]
    with pytest.raises(ValidationError):
        Bundle.model_validate(bundle)


def test_another_system_gives_other_ids():
    child = example_child()
    a = fhir.to_bundle(child, system_local_id=SYSTEM)
    b = fhir.to_bundle(child, system_local_id="https://city.example/id/local")
    assert {e["fullUrl"] for e in a["entry"]}.isdisjoint(e["fullUrl"] for e in b["entry"])
    uuid.UUID(a["id"])


@pytest.mark.parametrize("system", ["", "local", "urn:oid:1.2 3"])
def test_it_refuses_an_identifier_system_that_is_no_uri(system):
    with pytest.raises(LinkageError) as caught:
        fhir.to_bundle(example_child(), system_local_id=system)
    assert caught.value.where == "system_local_id"
