from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from lianxin.core.dates import DateError, parse_date

from .intake import form_columns
from .models import Alert, RosterKind

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
    "dibao_no": "低保证号（用于按户归并）",
    "head_id_number": "户主身份证号（用于按户归并）",
    "relationship": "与户主关系",
}


class RosterUploadForm(forms.Form):
    kind = forms.ChoiceField(label="名册类型", choices=RosterKind.choices)
    area_code = forms.ChoiceField(label="适用区域")
    department = forms.ChoiceField(
        label="提供部门（选填，用于记住该部门的表格格式）", required=False
    )
    assistance_type = forms.ChoiceField(
        label="救助类型（民政名册只含一种时选择；标题写明的可不选）",
        required=False,
        choices=[("", "—"), ("低保", "低保"), ("特困", "特困"), ("低保边缘", "低保边缘")],
    )
    file = forms.FileField(label="名册文件（.xlsx、.xls 或 .csv，20MB以内）")

    def __init__(
        self,
        *args: Any,
        areas: list[tuple[str, str]],
        departments: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area_code"]).choices = areas
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", "—"),
            *(departments or []),
        ]


class ColumnMapForm(forms.Form):
    """One select per template column, offering the file's headers (the proposal preselected)."""

    def __init__(
        self, *args: Any, kind: str, headers: list[str], initial_map: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "（无此列）"), *[(h, h) for h in dict.fromkeys(h for h in headers if h)]]
        for column in form_columns(kind):
            self.fields[column] = forms.ChoiceField(
                label=COLUMN_LABELS.get(column, column),
                choices=choices,
                required=False,
                initial=initial_map.get(column, ""),
            )


class ColumnNameForm(forms.Form):
    column = forms.ChoiceField(label="标准列")
    name = forms.CharField(
        label="列名写法",
        max_length=60,
        help_text="如 身份证件号码、*姓名；标记、题号和括号说明会自动去掉",
    )
    weak = forms.BooleanField(label="须看列中内容确认（如“证件号码”）", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, columns: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["column"]).choices = columns


class RunForm(forms.Form):
    area_code = forms.ChoiceField(label="比对区域")
    as_of = forms.CharField(label="比对基准日", help_text="如 2026-11-22")

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area_code"]).choices = areas

    def clean_as_of(self) -> dt.date:
        try:
            value = parse_date(self.cleaned_data["as_of"])
        except DateError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if value is None:
            raise forms.ValidationError("请填写比对基准日")
        return value


class VerifyForm(forms.Form):
    result = forms.ChoiceField(
        label="核实结果",
        choices=[("confirmed", "属实"), ("rejected", "不属实")],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="处理去向（属实时）",
        required=False,
        choices=[
            ("", "—"),
            (Alert.Outcome.CARE_DISCOVERY, Alert.Outcome.CARE_DISCOVERY.label),
            (Alert.Outcome.ENTITLEMENT_CHANGE, Alert.Outcome.ENTITLEMENT_CHANGE.label),
        ],
    )
    note = forms.CharField(
        label="核实情况 / 不属实的原因", widget=forms.Textarea(attrs={"rows": 3})
    )


class RuleSettingForm(forms.Form):
    large_medical_expense_yuan = forms.DecimalField(
        label="大额自付医疗费用阈值（元）", min_value=1, max_digits=12, decimal_places=2
    )
    elderly_age = forms.IntegerField(label="高龄独居年龄（岁）", min_value=60, max_value=100)
    match_threshold = forms.FloatField(
        label="概率匹配阈值（0.5–0.999）", min_value=0.5, max_value=0.999
    )
