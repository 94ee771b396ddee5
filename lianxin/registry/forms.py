"""Phone-friendly forms of the registry pages (validation of shape; the rules are in services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from lianxin.areas.models import Grid

from .models import AssistanceType, DisabilityType, Household, Person, Relationship, Tag
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
        cast(forms.ChoiceField, self.fields["division"]).choices = [
            (d.code, d.short_name) for d in villages[:300]
        ]
        grid_list = list(grids[:500])
        cast(forms.ChoiceField, self.fields["grid"]).choices = [("", "（不选）")] + [
            (str(g.pk), f"{g.division.short_name}{g.name}") for g in grid_list
        ]
        # a grid worker with one grid (or a community with one) registers there: preselect it
        if len(grid_list) == 1 and not self.is_bound:
            self.initial.setdefault("grid", str(grid_list[0].pk))
            self.initial.setdefault("division", grid_list[0].division_id)


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
    file = forms.FileField(
        label="住户信息表（.xlsx、.xls 或 .csv，不超过20MB；标题行、两行表头、表尾合计行可保留）"
    )


def grid_choice(value: str, grids: Any) -> Grid | None:
    if not value:
        return None
    return grids.filter(pk=value).first()


# --- corrections --------------------------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"})
RELATIONSHIP_CHOICES = [("", "请选择")] + [
    (v, label) for v, label in Relationship.choices if v != Relationship.HEAD
]


class PersonEditForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    ethnicity = forms.CharField(label="民族", max_length=20, required=False)
    phone = forms.CharField(
        label="新联系电话（不修改请留空）",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label="详细地址", max_length=200, required=False)


class HouseholdEditForm(forms.Form):
    address = forms.CharField(label="详细地址", max_length=200, required=False)
    grid = forms.ChoiceField(label="网格", required=False)

    def __init__(self, *args: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grids = grids
        cast(forms.ChoiceField, self.fields["grid"]).choices = [("", "（不变）")] + [
            (str(g.pk), g.name) for g in grids
        ]

    def clean_grid(self) -> Grid | None:
        return grid_choice(self.cleaned_data["grid"], self.grids)


def _household_by_number(households: Any, number: str, message: str) -> Household:
    """A household the user may see, by its number (the forms' lookup, scoped by the caller)."""
    household = households.filter(number=number.strip()).first() if households is not None else None
    if household is None:
        raise forms.ValidationError(message)
    return cast(Household, household)


class MemberMoveForm(forms.Form):
    to_household = forms.CharField(label="迁入住户的户编号", max_length=40)
    relationship = forms.ChoiceField(label="与新户主的关系", choices=RELATIONSHIP_CHOICES)

    def __init__(self, *args: Any, households: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.households = households

    def clean_to_household(self) -> Household:
        return _household_by_number(
            self.households,
            self.cleaned_data["to_household"],
            "未找到迁入的住户，或不在您负责的范围内",
        )


class HeadChangeForm(forms.Form):
    new_head = forms.TypedChoiceField(label="新户主", coerce=int)
    old_head_relationship = forms.ChoiceField(
        label="原户主与新户主的关系", choices=RELATIONSHIP_CHOICES
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {m.person_id: m.person for m in members}
        cast(forms.ChoiceField, self.fields["new_head"]).choices = [("", "请选择")] + [
            (m.person_id, m.person.name) for m in members
        ]

    def clean_new_head(self) -> Person:
        return self.persons[self.cleaned_data["new_head"]]


class SplitForm(forms.Form):
    persons = forms.TypedMultipleChoiceField(
        label="分出的成员", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    new_head = forms.TypedChoiceField(label="新户户主", coerce=int)
    address = forms.CharField(label="新户地址（不填同原户）", max_length=200, required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_id = {m.person_id: m.person for m in members}
        choices = [(m.person_id, m.person.name) for m in members]
        cast(forms.ChoiceField, self.fields["persons"]).choices = choices
        cast(forms.ChoiceField, self.fields["new_head"]).choices = [("", "请选择")] + choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ids, head = data.get("persons") or [], data.get("new_head")
        if head is None or not ids:
            return data
        if head not in ids:
            raise forms.ValidationError("新户主必须是分出的成员之一")
        data["persons"] = [self.by_id[i] for i in ids]
        data["new_head"] = self.by_id[head]
        return data


class MergeForm(forms.Form):
    target = forms.CharField(label="并入住户的户编号", max_length=40)

    def __init__(self, *args: Any, households: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.households = households

    def clean_target(self) -> Household:
        return _household_by_number(
            self.households, self.cleaned_data["target"], "未找到并入的住户，或不在您负责的范围内"
        )


class AssistanceEndForm(forms.Form):
    on = forms.DateField(label="终止日期", widget=DATE)
    reason = forms.CharField(label="终止原因", max_length=200)


class TagRemoveForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class DuplicateMergeForm(forms.Form):
    keep = forms.TypedChoiceField(label="保留哪一条记录", coerce=int)

    def __init__(self, *args: Any, candidate: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sides = {p.pk: p for p in (candidate.person, candidate.other)}
        cast(forms.ChoiceField, self.fields["keep"]).choices = [
            (pk, p.name) for pk, p in self.sides.items()
        ]
        self.fields["keep"].error_messages["required"] = "请选择保留哪一条记录"
        self.fields["keep"].error_messages["invalid_choice"] = "请选择保留哪一条记录"

    def clean_keep(self) -> Person:
        return self.sides[self.cleaned_data["keep"]]


class DuplicateDismissForm(forms.Form):
    note = forms.CharField(label="说明", max_length=200, required=False)
