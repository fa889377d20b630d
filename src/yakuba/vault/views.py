from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.access import allow
from yakuba.accounts.roles import Role
from yakuba.keyring import get_keyring
from yakuba.vault.models import ErasureCertificate

READERS = (Role.COUNCIL_MEMBER, Role.CITY_SUPERVISOR, Role.ADMIN, Role.VENDOR_RESPONSIBLE)


@allow(*READERS, menu=_("消去証明書"), section=_("点検"), order=30)
def certificates(request: HttpRequest) -> HttpResponse:
    return render(request, "vault/certificates.html", {
        "certificates": ErasureCertificate.objects.select_related("organisation")[:200],
        "public_key": get_keyring().public_key_text(),
    })


@allow(*READERS)
def certificate(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """The certificate exactly as signed, to check with `yakuba privacy verify-certificate`."""
    cert = get_object_or_404(ErasureCertificate, id=id)
    response = HttpResponse(bytes(cert.body), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="erasure-certificate-{cert.id}.json"'
    return response
