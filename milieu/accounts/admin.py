from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Membership, RoleAssignment, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality"]
    raw_id_fields = ["district"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Platform operators only (is_staff). Municipal staff work in their own staff pages."""

    ordering = ["email"]
    list_display = ["email", "display_name", "preferred_language", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "is_staff", "preferred_language"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "preferred_language", "profile_visibility"]}),
        ("Platform", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "region", "granted_at", "revoked_at"]
    list_filter = ["role", "municipality__region"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "granted_by", "revoked_by"]
    list_select_related = ["user", "municipality", "region"]
