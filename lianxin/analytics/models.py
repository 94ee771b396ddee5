"""Monthly snapshots of the dashboard's indicators (issue #20): frozen at month end, never
recomputed, so that a report sent in January reads the same next year."""

from __future__ import annotations

from django.db import models


class IndicatorSnapshot(models.Model):
    month = models.DateField("月份")
    area_code = models.CharField("区划代码", max_length=12)
    key = models.CharField("指标", max_length=60)
    value = models.FloatField("数值")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "月度指标快照"
        constraints = [
            models.UniqueConstraint(fields=["month", "area_code", "key"], name="snapshot_unique")
        ]
        indexes = [models.Index(fields=["area_code", "key", "month"], name="snapshot_trend_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_code} {self.key}"


class IndicatorCount(models.Model):
    """The kept aggregate behind the dashboard (issue #20 targets): each indicator's figure for
    every division (region → village) and for any other area code its rows carry, rolled up
    from one GROUP BY per indicator by ``lianxin analytics refresh`` (every 10 minutes and on a
    leader's 刷新). A dashboard reads one row per indicator, never the apps' tables; the list
    behind a figure stays live, so it may differ from the figure until the next refresh — the
    figure shows its ``computed_at``."""

    key = models.CharField("指标", max_length=60)
    area_code = models.CharField("区划代码", max_length=12)
    depth = models.PositiveSmallIntegerField("代码长度")
    value = models.FloatField("数值", null=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "指标汇总"
        constraints = [
            models.UniqueConstraint(fields=["area_code", "key"], name="indicator_count_unique")
        ]
        indexes = [
            models.Index(
                fields=["key", "depth", "area_code"],
                name="indicator_count_child_idx",
                opclasses=["varchar_pattern_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.area_code}: {self.value}"
