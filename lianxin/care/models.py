"""Care for people in special hardship (特殊困难群众关爱帮扶): the six-stage case of one household.

The stages follow the region's guide (DOMAIN.md section 2): discovery (对象发现) → household
investigation (入户调查) → community review (评议) and township recognition (认定) → plan
(确定方案, 一户一策) → tracking (跟踪指导) → evaluation and acceptance (评估验收).
``workflows.CASE_WORKFLOW`` is the only source of the allowed moves and of who may make them;
each move has one service in ``services``."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lianxin.areas.models import Grid
from lianxin.core.areascoped import AreaScoped
from lianxin.core.model_mixins import area_index, fk, one_to_one, user_fk
from lianxin.core.models import BaseModel
from lianxin.directory.models import Organisation
from lianxin.registry.models import Household

from .querysets import (
    BatchQuerySet,
    CareCaseQuerySet,
    CaseRelatedQuerySet,
    EscalationQuerySet,
    JointMeetingQuerySet,
    MeasureQuerySet,
    PhotoQuerySet,
    ProofQuerySet,
    ReferralQuerySet,
)


class Stage(models.TextChoices):
    DISCOVERED = "discovered", "已发现"
    INVESTIGATED = "investigated", "已入户调查"
    REVIEWED = "reviewed", "社区已评议"
    RECOGNISED = "recognised", "乡镇(街道)已认定"
    REJECTED = "rejected", "不予认定"
    PLANNED = "planned", "方案已确定"
    TRACKING = "tracking", "跟踪指导中"
    EVALUATED = "evaluated", "已评估"
    CLOSED = "closed", "验收结案"
    CONTINUED = "continued", "继续帮扶"


FINAL_STAGES = frozenset({Stage.REJECTED, Stage.CLOSED})
# Stages in which the household's plan may still receive measures.
PLAN_OPEN_STAGES = frozenset({Stage.RECOGNISED, Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED})


class Grade(models.TextChoices):
    """Three-colour management (红黄蓝三色管理): red most urgent."""

    RED = "red", "红色（紧急）"
    YELLOW = "yellow", "黄色（较急）"
    BLUE = "blue", "蓝色（一般）"


# Sort key of a grade: red first, ungraded cases last.
GRADE_RANK = {Grade.RED: 1, Grade.YELLOW: 2, Grade.BLUE: 3, "": 9}


class DiscoverySource(models.TextChoices):
    GRID_VISIT = "grid_visit", "网格员入户摸排"
    DATA_COMPARISON = "data_comparison", "大数据比对预警"
    HOTLINE_REFERRAL = "hotline_referral", "12345热线转介"
    APPLICATION = "application", "本人申请"
    PROXY_APPLICATION = "proxy_application", "申请代办"


class CareAction(models.TextChoices):
    """The twelve care actions (十二项关爱行动)."""

    BASIC_LIVING = "basic_living", "基本生活保障"
    HARDSHIP_FARMERS = "hardship_farmers", "特困农民关爱"
    DISABLED = "disabled", "残疾人关爱"
    MEDICAL = "medical", "医疗救助"
    EDUCATION = "education", "教育帮扶"
    HOUSING = "housing", "住房保障"
    EMPLOYMENT = "employment", "就业帮扶"
    ELDERLY = "elderly", "养老服务"
    CHILDREN = "children", "儿童关爱"
    HEATING = "heating", "取暖保障"
    LEGAL_AID = "legal_aid", "法律援助"
    PSYCHOLOGICAL = "psychological", "心理关爱"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    IN_PROGRESS = "in_progress", "实施中"
    IMPLEMENTED = "implemented", "已落实"
    CANCELLED = "cancelled", "已取消"


OPEN_MEASURE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)

# What a measure may point at elsewhere (``delivery_type`` = "<app>.<entity>"). Apps that land
# later add their type here or simply use the pattern; nothing in care changes.
DELIVERY_TYPES = {
    "benefits.entitlement": "救助待遇",
    "volunteers.microwish": "微心愿（志愿服务）",
    "resources.lovecard": "爱心卡",
    "volunteers.service": "志愿服务",
    "hotline.workorder": "12345工单",
    "employment.placement": "就业安置",
}


class Batch(BaseModel):
    """A batch (批次) of recognised cases: its information database and progress."""

    name = models.CharField("批次名称", max_length=40)
    sequence = models.PositiveSmallIntegerField("批次序号")
    area_code = models.CharField("组织区划代码", max_length=12, default="64")
    started_on = models.DateField("开始日期", null=True, blank=True)
    is_open = models.BooleanField("接收认定", default=True)
    notes = models.TextField("说明", blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "关爱批次"
        ordering = ["area_code", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["area_code", "sequence"], name="care_batch_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CareCase(AreaScoped, BaseModel):
    """One household's care case. ``grade`` is the effective colour: the override when one is
    set (with its reason), else the grade computed from the investigation."""

    area_source = "household"

    number = models.CharField("案件编号", max_length=40, unique=True)
    household = fk(Household, "住户")
    grid = fk(Grid, "网格", null=True)
    stage = models.CharField(
        "阶段", max_length=20, choices=Stage, default=Stage.DISCOVERED, db_index=True
    )
    stage_changed_at = models.DateTimeField("阶段变更时间", null=True, blank=True)
    source = models.CharField("发现渠道", max_length=30, choices=DiscoverySource)
    computed_grade = models.CharField("规则分级", max_length=10, choices=Grade, blank=True)
    grade_reasons = models.JSONField("分级依据", default=list, blank=True)
    grade_override = models.CharField("人工调整分级", max_length=10, choices=Grade, blank=True)
    grade_override_reason = models.CharField("调整理由", max_length=300, blank=True)
    grade = models.CharField("分级", max_length=10, choices=Grade, blank=True)
    grade_rank = models.PositiveSmallIntegerField("紧急程度排序", default=9)
    priority = models.PositiveSmallIntegerField("复杂程度分", default=0)
    batch = fk(Batch, "批次", "cases", null=True)
    person_count = models.PositiveSmallIntegerField("家庭人口", default=0)
    leader = user_fk("包抓领导")
    paired_unit = fk(Organisation, "结对单位", null=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    objects = CareCaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "关爱帮扶案件"
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(stage__in=["closed", "rejected"]),
                name="care_case_one_open_per_household",
            )
        ]
        indexes = [
            area_index("care_case_area_idx", grade_rank="int2_ops", priority="int2_ops"),
            models.Index(fields=["grid", "stage"], name="care_case_grid_idx"),
            models.Index(fields=["leader", "grade_rank", "priority"], name="care_case_leader_idx"),
            models.Index(fields=["batch", "stage"], name="care_case_batch_idx"),
            models.Index(fields=["paired_unit"], name="care_case_paired_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES


class Discovery(AreaScoped, BaseModel):
    """How the household came to notice (对象发现). A case has its first discovery and may gain
    more (a later hotline referral or alert about the same household). ``source_type`` +
    ``source_id`` point at the record elsewhere (``hotline.workorder``, ``monitoring.alert``)."""

    area_source = "case"

    case = fk(CareCase, "案件", "discoveries")
    source = models.CharField("发现渠道", max_length=30, choices=DiscoverySource)
    reporter = user_fk("报告人")
    description = models.TextField("初步情况")
    applicant_name = models.CharField("申请人/代办人", max_length=40, blank=True)
    source_type = models.CharField("来源对象类型", max_length=40, blank=True)
    source_id = models.CharField("来源对象ID", max_length=64, blank=True)

    objects = CaseRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发现报告"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=~Q(source_type=""),
                name="care_discovery_source_once",
            )
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="care_discovery_src_idx")]


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "待属地处理"
    ACCEPTED = "accepted", "已接收"
    DECLINED = "declined", "不予接收"


class Referral(AreaScoped, BaseModel):
    """A household referred to care from elsewhere (转介: a hotline work order, a confirmed
    data-comparison alert), kept in the household's area. When the referrer's own scope covers
    the household it is accepted at once (the case is opened or joined, as before); otherwise it
    waits in the owning area's queue, where community or township staff accept it (→ a discovery
    on the household's case) or decline it with a reason. The referrer learns only that it was
    handed to the owning area. One referral per source record (``source_type`` + ``source_id``)."""

    area_source = "household"
    Status = ReferralStatus

    household = fk(Household, "住户")
    source = models.CharField("发现渠道", max_length=30, choices=DiscoverySource)
    source_type = models.CharField("来源对象类型", max_length=40)
    source_id = models.CharField("来源对象ID", max_length=64)
    description = models.TextField("初步情况")
    referrer = user_fk("转介人")
    referrer_org = fk(Organisation, "转介单位", null=True)
    status = models.CharField(
        "处理状态", max_length=20, choices=ReferralStatus, default=ReferralStatus.PENDING
    )
    decided_by = user_fk("处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decline_reason = models.CharField("不予接收的理由", max_length=300, blank=True)
    case = fk(CareCase, "关爱帮扶案件", "referrals", null=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "关爱转介"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"], name="care_referral_source_once"
            )
        ]
        indexes = [area_index("care_referral_area_idx", status="varchar_pattern_ops")]

    def __str__(self) -> str:
        return f"转介 {self.source_type}#{self.source_id}"


class Housing(models.TextChoices):
    OWN_SAFE = "own_safe", "自有住房，安全"
    RENTED = "rented", "租住"
    DANGEROUS = "dangerous", "危房或不安全住所"
    NONE = "none", "无固定住所"


class Heating(models.TextChoices):
    ADEQUATE = "adequate", "取暖正常"
    INSUFFICIENT = "insufficient", "取暖不足"
    NONE = "none", "无取暖"


class Investigation(AreaScoped, BaseModel):
    """The household investigation (入户调查), filled on a phone. Money in integer fen."""

    area_source = "case"

    SENSITIVE_FIELDS = ("health_notes", "disability_notes", "care_notes")

    case = one_to_one(CareCase, "案件", "investigation")
    investigator = user_fk("调查人")
    visited_on = models.DateField("入户日期", null=True, blank=True)
    residents = models.TextField("共同生活人员", blank=True)
    resident_count = models.PositiveSmallIntegerField("共同生活人数", null=True, blank=True)
    monthly_income_fen = models.BigIntegerField("家庭月收入（分）", null=True, blank=True)
    monthly_expenses_fen = models.BigIntegerField("家庭月支出（分）", null=True, blank=True)
    income_notes = models.TextField("收支说明", blank=True)
    housing = models.CharField("住房情况", max_length=20, choices=Housing, blank=True)
    housing_notes = models.TextField("住房说明", blank=True)
    has_severe_illness = models.BooleanField("有重病成员", default=False)
    illness_assisted = models.BooleanField("重病已获医疗救助", default=False)
    health_notes = models.TextField("健康状况", blank=True)
    has_disabled_member = models.BooleanField("有残疾成员", default=False)
    disability_notes = models.TextField("残疾情况", blank=True)
    has_school_age_child = models.BooleanField("有在学或学龄儿童", default=False)
    child_out_of_school = models.BooleanField("有失学辍学儿童", default=False)
    schooling_notes = models.TextField("就学情况", blank=True)
    child_without_carer = models.BooleanField("儿童无人照料（事实无人抚养）", default=False)
    disabled_adult_without_carer = models.BooleanField("残疾成年人无人照料", default=False)
    elderly_alone = models.BooleanField("老人独居或仅由高龄老人照料", default=False)
    care_notes = models.TextField("照料情况", blank=True)
    heating = models.CharField("取暖情况", max_length=20, choices=Heating, blank=True)
    needs = models.TextField("主要需求", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    objects = CaseRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "入户调查"


def _photo_path(instance: InvestigationPhoto, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"care/{instance.area_code}/{instance.investigation_id}/{instance.uuid_name}.{suffix}"


class InvestigationPhoto(AreaScoped, BaseModel):
    """A photo taken on the visit; served only through the scoped view, never as public media."""

    area_source = "investigation"

    investigation = fk(Investigation, "入户调查", "photos")
    uuid_name = models.CharField(max_length=40, editable=False)
    file = models.FileField("照片", upload_to=_photo_path)
    content_type = models.CharField("类型", max_length=40)
    caption = models.CharField("说明", max_length=100, blank=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "入户照片"


class CommunityReview(AreaScoped, BaseModel):
    """The community's review (社区评议): who took part and their opinion."""

    area_source = "case"

    case = one_to_one(CareCase, "案件", "community_review")
    held_on = models.DateField("评议日期")
    participants = models.TextField("参加人员")
    opinion = models.TextField("评议意见")
    recommends = models.BooleanField("建议认定", default=True)
    reviewer = user_fk("记录人", blank=False)

    objects = CaseRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "社区评议"


# The township's recognition standard (认定标准): every item must be confirmed to recognise.
RECOGNITION_CRITERIA: dict[str, str] = {
    "target_group": "属于关爱对象范围（独居老人、重病重残、困境儿童、单亲家庭等）",
    "investigation_verified": "入户调查情况真实、完整",
    "community_reviewed": "社区评议程序完成，意见明确",
    "beyond_single_department": "困难靠单一部门政策难以解决，需要综合帮扶",
}


class Recognition(AreaScoped, BaseModel):
    """The township's decision (乡镇(街道)认定): checklist, decision and, for a refusal, why."""

    area_source = "case"

    class Decision(models.TextChoices):
        RECOGNISED = "recognised", "认定为关爱对象"
        REJECTED = "rejected", "不予认定"

    case = one_to_one(CareCase, "案件", "recognition")
    checklist = models.JSONField("认定标准核对", default=dict)
    decision = models.CharField("认定结论", max_length=20, choices=Decision)
    reason = models.TextField("理由", blank=True)
    decided_by = user_fk("认定人", blank=False)
    decided_at = models.DateTimeField("认定时间")

    objects = CaseRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "认定"


class Plan(AreaScoped, BaseModel):
    """One plan per household (一户一策)."""

    area_source = "case"

    case = one_to_one(CareCase, "案件", "plan")
    goal = models.TextField("帮扶目标", blank=True)
    approved_by = user_fk("审定人")
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)

    objects = CaseRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "一户一策方案"


class Measure(AreaScoped, BaseModel):
    """One measure (措施) of a household's plan. ``grade_rank``, ``priority`` and ``batch`` are
    copied from the case so that a department's queue and a batch's progress need no join.
    ``delivery_type`` + ``delivery_id`` link what delivers it elsewhere (DELIVERY_TYPES)."""

    area_source = "case"

    case = fk(CareCase, "案件", "measures")
    action = models.CharField("关爱行动", max_length=30, choices=CareAction)
    title = models.CharField("措施内容", max_length=200)
    responsible_unit = fk(Organisation, "责任单位")
    paired_unit = fk(Organisation, "结对单位", null=True)
    deadline = models.DateField("完成时限")
    budget_fen = models.BigIntegerField("预算（分）", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=MeasureStatus, default=MeasureStatus.PLANNED
    )
    evidence = models.TextField("落实佐证", blank=True)
    cancel_reason = models.CharField("取消理由", max_length=300, blank=True)
    started_at = models.DateTimeField("开始实施时间", null=True, blank=True)
    implemented_at = models.DateTimeField("落实时间", null=True, blank=True)
    implemented_by = user_fk("落实确认人")
    delivery_type = models.CharField("承接对象类型", max_length=40, blank=True)
    delivery_id = models.CharField("承接对象ID", max_length=64, blank=True)
    delivery_label = models.CharField("承接说明", max_length=200, blank=True)
    decided_by_meeting = fk("JointMeeting", "联席会议决定", "decided_measures", null=True)
    batch = fk(Batch, "批次", null=True)
    grade_rank = models.PositiveSmallIntegerField("紧急程度排序", default=9)
    priority = models.PositiveSmallIntegerField("复杂程度分", default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "帮扶措施"
        indexes = [
            # a department's queue: its open measures, red first, complex first, deadline
            models.Index(
                fields=["responsible_unit", "grade_rank", "-priority", "deadline", "id"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="care_measure_unit_open_idx",
            ),
            models.Index(fields=["responsible_unit", "status"], name="care_measure_unit_idx"),
            # a batch's overdue measures (and an area's, through the included code)
            models.Index(
                fields=["batch", "deadline"],
                condition=Q(status__in=["planned", "in_progress"]),
                include=["area_code"],
                name="care_measure_batch_open_idx",
            ),
            models.Index(fields=["batch", "status"], name="care_measure_batch_idx"),
            models.Index(fields=["case", "status"], name="care_measure_case_idx"),
            area_index("care_measure_area_idx", status="varchar_pattern_ops", deadline="date_ops"),
            models.Index(fields=["delivery_type", "delivery_id"], name="care_measure_delivery_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES

    def is_overdue(self, today) -> bool:  # type: ignore[no-untyped-def]
        return self.is_open and self.deadline < today


def _proof_path(instance: MeasureProof, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"care/{instance.area_code}/measures/{instance.measure_id}/{instance.uuid_name}.{suffix}"


class MeasureProof(AreaScoped, BaseModel):
    """A photo or document (JPEG, PNG, WebP or PDF, by content) proving a measure delivered,
    uploaded with its completion (落实佐证); served only through the scoped, audited view to
    those who can see the case, never as public media."""

    area_source = "measure"

    measure = fk(Measure, "措施", "proofs")
    uuid_name = models.CharField(max_length=40, editable=False)
    file = models.FileField("佐证文件", upload_to=_proof_path)
    content_type = models.CharField("类型", max_length=40)
    caption = models.CharField("文件名", max_length=100, blank=True)

    objects = ProofQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "措施落实佐证"
        ordering = ["pk"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class FollowUp(AreaScoped, BaseModel):
    """A follow-up visit (跟踪回访) with the progress of measures: ``{measure_id: note}``."""

    area_source = "case"

    case = fk(CareCase, "案件", "followups")
    visited_on = models.DateField("回访日期")
    visitor = user_fk("回访人", blank=False)
    notes = models.TextField("回访情况")
    measure_progress = models.JSONField("措施进展", default=dict, blank=True)

    objects = CaseRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "跟踪回访"
        ordering = ["-visited_on", "-pk"]


class Evaluation(AreaScoped, BaseModel):
    """Evaluation and acceptance (评估验收): outcome, and whether the case closes or continues."""

    area_source = "case"

    class Decision(models.TextChoices):
        CLOSE = "close", "验收结案"
        CONTINUE = "continue", "继续帮扶"

    case = fk(CareCase, "案件", "evaluations")
    evaluated_on = models.DateField("评估日期")
    evaluator = user_fk("评估人", blank=False)
    outcome = models.TextField("帮扶成效")
    decision = models.CharField("评估结论", max_length=10, choices=Decision)
    accepted_by = user_fk("验收人")
    accepted_at = models.DateTimeField("验收时间", null=True, blank=True)

    objects = CaseRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评估验收"
        ordering = ["-evaluated_on", "-pk"]


class JointMeeting(BaseModel):
    """A joint meeting (联席会议) of an area: agenda from escalated measures, minutes, decisions."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "已排期"
        HELD = "held", "已召开"
        CLOSED = "closed", "已闭环"

    title = models.CharField("会议名称", max_length=120)
    area_code = models.CharField("区划代码", max_length=12)
    scheduled_on = models.DateField("会议日期")
    convener = user_fk("召集人", blank=False)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.SCHEDULED)
    minutes = models.TextField("会议纪要", blank=True)
    held_on = models.DateField("召开日期", null=True, blank=True)

    objects = JointMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "联席会议"
        ordering = ["-scheduled_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Escalation(AreaScoped, BaseModel):
    """A measure its unit cannot deliver, taken to consultation (会商) or a higher level (提级)."""

    area_source = "measure"

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "会商"
        HIGHER_LEVEL = "higher_level", "提级办理"

    class Status(models.TextChoices):
        OPEN = "open", "待上会"
        ON_AGENDA = "on_agenda", "已列入议程"
        RESOLVED = "resolved", "已决定"

    measure = fk(Measure, "措施", "escalations")
    kind = models.CharField("方式", max_length=20, choices=Kind)
    reason = models.TextField("原因")
    raised_by = user_fk("提出人", blank=False)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.OPEN)
    meeting = fk(JointMeeting, "联席会议", "agenda", null=True)
    decision = models.TextField("会议决定", blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会商提级"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"],
                condition=~Q(status="resolved"),
                name="care_escalation_one_open_per_measure",
            )
        ]


class BatchTally(models.Model):
    """Running totals of a batch per township (partial aggregates for the progress page): one
    row per (batch, township, action, status) counting measures, and one per (batch, township)
    with blank action and status counting households and persons. Kept by the services in the
    same transaction as each change; ``services.batch_tally_rebuild`` recomputes a batch."""

    batch = fk(Batch, "批次", on_delete=models.CASCADE)
    area_code = models.CharField("乡镇(街道)区划代码", max_length=12)
    action = models.CharField("关爱行动", max_length=30, blank=True)
    status = models.CharField("状态", max_length=20, blank=True)
    count = models.IntegerField("数量", default=0)
    persons = models.IntegerField("人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "批次进度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "area_code", "action", "status"], name="care_tally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.area_code} {self.action} {self.status}: {self.count}"
