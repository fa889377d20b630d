"""The demo's attachments: a synthetic PDF, a photo, and a recording spoken by espeak-ng (made in
memory); without espeak-ng one line says so and only the recording is skipped."""

from __future__ import annotations

import shutil

import pytest

from tests.consult.helpers import world
from yakuba.consult import demo_attach
from yakuba.consult.models import Attachment


@pytest.mark.django_db
def test_it_makes_one_of_each_kind() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed here (scripts/setup installs it)")
    w = world()
    said: list[str] = []
    demo_attach.run(w.worker, said.append)
    kinds = {a.kind: a for a in Attachment.objects.filter(case=w.case)}
    assert set(kinds) == {"pdf", "image", "audio"}
    assert kinds["pdf"].pages == 1 and kinds["audio"].seconds > 1 and kinds["image"].width == 1200
    assert all(a.stored.batch == f"consult-case:{w.case.pk}" for a in kinds.values())
    demo_attach.run(w.worker, said.append)  # idempotent
    assert Attachment.objects.count() == 3


@pytest.mark.django_db
def test_without_espeak_it_says_so_and_skips_only_the_recording(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo_attach.shutil, "which", lambda name: None)
    w = world()
    said: list[str] = []
    demo_attach.run(w.worker, said.append)
    assert sorted(Attachment.objects.values_list("kind", flat=True)) == ["image", "pdf"]
    assert sum("espeak-ng" in line for line in said) == 1
