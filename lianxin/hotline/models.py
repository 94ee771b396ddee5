"""12345 hotline: work orders and everything that happens to them (shared/contracts/hotline.md).

The state machine is declared once in ``workflows.py`` (``WORKORDER_WORKFLOW``, core.workflow):
from which states each transition may run, where it leads, who may take it, its form and its
service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxin.core.fields import EncryptedTextField
from lianxin.core.model_mixins import area_index, fk
from lianxin.core.models import BaseModel
from lianxin.directory.models import Organisation

from .querysets import WorkOrderQuerySet


class Channel(models.TextChoices):
    PHONE = "phone", "电话"
    WEB = "web", "网站"
    APP = "app", "移动应用"
    API = "api", "接口"
    OPEN311 = "open311", "Open311"
    CPPCC = "cppcc", "社情民意信息"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "紧急"
    UTILITY_OUTAGE = "utility_outage", "水电气暖故障"
    GENERAL = "general", "一般"
    COMPLEX = "complex", "复杂"


class Status(models.TextChoices):
    RECEIVED = "received", "已受理"
    DISPATCHED = "dispatched", "已派单"
    ACCEPTED = "accepted", "已签收"
    RETURNED = "returned", "已退单"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    CALLBACK = "callback", "已回访"
    CLOSED = "closed", "已办结"
    REOPENED = "reopened", "重新办理"
    MERGED = "merged", "已合并"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


S = Status
ACTION_LABELS = {
    "intake": "受理",
    "co_accept": "协办签收",
    "attachment": "上传附件",
    "dispatch": "派单",
    "review_return": "退单审核后重新派单",
    "accept": "签收",
    "return": "退单",
    "handle": "办理",
    "reply": "答复",
    "callback": "回访",
    "reopen": "重新办理",
    "close": "办结",
    "merge": "合并",
    "escalate": "提级办理",
    "consult": "会商",
    "supervise": "督办",
    "request_extension": "申请延期",
    "decide_extension": "审批延期",
    "note": "办理记录",
    "refer_care": "转介关爱帮扶",
}
#: States still on someone's desk (the on-time denominator counts these when overdue).
OPEN_STATES = frozenset({S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.HANDLING, S.REOPENED})
#: States waiting for a unit (its queue).
UNIT_STATES = frozenset({S.DISPATCHED, S.ACCEPTED, S.HANDLING})
#: States waiting for the hotline (dispatch, return review, redispatch).
HOTLINE_STATES = frozenset({S.RECEIVED, S.RETURNED, S.REOPENED})
DONE_STATES = frozenset({S.REPLIED, S.CALLBACK, S.CLOSED})

_OPEN_Q = Q(status__in=sorted(OPEN_STATES))
_DESK_Q = Q(status__in=sorted(HOTLINE_STATES))


class WorkOrder(BaseModel):
    """One citizen request (诉求) and its handling."""

    SENSITIVE_FIELDS = ("caller_phone",)

    tracking_code = models.CharField("查询码", max_length=16)
    channel = models.CharField("渠道", max_length=10, choices=Channel, default=Channel.PHONE)
    hotline = fk(Organisation, "受理热线", limit_choices_to={"kind": "hotline_centre"})
    caller_name = models.CharField("来电人", max_length=40, blank=True)
    caller_phone = EncryptedTextField("来电号码", blank=True)
    caller_phone_hash = models.CharField("来电号码检索码", max_length=64, blank=True)
    text = models.TextField("诉求内容")
    place = models.CharField("地点", max_length=200, blank=True)
    area_code = models.CharField("区划代码", max_length=12)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    dept_type = models.CharField("诉求类别", max_length=40)
    urgency = models.CharField("紧急程度", max_length=20, choices=Urgency, default=Urgency.GENERAL)
    status = models.CharField("状态", max_length=12, choices=Status, default=Status.RECEIVED)
    # wo_unit_queue_idx leads with lead_unit
    lead_unit = fk(Organisation, "主办单位", null=True, db_index=False)
    received_at = models.DateTimeField("受理时间")
    dispatch_due_at = models.DateTimeField("派单时限")
    reply_due_at = models.DateTimeField("答复时限", null=True, blank=True)
    due_at = models.DateTimeField("当前时限", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_on_time = models.BooleanField("按时答复", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    verification = models.TextField("核实情况", blank=True)
    satisfaction = models.CharField(
        "满意度", max_length=12, choices=Satisfaction, blank=True, default=""
    )
    resolved = models.BooleanField("已解决", null=True, blank=True)
    supervised = models.BooleanField("督办", default=False)
    escalated = models.BooleanField("提级", default=False)
    referred_to_care = models.BooleanField("已转介关爱", default=False)
    person = fk("registry.Person", "关联居民", null=True, on_delete=models.SET_NULL)
    household = fk(
        "registry.Household", "关联住户", null=True, on_delete=models.SET_NULL, db_index=False
    )
    merged_into = fk("self", "合并至", "merged_orders", null=True)
    idempotency_key = models.CharField("幂等键", max_length=80, null=True, blank=True)
    routed_dept_type = models.CharField("系统建议类别", max_length=40, blank=True)
    routed_confidence = models.FloatField("建议置信度", null=True, blank=True)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工单"
        ordering = ["-received_at"]
        # Unique constraints and plain indexes rather than unique=/db_index= on the fields:
        # exact lookups only, so PostgreSQL needs no second "_like" index for each (intake
        # writes every index of this table).
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="wo_tracking_code_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="wo_idempotency_key_unique"),
        ]
        indexes = [
            models.Index(fields=["caller_phone_hash"], name="wo_phone_hash_idx"),
            # a unit's queue: its open orders by deadline
            models.Index(fields=["lead_unit", "status", "due_at"], name="wo_unit_queue_idx"),
            # the overdue / near-due lists: open orders by deadline
            models.Index(fields=["due_at"], condition=_OPEN_Q, name="wo_open_due_idx"),
            # …within an area (agents, county staff) and a receiving hotline
            models.Index(
                fields=["area_code", "due_at"],
                condition=_OPEN_Q,
                name="wo_open_area_due_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["hotline", "due_at"], condition=_OPEN_Q, name="wo_open_hotline_due_idx"
            ),
            area_index("wo_area_idx"),
            models.Index(fields=["received_at"], name="wo_received_idx"),
            # the hotline's desk: new, returned and reopened orders (a few thousand at most)
            models.Index(
                fields=["area_code", "due_at"],
                condition=_DESK_Q,
                name="wo_desk_area_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["hotline", "due_at"], condition=_DESK_Q, name="wo_desk_hotline_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.text[:20]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def short_text(self, length: int = 40) -> str:
        first = self.text.replace("\n", " ").strip()
        for stop in "。！？!?":
            if stop in first[:length]:
                first = first[: first.index(stop) + 1]
                break
        return first if len(first) <= length else first[: length - 1] + "…"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    SUPPORT = "support", "协办"


class WorkOrderAssignment(BaseModel):
    """A unit the order was sent to (主办 or 协办). Inactive once returned or superseded."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("角色", max_length=10, choices=AssignmentRole)
    is_active = models.BooleanField("有效", default=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    returned_at = models.DateTimeField("退单时间", null=True, blank=True)
    return_reason = models.TextField("退单理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单"
        indexes = [
            # the orders a unit supports (协办): few per unit, found without touching its
            # (many) lead assignments
            models.Index(
                fields=["organisation", "order"],
                condition=models.Q(role="support", is_active=True),
                name="wo_assign_support_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.organisation_id}"


class WorkOrderEvent(models.Model):
    """Every transition and side flow: who, when, why, from → to."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=30)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单流转记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="wo_event_order_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class NoteKind(models.TextChoices):
    VERIFICATION = "verification", "现场核实"
    HANDLING = "handling", "办理情况"
    INTERNAL = "internal", "内部备注"


class WorkOrderNote(BaseModel):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=15, choices=NoteKind, default=NoteKind.HANDLING)
    text = models.TextField("内容")

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]


class WorkOrderAttachment(BaseModel):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="hotline/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField("类型", max_length=80)

    class Meta:
        verbose_name = verbose_name_plural = "附件"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class ExtensionRequest(BaseModel):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField("延期工作日")
    reason = models.TextField("理由")
    status = models.CharField(
        "状态", max_length=10, choices=ExtensionStatus, default=ExtensionStatus.PENDING
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"


class Callback(BaseModel):
    """The hotline's call back to the citizen (回访), or the citizen's own rating online."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="callbacks")
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction)
    resolved = models.BooleanField("问题已解决")
    comment = models.TextField("回访意见", blank=True)
    by_citizen = models.BooleanField("群众自评", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "回访"


class CorrectionSource(models.TextChoices):
    INTAKE = "intake", "受理时坐席改选"
    RETURN = "return", "退单后重新派单"


class RoutingCorrection(BaseModel):
    """What the router proposed and what the agent chose; retraining learns from these. A
    unit's return (退单) followed by a re-dispatch is recorded too: the returning unit is
    the "proposal", the new unit the choice."""

    order = models.ForeignKey(
        WorkOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("诉求内容")
    proposed_dept_type = models.CharField("建议类别", max_length=40)
    proposed_unit_code = models.CharField("建议单位编码", max_length=40, blank=True)
    proposed_confidence = models.FloatField("建议置信度", null=True, blank=True)
    chosen_dept_type = models.CharField("选定类别", max_length=40)
    chosen_unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(
        "来源", max_length=10, choices=CorrectionSource, default=CorrectionSource.INTAKE
    )
    channel = models.CharField("渠道", max_length=10, blank=True)
    return_reason = models.TextField("退单理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单纠正"


class Season(models.TextChoices):
    SPRING = "spring", "春季"
    SUMMER = "summer", "夏季"
    AUTUMN = "autumn", "秋季"
    WINTER = "winter", "冬季"


class LedgerStatus(models.TextChoices):
    OPEN = "open", "未销号"
    CLOSED = "closed", "已销号"


class ProblemLedgerItem(BaseModel):
    """A recurring problem (area × category × season) to solve before people call (未诉先办)."""

    area_code = models.CharField("区划代码", max_length=12)
    dept_type = models.CharField("诉求类别", max_length=40)
    season = models.CharField("季节", max_length=10, choices=Season)
    title = models.CharField("问题", max_length=200)
    order_count = models.PositiveIntegerField("诉求件数", default=0)
    years = models.PositiveSmallIntegerField("出现年份数", default=0)
    last_seen_at = models.DateTimeField("最近诉求", null=True, blank=True)
    responsible_unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=LedgerStatus, default=LedgerStatus.OPEN
    )
    measures = models.TextField("整改措施", blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题清单"
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "dept_type", "season"], name="ledger_unique_hotspot"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Open311ApiKey(BaseModel):
    """A key for an Open311 client; only its SHA-256 is stored."""

    name = models.CharField("客户端", max_length=100)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    hotline = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField("启用", default=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311密钥"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# Models of routing live in their own module.
from .routing_models import (  # noqa: E402, F401
    DutyEntry,
    DutyEntryRevision,
    DutyLevel,
    Institution,
    PlaceKind,
    PlaceName,
    RoutingRecord,
)
