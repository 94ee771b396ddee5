"""Tables of hotline routing: the duty list (职责清单) with its revisions, place names learned
from dispatched orders, and what the router proposed for each order (for the accuracy page).

Imported by ``models.py`` so that Django sees them as models of the hotline app."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lianxin.core.models import BaseModel
from lianxin.directory.models import DeptType, Organisation


class DutyLevel(models.TextChoices):
    COUNTY = "county", "县级（县、市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    CITY = "city", "市级"
    REGION = "region", "自治区级"
    PLACE = "place", "按诉求地点就近"


class Institution(models.TextChoices):
    NONE = "", "不限"
    UNIVERSITY = "university", "高校"
    SCHOOL = "school", "中小学、幼儿园"
    SOE = "soe", "区属国有企业"
    COMPOUND = "compound", "住宅小区"
    VILLAGE = "village", "农村"
    REGIONAL_HOSPITAL = "regional_hospital", "区属医院"


class DutyEntry(BaseModel):
    """One matter of the duty list: who owns it, at which level, with its exceptions."""

    code = models.SlugField("条目编号", max_length=60)
    number = models.PositiveIntegerField("序号", default=0)
    matter = models.CharField("事项", max_length=200)
    dept_type = models.CharField("主责部门类型", max_length=40, choices=DeptType)
    level = models.CharField("办理层级", max_length=10, choices=DutyLevel, default=DutyLevel.COUNTY)
    institution = models.CharField(
        "例外情形（场所、机构类型）", max_length=20, choices=Institution, blank=True
    )
    keywords = models.TextField(
        "关键词", help_text="空格分隔，任一出现即适用；“甲+乙”表示两者都出现"
    )
    context = models.TextField("另须出现的词", blank=True, help_text="空格分隔，出现其一即可")
    unless = models.TextField("排除词", blank=True, help_text="出现其一则不适用本条")
    priority = models.PositiveSmallIntegerField("优先级", default=50)
    basis = models.TextField("职责依据", blank=True)
    examples = models.TextField("示例诉求", blank=True, help_text="每行一条")
    is_active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "职责清单条目"
        verbose_name_plural = "职责清单"
        ordering = ["number", "pk"]
        constraints = [models.UniqueConstraint(fields=["code"], name="duty_code_unique")]
        permissions = [("manage_dutylist", "维护职责清单")]

    def __str__(self) -> str:
        return self.matter

    def as_rule_data(self) -> dict[str, object]:
        return {
            "code": self.code,
            "number": self.number,
            "matter": self.matter,
            "dept_type": self.dept_type,
            "level": self.level,
            "institution": self.institution,
            "keywords": self.keywords,
            "context": self.context,
            "unless": self.unless,
            "priority": self.priority,
            "basis": self.basis,
            "examples": self.examples,
        }


class DutyEntryRevision(models.Model):
    """Each saved state of an entry: the list's version is the newest revision's id."""

    entry = models.ForeignKey(DutyEntry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("条目版本")
    data = models.JSONField("内容")
    is_active = models.BooleanField("启用")
    note = models.CharField("修改说明", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("修改人", max_length=150, blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "职责清单修改记录"
        verbose_name_plural = "职责清单修改记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id} 第{self.version}版"


class PlaceKind(models.TextChoices):
    LEARNED = "learned", "从派单学习"
    MANUAL = "manual", "人工添加"


class PlaceName(BaseModel):
    """A place name (residential compound, road, institution) and the division it lies in,
    learned from dispatched orders: the unit that handled an order tells where its place is."""

    name = models.CharField("地名", max_length=60)
    division_code = models.CharField("所在区划代码", max_length=12)
    kind = models.CharField("来源", max_length=10, choices=PlaceKind, default=PlaceKind.LEARNED)
    orders = models.PositiveIntegerField("工单数", default=0)
    last_seen_at = models.DateTimeField("最近出现", null=True, blank=True)

    class Meta:
        verbose_name = "地名"
        verbose_name_plural = "地名"
        constraints = [
            models.UniqueConstraint(fields=["name", "division_code"], name="place_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRecord(models.Model):
    """What the router proposed when the order was taken (one per order)."""

    order = models.OneToOneField(
        "hotline.WorkOrder", on_delete=models.CASCADE, related_name="routing_record"
    )
    proposed_dept_type = models.CharField("建议类别", max_length=40, blank=True)
    proposed_unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_unit_code = models.CharField("建议单位编码", max_length=40, blank=True)
    duty_code = models.CharField("决定的职责清单条目", max_length=60, blank=True)
    confidence = models.FloatField("置信度", null=True, blank=True)
    place_ambiguous = models.BooleanField("地点有歧义", default=False)
    channel = models.CharField("渠道", max_length=10, blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "派单建议记录"
        verbose_name_plural = "派单建议记录"
        indexes = [models.Index(fields=["at"], name="routing_record_at_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.proposed_dept_type}"
