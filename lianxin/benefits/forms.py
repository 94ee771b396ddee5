"""Forms of the benefits pages (parse input; services decide)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from lianxin.core import inputs

from .models import DifficultyClass, HardshipCause


def yuan_field(label: str) -> inputs.DecimalField:
    """An optional amount in yuan: two decimals, not negative."""
    return inputs.DecimalField(
        label=label, max_digits=12, decimal_places=2, required=False, min_value=0
    )


class ApplicationForm(forms.Form):
    person = forms.TypedChoiceField(label="申请对象", coerce=int, required=False)
    policy = forms.TypedChoiceField(label="申请待遇", coerce=int)
    standard_key = forms.CharField(label="档次（按等级/学段的待遇）", max_length=20, required=False)
    requested_yuan = yuan_field("申请金额（元，区间标准时填写）")
    income_per_head_yuan = yuan_field("家庭月人均收入（元）")
    is_proxy = forms.BooleanField(label="申请代办（社区代为申请）", required=False, initial=True)
    reason = forms.CharField(
        label="申请理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    document = forms.FileField(
        label="申请材料（拍照或PDF，可稍后补充）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    document_title = forms.CharField(
        label="材料名称", max_length=60, required=False, initial="申请表"
    )
    submit_now = forms.BooleanField(label="填写完成，直接提交审核", required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        persons: list[tuple[int, str]],
        policies: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = [
            ("", "（家庭待遇不必选择）"),
            *persons,
        ]
        cast(forms.ChoiceField, self.fields["policy"]).choices = policies


class DocumentForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=60)
    file = forms.FileField(label="文件")


class StopForm(forms.Form):
    reason = forms.CharField(label="停发理由", max_length=300)
    end_on = forms.DateField(label="停发日期", widget=forms.DateInput(attrs={"type": "date"}))


class ReverseForm(forms.Form):
    reason = forms.CharField(label="冲正原因", max_length=200)


class RunForm(forms.Form):
    policy = forms.TypedChoiceField(label="政策", coerce=int)
    area = forms.ChoiceField(label="发放区域")
    month = forms.DateField(
        label="发放月份",
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    def __init__(
        self,
        *args: Any,
        policies: list[tuple[int, str]],
        areas: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["policy"]).choices = policies
        cast(forms.ChoiceField, self.fields["area"]).choices = areas


class CloseForm(forms.Form):
    department_type = forms.ChoiceField(label="部门")
    county = forms.ChoiceField(label="县（区）")
    month = forms.DateField(
        label="月份",
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    def __init__(
        self,
        *args: Any,
        departments: list[tuple[str, str]],
        counties: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department_type"]).choices = departments
        cast(forms.ChoiceField, self.fields["county"]).choices = counties


class UnionFileForm(forms.Form):
    household_number = forms.CharField(label="户编号", max_length=40)
    worker = forms.TypedChoiceField(label="职工", coerce=int, required=False)
    employer = forms.CharField(label="工作单位", max_length=100, required=False)
    difficulty_class = forms.ChoiceField(label="困难类别", choices=DifficultyClass.choices)
    causes = forms.MultipleChoiceField(
        label="致困原因", choices=HardshipCause.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, workers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["worker"]).choices = [("", "请选择"), *workers]


class PlanItemForm(forms.Form):
    measure = forms.CharField(label="帮扶措施", max_length=200)
    responsible = forms.CharField(label="责任人/单位", max_length=80)
    deadline = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_deadline(self) -> dt.date:
        return self.cleaned_data["deadline"]


class ImportForm(forms.Form):
    policy = forms.TypedChoiceField(label="政策", coerce=int)
    file = forms.FileField(label="待遇名册（.xlsx 或 .csv）")
    confirm = forms.BooleanField(label="检查无误后导入（不勾选则只检查）", required=False)

    def __init__(self, *args: Any, policies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["policy"]).choices = policies
