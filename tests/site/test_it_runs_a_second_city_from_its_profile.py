"""A second city runs on its own profile (tests/profiles/sakurano: さくら野市, fictional): synthetic
forms written with its facility codes are read and their wishes accepted (not sent to review as
unknown codes), the 基準点 follow its table, the vendor's package reaches its 子ども担当課, the round
allocates to its facilities under its rules, and the letters name that city — never the demo's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from tests import cityprofiles, factories
from tests.intake.helpers import cached_read, city, finish, make_batch
from yakuba.accounts.roles import Role
from yakuba.allocation.points import base_points
from yakuba.cityprofile.load import current, load_profile
from yakuba.cityprofile.where import DEMO_PROFILE

YEAR = 2026
SAKURANO = cityprofiles.HERE / "sakurano"


def scans(folder: Path, codes: tuple[str, ...]) -> list[tuple[str, bytes, dict[str, str]]]:
    from yakuba.ocr.synth import synth

    truth_path = synth(3, 20261202, folder, facility_codes=codes)
    truth = {}
    for line in truth_path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        truth[item["page"]] = item["fields"]
    return [(name, (folder / name).read_bytes(), fields) for name, fields in sorted(truth.items())]


def residents(files) -> None:  # type: ignore[no-untyped-def]
    """The city's 住民記録 holds the synthetic families written on the forms."""
    from yakuba.admission.synthetic import load_residents
    from yakuba.ocr.canonical import text as canonical

    people = []
    for i, (_, _, t) in enumerate(files):
        people.append({"atena_number": f"9{i:03d}0", "name": canonical(t["child_name"]), "address": t["address"],
                       "birth_date": t["child_birth"]})
        for g in ("guardian1", "guardian2"):
            if t.get(f"{g}_name"):
                people.append({"atena_number": f"9{i:03d}{g[-1]}", "name": canonical(t[f"{g}_name"]),
                               "address": t["address"]})
    load_residents(people)


@pytest.mark.django_db
def test_it_runs_intake_admission_and_notices_for_another_city(monkeypatch, tmp_path) -> None:
    from yakuba.admission import config
    from yakuba.admission.actions.computing import do_compute
    from yakuba.admission.actions.deliveries import do_import_package
    from yakuba.admission.actions.notices import notices_html
    from yakuba.admission.actions.rounds import do_approve, do_create_round
    from yakuba.admission.models import Application as CityApplication, Result
    from yakuba.intake.actions import reading
    from yakuba.intake.models import Application, FieldValue

    cityprofiles.use(monkeypatch, SAKURANO)
    profile, demo = current(), load_profile(DEMO_PROFILE)
    assert profile.city.name == "さくら野市" and set(profile.facility_codes).isdisjoint(demo.facility_codes)
    monkeypatch.setattr(reading, "read_page", cached_read(reading.read_page))

    # intake: the vendor reads forms that carry さくら野市's codes
    files = scans(tmp_path / "scans", profile.facility_codes)
    responsible, operator = factories.user(Role.VENDOR_RESPONSIBLE), factories.user(Role.VENDOR_OPERATOR)
    batch = make_batch(files, responsible, name="さくら野市 第1便")
    truth = {name: t for name, _, t in files}
    wishes = list(FieldValue.objects.filter(page__batch=batch, field_id__startswith="wish").exclude(value="")
                  .select_related("page"))
    right = [fv for fv in wishes if fv.value == truth[fv.page.name][fv.field_id]]
    assert right, "the OCR read no wish as written"
    assert not [fv.reason for fv in right if "施設コードが存在しません" in fv.reason]
    assert any(fv.status == FieldValue.Status.ACCEPTED for fv in right)

    finish(batch, files, operator, responsible)
    apps = list(Application.objects.filter(batch=batch))
    assert len(apps) == 3
    for app in apps:  # the 基準点 are さくら野市's, not the demo's
        assert app.base_points == base_points(app.values, profile.points).total
    assert any(base_points(a.values, demo.points).total != a.base_points for a in apps)

    # the package reaches the city; the round allocates to its facilities under its rules
    city()
    vendor = Client()
    vendor.force_login(responsible)
    vendor.post(f"/intake/batches/{batch.pk}/export/", {"recipient": "kodomo"})
    response = vendor.get(f"/intake/batches/{batch.pk}/package/")
    package = tmp_path / "delivery.yakuba"
    package.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    staff = factories.user(Role.CITY_STAFF, username="sakurano-staff")
    supervisor = factories.user(Role.CITY_SUPERVISOR, username="sakurano-chief")
    residents(files)
    delivery = do_import_package(package, staff, admission_year=YEAR)
    imported = list(CityApplication.objects.filter(delivery=delivery))
    assert len(imported) == 3 and all(a.match == CityApplication.Match.MATCHED for a in imported)
    assert {w for a in imported for w in a.wishes} <= set(profile.facility_codes)

    rnd = do_create_round(YEAR, config.facilities(), staff)
    assert sorted(rnd.facilities.values_list("code", flat=True)) == sorted(profile.facility_codes)
    do_compute(rnd, staff)
    rnd.refresh_from_db()
    assert rnd.rules_title == "さくら野市 利用調整基準(試験用)"
    results = list(Result.objects.filter(round=rnd).select_related("application", "round"))
    assert len(results) == 3
    placed = [r for r in results if r.facility]
    assert placed and {r.facility for r in placed} <= set(profile.facility_codes)
    do_approve(rnd, supervisor)

    letters = notices_html(list(Result.objects.filter(round=rnd).select_related("application", "round")))
    assert "さくら野市を被告" in letters  # the synthetic addresses are みどり市's postal towns; the city is not
    assert "さくら野市長(こども未来課)" in letters and "さくら野市長に対して審査請求" in letters
    assert "子ども家庭課" not in letters and "みどり市長(" not in letters and "みどり市長に" not in letters
