from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yakuba.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "organisation", "role", "is_active")
    list_filter = ("role", "organisation")
    fieldsets = (*BaseUserAdmin.fieldsets, ("所属と役割", {"fields": ("organisation", "role")}))
