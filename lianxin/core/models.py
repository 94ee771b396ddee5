"""Base model and the append-only audit log."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from lianxin.core.model_mixins import AppendOnly, AppendOnlyQuerySet, user_fk
from lianxin.core.model_mixins import AppendOnlyError as AppendOnlyError  # where callers import it

AUDIT_EDIT_REFUSED = "审计日志只能追加，不能修改"
AUDIT_DELETE_REFUSED = "审计日志只能追加，不能删除"


class BaseModel(models.Model):
    """Every domain table: when and by whom a row was created and last changed."""

    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = user_fk("创建人", editable=False)
    updated_by = user_fk("更新人", editable=False)

    class Meta:
        abstract = True


class AuditEventQuerySet(AppendOnlyQuerySet["AuditEvent"]):
    edit_refused = AUDIT_EDIT_REFUSED
    delete_refused = AUDIT_DELETE_REFUSED

    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=target._meta.label, target_id=str(target.pk))


class AuditEvent(AppendOnly):
    """One audited action: a change, a view of sensitive data, a refusal. ``hash`` is the row's
    own keyed digest (HMAC with a key of AUDIT_CHAIN_KEYS), written without any lock; the order
    and completeness of the log are in the link chain (``AuditLink``), so tampering is detected
    by ``lianxin audit verify``. Rows written before the link chain also carry ``prev_hash``,
    the previous row's digest (the old row-to-row chain, still checked); new rows leave it
    empty."""

    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        DENIED = "denied", "拒绝"
        FAILED = "failed", "失败"

    occurred_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("动作", max_length=80, db_index=True)
    target_type = models.CharField("对象类型", max_length=80, blank=True)
    target_id = models.CharField("对象ID", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    area_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    ip = models.CharField("IP地址", max_length=64, blank=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True)
    result = models.CharField("结果", max_length=10, choices=Result, default=Result.SUCCESS)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    #: which AUDIT_CHAIN_KEYS key signed the row ("" = a legacy unkeyed SHA-256 row, accepted
    #: by ``verify`` only before the first keyed row)
    key_id = models.CharField("链密钥", max_length=16, blank=True, default="")

    edit_refused = AUDIT_EDIT_REFUSED
    delete_refused = AUDIT_DELETE_REFUSED

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def content_digest(self) -> str:
        payload = json.dumps(
            {
                "occurred_at": self.occurred_at.isoformat(),
                "actor": self.actor_id,
                "actor_name": self.actor_name,
                "action": self.action,
                "target_type": self.target_type,
                "target_id": self.target_id,
                "target_repr": self.target_repr,
                "area_code": self.area_code,
                "changes": self.changes,
                "ip": self.ip,
                "request_id": self.request_id,
                "result": self.result,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        message = (self.prev_hash + payload).encode()
        if not self.key_id:
            return hashlib.sha256(message).hexdigest()
        key = chain_key(self.key_id)
        if key is None:
            return ""  # a key no longer configured: the row cannot be verified
        return hmac.new(key, message, hashlib.sha256).hexdigest()


class AuditLinkQuerySet(AppendOnlyQuerySet["AuditLink"]):
    edit_refused = AUDIT_EDIT_REFUSED
    delete_refused = AUDIT_DELETE_REFUSED


class AuditLink(AppendOnly):
    """One link of the audit chain: the ``seq``-th committed AuditEvent, in the order the
    chainer (``audit.chain``, one at a time under the chain lock) found them committed.
    ``link`` is the HMAC of the previous link, ``seq``, the event's id and its digest, so a
    deleted, edited or re-ordered event or link breaks the chain; checkpoints outside the
    database anchor the head. Append-only like AuditEvent."""

    seq = models.BigIntegerField("序号", primary_key=True)
    event = models.OneToOneField(
        AuditEvent,
        verbose_name="审计记录",
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # a deleted event must show as a broken link, not block the delete
        related_name="link",
    )
    digest = models.CharField("记录摘要", max_length=64)
    prev_link = models.CharField(max_length=64, blank=True)
    link = models.CharField(max_length=64)
    key_id = models.CharField("链密钥", max_length=16)
    linked_at = models.DateTimeField("入链时间", default=timezone.now)

    edit_refused = AUDIT_EDIT_REFUSED
    delete_refused = AUDIT_DELETE_REFUSED

    objects = AuditLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "审计链节"
        verbose_name_plural = "审计链节"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} → {self.event_id}"


class ColumnName(BaseModel):
    """One change to the dictionary of column names (列名词典) that every spreadsheet import
    uses: a department's way of writing a column, added (or retired) by an administrator. Rows
    are never edited: each change is a new row with the next revision, so the dictionary has
    versions and a remembered column mapping knows which one it was made with. The seed
    names live in ``lianxin/core/spreadsheet/columns.toml``."""

    column = models.CharField("对应的标准列", max_length=40)
    name = models.CharField("列名写法", max_length=60)
    weak = models.BooleanField(
        "须看列中内容确认",
        default=False,
        help_text="如“证件号码”：可能是身份证号，也可能是低保证号",
    )
    is_active = models.BooleanField("有效", default=True, help_text="不勾选表示停用这一写法")
    revision = models.PositiveIntegerField("版本", unique=True, editable=False)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "列名词典条目"
        verbose_name_plural = "列名词典"
        ordering = ["-revision"]

    def __str__(self) -> str:
        return f"{self.name} → {self.column}"


def chain_key_id(key: str) -> str:
    return hashlib.sha256(b"lianxin-audit-key-id:" + key.encode()).hexdigest()[:12]


def current_chain_key() -> tuple[str, bytes]:
    """(key id, key) of the key that signs new audit rows."""
    key = settings.AUDIT_CHAIN_KEYS[0]
    return chain_key_id(key), key.encode()


def chain_key(key_id: str) -> bytes | None:
    for key in settings.AUDIT_CHAIN_KEYS:
        if chain_key_id(key) == key_id:
            return key.encode()
    return None


class LimitBucket(models.Model):
    """One row per limited key (``core.limits``): the row every consumer of the key locks
    (an UPDATE: a row lock on PostgreSQL, the write lock on SQLite) before counting its uses,
    so a limit holds under concurrency."""

    key = models.CharField("限额键", max_length=120, unique=True)
    touched_at = models.DateTimeField("最近使用", default=timezone.now)

    class Meta:
        verbose_name = "限额"
        verbose_name_plural = "限额"

    def __str__(self) -> str:
        return self.key


class LimitUse(models.Model):
    """One use of a limited key inside its window (older uses are deleted as the window
    slides)."""

    bucket = models.ForeignKey(LimitBucket, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "限额使用"
        verbose_name_plural = "限额使用"
        indexes = [models.Index(fields=["bucket", "at"], name="limit_use_bucket_at_idx")]

    def __str__(self) -> str:
        return f"{self.bucket_id} {self.at:%Y-%m-%d %H:%M:%S}"
