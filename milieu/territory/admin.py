from django.contrib import admin

from .models import District, Municipality, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    search_fields = ["name"]


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "kind", "population"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "slug"]
    list_select_related = ["region"]
    inlines = [DistrictInline]
