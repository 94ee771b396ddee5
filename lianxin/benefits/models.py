"""Benefits and funds (DOMAIN.md section 5): policies with their funding sources and standards,
applications (also filed on the resident's behalf, 申请代办), entitlements, the append-only
payments ledger with co-funded grants, monthly aggregates and frozen monthly ledgers, and the
trade union's files for workers in difficulty (困难职工档案).

Money is integer fen everywhere (``*_fen``). The workflows (applications, stop proposals,
payment runs, entitlements, union files) are declared in ``workflows.py``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from lianxin.areas.models import Division
from lianxin.core.areascoped import AreaScoped
from lianxin.core.model_mixins import AppendOnly, fk, one_to_one, user_fk
from lianxin.core.models import BaseModel
from lianxin.directory.models import DeptType, Organisation
from lianxin.registry.models import Household, Person

from .querysets import (
    FileRelatedQuerySet,
    LedgerQuerySet,
    PolicyQuerySet,
    ResidentRowQuerySet,
    RunQuerySet,
    UnionFileQuerySet,
)


class SourceKind(models.TextChoices):
    FINANCE = "finance", "财政资金"
    UNION = "union", "工会资金"
    INSURER = "insurer", "商业保险"
    CHARITY = "charity", "慈善捐赠"
    OTHER = "other", "其他"


class FundingSource(AreaScoped, BaseModel):
    """Who pays (资金来源): a budget line of a department, a union's fund, an insurer."""

    area_source = ""

    name = models.CharField("资金来源", max_length=80, unique=True)
    kind = models.CharField("类型", max_length=10, choices=SourceKind)
    organisation = fk(Organisation, "所属单位", null=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "资金来源"
        ordering = ["area_code", "name"]

    def __str__(self) -> str:
        return self.name


class Subject(models.TextChoices):
    PERSON = "person", "个人"
    HOUSEHOLD = "household", "家庭"


class StandardKind(models.TextChoices):
    FIXED = "fixed", "固定金额"
    RANGE = "range", "区间金额"
    SCHEDULE = "schedule", "按等级/学段"
    IN_KIND = "in_kind", "实物或服务"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "按月"
    YEARLY = "yearly", "按年"
    ONCE = "once", "一次性"


class Policy(AreaScoped, BaseModel):
    """A policy (政策): owner, who pays and in what shares, the standard, the eligibility rule
    (structured, see ``eligibility.py``) and its period. ``alert_rules_*`` name the monitoring
    rules whose alerts open an application (entitled but not receiving) or a stop proposal
    (receiving but no longer entitled) under this policy."""

    area_source = ""

    code = models.SlugField("政策代码", max_length=40, unique=True)
    name = models.CharField("政策名称", max_length=80)
    department_type = models.CharField("主管部门类型", max_length=40, choices=DeptType)
    owner = fk(Organisation, "主管单位", null=True)
    subject = models.CharField("保障对象", max_length=10, choices=Subject, default=Subject.PERSON)
    standard_kind = models.CharField("标准类型", max_length=10, choices=StandardKind)
    frequency = models.CharField("发放周期", max_length=10, choices=Frequency)
    amount_fen = models.BigIntegerField("标准金额（分）", null=True, blank=True)
    min_fen = models.BigIntegerField("最低金额（分）", null=True, blank=True)
    max_fen = models.BigIntegerField("最高金额（分）", null=True, blank=True)
    schedule_basis = models.CharField("分档依据", max_length=20, blank=True)
    schedule = models.JSONField("分档标准", default=list, blank=True)
    in_kind_note = models.CharField("实物或服务内容", max_length=200, blank=True)
    rule = models.JSONField("资格条件", default=dict, blank=True)
    rule_text = models.CharField("资格条件说明", max_length=300, blank=True)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    reverify_months = models.PositiveSmallIntegerField("复核周期（月）", default=12)
    alert_rules_entitled = models.JSONField("应享未享预警规则", default=list, blank=True)
    alert_rules_stop = models.JSONField("应退未退预警规则", default=list, blank=True)
    is_active = models.BooleanField("有效", default=True)
    basis = models.CharField("政策依据", max_length=200, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "救助政策"
        ordering = ["area_code", "code"]

    def __str__(self) -> str:
        return self.name

    def standard_display(self) -> str:
        from .standards import describe

        return describe(self)


class PolicyFunding(BaseModel):
    """A funding source's share of a policy, in permille (the shares of a policy sum to 1000)."""

    policy = fk(Policy, "政策", "fundings")
    source = fk(FundingSource, "资金来源")
    share_permille = models.PositiveSmallIntegerField("分担比例（‰）")

    class Meta:
        verbose_name = verbose_name_plural = "政策资金分担"
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "source"], name="benefits_policy_source_unique"
            )
        ]


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "待提交"
    SUBMITTED = "submitted", "待审核"
    REVIEWED = "reviewed", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "不予批准"
    WITHDRAWN = "withdrawn", "已撤回"


class ApplicationSource(models.TextChoices):
    RESIDENT = "resident", "本人申请"
    PROXY = "proxy", "申请代办"
    ALERT = "alert", "比对预警"


class Application(AreaScoped, BaseModel):
    """An application (申请) for one policy, for a person (or a household). Community staff file
    it, also on the resident's behalf (申请代办); the township or department reviews it; a second
    person of the owning department approves it (maker-checker) or refuses it with a reason.
    Approval creates the entitlement."""

    area_source = "household"

    number = models.CharField("申请编号", max_length=30, unique=True)
    policy = fk(Policy, "政策", "applications")
    household = fk(Household, "住户")
    person = fk(Person, "申请对象", null=True)
    status = models.CharField(
        "状态", max_length=10, choices=ApplicationStatus, default=ApplicationStatus.DRAFT
    )
    source = models.CharField(
        "申请方式", max_length=10, choices=ApplicationSource, default=ApplicationSource.PROXY
    )
    source_alert_id = models.PositiveBigIntegerField("来源预警", null=True, blank=True)
    requested_fen = models.BigIntegerField("申请金额（分）", null=True, blank=True)
    standard_key = models.CharField("档次", max_length=20, blank=True)
    income_per_head_fen = models.BigIntegerField("家庭月人均收入（分）", null=True, blank=True)
    reason = models.TextField("申请理由", blank=True)
    filed_by = user_fk("经办人", blank=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = user_fk("审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    decided_by = user_fk("审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    refusal_reason = models.CharField("不予批准理由", max_length=300, blank=True)
    approved_fen = models.BigIntegerField("核定金额（分）", null=True, blank=True)

    objects = ResidentRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "待遇申请"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_alert_id", "policy"],
                condition=Q(source_alert_id__isnull=False),
                name="benefits_application_once_per_alert",
            )
        ]
        indexes = [models.Index(fields=["status", "area_code"], name="benefits_app_queue_idx")]

    def __str__(self) -> str:
        return self.number


class ApplicationDocument(AreaScoped, BaseModel):
    """A supporting document of an application (scanned on upload: type by content, size)."""

    area_source = "application"

    application = fk(Application, "申请", "documents")
    file = models.FileField("文件", upload_to="benefits/documents/%Y/%m/")
    title = models.CharField("材料名称", max_length=60)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("摘要", max_length=64)

    objects = FileRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", "享受中"
    SUSPENDED = "suspended", "暂停"
    ENDED = "ended", "已终止"


class Entitlement(AreaScoped, BaseModel):
    """A person's or household's entitlement (享受待遇) under a policy: amount per period, the
    period, its status and the next re-verification date. ``beneficiary_key`` ("p<id>" or
    "h<id>") allows one running entitlement per policy and beneficiary."""

    area_source = "household"

    policy = fk(Policy, "政策", "entitlements")
    household = fk(Household, "住户")
    person = fk(Person, "享受对象", null=True)
    beneficiary_key = models.CharField("对象键", max_length=20, editable=False)
    application = one_to_one(Application, "申请", "entitlement", null=True)
    amount_fen = models.BigIntegerField("金额（分/期）")
    frequency = models.CharField("发放周期", max_length=10, choices=Frequency)
    standard_key = models.CharField("档次", max_length=20, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=EntitlementStatus, default=EntitlementStatus.ACTIVE
    )
    status_reason = models.CharField("暂停/终止原因", max_length=300, blank=True)
    start_on = models.DateField("起始日期")
    end_on = models.DateField("终止日期", null=True, blank=True)
    reverify_due_on = models.DateField("下次复核日期", null=True, blank=True)
    last_verified_on = models.DateField("上次复核日期", null=True, blank=True)
    import_key = models.CharField("导入键", max_length=80, blank=True)

    objects = ResidentRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "享受待遇"
        ordering = ["-start_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "beneficiary_key"],
                condition=~Q(status="ended"),
                name="benefits_one_running_entitlement",
            )
        ]
        indexes = [
            models.Index(fields=["policy", "status", "area_code"], name="benefits_ent_policy_idx"),
            models.Index(fields=["reverify_due_on", "status"], name="benefits_ent_reverify_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} · {self.person or self.household}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.beneficiary_key = f"p{self.person_id}" if self.person_id else f"h{self.household_id}"
        super().save(*args, **kwargs)


class EntitlementShare(BaseModel):
    """The shares of a co-funded grant when they differ from the policy's (a fixed amount per
    source, e.g. 30,000 city union + 10,000 district union + 10,000 insurer)."""

    entitlement = fk(Entitlement, "待遇", "shares")
    source = fk(FundingSource, "资金来源")
    amount_fen = models.BigIntegerField("分担金额（分）")

    class Meta:
        verbose_name = verbose_name_plural = "待遇资金分担"
        constraints = [
            models.UniqueConstraint(fields=["entitlement", "source"], name="benefits_share_unique"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="benefits_share_positive"),
        ]


class StopStatus(models.TextChoices):
    PROPOSED = "proposed", "待审批"
    APPROVED = "approved", "已停发"
    DISMISSED = "dismissed", "继续享受"


class StopProposal(AreaScoped, BaseModel):
    """A proposal to stop an entitlement (receiving but no longer entitled, 应退未退): from a
    monitoring alert or by hand; approved by a second person, it ends the entitlement and
    reverses what was paid for the months after the end date."""

    area_source = "entitlement"

    entitlement = fk(Entitlement, "待遇", "stops")
    reason = models.CharField("停发理由", max_length=300)
    end_on = models.DateField("停发日期")
    source_alert_id = models.PositiveBigIntegerField("来源预警", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=StopStatus, default=StopStatus.PROPOSED
    )
    proposed_by = user_fk("提出人", blank=False)
    decided_by = user_fk("审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    objects = ResidentRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "停发建议"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=Q(status="proposed"),
                name="benefits_one_open_stop",
            )
        ]


class RunStatus(models.TextChoices):
    PREPARED = "prepared", "待审批"
    APPROVED = "approved", "已审批待入账"
    BOOKED = "booked", "已入账"
    CANCELLED = "cancelled", "已作废"


class PaymentRun(AreaScoped, BaseModel):
    """The monthly payment run of one policy in one area: the payroll is prepared, approved by
    a second person, then booked into the ledger (one entry per line per funding source)."""

    area_source = ""

    policy = fk(Policy, "政策", "runs")
    area = fk(Division, "发放区域")
    month = models.DateField("发放月份")
    status = models.CharField("状态", max_length=10, choices=RunStatus, default=RunStatus.PREPARED)
    line_count = models.PositiveIntegerField("人数", default=0)
    total_fen = models.BigIntegerField("合计（分）", default=0)
    prepared_by = user_fk("制表人", blank=False)
    approved_by = user_fk("审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    booked_at = models.DateTimeField("入账时间", null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发放批次"
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "area", "month"],
                condition=~Q(status="cancelled"),
                name="benefits_one_run_per_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} {self.month:%Y年%m月} {self.area}"


class PayrollLine(AreaScoped, BaseModel):
    """One line of a payment run's payroll (发放花名册): an entitlement and its amount."""

    area_source = ""

    run = fk(PaymentRun, "发放批次", "lines")
    entitlement = fk(Entitlement, "待遇")
    amount_fen = models.BigIntegerField("金额（分）")

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发放花名册"
        constraints = [
            models.UniqueConstraint(fields=["run", "entitlement"], name="benefits_line_unique")
        ]


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "发放"
    REVERSAL = "reversal", "冲正"


class LedgerEntry(AreaScoped, AppendOnly):
    """One payment by one funding source (资金台账), append-only: never updated, never deleted
    (the queryset and the model refuse; on PostgreSQL a trigger refuses UPDATE and DELETE).
    A correction is a reversing entry (negative amount, ``reverses`` the original) booked in the
    first open month. ``area_code`` is where the money went when it was paid; it does not follow
    later moves of the household."""

    area_source = ""
    edit_refused = "资金台账只能追加，不能修改；更正请做冲正分录"
    delete_refused = "资金台账只能追加，不能删除；更正请做冲正分录"

    booked_at = models.DateTimeField("入账时间")
    booked_by = user_fk("入账人", blank=False)
    month = models.DateField("台账月份")
    period = models.DateField("待遇所属月份")
    kind = models.CharField("类型", max_length=10, choices=EntryKind, default=EntryKind.PAYMENT)
    policy = fk(Policy, "政策")
    department_type = models.CharField("主管部门类型", max_length=40)
    source = fk(FundingSource, "资金来源")
    entitlement = fk(Entitlement, "待遇")
    household = fk(Household, "住户")
    person = fk(Person, "享受对象", null=True, blank=False)
    run = fk(PaymentRun, "发放批次", null=True, blank=False)
    amount_fen = models.BigIntegerField("金额（分）")
    reverses = one_to_one("self", "冲正的分录", "reversed_by", null=True)
    note = models.CharField("摘要", max_length=200, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "资金台账分录"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["department_type", "month", "area_code"],
                name="benefits_ledger_month_idx",
                opclasses=["varchar_pattern_ops", "date_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["source", "month"], name="benefits_ledger_source_idx"),
            models.Index(fields=["entitlement", "period"], name="benefits_ledger_ent_idx"),
            models.Index(fields=["household", "month"], name="benefits_ledger_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_kind_display()} {self.amount_fen / 100:.2f}"


# County level of the aggregates: a department's summary of any area at or above a county is a
# sum of a few rows; a township's is answered from the ledger (it is small).
AGGREGATE_AREA_LENGTH = 6


class MonthlyAggregate(models.Model):
    """Monthly totals kept by the services in the same transaction as the entries: per
    department type, policy, funding source, county and month. Summaries read these rows."""

    month = models.DateField("月份")
    department_type = models.CharField("主管部门类型", max_length=40)
    policy = fk(Policy, "政策")
    source = fk(FundingSource, "资金来源")
    area_code = models.CharField("区划代码（县级）", max_length=12)
    entry_count = models.IntegerField("分录数", default=0)
    payment_fen = models.BigIntegerField("发放（分）", default=0)
    reversal_fen = models.BigIntegerField("冲正（分）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department_type", "policy", "source", "area_code"],
                name="benefits_aggregate_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["department_type", "month", "area_code"], name="benefits_agg_dept_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department_type} {self.area_code}"


class MonthClose(AreaScoped, BaseModel):
    """A department's closed month in one county: the monthly ledger (月度台账) frozen as a
    stored .xlsx with its SHA-256. Entries of a closed month are never added: later corrections
    are booked in the next open month."""

    area_source = ""

    department_type = models.CharField("主管部门类型", max_length=40, choices=DeptType)
    month = models.DateField("月份")
    file = models.FileField("台账文件", upload_to="benefits/ledgers/%Y/")
    sha256 = models.CharField("文件摘要", max_length=64)
    row_count = models.PositiveIntegerField("行数")
    total_fen = models.BigIntegerField("合计（分）")
    closed_by = user_fk("关账人", blank=False)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "月度台账（已关账）"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["department_type", "area_code", "month"], name="benefits_month_close_once"
            )
        ]


# --- the trade union's files for workers in difficulty -----------------------------------------


class DifficultyClass(models.TextChoices):
    DEEP = "deep", "深度困难职工"
    RELATIVE = "relative", "相对困难职工"
    ACCIDENT = "accident", "意外致困职工"


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", "本人或家庭成员患大病"
    DISABILITY = "disability", "本人或家庭成员残疾"
    SINGLE_PARENT = "single_parent", "单亲家庭"
    WIDOWED = "widowed", "丧偶"
    EDUCATION = "education", "子女教育负担重"
    UNEMPLOYMENT = "unemployment", "失业或收入低"
    ACCIDENT = "accident", "遭遇意外或灾害"


class UnionFileStatus(models.TextChoices):
    OPENED = "opened", "已建档"
    ASSISTED = "assisted", "帮扶中"
    OUT = "out", "已解困脱困"
    CLOSED = "closed", "已销档"


class UnionFile(AreaScoped, BaseModel):
    """A trade union's file for a worker household in difficulty (困难职工档案)."""

    area_source = "household"

    number = models.CharField("档案编号", max_length=30, unique=True)
    union = fk(Organisation, "建档工会")
    household = fk(Household, "住户")
    worker = fk(Person, "职工")
    employer = models.CharField("工作单位", max_length=100, blank=True)
    difficulty_class = models.CharField("困难类别", max_length=10, choices=DifficultyClass)
    causes = models.JSONField("致困原因", default=list)
    status = models.CharField(
        "状态", max_length=10, choices=UnionFileStatus, default=UnionFileStatus.OPENED
    )
    opened_on = models.DateField("建档日期")
    status_changed_on = models.DateField("状态变更日期")
    last_verified_on = models.DateField("上次复核日期")
    reverify_due_on = models.DateField("下次复核日期")
    closed_reason = models.CharField("销档/脱困说明", max_length=300, blank=True)

    objects = UnionFileQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "困难职工档案"
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(status="closed"),
                name="benefits_one_open_union_file",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def cause_labels(self) -> list[str]:
        return [HardshipCause(c).label for c in self.causes if c in HardshipCause.values]


class UnionAssistance(AreaScoped, BaseModel):
    """One assistance given under a union file: an item of the union's schedule, linked to the
    entitlement through which it is paid."""

    area_source = "file"

    file = fk(UnionFile, "档案", "assistance")
    entitlement = fk(Entitlement, "待遇")
    given_on = models.DateField("帮扶日期")
    note = models.CharField("说明", max_length=200, blank=True)

    objects = FileRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "困难职工帮扶记录"
        ordering = ["-given_on", "-id"]


class UnionPlanItem(AreaScoped, BaseModel):
    """A measure of a union file's yearly plan: what, who owns it, by when, done when."""

    area_source = "file"

    file = fk(UnionFile, "档案", "plan_items")
    year = models.PositiveSmallIntegerField("年度")
    measure = models.CharField("帮扶措施", max_length=200)
    responsible = models.CharField("责任人/单位", max_length=80)
    deadline = models.DateField("完成期限")
    done_on = models.DateField("完成日期", null=True, blank=True)

    objects = FileRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度帮扶计划"
        ordering = ["year", "deadline", "id"]
