"""The server side of the phone's outbox: one row per submission applied (or given up by its
worker), keyed by the idempotency key the phone generated when the form was saved offline.
The unique key is what makes a submission apply exactly once, however often it is sent."""

from __future__ import annotations

from django.db import models

from lianxin.core.areascoped import AreaScoped
from lianxin.core.fields import EncryptedTextField
from lianxin.core.model_mixins import user_fk
from lianxin.core.models import BaseModel

from .querysets import SubmissionQuerySet


class SubmissionKind(models.TextChoices):
    VISIT = "visit", "走访记录"
    DISCOVERY = "discovery", "登记发现"
    INVESTIGATION = "investigation", "入户调查"
    ALERT_VERIFICATION = "alert_verification", "预警核实"


class SubmissionStatus(models.TextChoices):
    APPLIED = "applied", "已同步"
    DISCARDED = "discarded", "已放弃"


class Submission(AreaScoped, BaseModel):
    """离线提交: a form saved on the phone without network, as it reached the server."""

    key = models.UUIDField("同步编号", unique=True)
    user = user_fk("填写人", null=False)
    kind = models.CharField("类型", max_length=20, choices=SubmissionKind)
    status = models.CharField("状态", max_length=10, choices=SubmissionStatus)
    typed_at = models.DateTimeField("填写时间（手机）")
    synced_at = models.DateTimeField("同步时间")
    household_number = models.CharField("户编号", max_length=40, blank=True)
    target_type = models.CharField("生成对象类型", max_length=80, blank=True)
    target_id = models.CharField("生成对象ID", max_length=64, blank=True)
    summary = models.CharField("摘要", max_length=200, blank=True)
    #: what the worker typed, kept (encrypted) only when the worker gave the submission up after
    #: a conflict, so that nothing typed is lost
    payload = EncryptedTextField("填写内容", blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "离线提交"
        ordering = ["-synced_at", "-pk"]
        indexes = [models.Index(fields=["user", "synced_at"], name="offline_sub_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.key}"
