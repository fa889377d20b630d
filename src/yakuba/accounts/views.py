from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_POST

from yakuba.accounts.access import allow, menu_for, public
from yakuba.accounts.actions.factor import (check_enroll, device_of, do_enroll, do_verify, needs_verification,
                                            will_need_factor)
from yakuba.accounts.actions.grants import do_approve, do_refuse, may_decide, pending_for
from yakuba.accounts.forms import CodeForm, DecisionForm, EnrollForm
from yakuba.accounts.models import User
from yakuba.accounts.roles import ALL_ROLES, SUPERVISOR_OF_KIND, Role
from yakuba.web import cleaned, user_errors

APPROVERS = (Role.ADMIN, *SUPERVISOR_OF_KIND.values())
SECTION = _("利用者の管理")


@allow(*ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    """The home page of each role: what this role may do here."""
    return render(request, "accounts/home.html", {"sections": menu_for(request.user)})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


login = public(auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True))
logout = allow(*ALL_ROLES, before_factor=True)(auth_views.LogoutView.as_view())


def _next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return reverse("accounts:home")


@allow(*ALL_ROLES, before_factor=True)
@user_errors("accounts:factor")
def factor(request: HttpRequest) -> HttpResponse:
    """The second page of the login: the code from the authenticator app (roles that see names or approve)."""
    if not needs_verification(request.user):
        return redirect(_next(request, request.GET.get("next")))
    if request.method == "POST":
        data = cleaned(CodeForm, request)
        do_verify(request, data["code"])
        return redirect(_next(request, data["next"]))
    return render(request, "accounts/factor.html", {
        "next": _next(request, request.GET.get("next")), "has_device": device_of(request.user) is not None})


@allow(*APPROVERS, menu=_("役割の付与の承認"), section=SECTION, order=900)
def grants(request: HttpRequest) -> HttpResponse:
    """Pending role grants this approver may see; decided by a second person, never the one who asked."""
    pending = [(g, may_decide(g, request.user)) for g in pending_for(request.user)]
    return render(request, "accounts/grants.html", {"pending": pending})


@allow(*APPROVERS)
@require_POST
@user_errors("accounts:grants")
def grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    decision = cleaned(DecisionForm, request)["decision"]
    if decision == "approve":
        do_approve(pk, request.user, request=request)
        messages.success(request, gettext("役割の付与を承認しました。"))
    else:
        do_refuse(pk, request.user, request=request)
        messages.success(request, gettext("役割の付与を却下しました。"))
    return redirect("accounts:grants")


@allow(Role.ADMIN, menu=_("二段階認証の端末の登録"), section=SECTION, order=910)
@user_errors("accounts:devices")
def devices(request: HttpRequest) -> HttpResponse:
    """Users whose role needs a second factor, with or without a device; a new secret, shown once."""
    if request.method == "POST":
        user = get_object_or_404(User, pk=cleaned(EnrollForm, request)["user"])
        check_enroll(user)
        device, secret = do_enroll(user, request.user, request=request)
        response = render(request, "accounts/device_secret.html", {
            "enrolled": user, "secret": secret, "config_url": device.config_url})
        response["Cache-Control"] = "no-store"
        return response
    users = [u for u in User.objects.filter(is_active=True).prefetch_related("role_grants").order_by("username")
             if will_need_factor(u)]
    return render(request, "accounts/devices.html", {
        "users": [(u, device_of(u) is not None) for u in users]})
