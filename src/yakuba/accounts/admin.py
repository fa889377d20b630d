from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from yakuba.accounts.models import Organisation, RoleGrant, User
from yakuba.audit.log import record
from yakuba.personal import declarations_of


class AuditedAdmin(admin.ModelAdmin):
    """Admin screens of a model with declared personal data log every list and record they show."""

    def _categories(self) -> list[str]:
        return sorted({d.category.value for d in declarations_of(self.model).values()})

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if self._categories() and response.status_code == 200:
            record("personal.list", request=request, target_type=self.model._meta.label_lower,
                   categories=self._categories(), detail={"screen": "admin.changelist"})
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self._categories() and response.status_code == 200 and request.method == "GET":
            record("personal.read", request=request, target_type=self.model._meta.label_lower, target_id=object_id,
                   categories=self._categories(), detail={"screen": "admin.change"})
        return response


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    """Users: every change is audited and a sensitive role waits for a second person (accounts.grants)."""

    list_display = ("username", "organisation", "role", "is_active")
    list_filter = ("role", "organisation")
    fieldsets = (*BaseUserAdmin.fieldsets, ("所属と役割", {"fields": ("organisation", "role")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("所属と役割", {"fields": ("organisation", "role")}))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.role_grants.filter(status=RoleGrant.Status.PENDING).exists():
            messages.warning(request, "この役割は、別の管理者か所属長が「役割の付与の承認」で承認するまで有効になりません。")


# The second factor's devices hold the TOTP secrets: never on an admin screen (enrolled on
# accounts:devices, shown once); the background tasks' results hold their arguments and return
# values (ids, file names). Login attempts (django-axes) are off the admin: AXES_ENABLE_ADMIN.
for _model in (TOTPDevice, DBTaskResult):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
