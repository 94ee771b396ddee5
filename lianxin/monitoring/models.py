"""Roster comparison inside the platform: department roster imports, comparison runs, alerts
delivered to grid workers for verification, and the review queue of uncertain matches."""

from __future__ import annotations

from django.db import models

from lianxin.areas.models import Division, Grid
from lianxin.core.areascoped import AreaScoped
from lianxin.core.fields import EncryptedTextField
from lianxin.core.model_mixins import area_index, fk, one_to_one, user_fk
from lianxin.core.models import BaseModel
from lianxin.directory.models import Organisation

from .querysets import AlertQuerySet, AreaScopedQuerySet, ReviewItemQuerySet


class RosterKind(models.TextChoices):
    """The department rosters of contracts/monitoring.md (residents come from the registry)."""

    CIVIL_AFFAIRS = "civil_affairs", "民政救助名册（低保/特困/低保边缘）"
    DISABILITY = "disability", "残疾人证名册"
    TWO_SUBSIDIES = "two_subsidies", "残疾人两项补贴名册"
    DEATHS = "deaths", "死亡人员名册"
    MEDICAL = "medical", "医保自付费用名册"


class RosterImport(BaseModel):
    """One department's roster file for an area, mapped onto the standard template."""

    class Status(models.TextChoices):
        MAPPING = "mapping", "待确认列对应"
        READY = "ready", "可用于比对"
        SUPERSEDED = "superseded", "已被新名册替代"
        FAILED = "failed", "无法使用"

    kind = models.CharField("名册类型", max_length=20, choices=RosterKind)
    area = fk(Division, "适用区域")
    area_code = models.CharField("区划代码", max_length=12, editable=False)
    department = fk(Organisation, "提供部门", null=True)
    original_name = models.CharField("原文件名", max_length=200)
    stored_path = models.CharField("原文件", max_length=300, editable=False)
    staged_path = models.CharField("标准化文件", max_length=300, blank=True, editable=False)
    file_sha256 = models.CharField("文件摘要", max_length=64, editable=False)
    headers = models.JSONField("原表头", default=list, blank=True)
    column_map = models.JSONField("列对应", default=dict, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status, default=Status.MAPPING)
    row_count = models.PositiveIntegerField("行数", default=0)
    bad_row_count = models.PositiveIntegerField("问题行数", default=0)
    bad_rows = models.JSONField("问题行（前100行）", default=list, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    assistance_type = models.CharField("救助类型（名册只含一种时）", max_length=10, blank=True)
    layout = models.JSONField("读取说明", default=dict, blank=True)  # header rows, notes, questions
    remembered = models.BooleanField("按已确认的列对应自动导入", default=False)

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "比对名册"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["area_code", "kind", "status"], name="roster_area_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.area_code = self.area_id
        super().save(*args, **kwargs)


class RosterLayout(AreaScoped, BaseModel):
    """Mapping memory: a department's roster layout as staff confirmed it. The next upload of
    the same kind from the same department (or, without one, for the same area) with the same
    header maps itself."""

    area_source = "area"

    kind = models.CharField("名册类型", max_length=20, choices=RosterKind)
    area = fk(Division, "适用区域")
    department = fk(Organisation, "提供部门", null=True)
    signature = models.CharField("表头特征", max_length=64)
    headers = models.JSONField("原表头", default=list)
    column_map = models.JSONField("列对应", default=dict)
    dictionary_revision = models.PositiveIntegerField("列名词典版本", default=0)
    times_used = models.PositiveIntegerField("自动使用次数", default=0)

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "名册格式记忆"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "area", "department", "signature"], name="roster_layout_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.area_id}"


class RuleSetting(BaseModel):
    """The deployment's rule parameters (one row; edited by the region's staff)."""

    large_medical_expense_yuan = models.DecimalField(
        "大额自付医疗费用阈值（元）", max_digits=12, decimal_places=2, default=30000
    )
    elderly_age = models.PositiveSmallIntegerField("高龄独居年龄（岁）", default=80)
    match_threshold = models.FloatField("概率匹配阈值", default=0.95)
    enabled_rules = models.JSONField("启用的规则", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "比对规则参数"


class Run(BaseModel):
    """One comparison run over an area's residents and the latest rosters."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "比对中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    area = fk(Division, "比对区域")
    area_code = models.CharField("区划代码", max_length=12, editable=False)
    as_of = models.DateField("比对基准日")
    engine = models.CharField("引擎", max_length=10, default="duckdb")
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.QUEUED)
    is_scheduled = models.BooleanField("定时任务", default=False)
    rosters = models.ManyToManyField(
        RosterImport, verbose_name="使用的名册", related_name="runs", blank=True
    )
    residents = models.PositiveIntegerField("居民数", default=0)
    rows_per_roster = models.JSONField("各名册行数", default=dict, blank=True)
    link_stats = models.JSONField("关联统计", default=dict, blank=True)
    alerts_per_rule = models.JSONField("各规则预警数", default=dict, blank=True)
    alerts_new = models.PositiveIntegerField("新增预警", default=0)
    alerts_suppressed = models.PositiveIntegerField("已核实不再提示", default=0)
    review_rows = models.PositiveIntegerField("待人工核对", default=0)
    seconds = models.FloatField("耗时（秒）", default=0)
    message = models.TextField("说明", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "比对批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.area} {self.as_of:%Y-%m-%d}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.area_code = self.area_id
        super().save(*args, **kwargs)


class Alert(BaseModel):
    """A question for the grid worker of the person's grid: never an action by itself."""

    class Status(models.TextChoices):
        OPEN = "open", "待核实"
        CONFIRMED = "confirmed", "属实"
        REJECTED = "rejected", "不属实"

    class Outcome(models.TextChoices):
        NONE = "", "—"
        CARE_DISCOVERY = "care_discovery", "转入关爱帮扶（对象发现）"
        ENTITLEMENT_CHANGE = "entitlement_change", "待遇调整（转民政/残联审批）"

    run = fk(Run, "比对批次", "alerts")
    person = fk("registry.Person", "居民")
    rule = models.CharField("规则", max_length=40, db_index=True)
    detail = models.TextField("依据")
    evidence_hash = models.CharField("依据摘要", max_length=64)
    area_code = models.CharField("区划代码", max_length=12)
    grid = fk(Grid, "网格", null=True)
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.OPEN)
    outcome = models.CharField("处理去向", max_length=20, choices=Outcome, blank=True, default="")
    verified_by = user_fk("核实人")
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verification_note = models.TextField("核实情况", blank=True)
    care_case_id = models.PositiveBigIntegerField("关爱个案", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("提醒发送时间", null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rule", "evidence_hash"], name="alert_once_per_evidence"
            ),
            models.UniqueConstraint(
                fields=["person", "rule"],
                condition=models.Q(status="open"),
                name="alert_one_open_per_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "status"], name="alert_grid_status_idx"),
            area_index("alert_area_status_idx", status="varchar_pattern_ops"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.person_id}"


class ReviewItem(BaseModel):
    """A roster row that could not be matched with confidence: a person decides."""

    class Status(models.TextChoices):
        OPEN = "open", "待核对"
        LINKED = "linked", "已关联"
        DISMISSED = "dismissed", "无法关联"

    SENSITIVE_FIELDS = ("id_number", "candidate_id_number")

    run = fk(Run, "比对批次", "review_items")
    area_code = models.CharField("区划代码", max_length=12)
    source = models.CharField("名册", max_length=20)
    file_name = models.CharField("文件", max_length=200, blank=True)
    row_number = models.PositiveIntegerField("行号")
    id_number = EncryptedTextField("身份证号（原样）", blank=True)
    name = models.CharField("姓名", max_length=60, blank=True)
    birth_date = models.CharField("出生日期（原样）", max_length=40, blank=True)
    reason = models.CharField("原因", max_length=200)
    candidate_id_number = EncryptedTextField("候选身份证号", blank=True)
    match_probability = models.FloatField("匹配概率", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.OPEN)
    linked_person = fk("registry.Person", "关联居民", null=True)
    decided_by = user_fk("核对人")
    note = models.CharField("说明", max_length=200, blank=True)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "待核对名册行"
        ordering = ["status", "id"]
        indexes = [models.Index(fields=["area_code", "status"], name="review_area_status_idx")]


class Reminder(BaseModel):
    """A reminder message to a newly eligible person (提醒信息), through the pluggable sender."""

    SENSITIVE_FIELDS = ("recipient",)

    alert = one_to_one(Alert, "预警", "reminder")
    recipient = EncryptedTextField("接收号码")
    message = models.TextField("内容")
    backend = models.CharField("发送方式", max_length=60)
    area_code = models.CharField("区划代码", max_length=12)

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提醒信息"
