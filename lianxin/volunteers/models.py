"""Neighbourhood help (DOMAIN.md section 6 and the volunteers of section 3): micro-wishes (微心愿)
claimed once and confirmed, volunteers and their teams, service tasks taken by one volunteer,
two append-only ledgers (service hours, points), and the warm-delivery teams' "four ones".

Status moves go through the workflows in ``workflows.py`` (conditional UPDATEs, so of many
concurrent claims exactly one wins)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxin.areas.models import Building, Division, Grid
from lianxin.core.areascoped import AreaScoped
from lianxin.core.fields import EncryptedTextField
from lianxin.core.model_mixins import AppendOnly, fk, one_to_one, user_fk
from lianxin.core.models import BaseModel
from lianxin.directory.models import Organisation

from .querysets import (
    KeyPersonCareQuerySet,
    LedgerQuerySet,
    ProfileQuerySet,
    ServiceTaskQuerySet,
    TeamQuerySet,
    WishQuerySet,
)


class AppendOnlyLedgerError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Micro-wishes


class WishStatus(models.TextChoices):
    DRAFT = "draft", "待发布"
    PUBLISHED = "published", "待认领"
    CLAIMED = "claimed", "已认领"
    DELIVERED = "delivered", "已送达待确认"
    CONFIRMED = "confirmed", "已确认完成"
    CANCELLED = "cancelled", "已撤销"


class WishCategory(models.TextChoices):
    CLOTHING = "clothing", "衣物被褥"
    STUDY = "study", "学习用品"
    DAILY = "daily", "生活用品"
    FOOD = "food", "米面粮油"
    HEALTH = "health", "康复护理"
    APPLIANCE = "appliance", "家电家具"
    OTHER = "other", "其他"


class WishSource(models.TextChoices):
    VISIT = "visit", "入户走访"
    CARE_MEASURE = "care_measure", "关爱帮扶措施"
    INSTITUTION = "institution", "福利机构申报"


class ConfirmedBy(models.TextChoices):
    BENEFICIARY = "beneficiary", "受助人本人确认"
    GRID_WORKER = "grid_worker", "网格员代为确认"


def _photo_path(instance: Any, filename: str) -> str:
    return f"volunteers/{instance.area_code}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class Wish(AreaScoped, BaseModel):
    """A micro-wish of one person (or of a welfare institution's resident). The wall shows only
    ``public_line``, ``title``, the category and the estimate: never the name, address or photo."""

    SENSITIVE_FIELDS = ("receipt_code_hash",)

    area_source = "division"

    number = models.CharField("心愿编号", max_length=30, unique=True)
    title = models.CharField("心愿内容", max_length=120)
    category = models.CharField("类别", max_length=20, choices=WishCategory)
    story = models.CharField("心愿说明（公开，不含个人信息）", max_length=300, blank=True)
    public_line = models.CharField("公开描述", max_length=60)
    estimate_fen = models.BigIntegerField("估价（分）")
    source = models.CharField("来源", max_length=20, choices=WishSource)
    person = fk("registry.Person", "受助人", null=True)
    institution = models.CharField("福利机构", max_length=80, blank=True)
    care_measure = fk("care.Measure", "关爱措施", null=True)
    division = fk(Division, "社区(村)")
    grid = fk(Grid, "网格", null=True)
    status = models.CharField(
        "状态", max_length=20, choices=WishStatus, default=WishStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    claim_days = models.PositiveSmallIntegerField("认领后送达期限（天）", default=14)
    claimant_org = fk(Organisation, "认领单位", null=True)
    claimant_user = user_fk("认领人")
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    claim_due = models.DateTimeField("送达期限", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivery_note = models.CharField("送达说明", max_length=200, blank=True)
    value_fen = models.BigIntegerField("实际捐赠价值（分）", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.CharField("确认方式", max_length=20, choices=ConfirmedBy, blank=True)
    confirmed_user = user_fk("确认人")
    confirm_photo = models.FileField("确认照片", upload_to=_photo_path, blank=True)
    receipt_code_hash = models.CharField("受助人确认码", max_length=64, blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=200, blank=True)
    lapse_count = models.PositiveSmallIntegerField("逾期退回次数", default=0)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "微心愿"
        indexes = [
            # the wall: published wishes of an area, newest first
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="vol_wish_wall_idx",
            ),
            models.Index(fields=["status", "claim_due"], name="vol_wish_due_idx"),
            models.Index(fields=["claimant_org", "status"], name="vol_wish_claimant_idx"),
            models.Index(fields=["area_code", "status"], name="vol_wish_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def claimant_name(self) -> str:
        if self.claimant_org is not None:
            return self.claimant_org.name
        if self.claimant_user is not None:
            return self.claimant_user.display_name or self.claimant_user.username
        return ""


class WishClaim(AreaScoped, BaseModel):
    """Every claim of a wish and how it ended; at most one active claim per wish (constraint)."""

    class Outcome(models.TextChoices):
        ACTIVE = "active", "认领中"
        DELIVERED = "delivered", "已送达"
        LAPSED = "lapsed", "逾期退回"
        RELEASED = "released", "主动放弃"

    area_source = "wish"

    wish = fk(Wish, "微心愿", "claims")
    claimant_org = fk(Organisation, "认领单位", null=True)
    claimant_user = user_fk("认领人", null=False)
    claimed_at = models.DateTimeField("认领时间")
    due_at = models.DateTimeField("送达期限")
    outcome = models.CharField("结果", max_length=20, choices=Outcome, default=Outcome.ACTIVE)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "心愿认领记录"
        constraints = [
            models.UniqueConstraint(
                fields=["wish"], condition=Q(outcome="active"), name="vol_wish_one_active_claim"
            )
        ]


# ---------------------------------------------------------------------------------------------
# Volunteers and teams


class TeamKind(models.TextChoices):
    PROFESSIONAL = "professional", "专业服务队"
    VOLUNTEER = "volunteer", "志愿服务队"
    MUTUAL_AID = "mutual_aid", "互助服务队"
    WARM_DELIVERY = "warm_delivery", "暖心配送小分队"


class Team(AreaScoped, BaseModel):
    """A team by specialty (medical students taking blood pressure…), or a warm-delivery team
    of one grid or building (with its party-member household, 党员中心户)."""

    SENSITIVE_FIELDS = ("service_phone",)

    area_source = "division"

    name = models.CharField("队伍名称", max_length=80)
    kind = models.CharField("类型", max_length=20, choices=TeamKind)
    specialty = models.CharField("服务专长", max_length=120, blank=True)
    division = fk(Division, "所属区域")
    grid = fk(Grid, "网格", null=True)
    building = fk(Building, "楼栋", null=True)
    organisation = fk(Organisation, "依托单位", null=True)
    service_phone = EncryptedTextField("服务电话", blank=True)
    task_kinds = models.JSONField("承接服务类型", default=list, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "志愿服务队"
        ordering = ["area_code", "name"]
        indexes = [models.Index(fields=["area_code", "kind"], name="vol_team_area_idx")]

    def __str__(self) -> str:
        return self.name


class VolunteerProfile(AreaScoped, BaseModel):
    """A volunteer: skills, availability, area, the national volunteer number (全国志愿服务信息
    系统编号) when they have one; ``phone`` goes on emergency cards only with ``phone_on_card``."""

    SENSITIVE_FIELDS = ("phone",)

    area_source = "division"

    user = one_to_one(settings.AUTH_USER_MODEL, "账号", "volunteer_profile", null=True)
    code = models.CharField("志愿者编号", max_length=20, unique=True)
    name = models.CharField("姓名", max_length=40)
    national_number = models.CharField("全国志愿者编号", max_length=40, blank=True)
    skills = models.CharField("技能特长", max_length=200, blank=True)
    availability = models.CharField("可服务时间", max_length=120, blank=True)
    division = fk(Division, "服务区域")
    phone = EncryptedTextField("联系电话", blank=True)
    phone_on_card = models.BooleanField("同意印在应急联系卡上", default=False)
    teams = models.ManyToManyField(Team, through="TeamMembership", related_name="members")
    is_active = models.BooleanField("在册", default=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "志愿者"
        indexes = [models.Index(fields=["area_code"], name="vol_profile_area_idx")]

    def __str__(self) -> str:
        return self.name


class TeamMembership(BaseModel):
    team = fk(Team, "队伍", None)
    volunteer = fk(VolunteerProfile, "志愿者", None)
    is_leader = models.BooleanField("队长", default=False)
    joined_on = models.DateField("加入日期")

    class Meta:
        verbose_name = verbose_name_plural = "队员"
        constraints = [
            models.UniqueConstraint(fields=["team", "volunteer"], name="vol_team_member_unique")
        ]


# ---------------------------------------------------------------------------------------------
# Service tasks


class TaskKind(models.TextChoices):
    MEDICINE = "medicine", "送药上门"
    SHOPPING = "shopping", "代购代办"
    COMPANY = "company", "陪伴聊天"
    COUNSELLING = "counselling", "心理疏导"
    ESCORT = "escort", "陪同就医"
    HEALTH_CHECK = "health_check", "健康监测"
    WISH_DELIVERY = "wish_delivery", "心愿配送"
    OTHER = "other", "其他服务"


class TaskSource(models.TextChoices):
    CARE_MEASURE = "care_measure", "关爱帮扶措施"
    KEY_PERSON = "key_person", "重点人员需求"
    WISH = "wish", "微心愿"
    MANUAL = "manual", "社区派发"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待接单"
    TAKEN = "taken", "已接单"
    IN_SERVICE = "in_service", "服务中"
    DONE = "done", "已签退待确认"
    CONFIRMED = "confirmed", "已确认"
    CANCELLED = "cancelled", "已取消"


class ServiceTask(AreaScoped, BaseModel):
    """One service for one person, offered to a team, taken by exactly one volunteer, checked in
    and out on a phone, confirmed by the beneficiary or the grid worker."""

    area_source = "division"

    number = models.CharField("任务编号", max_length=30, unique=True)
    kind = models.CharField("服务类型", max_length=20, choices=TaskKind)
    title = models.CharField("服务内容", max_length=120)
    public_line = models.CharField("服务对象（公开描述）", max_length=60)
    meeting_point = models.CharField("集合地点（接单后可见）", max_length=120, blank=True)
    source = models.CharField("来源", max_length=20, choices=TaskSource)
    person = fk("registry.Person", "服务对象", null=True)
    care_measure = fk("care.Measure", "关爱措施", null=True)
    wish = fk(Wish, "微心愿", "tasks", null=True)
    team = fk(Team, "派给队伍", "tasks")
    division = fk(Division, "社区(村)")
    grid = fk(Grid, "网格", null=True)
    scheduled_for = models.DateTimeField("计划服务时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=TaskStatus, default=TaskStatus.OPEN, db_index=True
    )
    volunteer = fk(VolunteerProfile, "接单志愿者", "tasks", null=True)
    taken_at = models.DateTimeField("接单时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    minutes = models.PositiveIntegerField("服务时长（分钟）", default=0)
    result_note = models.CharField("服务情况", max_length=200, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.CharField("确认方式", max_length=20, choices=ConfirmedBy, blank=True)
    confirmed_user = user_fk("确认人")

    objects = ServiceTaskQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "志愿服务任务"
        indexes = [
            models.Index(fields=["team", "status"], name="vol_task_team_idx"),
            models.Index(fields=["volunteer", "status"], name="vol_task_volunteer_idx"),
            models.Index(fields=["area_code", "status"], name="vol_task_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


# ---------------------------------------------------------------------------------------------
# The two ledgers (append-only) and the balance kept by the services


class HoursKind(models.TextChoices):
    SERVICE = "service", "服务时长"
    CORRECTION = "correction", "冲正"


class _LedgerEntry(AreaScoped, AppendOnly):
    """What an entry of either ledger records besides its amount: the volunteer, the task it
    comes from, the entry it reverses, a note, when and by whom it was booked."""

    area_source = "volunteer"
    append_only_error = AppendOnlyLedgerError
    edit_refused = "台账只能追加，不能修改；更正请记冲正分录"
    delete_refused = "台账只能追加，不能删除"

    volunteer = fk(VolunteerProfile, "志愿者")
    task = fk(ServiceTask, "服务任务", null=True)
    reverses = one_to_one("self", "冲正的分录", "reversed_by", null=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("记账时间")
    created_by = user_fk("记账人", blank=False)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True


class HoursEntry(_LedgerEntry):
    """Service hours (服务时长): an honour record; never expires, never spent."""

    kind = models.CharField("类型", max_length=20, choices=HoursKind)
    minutes = models.IntegerField("时长（分钟）")
    served_on = models.DateField("服务日期")

    class Meta:
        verbose_name = verbose_name_plural = "服务时长台账"
        indexes = [models.Index(fields=["volunteer", "served_on"], name="vol_hours_volunteer_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(kind="service"), name="vol_hours_once_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.minutes}分钟"


class PointsKind(models.TextChoices):
    EARN = "earn", "服务获得"
    SPEND = "spend", "商家消费"
    REWARD = "reward", "兑换奖励"
    EXPIRE = "expire", "到期清零"
    CORRECTION = "correction", "冲正"


class PointsEntry(_LedgerEntry):
    """Points (积分): earned by rule per task kind, spent at love-alliance merchants or on
    rewards, expiring after the region's period (oldest first), corrected by reversing entries."""

    kind = models.CharField("类型", max_length=20, choices=PointsKind)
    points = models.IntegerField("积分")
    merchant = fk(Organisation, "爱心商家", null=True)
    expires_on = models.DateField("到期日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "积分台账"
        indexes = [
            models.Index(fields=["volunteer", "created_at"], name="vol_points_volunteer_idx"),
            models.Index(fields=["merchant", "created_at"], name="vol_points_merchant_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(kind="earn"), name="vol_points_once_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class Balance(models.Model):
    """A volunteer's running totals, kept by the ledger services in the same transaction as the
    entry (``ledger_rebuild`` recomputes them from the rows)."""

    volunteer = one_to_one(VolunteerProfile, "志愿者", "balance", primary_key=True)
    minutes = models.BigIntegerField("累计服务时长（分钟）", default=0)
    points = models.BigIntegerField("积分余额", default=0)
    points_earned = models.BigIntegerField("累计获得积分", default=0)
    tasks = models.PositiveIntegerField("累计服务次数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "志愿者积分时长汇总"
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="vol_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.points}分 / {self.minutes}分钟"


class PointsRule(BaseModel):
    """Points per task kind in an area (the nearest rule up the division tree applies)."""

    area_code = models.CharField("适用区划代码", max_length=12)
    task_kind = models.CharField("服务类型", max_length=20, choices=TaskKind)
    points_per_task = models.PositiveIntegerField("每次积分", default=0)
    points_per_hour = models.PositiveIntegerField("每小时积分", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "积分规则"
        constraints = [
            models.UniqueConstraint(fields=["area_code", "task_kind"], name="vol_rule_unique")
        ]


class PointsPolicy(BaseModel):
    """How long points keep in an area (the region sets it; the nearest policy applies)."""

    area_code = models.CharField("适用区划代码", max_length=12, unique=True)
    valid_days = models.PositiveIntegerField("积分有效期（天）", default=365)

    class Meta:
        verbose_name = verbose_name_plural = "积分有效期"


# ---------------------------------------------------------------------------------------------
# Warm-delivery teams: the "four ones" (四个一) per key person, deliveries by kind


class KeyPersonCare(AreaScoped, BaseModel):
    """The four ones of one key person: roster entry, policy leaflet, emergency contact card,
    health kit — each with its date; the team and the volunteer who looks after the person."""

    area_source = "division"

    person = one_to_one("registry.Person", "重点人员")
    team = fk(Team, "暖心配送小分队", "key_persons")
    volunteer = fk(VolunteerProfile, "联系志愿者", null=True)
    division = fk(Division, "社区(村)")
    grid = fk(Grid, "网格", null=True)
    building = fk(Building, "楼栋", null=True)
    roster_on = models.DateField("建立台账日期")
    leaflet_on = models.DateField("发放政策明白纸日期", null=True, blank=True)
    card_on = models.DateField("发放应急联系卡日期", null=True, blank=True)
    kit_on = models.DateField("发放健康包日期", null=True, blank=True)
    card_printed_at = models.DateTimeField("联系卡打印时间", null=True, blank=True)

    objects = KeyPersonCareQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "重点人员“四个一”"
        indexes = [models.Index(fields=["area_code", "grid"], name="vol_fourones_area_idx")]

    @property
    def complete(self) -> bool:
        return all([self.roster_on, self.leaflet_on, self.card_on, self.kit_on])


class DeliveryTally(AreaScoped):
    """Deliveries counted by kind per team and month: confirmed tasks add one each (the services
    keep it); earlier paper ledgers are entered as ``imported``."""

    area_source = "team"

    team = fk(Team, "队伍")
    kind = models.CharField("服务类型", max_length=20, choices=TaskKind)
    month = models.DateField("月份")
    count = models.PositiveIntegerField("次数", default=0)
    imported = models.PositiveIntegerField("其中历史台账导入", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "配送服务统计"
        constraints = [
            models.UniqueConstraint(fields=["team", "kind", "month"], name="vol_tally_unique")
        ]
