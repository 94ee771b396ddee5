"""Phone-friendly forms of the registry pages (validation of shape; the rules are in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lianxin.areas.models import Grid

from .models import AssistanceType, DisabilityType, Relationship, Tag
from .services import MemberInput

MEMBER_ROWS = 6
_NUMERIC = {"inputmode": "text", "autocomplete": "off", "autocapitalize": "characters"}


class HouseholdForm(forms.Form):
    division = forms.ChoiceField(label="社区(村)")
    grid = forms.ChoiceField(label="网格", required=False)
    address = forms.CharField(label="详细地址", max_length=200, required=False)
    number = forms.CharField(label="户编号（可不填，自动生成）", max_length=40, required=False)

    def __init__(self, *args: Any, villages: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [(d.code, d.short_name) for d in villages[:300]]
        self.fields["grid"].choices = [("", "（不选）")] + [
            (str(g.pk), f"{g.division.short_name}{g.name}") for g in grids[:500]
        ]


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40, required=False)
    id_number = forms.CharField(
        label="身份证号", max_length=30, required=False, widget=forms.TextInput(attrs=_NUMERIC)
    )
    relationship = forms.ChoiceField(
        label="与户主关系", choices=[("", "请选择")] + list(Relationship.choices), required=False
    )
    ethnicity = forms.CharField(label="民族", max_length=20, required=False)
    phone = forms.CharField(
        label="联系电话",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("name") or data.get("id_number"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("name") or data.get("id_number")) and not (
            data.get("name") and data.get("id_number") and data.get("relationship")
        ):
            raise forms.ValidationError("请填写姓名、身份证号和与户主关系")
        return data

    def to_input(self) -> MemberInput:
        d = self.cleaned_data
        return MemberInput(
            name=d["name"],
            id_number=d["id_number"],
            relationship=d["relationship"],
            ethnicity=d.get("ethnicity", ""),
            phone=d.get("phone", ""),
        )


MemberFormSet = forms.formset_factory(MemberForm, extra=MEMBER_ROWS, max_num=20)


class TagForm(forms.Form):
    tag = forms.ChoiceField(label="标签", choices=Tag.choices)
    evidence = forms.CharField(
        label="依据（走访情况、证明材料）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
    source = forms.CharField(label="来源", max_length=60, required=False, initial="网格走访")


class DeceasedForm(forms.Form):
    on = forms.DateField(label="死亡日期", widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label="依据（死亡证明、火化证明等）", max_length=500)

    def clean_on(self) -> Any:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return on


class MovedForm(forms.Form):
    on = forms.DateField(label="迁出日期", widget=forms.DateInput(attrs={"type": "date"}))
    destination = forms.CharField(label="迁往地", max_length=200)


class DisabilityForm(forms.Form):
    disability_type = forms.ChoiceField(label="残疾类别", choices=DisabilityType.choices)
    grade = forms.TypedChoiceField(
        label="残疾等级", coerce=int, choices=[(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")]
    )
    issued_on = forms.DateField(
        label="发证日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AssistanceForm(forms.Form):
    assistance_type = forms.ChoiceField(label="救助类型", choices=AssistanceType.choices)
    started_on = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label="来源", max_length=60, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label="住户信息表（.xlsx 或 .csv，不超过20MB）")


def grid_choice(value: str, grids: Any) -> Grid | None:
    if not value:
        return None
    return grids.filter(pk=value).first()
