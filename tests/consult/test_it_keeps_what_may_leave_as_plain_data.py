"""What may leave and on which basis is data (sharing_rules), and the signed file's format is plain
Python: both import without Django; every shareable field is a declared field of its model."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from yakuba.consult.models import Assessment, Intake, Person, SupportPlan
from yakuba.consult.sharing_rules import GROUPS, SHAREABLE, outside_groups, unknown_fields
from yakuba.personal import declaration_for

MODELS = {"person": Person, "intake": Intake, "assessment": Assessment, "plan": SupportPlan}


@pytest.mark.parametrize("module", ["yakuba.consult.sharing_rules", "yakuba.consult.package_format"])
def test_it_keeps_what_may_leave_as_plain_data(module: str) -> None:
    script = ("import importlib, sys; importlib.import_module(sys.argv[1]); "
              "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; assert not loaded, loaded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run([sys.executable, "-c", script, module], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr


def test_every_shareable_field_is_declared_and_grouped() -> None:
    for key, item in SHAREABLE.items():
        assert declaration_for(MODELS[item.source], item.field) is not None, key
        assert item.group in GROUPS, key
    assert unknown_fields(["person.name", "records.said"]) == ["records.said"]
    assert outside_groups(["person.name", "assessment.health_details"], ["basic"]) == ["心身の状況・障がい"]
