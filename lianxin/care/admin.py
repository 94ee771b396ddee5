from django.contrib import admin

from .models import Batch, JointMeeting


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("name", "sequence", "area_code", "is_open")


@admin.register(JointMeeting)
class JointMeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "area_code", "scheduled_on", "status")
