"""Administrative divisions (GB/T 2260, region → village), grids and buildings."""

from __future__ import annotations

from django.db import models

from lianxin.core.fields import EncryptedTextField
from lianxin.core.model_mixins import area_index, fk
from lianxin.core.models import BaseModel

from .querysets import BuildingQuerySet, DivisionQuerySet, GridQuerySet


class Level(models.TextChoices):
    PROVINCE = "province", "自治区"
    CITY = "city", "市"
    COUNTY = "county", "县(区)"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "社区(村)"


LEVEL_BY_LENGTH = {
    2: Level.PROVINCE,
    4: Level.CITY,
    6: Level.COUNTY,
    9: Level.TOWNSHIP,
    12: Level.VILLAGE,
}


class Division(models.Model):
    """One administrative division. Codes nest by prefix, so a subtree is ``code LIKE '6401%'``."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=60, db_index=True)
    level = models.CharField("级别", max_length=10, choices=Level)
    parent = fk("self", "上级", "children", null=True)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["code"], name="division_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "code"], name="division_level_idx"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def above(self, levels: int = 1) -> Division:
        """The division ``levels`` steps up (a village's county is ``above(2)``); only the region
        has no parent, and asking above it is an error."""
        division = self
        for _ in range(levels):
            if division.parent is None:
                raise Division.DoesNotExist(f"行政区划{division.code}没有上级")
            division = division.parent
        return division

    @property
    def area_code(self) -> str:
        return self.code


class Grid(BaseModel):
    """A grid (网格) inside a community or village: the grid worker's patch."""

    division = fk(Division, "社区(村)", "grids", limit_choices_to={"level": Level.VILLAGE})
    area_code = models.CharField("区划代码", max_length=12, editable=False)
    name = models.CharField("网格名称", max_length=60)
    is_active = models.BooleanField("启用", default=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "网格"
        ordering = ["area_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="grid_unique_name")
        ]
        indexes = [area_index("grid_area_idx")]

    def __str__(self) -> str:
        return f"{self.division.short_name}{self.name}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.area_code = self.division_id
        super().save(*args, **kwargs)


class Building(BaseModel):
    """A building (楼栋) or a cluster of rural homes inside a grid, with its party-member household."""

    SENSITIVE_FIELDS = ("party_member_phone",)

    grid = fk(Grid, "网格", "buildings")
    area_code = models.CharField("区划代码", max_length=12, editable=False)
    name = models.CharField("楼栋", max_length=60)
    party_member_household = models.CharField("党员中心户", max_length=60, blank=True)
    party_member_phone = EncryptedTextField("党员中心户电话", blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "楼栋"
        ordering = ["grid", "name"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="building_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.area_code = self.grid.area_code
        super().save(*args, **kwargs)
