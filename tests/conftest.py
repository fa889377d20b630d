from __future__ import annotations

import os
import tempfile

# Before Django's settings are read: a private data directory for the whole run.
os.environ.setdefault("YAKUBA_DATA", tempfile.mkdtemp(prefix="yakuba-test-"))
# The demo city reads its scanned forms with the real OCR (about 0.5 s a page): a few in the tests,
# whose many `yakuba demo` runs would otherwise read 60 each (YAKUBA_DEMO_SCANS, yakuba.intake.demo).
os.environ.setdefault("YAKUBA_DEMO_SCANS", "2")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_keys(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Each Django test gets its own keyring and files folder (nothing shared between tests)."""
    if "django_db_setup" not in request.fixturenames and "db" not in request.fixturenames \
            and "transactional_db" not in request.fixturenames:
        yield
        return
    settings = request.getfixturevalue("settings")
    base = tmp_path_factory.mktemp("data")
    settings.KEYS_DIR = base / "keys"
    settings.FILES_DIR = base / "files"
    from yakuba.keyring import forget

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _second_factor_for_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(user)` of a role that needs the second factor (TOTP) also verifies it in
    the session, as the code page would: tests keep logging in with one line."""
    from django.test import Client

    inner = Client.force_login

    def force_login(self, user, backend=None):  # type: ignore[no-untyped-def]
        inner(self, user, backend)
        from yakuba.accounts.sensitive import needs_factor

        if needs_factor(getattr(user, "role", "")):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() \
                or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def temporary_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The temporary files and folders created while the test runs (every tempfile function goes
    through these two), so a test can assert that no plaintext was ever spooled to disk."""
    made: list[str] = []
    inner, mkdtemp = tempfile._mkstemp_inner, tempfile.mkdtemp  # type: ignore[attr-defined]

    def recording_inner(*args, **kwargs):  # type: ignore[no-untyped-def]
        fd, name = inner(*args, **kwargs)
        made.append(name)
        return fd, name

    def recording_mkdtemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "_mkstemp_inner", recording_inner)
    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    return made
