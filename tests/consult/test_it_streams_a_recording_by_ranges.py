"""The audio player's ranges: 206 with Content-Range and exactly the bytes asked for (start-end,
open-ended, suffix), the whole file without Range, 416 for a range past the end or a header it does
not understand; only under the viewing's grant, for its viewer, within its time."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.consult.helpers import attach, sample_wav, viewer, world


def _body(r) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(r.streaming_content) if r.streaming else r.content


@pytest.fixture
def opened(db):  # type: ignore[no-untyped-def]
    w = world()
    data = sample_wav(seconds=12.0, rate=16000)  # 384 kB: six envelope chunks
    a = attach(w, "audio", data=data)
    client = Client()
    client.force_login(w.worker)
    _page, content = viewer(client, a)
    return w, a, client, content, data


@pytest.mark.parametrize("header,start,end", [
    ("bytes=0-0", 0, 1), ("bytes=0-1023", 0, 1024), ("bytes=65530-65545", 65530, 65546),
    ("bytes=200000-", 200000, None), ("bytes=-500", -500, None), ("bytes=100-99999999", 100, None),
])
def test_a_range_is_answered_with_exactly_its_bytes(opened, header: str, start: int, end: int | None) -> None:  # type: ignore[no-untyped-def]
    _w, _a, client, content, data = opened
    r = client.get(content, HTTP_RANGE=header)
    assert r.status_code == 206
    want = data[start:end] if end is not None else data[start:]
    got = _body(r)
    assert got == want
    first = len(data) + start if start < 0 else start
    assert r["Content-Range"] == f"bytes {first}-{first + len(want) - 1}/{len(data)}"
    assert r["Content-Length"] == str(len(want))
    assert r["Content-Disposition"].startswith("inline") and r["Cache-Control"] == "no-store"


def test_without_a_range_the_whole_file_streams(opened) -> None:  # type: ignore[no-untyped-def]
    _w, _a, client, content, data = opened
    r = client.get(content)
    assert r.status_code == 200 and r.streaming and _body(r) == data and r["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("header", ["bytes=99999999-", "bytes=500-100", "bytes=-0", "items=0-1", "bytes=0-1,5-9",
                                    "bytes=abc", "bytes=-"])
def test_a_range_it_cannot_answer_is_416_with_no_bytes(opened, header: str) -> None:  # type: ignore[no-untyped-def]
    _w, _a, client, content, data = opened
    r = client.get(content, HTTP_RANGE=header)
    assert r.status_code == 416
    assert r["Content-Range"] == f"bytes */{len(data)}"
    assert _body(r) == b""


def test_the_content_needs_the_grant_of_this_viewer(opened) -> None:  # type: ignore[no-untyped-def]
    w, a, client, content, _data = opened
    base = content.split("?")[0]
    assert client.get(base).status_code == 403
    assert client.get(base + "?g=forged").status_code == 403
    assert client.get(content + "x").status_code == 403
    # another viewer's grant does not serve this one (the same person on a second case, say)
    other = Client()
    other.force_login(w.other_worker)
    assert other.get(content).status_code == 403
    # the grant of another attachment does not open this one
    b = attach(w, "audio")
    _p, b_content = viewer(client, b)
    assert client.get(base + "?" + b_content.split("?")[1]).status_code == 403
    # opened from a browser tab of its own (the browser's player would offer to save it): refused
    assert client.get(content, HTTP_SEC_FETCH_DEST="document").status_code == 403
    assert client.get(content, HTTP_SEC_FETCH_DEST="audio", HTTP_RANGE="bytes=0-1").status_code == 206


def test_the_grant_ends(opened, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    from django.core import signing

    _w, a, client, content, _data = opened
    real = time.time
    lasts = settings.YAKUBA_ATTACHMENT_VIEW_S + a.seconds  # the setting plus the recording's length
    monkeypatch.setattr(signing.time, "time", lambda: real() + lasts - 30)
    assert client.get(content, HTTP_RANGE="bytes=0-1").status_code == 206
    monkeypatch.setattr(signing.time, "time", lambda: real() + lasts + 5)
    assert client.get(content, HTTP_RANGE="bytes=0-1").status_code == 403


def test_a_worker_taken_off_the_case_is_refused_under_a_live_grant(opened) -> None:  # type: ignore[no-untyped-def]
    w, _a, client, content, _data = opened
    w.case.workers.remove(w.worker)
    assert client.get(content, HTTP_RANGE="bytes=0-1").status_code == 403
