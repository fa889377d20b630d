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
