"""Plan, goal and task ids are no oracle: an id that does not exist answers exactly like one of a
case the user may not see (403 with the same text), on every id-taking consult URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.consult.helpers import world


def _page(response) -> str:  # type: ignore[no-untyped-def]
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())  # the masked token differs per response
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r"/consult/(plans|goals|tasks)/\d+/", "/consult/ID/", text)  # the language form's next=: the asked URL


@pytest.mark.django_db
def test_it_works() -> None:
    w = world()
    client = Client()
    client.force_login(w.other_worker)  # the centre's other worker: may not write on this case
    posts = {"/consult/plans/{}/goals/": (w.plan.pk, {"text": "x"}),
             "/consult/goals/{}/tasks/": (w.goal.pk, {"text": "x", "owner": w.worker.pk, "due_on": "2027-01-01"}),
             "/consult/tasks/{}/done/": (w.task.pk, {})}
    for url, (existing, data) in posts.items():
        forbidden = client.post(url.format(existing), data)
        missing = client.post(url.format(existing + 100000), data)
        assert forbidden.status_code == missing.status_code == 403, url
        assert _page(forbidden) == _page(missing), url
    for case_url in ("/consult/cases/{}/", "/consult/people/{}/"):
        assert client.get(case_url.format(10**7)).status_code == 403
