"""Employment for people with disabilities (残疾人就业, DOMAIN.md section 7): job seekers and
their intention forms, the coach's individual assessment, employers (organisations of the
directory) with outreach visits, recruitment plans and posts, matches proposed by staff and
accepted or declined by both sides, placements by route, follow-ups at 1/3/6/12 months, and the
employment season (就业援助月) with its funnel and the counties' returns."""

from __future__ import annotations

from django.db import models

from lianxin.areas.models import Division
from lianxin.core.areascoped import AreaScoped
from lianxin.core.fields import EncryptedTextField
from lianxin.core.model_mixins import area_index, fk, one_to_one, user_fk
from lianxin.core.models import BaseModel
from lianxin.directory.models import Organisation
from lianxin.registry.models import DisabilityType, Person

from .querysets import (
    EmployerRelatedQuerySet,
    MatchQuerySet,
    PlacementQuerySet,
    PostQuerySet,
    SeasonQuerySet,
    SeekerQuerySet,
    SeekerRelatedQuerySet,
)

GRADES = [(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")]
FOLLOW_UP_MONTHS = (1, 3, 6, 12)

# The skills of the intention form and of posts (the matching works on this vocabulary).
SKILLS = [
    "手工组装", "包装", "分拣", "缝纫", "刺绣", "手工编织", "剪纸", "烘焙", "餐饮服务",
    "清洁保洁", "园艺绿化", "洗车", "电脑操作", "数据录入", "打字", "客服接线", "直播电商",
    "平面设计", "质检", "仓储管理", "按摩推拿", "收银", "保安值守", "手工皂制作", "陶艺",
    "木工", "电子装配", "种植养殖", "驾驶", "会计",
]  # fmt: skip

# What a seeker may agree to share with employers (an employer's staff see nothing else).
SHARE_CHOICES = [
    ("name", "姓名"),
    ("age", "年龄"),
    ("sex", "性别"),
    ("disability", "残疾类别和等级"),
    ("skills", "技能"),
    ("accommodations", "需要的便利条件"),
    ("assessment", "就业指导老师的评估结论"),
]
SHARE_KEYS = frozenset(k for k, _ in SHARE_CHOICES)


class Route(models.TextChoices):
    """The placement routes (安置途径)."""

    FIRM = "firm", "推荐到企业就业"
    SUNSHINE = "sunshine", "阳光工厂集中安置"
    ASSISTED = "assisted", "辅助性就业"
    PUBLIC_WELFARE = "public_welfare", "公益性岗位"


class EmployerKind(models.TextChoices):
    FIRM = "firm", "企业"
    SUNSHINE_FACTORY = "sunshine_factory", "阳光工厂"
    ASSISTED_BASE = "assisted_base", "辅助性就业机构"
    PUBLIC_WELFARE = "public_welfare", "公益性岗位开发单位"


class OutreachStatus(models.TextChoices):
    NOT_VISITED = "not_visited", "未走访"
    VISITED = "visited", "已走访"
    WILLING = "willing", "有意愿"
    DECLINED = "declined", "暂无意愿"


class SeekerSource(models.TextChoices):
    SELF = "self", "本人在线填报"
    COMMUNITY = "community", "社区代为登记"
    FEDERATION = "federation", "残联代为登记"


class SeekerStatus(models.TextChoices):
    SUBMITTED = "submitted", "待核实"
    VERIFIED = "verified", "求职中"
    PLACED = "placed", "已就业"
    REJECTED = "rejected", "核实未通过"
    CLOSED = "closed", "已退出"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "已推荐"
    SEEKER_ACCEPTED = "seeker_accepted", "求职者已同意"
    EMPLOYER_ACCEPTED = "employer_accepted", "用人单位已同意"
    ACCEPTED = "accepted", "双方同意"
    DECLINED = "declined", "已婉拒"
    WITHDRAWN = "withdrawn", "已撤回"
    PLACED = "placed", "已安置"


class PostStatus(models.TextChoices):
    OPEN = "open", "招聘中"
    FILLED = "filled", "已招满"
    CLOSED = "closed", "已关闭"


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    ENDED = "ended", "已离岗"


class EndReason(models.TextChoices):
    RESIGNED = "resigned", "本人辞职"
    HEALTH = "health", "身体原因"
    DISMISSED = "dismissed", "单位解除"
    CONTRACT_END = "contract_end", "合同到期"
    MOVED = "moved", "迁居外地"
    OTHER = "other", "其他"


class Season(AreaScoped, BaseModel):
    """就业援助月: a federation's employment campaign over an area for a span of dates."""

    area_source = "area"

    name = models.CharField("活动名称", max_length=60)
    area = fk(Division, "组织区域")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    notes = models.TextField("说明", blank=True)

    objects = SeasonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "就业援助月"
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.name


class Employer(AreaScoped, BaseModel):
    """An employer's employment profile: the organisation of the directory, its kind, size and
    the proportional-employment quota (按比例安排残疾人就业, 1.5% of staff by default)."""

    area_source = "organisation"

    organisation = one_to_one(Organisation, "单位")
    kind = models.CharField("类别", max_length=20, choices=EmployerKind, default=EmployerKind.FIRM)
    industry = models.CharField("行业", max_length=40, blank=True)
    staff_count = models.PositiveIntegerField("在职职工数", default=0)
    disabled_staff_count = models.PositiveIntegerField("已安排残疾人数", default=0)
    quota_permille = models.PositiveSmallIntegerField("按比例就业比例（‰）", default=15)
    partner_factory = fk("self", "合作的阳光工厂", "partners", null=True)
    outreach_status = models.CharField(
        "走访状态", max_length=20, choices=OutreachStatus, default=OutreachStatus.NOT_VISITED
    )
    address = models.CharField("工作地点", max_length=200, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)

    objects = EmployerRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "用人单位"
        ordering = ["area_code", "pk"]
        indexes = [area_index("emp_employer_area_idx")]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def quota_required(self) -> int:
        return self.staff_count * self.quota_permille // 1000


class OutreachVisit(AreaScoped, BaseModel):
    """走访企业: a staff visit to a firm during a season, and whether the firm is willing."""

    area_source = "employer"

    employer = fk(Employer, "用人单位", "visits")
    season = fk(Season, "就业援助月", "visits", null=True)
    visited_on = models.DateField("走访日期")
    visitor = user_fk("走访人", blank=False)
    willing = models.BooleanField("有用工意愿", default=False)
    notes = models.TextField("走访情况", blank=True)

    objects = EmployerRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业走访"
        ordering = ["-visited_on", "-pk"]


class RecruitmentPlan(AreaScoped, BaseModel):
    """招聘计划: what a firm declares for a season (headcount, the posts it will open)."""

    area_source = "employer"

    employer = fk(Employer, "用人单位", "plans")
    season = fk(Season, "就业援助月", "plans", null=True)
    planned_headcount = models.PositiveSmallIntegerField("计划招聘人数", default=0)
    benefits = models.TextField("福利待遇", blank=True)
    notes = models.TextField("说明", blank=True)

    objects = EmployerRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "招聘计划"


class Workshop(AreaScoped, BaseModel):
    """A sunshine factory's workshop (车间)."""

    area_source = "employer"

    employer = fk(Employer, "阳光工厂", "workshops")
    name = models.CharField("车间名称", max_length=60)
    description = models.CharField("说明", max_length=200, blank=True)

    objects = EmployerRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "车间"
        constraints = [
            models.UniqueConstraint(fields=["employer", "name"], name="emp_workshop_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Post(AreaScoped, BaseModel):
    """A post (岗位) of an employer: requirements, pay, hours, social insurance, accessibility and
    the disability types and grades it suits. A tailored post (因人制岗) is made for one seeker."""

    area_source = "employer"

    employer = fk(Employer, "用人单位", "posts")
    season = fk(Season, "就业援助月", "posts", null=True)
    plan = fk(RecruitmentPlan, "招聘计划", "posts", null=True)
    workshop = fk(Workshop, "车间", "posts", null=True)
    title = models.CharField("岗位名称", max_length=60)
    route = models.CharField("安置途径", max_length=20, choices=Route, default=Route.FIRM)
    requirements = models.TextField("岗位要求", blank=True)
    skills = models.JSONField("所需技能", default=list, blank=True)
    headcount = models.PositiveSmallIntegerField("招聘人数", default=1)
    monthly_pay_fen = models.BigIntegerField("月薪（分）", default=0)
    daily_minutes = models.PositiveSmallIntegerField("每日工作时长（分钟）", default=480)
    days_per_week = models.PositiveSmallIntegerField("每周工作天数", default=5)
    social_insurance = models.BooleanField("缴纳社会保险", default=False)
    accessible = models.BooleanField("无障碍工作环境", default=False)
    accessibility_notes = models.CharField("无障碍说明", max_length=200, blank=True)
    suitable_types = models.JSONField("适合的残疾类别", default=list, blank=True)
    suitable_grades = models.JSONField("适合的残疾等级", default=list, blank=True)
    tailored = models.BooleanField("因人制岗", default=False)
    tailored_for = fk("JobSeeker", "为其定制的求职者", null=True)
    address = models.CharField("工作地点", max_length=200, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=PostStatus, default=PostStatus.OPEN)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "岗位"
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["status", "area_code"], name="emp_post_open_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def daily_hours(self) -> float:
        return self.daily_minutes / 60


class JobSeeker(AreaScoped, BaseModel):
    """A job seeker with a disability and the intention form (就业意向登记). Filed by the person
    on the public page (then ``submitted``, verified by staff against the registry by ID number)
    or by community / federation staff on the person's behalf."""

    area_source = "division"

    SENSITIVE_FIELDS = ("id_number", "phone", "disability_type", "disability_grade")

    person = fk(Person, "居民", null=True)
    name = models.CharField("姓名", max_length=40)
    id_number = EncryptedTextField("身份证号", blank=True)
    id_hash = models.CharField(
        "身份证号检索码", max_length=64, blank=True, db_index=True, editable=False
    )
    phone = EncryptedTextField("联系电话", blank=True)
    sex = models.CharField("性别", max_length=1, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    division = fk(Division, "居住社区(村)")
    source = models.CharField("登记方式", max_length=20, choices=SeekerSource)
    status = models.CharField(
        "状态", max_length=20, choices=SeekerStatus, default=SeekerStatus.SUBMITTED
    )
    disability_type = models.CharField(
        "残疾类别", max_length=10, choices=DisabilityType, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        "残疾等级", choices=GRADES, null=True, blank=True
    )
    preferred_posts = models.CharField("意向岗位", max_length=200, blank=True)
    expected_pay_fen = models.BigIntegerField("期望月薪（分）", default=0)
    skills = models.JSONField("技能", default=list, blank=True)
    other_skills = models.CharField("其他技能", max_length=200, blank=True)
    max_daily_minutes = models.PositiveSmallIntegerField("每日可工作时长（分钟）", default=480)
    work_places = models.CharField("意向工作地点", max_length=200, blank=True)
    max_commute_km = models.PositiveSmallIntegerField("可接受通勤距离（公里）", default=10)
    latitude = models.FloatField("居住地纬度", null=True, blank=True)
    longitude = models.FloatField("居住地经度", null=True, blank=True)
    needs_accessible = models.BooleanField("需要无障碍环境", default=False)
    accommodations = models.TextField("需要的便利条件", blank=True)
    share = models.JSONField("同意向用人单位提供的信息", default=list, blank=True)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verified_by = user_fk("核实人")
    verify_note = models.CharField("核实说明", max_length=200, blank=True)

    objects = SeekerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "求职者"
        ordering = ["-pk"]
        indexes = [
            area_index("emp_seeker_area_idx", status="varchar_pattern_ops"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return f"QZ{self.pk:06d}"


class Assessment(AreaScoped, BaseModel):
    """一对一评估: the employment coach's individual assessment of a seeker."""

    area_source = "seeker"

    seeker = fk(JobSeeker, "求职者", "assessments")
    coach = user_fk("就业指导老师", blank=False)
    assessed_on = models.DateField("评估日期")
    abilities = models.TextField("能力评估")
    support_needed = models.TextField("需要的支持", blank=True)
    recommended_route = models.CharField("建议安置途径", max_length=20, choices=Route)
    summary = models.CharField("评估结论（可告知用人单位）", max_length=200, blank=True)

    objects = SeekerRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "就业评估"
        ordering = ["-assessed_on", "-pk"]


class Match(AreaScoped, BaseModel):
    """A proposal (推荐) of a seeker for a post; both sides accept or decline with a reason."""

    area_source = "seeker"

    seeker = fk(JobSeeker, "求职者", "matches")
    post = fk(Post, "岗位", "matches")
    season = fk(Season, "就业援助月", "matches", null=True)
    score = models.PositiveSmallIntegerField("匹配度", default=0)
    reasons = models.JSONField("匹配理由", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=MatchStatus, default=MatchStatus.PROPOSED
    )
    proposed_by = user_fk("推荐人", blank=False)
    seeker_decision_at = models.DateTimeField("求职者答复时间", null=True, blank=True)
    employer_decision_at = models.DateTimeField("用人单位答复时间", null=True, blank=True)
    declined_by = models.CharField("婉拒方", max_length=10, blank=True)
    decline_reason = models.CharField("婉拒理由", max_length=200, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "推荐匹配"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seeker", "post"],
                condition=~models.Q(status__in=["declined", "withdrawn"]),
                name="emp_match_one_live",
            )
        ]


class Placement(AreaScoped, BaseModel):
    """安置: a seeker placed by one route (with a firm, in a sunshine factory, in assisted
    employment or on a public-welfare post). Implements the person's employment care measure
    where there is one (``care_measure_id``)."""

    area_source = "seeker"

    seeker = fk(JobSeeker, "求职者", "placements")
    route = models.CharField("安置途径", max_length=20, choices=Route)
    employer = fk(Employer, "用人单位", "placements")
    post = fk(Post, "岗位", "placements", null=True)
    match = fk(Match, "推荐匹配", null=True)
    season = fk(Season, "就业援助月", "placements", null=True)
    work_type = models.CharField("工种", max_length=60, blank=True)
    started_on = models.DateField("上岗日期")
    monthly_pay_fen = models.BigIntegerField("月薪（分）", default=0)
    daily_minutes = models.PositiveSmallIntegerField("每日工作时长（分钟）", default=480)
    social_insurance = models.BooleanField("缴纳社会保险", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=PlacementStatus, default=PlacementStatus.ACTIVE
    )
    ended_on = models.DateField("离岗日期", null=True, blank=True)
    end_reason = models.CharField("离岗原因", max_length=20, choices=EndReason, blank=True)
    end_notes = models.CharField("离岗说明", max_length=200, blank=True)
    care_measure_id = models.IntegerField("关爱措施ID", null=True, blank=True)
    care_note = models.CharField("关爱帮扶关联说明", max_length=200, blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "就业安置"
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seeker"],
                condition=models.Q(status="active"),
                name="emp_one_active_placement",
            )
        ]


class PlacementFollowUp(AreaScoped, BaseModel):
    """跟踪回访 at 1, 3, 6 and 12 months after placement; written back to the care case."""

    area_source = "placement"

    placement = fk(Placement, "就业安置", "followups")
    month = models.PositiveSmallIntegerField(
        "回访节点（月）", choices=[(m, f"{m}个月") for m in FOLLOW_UP_MONTHS]
    )
    visited_on = models.DateField("回访日期")
    visitor = user_fk("回访人", blank=False)
    still_employed = models.BooleanField("仍在岗")
    monthly_pay_fen = models.BigIntegerField("当前月薪（分）", null=True, blank=True)
    problems = models.TextField("存在问题", blank=True)
    support = models.TextField("提供的支持", blank=True)
    care_followup_id = models.IntegerField("关爱回访ID", null=True, blank=True)

    objects = SeekerRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "就业回访"
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="emp_followup_once")
        ]


class SeasonReturn(AreaScoped, BaseModel):
    """县区报送: a county's declared totals for a season (posts developed, newly employed) by
    route and disability type — the city's totals are their sum."""

    area_source = "county"

    season = fk(Season, "就业援助月", "returns")
    county = fk(Division, "县(区)")
    route = models.CharField("安置途径", max_length=20, choices=Route)
    disability_type = models.CharField("残疾类别", max_length=10, choices=DisabilityType)
    posts_developed = models.PositiveIntegerField("开发岗位数", default=0)
    newly_employed = models.PositiveIntegerField("新增就业人数", default=0)

    objects = SeasonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "县区报送"
        constraints = [
            models.UniqueConstraint(
                fields=["season", "county", "route", "disability_type"], name="emp_return_once"
            )
        ]
