"""A 保留通知 or an explanation names no other child and shows no other child's data (only cut-offs)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from yakuba.admission.actions.computing import do_compute
from yakuba.admission.actions.notices import do_print_notices
from yakuba.admission.actions.rounds import do_approve
from yakuba.admission.models import Application, Result


@pytest.mark.django_db
def test_it_names_no_other_child_in_a_notice_or_explanation(imported, staff, supervisor, client) -> None:
    _, rnd = imported
    do_compute(rnd, staff)
    do_approve(rnd, supervisor)
    apps = list(Application.objects.all())
    waiting = list(rnd.results.filter(status=Result.Status.WAITING).select_related("application", "round"))
    assert waiting
    client.force_login(staff)
    for result in waiting[:8]:
        me = result.application
        others = [a for a in apps if a.pk != me.pk]
        text = PdfReader(io.BytesIO(do_print_notices([result], staff))).pages[0].extract_text()
        page = client.get(f"/admission/results/{result.pk}/").content.decode()
        assert me.receipt_number in text and me.receipt_number in page
        for other in others:
            for value in (other.receipt_number, other.child_name, other.guardian1_name, other.address):
                assert value not in text, value
                assert value not in page, value
        assert str(result.explanation).count("B0001-") == 1  # its own receipt number only
