from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yakuba.accounts.access import allow, menu_for, public
from yakuba.accounts.roles import ALL_ROLES


@allow(*ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    """The home page of each role: what this role may do here."""
    return render(request, "accounts/home.html", {"sections": menu_for(request.user)})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


login = public(auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True))
logout = allow(*ALL_ROLES)(auth_views.LogoutView.as_view())
