"""Residents: persons, households, memberships, vulnerability tags, disability and assistance.

ID and phone numbers are encrypted at rest (core.fields) and searched through keyed hashes
(core.idnumber.search_hash); nothing else stores them in plaintext."""

from __future__ import annotations

from django.db import models

from lianxin.areas.models import Building, Division, Grid
from lianxin.core.areascoped import AreaScoped
from lianxin.core.fields import EncryptedTextField
from lianxin.core.model_mixins import area_index, fk
from lianxin.core.models import BaseModel

from .querysets import HouseholdQuerySet, ImportJobQuerySet, PersonQuerySet, PersonRelatedQuerySet


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class PersonStatus(models.TextChoices):
    ALIVE = "alive", "在册"
    DECEASED = "deceased", "已故"
    MOVED = "moved", "已迁出"


class HouseholdType(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class Relationship(models.TextChoices):
    HEAD = "户主", "户主"
    SPOUSE = "配偶", "配偶"
    CHILD = "子女", "子女"
    SON = "儿子", "儿子"
    DAUGHTER = "女儿", "女儿"
    PARENT = "父母", "父母"
    FATHER = "父亲", "父亲"
    MOTHER = "母亲", "母亲"
    GRANDCHILD = "孙子女", "孙子女"
    SIBLING = "兄弟姐妹", "兄弟姐妹"
    DAUGHTER_IN_LAW = "儿媳", "儿媳"
    SON_IN_LAW = "女婿", "女婿"
    OTHER = "其他", "其他"


class Tag(models.TextChoices):
    """Vulnerability tags (困难类型/重点人员标签)."""

    ELDERLY_ALONE = "高龄独居", "高龄独居"
    EMPTY_NEST = "空巢老人", "空巢老人"
    LEFT_BEHIND_CHILD = "留守儿童", "留守儿童"
    CHILD_IN_HARDSHIP = "困境儿童", "困境儿童"
    UNSUPPORTED_CHILD = "事实无人抚养儿童", "事实无人抚养儿童"
    SEVERE_ILLNESS = "重病", "重病"
    DISABILITY = "残疾", "残疾"
    SINGLE_PARENT = "单亲", "单亲"
    FAMILY_PLANNING_SPECIAL = "计划生育特殊家庭", "计划生育特殊家庭"
    MINIMUM_LIVING = "低保", "低保"
    EXTREME_POVERTY = "特困", "特困"
    NEAR_MINIMUM = "低保边缘", "低保边缘"
    EXPENDITURE_HARDSHIP = "支出型困难", "支出型困难"


class AssistanceType(models.TextChoices):
    MINIMUM_LIVING = "低保", "最低生活保障(低保)"
    EXTREME_POVERTY = "特困", "特困人员供养"
    NEAR_MINIMUM = "低保边缘", "低保边缘家庭"
    EXPENDITURE_HARDSHIP = "支出型困难", "支出型困难家庭"
    TEMPORARY = "临时救助", "临时救助家庭"


class DisabilityType(models.TextChoices):
    """Type digit of the certificate number (残疾人证号 = ID number + type digit + grade digit)."""

    VISUAL = "视力", "视力残疾"
    HEARING = "听力", "听力残疾"
    SPEECH = "言语", "言语残疾"
    PHYSICAL = "肢体", "肢体残疾"
    INTELLECTUAL = "智力", "智力残疾"
    MENTAL = "精神", "精神残疾"
    MULTIPLE = "多重", "多重残疾"


DISABILITY_TYPE_DIGIT = {
    "视力": "1",
    "听力": "2",
    "言语": "3",
    "肢体": "4",
    "智力": "5",
    "精神": "6",
    "多重": "7",
}


class Household(AreaScoped, BaseModel):
    """A household (户) living at one place in a community or village."""

    area_source = "division"

    number = models.CharField("户编号", max_length=40, unique=True)
    household_type = models.CharField(
        "户类型", max_length=10, choices=HouseholdType, default=HouseholdType.URBAN
    )
    division = fk(Division, "社区(村)")
    grid = fk(Grid, "网格", null=True)
    building = fk(Building, "楼栋", null=True)
    address = models.CharField("详细地址", max_length=200, blank=True)
    head = fk("Person", "户主", null=True)
    is_active = models.BooleanField("有效", default=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "住户"
        indexes = [
            area_index("household_area_idx", id="int8_ops"),
            models.Index(fields=["grid", "id"], name="household_grid_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class Person(AreaScoped, BaseModel):
    """A resident. The place of residence (division, grid, building) decides who may see him."""

    area_source = "division"

    SENSITIVE_FIELDS = ("id_number", "phone")

    id_number = EncryptedTextField("身份证号", blank=True)
    id_hash = models.CharField(
        "身份证号检索码", max_length=64, null=True, blank=True, unique=True, editable=False
    )
    name = models.CharField("姓名", max_length=40, db_index=True)
    name_pinyin = models.CharField(
        "姓名拼音", max_length=120, blank=True, db_index=True, editable=False
    )
    sex = models.CharField("性别", max_length=1, choices=Sex, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_hash = models.CharField(
        "电话检索码", max_length=64, blank=True, db_index=True, editable=False
    )
    registered_area_code = models.CharField("户籍地区划代码", max_length=12, blank=True)
    division = fk(Division, "居住社区(村)")
    grid = fk(Grid, "网格", null=True)
    building = fk(Building, "楼栋", null=True)
    address = models.CharField("详细地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=PersonStatus, default=PersonStatus.ALIVE
    )
    status_date = models.DateField("状态日期", null=True, blank=True)
    merged_into = fk("self", "已合并至", null=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "居民"
        indexes = [
            area_index("person_area_idx", id="int8_ops"),
            models.Index(fields=["grid", "id"], name="person_grid_idx"),
            models.Index(fields=["birth_date", "name"], name="person_birth_name_idx"),
            models.Index(
                fields=["birth_date", "name_pinyin", "area_code"], name="person_homophone_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(AreaScoped, BaseModel):
    """A person's membership of a household, with the relationship to the head, from/to dates.
    A person belongs to at most one household at a time (ended_on is null)."""

    area_source = "household"

    household = fk(Household, "住户", "memberships")
    person = fk(Person, "居民", "memberships")
    relationship = models.CharField("与户主关系", max_length=10, choices=Relationship)
    started_on = models.DateField("起始日期")
    ended_on = models.DateField("终止日期", null=True, blank=True)

    objects = PersonRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_one_current_household",
            )
        ]
        indexes = [models.Index(fields=["household", "ended_on"], name="membership_household_idx")]


class VulnerabilityTag(AreaScoped, BaseModel):
    """A tag on a person with its source and evidence; active while valid_to is empty."""

    area_source = "person"

    person = fk(Person, "居民", "tags")
    tag = models.CharField("标签", max_length=20, choices=Tag)
    source = models.CharField("来源", max_length=60, blank=True)
    evidence = models.TextField("依据", blank=True)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    removal_reason = models.CharField("取消原因", max_length=200, blank=True)

    objects = PersonRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "困难标签"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "tag"],
                condition=models.Q(valid_to__isnull=True),
                name="tag_one_active_per_kind",
            )
        ]
        indexes = [models.Index(fields=["tag", "valid_to", "area_code"], name="tag_ledger_idx")]

    @property
    def state(self) -> str:
        """ "active" or "ended" (workflows.TAG_WORKFLOW)."""
        return "active" if self.valid_to is None else "ended"


class Disability(AreaScoped, BaseModel):
    """A disability certificate: its number is the holder's ID number + type digit + grade digit."""

    area_source = "person"

    SENSITIVE_FIELDS = ("certificate_number",)

    person = fk(Person, "居民", "disabilities")
    certificate_number = EncryptedTextField("残疾人证号", blank=True)
    disability_type = models.CharField("残疾类别", max_length=10, choices=DisabilityType)
    grade = models.PositiveSmallIntegerField(
        "残疾等级", choices=[(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")]
    )
    issued_on = models.DateField("发证日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True)

    objects = PersonRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "残疾信息"


class AssistanceStatus(AreaScoped, BaseModel):
    """A household's assistance status (低保 / 特困 / 低保边缘 / 支出型困难), with dates."""

    area_source = "household"

    household = fk(Household, "住户", "assistance")
    assistance_type = models.CharField("救助类型", max_length=10, choices=AssistanceType)
    started_on = models.DateField("起始日期")
    ended_on = models.DateField("终止日期", null=True, blank=True)
    source = models.CharField("来源", max_length=60, blank=True)

    objects = PersonRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "救助状态"

    @property
    def state(self) -> str:
        """ "active" or "ended" (workflows.ASSISTANCE_WORKFLOW)."""
        return "active" if self.ended_on is None else "ended"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "待核实"
    MERGED = "merged", "已合并"
    DISMISSED = "dismissed", "非同一人"


class DuplicateCandidate(AreaScoped, BaseModel):
    """Two persons without a matching ID number who are probably the same resident: same name
    or a homophone (pypinyin), same birth date, same community. A worker merges or dismisses."""

    area_source = "person"

    person = fk(Person, "居民")
    other = fk(Person, "疑似重复居民")
    reason = models.CharField("原因", max_length=60)
    status = models.CharField(
        "状态", max_length=10, choices=DuplicateStatus, default=DuplicateStatus.OPEN
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution_note = models.CharField("处理说明", max_length=200, blank=True)

    objects = PersonRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "疑似重复居民"
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="duplicate_pair_unique")
        ]
        indexes = [models.Index(fields=["status", "area_code"], name="duplicate_queue_idx")]


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "已上传"
    CHECKING = "checking", "正在检查"
    CHECKED = "checked", "检查完成"
    REFUSED = "refused", "文件不可用"
    IMPORTING = "importing", "正在导入"
    DONE = "done", "导入完成"
    FAILED = "failed", "导入失败"


class ImportJob(BaseModel):
    """One upload of a household file through the staff UI: checked (preview), then confirmed."""

    file_name = models.CharField("文件名", max_length=200)
    stored_path = models.CharField("存储路径", max_length=300, editable=False)
    sha256 = models.CharField("文件摘要", max_length=64, editable=False)
    size = models.PositiveBigIntegerField("大小", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus, default=ImportStatus.UPLOADED
    )
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    report = models.JSONField("报告", default=dict, blank=True)
    area_code = models.CharField("区划代码", max_length=12, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.IMPORTING}
