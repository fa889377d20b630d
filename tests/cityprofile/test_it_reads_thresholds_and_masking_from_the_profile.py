"""The OCR thresholds and the masking policy are the profile's when it has them (ocr.toml,
masking.toml), the package's when it has none."""

from __future__ import annotations

from tests.cityprofiles import HERE, copy_demo, use
from yakuba.ocr.checks import threshold
from yakuba.privacy.declarations import Category
from yakuba.privacy.masking import default_policy

MASKING = """
[roles.city_staff]
visible = ["name"]
"""


def test_it_takes_the_profiles_thresholds(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert threshold("digits") == 0.80  # the package's, the demo profile has no ocr.toml
    use(monkeypatch, HERE / "sakurano")
    assert threshold("digits") == 0.85


def test_it_takes_the_profiles_masking_policy(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert default_policy().can_see("city_staff", Category.INCOME)
    use(monkeypatch, copy_demo(tmp_path / "p", masking_toml=MASKING))
    policy = default_policy()
    assert policy.can_see("city_staff", Category.NAME) and not policy.can_see("city_staff", Category.INCOME)
    assert not policy.can_see("vendor_responsible", Category.NAME)  # a role left out sees nothing
