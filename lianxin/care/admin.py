from django.contrib import admin

from .models import Batch, CareCase, JointMeeting, Measure


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("name", "sequence", "area_code", "is_open")


@admin.register(CareCase)
class CareCaseAdmin(admin.ModelAdmin):
    list_display = ("number", "area_code", "stage", "grade", "batch")
    list_filter = ("stage", "grade")
    search_fields = ("number",)
    raw_id_fields = ("household", "grid", "leader", "paired_unit", "batch")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # every write goes through services.py

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("title", "action", "responsible_unit", "status", "deadline")
    list_filter = ("status", "action")
    raw_id_fields = ("case", "responsible_unit", "paired_unit", "decided_by_meeting", "batch")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(JointMeeting)
class JointMeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "area_code", "scheduled_on", "status")
