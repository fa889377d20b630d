"""UI language: Japanese by default, English on request, and a complete English catalog.

The msgids are the Japanese text itself; `src/yakuba/locale/en/LC_MESSAGES/django.po` translates
them. The compiled .mo is not committed: `scripts/setup` builds it with msgfmt.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

from tests import factories
from yakuba.accounts.roles import Role

SRC = Path(__file__).resolve().parents[2] / "src"
APP = SRC / "yakuba"
PO = APP / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    """LocaleMiddleware activates the request's language in this thread and leaves it there;
    put the default back so later tests (which read Japanese labels outside requests) see it."""
    yield
    translation.deactivate()


# --- the pages ------------------------------------------------------------------------------


def _switch_to_english(client) -> None:  # type: ignore[no-untyped-def]
    assert MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime, (
        f"{MO.relative_to(SRC.parent)} is missing or older than the .po: run scripts/setup")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[-1][0] == "/login/"
    assert client.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_login_page_is_japanese_by_default(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/login/").content.decode()
    assert '<html lang="ja">' in html
    assert "<h1>ログイン</h1>" in html
    assert "ユーザー名" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_the_footer_offers_a_language_switch(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/login/").content.decode()
    footer = html[html.index('<footer class="site-footer">'):html.index("</footer>")]
    assert 'action="/i18n/setlang/"' in footer and 'method="post"' in footer
    assert 'name="csrfmiddlewaretoken"' in footer
    assert '<label for="language-select">' in footer
    assert re.search(r'<select id="language-select" name="language"', footer)
    assert re.search(r'<option value="ja" lang="ja" selected>日本語</option>', footer)
    assert '<option value="en" lang="en">English</option>' in footer
    assert re.search(r'<button type="submit"[^>]*>切り替える</button>', footer)


@pytest.mark.django_db
def test_login_page_in_english_after_switching(client) -> None:  # type: ignore[no-untyped-def]
    _switch_to_english(client)
    html = client.get("/login/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    assert "Username" in html and "Password" in html
    assert "ログイン" not in html
    assert '<option value="en" lang="en" selected>English</option>' in html


@pytest.mark.django_db
def test_home_page_in_english_after_switching(client) -> None:  # type: ignore[no-untyped-def]
    _switch_to_english(client)
    client.force_login(factories.user(Role.CITY_STAFF))
    html = client.get("/").content.decode()
    assert "Home — City staff member" in html  # the heading, with the (lazy) role label
    assert "Export requests and approvals" in html  # a (lazy) menu label
    assert "General" in html  # its (lazy) section
    assert "Log out" in html
    assert "のホーム" not in html
    assert "市職員" not in html
    assert "出力の申請と承認" not in html


@pytest.mark.django_db
def test_home_page_stays_japanese_without_a_choice(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(factories.user(Role.CITY_STAFF))
    html = client.get("/").content.decode()
    assert "市職員のホーム" in html
    assert "出力の申請と承認" in html
    assert "ログアウト" in html
    assert "Home — " not in html


# --- the catalog ----------------------------------------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def parse_po(path: Path) -> list[Entry]:
    """A small reader of gettext .po files: entries, their flags, msgctxt, plurals, obsolete ones."""
    entries: list[Entry] = []
    entry = Entry()
    last: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started, last
        if started:
            entries.append(entry)
        entry, started, last = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        elif line.startswith("#,"):
            if started and last and last[0] == "msgstr":
                finish()
            entry.flags.update(f.strip() for f in line[2:].split(","))
            continue
        elif line.startswith("#"):
            if started and last and last[0] == "msgstr":
                finish()
            continue
        if line.startswith('"'):
            assert last is not None, f"{path}: a continuation line with nothing before it: {raw!r}"
            value = ast.literal_eval(line)
            kind, index = last
            if kind == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
            continue
        keyword, _, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and started and last and last[0] == "msgstr":
            finish()
        started = True
        plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if plural:
            last = ("msgstr", int(plural.group(1)))
            entry.msgstr[last[1]] = value
        elif keyword == "msgstr":
            last = ("msgstr", 0)
            entry.msgstr[0] = value
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            last = (keyword, 0)
            setattr(entry, keyword, value)
        else:
            raise AssertionError(f"{path}: unexpected line {raw!r}")
    finish()
    return entries


def _keys(entries: list[Entry]) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in entries if e.msgid and not e.obsolete}


def test_the_catalog_is_complete() -> None:
    entries = parse_po(PO)
    header = [e for e in entries if e.msgid == ""]
    assert len(header) == 1 and "fuzzy" not in header[0].flags
    assert "Language: en\n" in header[0].msgstr[0]
    messages = [e for e in entries if e.msgid]
    assert len(messages) > 100
    assert [e.msgid for e in messages if "fuzzy" in e.flags] == [], "fuzzy entries"
    assert [e.msgid for e in messages if not e.msgstr or not all(e.msgstr.values())] == [], "untranslated"
    assert [e.msgid for e in entries if e.obsolete] == [], "obsolete (#~) entries: remove them"
    assert len(_keys(messages)) == len(messages), "duplicate entries"


def test_the_catalog_passes_msgfmt_check() -> None:
    """msgfmt also checks that every %(name)s of a python-format msgid is in its msgstr."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: run scripts/setup (it installs Debian's gettext)"
    result = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.devnull, str(PO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", stats), stats


def test_every_msgid_in_the_source_is_in_the_catalog(tmp_path: Path) -> None:
    """Django's own extraction is the reference: makemessages runs on a copy of src/yakuba into a
    fresh catalog, and its entries (msgctxt, msgid) must be exactly those of the committed .po.

    A hand-written scan of `{% translate %}` / `_()` would miss what makemessages sees (blocktranslate
    with variables turns into %(name)s, `_("…")` inside filters, pgettext contexts, gettext_lazy),
    so it could pass while the catalog lacks an entry. Running makemessages on a copy leaves the
    working tree alone: LOCALE_PATHS points into the copy, and the copy has no catalog to merge.
    Both directions count: a string missing from the .po stays Japanese in English pages, and an
    entry with no source any more is dead weight that makemessages would turn into a #~ entry.
    """
    xgettext = shutil.which("xgettext")
    assert xgettext, "xgettext is missing: run scripts/setup (it installs Debian's gettext)"
    copy = tmp_path / "yakuba"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.mo", "*.pyc"))
    (copy / "locale").mkdir()
    script = (
        "import django, os\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "settings.LOCALE_PATHS = [os.path.abspath('locale')]\n"
        "call_command('makemessages', locale=['en'], verbosity=0,\n"
        "             ignore_patterns=['node_modules', '.venv'])\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC), DJANGO_SETTINGS_MODULE="yakuba.site.settings",
               YAKUBA_DATA=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-c", script], cwd=copy, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    extracted = _keys(parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    committed = _keys(parse_po(PO))
    assert len(extracted) > 100
    assert sorted(extracted - committed, key=str) == [], "in the source but not in the .po: run makemessages"
    assert sorted(committed - extracted, key=str) == [], "in the .po but no longer in the source"
