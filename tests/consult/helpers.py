"""A synthetic case with marker strings in every declared field, and the centre's users."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from tests import factories
from yakuba.accounts.access import routes
from yakuba.accounts.roles import Role
from yakuba.consult.actions import cases, records
from yakuba.consult.models import Case, Goal, Person, SupportPlan, Task

MARKERS = {
    "name": "試験氏名ZQX一",
    "kana": "シケンシメイZQX",
    "address": "架空市ZQX町9-9-9",
    "phone": "000-9999-0001",
    "resident_key": "99887766",
    "worry": "MARKER-WORRY-7731",
    "situation": "MARKER-SITUATION-4410",
    "health": "MARKER-HEALTH-5521",
    "risks": "MARKER-RISK-3307",
    "summary": "MARKER-PLAN-2290",
    "goal": "MARKER-GOAL-8812",
    "task": "MARKER-TASK-6643",
    "said": "MARKER-SAID-1187",
    "next": "MARKER-NEXT-9054",
    "member": "試験家族ZQX二",
}
HEALTH = {MARKERS["health"]}
"""Markers of the health/disability details: assigned workers only."""


@dataclass
class World:
    worker: Any
    other_worker: Any
    chief: Any
    case: Case
    person: Person
    plan: SupportPlan
    goal: Goal
    task: Task


def world() -> World:
    worker = factories.user(Role.CENTER_WORKER, "w-assigned")
    other = factories.user(Role.CENTER_WORKER, "w-other")
    chief = factories.user(Role.CENTER_SUPERVISOR, "chief")
    m = MARKERS
    case = cases.do_open_case(worker, person={"name": m["name"], "name_kana": m["kana"], "birth_date": dt.date(1950, 3, 4),
                                              "address": m["address"], "phone": m["phone"],
                                              "resident_key": m["resident_key"]},
                              domains=["elderly", "disability"], route="phone", urgency="soon", worry=m["worry"])
    cases.do_add_member(case, worker, {"name": m["member"]})
    records.do_assess(case, worker, situation=m["situation"], health_details=m["health"], risks=m["risks"])
    plan = records.do_plan(case, worker, summary=m["summary"], goal=m["goal"])
    goal = plan.goals.get()
    task = records.do_add_task(goal, worker, text=m["task"], owner_id=worker.pk, due_on=dt.date.today())
    records.do_record(case, worker, method="home_visit", said=m["said"], next_step=m["next"],
                      follow_up_on=dt.date.today() - dt.timedelta(days=3))
    return World(worker, other, chief, case, case.people.order_by("pk").first(), plan, goal, task)  # type: ignore[arg-type]


def consult_urls(w: World) -> list[str]:
    """Every URL of the consult app, with this world's ids."""
    ids = {"goal_add": w.plan.pk, "task_add": w.goal.pk, "task_done": w.task.pk, "person": w.person.pk}
    out = []
    for route in routes():
        if not route.name.startswith("consult:"):
            continue
        short = route.name.split(":", 1)[1]
        out.append(reverse(route.name, kwargs={"pk": ids.get(short, w.case.pk)}) if route.takes_arguments
                   else reverse(route.name))
    return out


# --- sharing with agencies (issue #13 §2) ---------------------------------------------------------

AGENCY_PAGES = ("consult:shared", "consult:shared_view")
"""The consult pages an agency's staff may open (only what was shared with its organisation)."""


def agency_urls(w: World) -> set[str]:
    """The agency pages among consult_urls(w) (same ids)."""
    return {reverse(name, kwargs={"pk": w.case.pk}) if name.endswith("_view") else reverse(name)
            for name in AGENCY_PAGES}


def agency(code: str, name: str, kind: str = "houkatsu") -> Any:
    """An Organisation of kind agency, with its kind of 関係機関."""
    from yakuba.accounts.models import Organisation
    from yakuba.consult.models import Agency

    org = Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": Organisation.Kind.AGENCY})[0]
    Agency.objects.get_or_create(organisation=org, defaults={"agency_kind": kind})
    return org


def city_department(code: str = "fukushi") -> Any:
    return factories.org(code)


@dataclass
class Sharing:
    w: World
    agency_a: Any
    agency_b: Any
    staff_a: Any
    staff_b: Any
    department: Any


def sharing_world() -> Sharing:
    """world() and two agencies (地域包括支援センター, 相談支援事業所), each with one agency_staff login."""
    w = world()
    a = agency("agency-a", "試験地域包括支援センターA", "houkatsu")
    b = agency("agency-b", "試験相談支援事業所B", "soudan")
    return Sharing(w, a, b, factories.user(Role.AGENCY_STAFF, "staff-a", org_code=a.code),
                   factories.user(Role.AGENCY_STAFF, "staff-b", org_code=b.code), city_department())


def logged_in(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
# --- registered terminals (issue #13 §5) -------------------------------------------------------


def login_on_terminal(client: Any, user: Any, *, label: str = "試験端末") -> Any:
    """Log in and put the client on a registered terminal of the user's centre; the Terminal."""
    client.without_terminal = True
    client.force_login(user)
    terminal, _cookie = factories.terminal(user, client, label=label)
    return terminal


def login_without_terminal(client: Any, user: Any) -> None:
    """Log in from a browser that is not a registered terminal (no terminal cookie)."""
    from yakuba.consult.terminals import COOKIE

    client.without_terminal = True
    client.force_login(user)
    client.cookies.pop(COOKIE, None)


def case_data(w: World) -> list[str]:
    """What no one off a registered terminal may receive: every marker, the people's names, the case number."""
    return [*MARKERS.values(), w.case.number]
# --- retention and corrections (retain) ---------------------------------------------------------

def closed_years_ago(w: World, years: int, days: int = 1) -> Case:
    """Close the world's case `years` years and `days` days before today (the センター長 closes it)."""
    today = dt.date.today()
    on = today.replace(year=today.year - years) - dt.timedelta(days=days)
    return cases.do_close(w.case, w.chief, reason="resolved", note="MARKER-CLOSE-4471", on=on)


def store_case_files(case: Case, user: Any, contents: list[bytes]) -> list[Any]:
    """Files kept for a case in the vault, as the attachments store them (batch consult-case:<pk>)."""
    import io

    from yakuba.vault import service as vault

    return [vault.store(io.BytesIO(data), kind="attachment", description=f"ケース {case.number} の添付 {i + 1}",
                        organisation=case.centre, user=user, categories=["sensitive"], batch=f"consult-case:{case.pk}")
            for i, data in enumerate(contents)]
# --- attachments (issue #13 §4) -------------------------------------------------------------------

BYTES_MARK = b"ATTACH-BYTES-ZQX-5150"
"""Inside every sample file: a response that holds it holds the file's bytes."""
TITLE_MARK = "MARKER-ATTACH-TITLE-6021"


def sample_pdf(pages: int = 2) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue() + b"%" + BYTES_MARK + b"\n"  # a comment after %%EOF: readers take it


def sample_png(width: int = 64, height: int = 48) -> bytes:
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", BYTES_MARK.decode())
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def sample_jpeg(width: int = 80, height: int = 60) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 30)).save(out, "JPEG", comment=BYTES_MARK)
    return out.getvalue()


def sample_wav(seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV: a tone, with the marker in a LIST chunk before the samples."""
    import io
    import math
    import struct

    frames = int(seconds * rate)
    samples = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(frames))
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    text = BYTES_MARK + b"\x00"
    text += b"\x00" * (len(text) % 2)
    info = b"INFO" + b"ICMT" + struct.pack("<I", len(text)) + text
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", len(info)) + info
            + b"data" + struct.pack("<I", len(samples)) + samples)
    out = io.BytesIO()
    out.write(b"RIFF" + struct.pack("<I", len(body)) + body)
    return out.getvalue()


SAMPLES = {"pdf": sample_pdf, "image": sample_png, "audio": sample_wav}


def attach(w: World, kind: str = "pdf", *, health: bool = False, data: bytes | None = None) -> Any:
    from yakuba.consult.actions.attachments import do_upload

    return do_upload(w.case, w.worker, title=f"{TITLE_MARK} {kind}", data=data if data is not None else SAMPLES[kind](),
                     health=health)


def viewer(client: Any, attachment: Any) -> tuple[Any, str]:
    """Open the viewer page; the page and the content URL (with its grant) it points the player at."""
    import html
    import re

    page = client.get(reverse("consult:attachment", args=[attachment.pk]))
    found = re.search(r'data-src="([^"]+)"', page.content.decode())
    return page, html.unescape(found.group(1)) if found else ""
