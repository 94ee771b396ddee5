from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from lianxin.core.dates import DateError, parse_date

from .models import Alert, RosterKind
from .pipeline.rosters import ROSTER_COLUMNS

COLUMN_LABELS = {
    "id_number": "身份证号",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "division_code": "区划代码",
    "household_no": "户号",
    "assistance_type": "救助类型",
    "disability_type": "残疾类别",
    "disability_grade": "残疾等级",
    "certificate_no": "残疾人证号",
    "subsidy": "补贴类型",
    "monthly_amount": "月发放金额",
    "death_date": "死亡日期",
    "out_of_pocket_yuan": "个人自付金额（元）",
    "year": "年度",
}


class RosterUploadForm(forms.Form):
    kind = forms.ChoiceField(label="名册类型", choices=RosterKind.choices)
    area_code = forms.ChoiceField(label="适用区域")
    file = forms.FileField(label="名册文件（.xlsx 或 .csv，20MB以内）")

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = areas


class ColumnMapForm(forms.Form):
    """One select per template column, offering the file's headers."""

    def __init__(self, *args: Any, kind: str, headers: list[str], initial_map: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "（无此列）"), *[(h, h) for h in headers]]
        for column in ROSTER_COLUMNS[kind]:
            self.fields[column] = forms.ChoiceField(
                label=f"{COLUMN_LABELS.get(column, column)}（{column}）", choices=choices, required=False, initial=initial_map.get(column, "")
            )


class RunForm(forms.Form):
    area_code = forms.ChoiceField(label="比对区域")
    as_of = forms.CharField(label="比对基准日", help_text="如 2026-11-22")
    engine = forms.ChoiceField(label="引擎", choices=[("duckdb", "DuckDB（单机）"), ("spark", "Spark（集群）")], initial="duckdb")

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = areas

    def clean_as_of(self) -> dt.date:
        try:
            value = parse_date(self.cleaned_data["as_of"])
        except DateError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if value is None:
            raise forms.ValidationError("请填写比对基准日")
        return value


class VerifyForm(forms.Form):
    result = forms.ChoiceField(label="核实结果", choices=[("confirmed", "属实"), ("rejected", "不属实")], widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label="处理去向（属实时）", required=False,
        choices=[("", "—"), (Alert.Outcome.CARE_DISCOVERY, Alert.Outcome.CARE_DISCOVERY.label), (Alert.Outcome.ENTITLEMENT_CHANGE, Alert.Outcome.ENTITLEMENT_CHANGE.label)],
    )
    note = forms.CharField(label="核实情况 / 不属实的原因", widget=forms.Textarea(attrs={"rows": 3}))


class RuleSettingForm(forms.Form):
    large_medical_expense_yuan = forms.DecimalField(label="大额自付医疗费用阈值（元）", min_value=1, max_digits=12, decimal_places=2)
    elderly_age = forms.IntegerField(label="高龄独居年龄（岁）", min_value=60, max_value=100)
    match_threshold = forms.FloatField(label="概率匹配阈值（0.5–0.999）", min_value=0.5, max_value=0.999)
