"""Reference data only. The payments ledger is deliberately not in the admin: the system
administrator sees no residents' data, and nobody edits the ledger (corrections are reversing
entries through ``services.ledger_reverse``)."""

from django.contrib import admin

from .models import FundingSource, Policy


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area_code")


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department_type", "area_code", "is_active")
