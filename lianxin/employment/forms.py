"""Input forms: they parse (yuan → fen, hours → minutes); the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from lianxin.core import inputs
from lianxin.registry.models import DisabilityType

from .models import (
    FOLLOW_UP_MONTHS,
    GRADES,
    SHARE_CHOICES,
    SKILLS,
    EmployerKind,
    EndReason,
    Route,
)

SKILL_CHOICES = [(s, s) for s in SKILLS]


def yuan_to_fen(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


def hours_to_minutes(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 60)


class YuanField(inputs.DecimalField):
    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(1_000_000))
        super().__init__(label=label, max_digits=10, decimal_places=2, **kwargs)


class HoursField(inputs.DecimalField):
    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            min_value=Decimal("0.5"),
            max_value=Decimal(12),
            max_digits=4,
            decimal_places=1,
            **kwargs,
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200)


class MatchPlaceForm(forms.Form):
    started_on = forms.DateField(label="上岗日期", initial=timezone.localdate)
    work_type = forms.CharField(label="工种", max_length=60, required=False)
    monthly_pay_yuan = YuanField("月薪（元）")
    daily_hours = HoursField("每日工作时长（小时）")
    social_insurance = forms.BooleanField(label="缴纳社会保险", required=False)


class PlacementEndForm(forms.Form):
    ended_on = forms.DateField(label="离岗日期", initial=timezone.localdate)
    end_reason = forms.ChoiceField(label="离岗原因", choices=EndReason.choices)
    end_notes = forms.CharField(label="说明", max_length=200, required=False)


class IntentionForm(forms.Form):
    """The intention form (就业意向登记): the same fields on the public page and for staff."""

    preferred_posts = forms.CharField(label="意向岗位", max_length=200)
    expected_pay_yuan = YuanField("期望月薪（元）")
    skills = forms.MultipleChoiceField(
        label="会做的工作（可多选）", choices=SKILL_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    other_skills = forms.CharField(label="其他技能", max_length=200, required=False)
    daily_hours = HoursField("每天能工作几小时")
    work_places = forms.CharField(label="希望在哪里工作", max_length=200, required=False)
    max_commute_km = inputs.IntegerField(
        label="能接受的通勤距离（公里）", min_value=0, max_value=200
    )
    needs_accessible = forms.BooleanField(label="需要无障碍工作环境", required=False)
    accommodations = forms.CharField(
        label="需要的便利条件", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    share = forms.MultipleChoiceField(
        label="同意向用人单位提供的信息（不选则只提供意向岗位和工作时长）",
        choices=SHARE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def intention(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "preferred_posts": d["preferred_posts"],
            "expected_pay_fen": yuan_to_fen(d["expected_pay_yuan"]),
            "skills": list(d["skills"]),
            "other_skills": d["other_skills"],
            "max_daily_minutes": hours_to_minutes(d["daily_hours"]),
            "work_places": d["work_places"],
            "max_commute_km": d["max_commute_km"],
            "needs_accessible": d["needs_accessible"],
            "accommodations": d["accommodations"],
            "share": list(d["share"]),
        }


class PublicIntentionForm(IntentionForm):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.CharField(label="联系电话", max_length=20)
    division = forms.CharField(label="居住的社区(村)", max_length=60)
    consent = forms.BooleanField(label="我同意残联工作人员核实我的残疾人证信息并与我联系")

    field_order = ["name", "id_number", "phone", "division"]


class StaffIntentionForm(IntentionForm):
    source = forms.ChoiceField(
        label="登记方式",
        choices=[("community", "社区代为登记"), ("federation", "残联代为登记")],
    )


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label="评估日期", initial=timezone.localdate)
    abilities = forms.CharField(label="能力评估", widget=forms.Textarea(attrs={"rows": 3}))
    support_needed = forms.CharField(
        label="需要的支持", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommended_route = forms.ChoiceField(label="建议安置途径", choices=Route.choices)
    summary = forms.CharField(label="评估结论（可告知用人单位）", max_length=200, required=False)


class EmployerForm(forms.Form):
    organisation = inputs.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="单位名称", max_length=120)
    kind = forms.ChoiceField(label="类别", choices=EmployerKind.choices)
    industry = forms.CharField(label="行业", max_length=40, required=False)
    staff_count = inputs.IntegerField(label="在职职工数", min_value=0)
    disabled_staff_count = inputs.IntegerField(label="已安排残疾人数", min_value=0, initial=0)
    address = forms.CharField(label="工作地点", max_length=200, required=False)


class OutreachForm(forms.Form):
    visited_on = forms.DateField(label="走访日期", initial=timezone.localdate)
    willing = forms.BooleanField(label="有用工意愿", required=False)
    notes = forms.CharField(
        label="走访情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(forms.Form):
    planned_headcount = inputs.IntegerField(label="计划招聘人数", min_value=0, max_value=5000)
    benefits = forms.CharField(
        label="福利待遇", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PostForm(forms.Form):
    title = forms.CharField(label="岗位名称", max_length=60)
    route = forms.ChoiceField(label="安置途径", choices=Route.choices)
    requirements = forms.CharField(
        label="岗位要求", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    skills = forms.MultipleChoiceField(
        label="所需技能", choices=SKILL_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    headcount = inputs.IntegerField(label="招聘人数", min_value=1, max_value=1000, initial=1)
    monthly_pay_yuan = YuanField("月薪（元）")
    daily_hours = HoursField("每日工作时长（小时）")
    days_per_week = inputs.IntegerField(label="每周工作天数", min_value=1, max_value=7, initial=5)
    social_insurance = forms.BooleanField(label="缴纳社会保险", required=False)
    accessible = forms.BooleanField(label="无障碍工作环境", required=False)
    accessibility_notes = forms.CharField(label="无障碍说明", max_length=200, required=False)
    suitable_types = forms.MultipleChoiceField(
        label="适合的残疾类别", choices=DisabilityType.choices, widget=forms.CheckboxSelectMultiple
    )
    suitable_grades = forms.TypedMultipleChoiceField(
        label="适合的残疾等级", choices=GRADES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    tailored = forms.BooleanField(label="因人制岗", required=False)
    address = forms.CharField(label="工作地点", max_length=200, required=False)

    def post_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["monthly_pay_fen"] = yuan_to_fen(d.pop("monthly_pay_yuan"))
        d["daily_minutes"] = hours_to_minutes(d.pop("daily_hours"))
        d["skills"] = list(d["skills"])
        d["suitable_types"] = list(d["suitable_types"])
        d["suitable_grades"] = list(d["suitable_grades"])
        return d


class PlacementForm(forms.Form):
    """A placement without a match (centralised or assisted placement, a public-welfare post)."""

    route = forms.ChoiceField(label="安置途径", choices=Route.choices)
    employer = forms.TypedChoiceField(label="安置单位", coerce=int, choices=[])
    post = forms.TypedChoiceField(
        label="岗位", coerce=int, choices=[], required=False, empty_value=None
    )
    work_type = forms.CharField(label="工种", max_length=60, required=False)
    started_on = forms.DateField(label="上岗日期", initial=timezone.localdate)
    monthly_pay_yuan = YuanField("月薪（元）")
    daily_hours = HoursField("每日工作时长（小时）")
    social_insurance = forms.BooleanField(label="缴纳社会保险", required=False)

    def __init__(self, *args: Any, employers: Any = (), posts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["employer"]).choices = [
            (e.pk, e.name) for e in employers
        ]
        cast(forms.ChoiceField, self.fields["post"]).choices = [("", "（不指定岗位）")] + [
            (p.pk, f"{p.employer.name} · {p.title}") for p in posts
        ]


class FollowUpForm(forms.Form):
    month = forms.TypedChoiceField(
        label="回访节点", coerce=int, choices=[(m, f"上岗{m}个月") for m in FOLLOW_UP_MONTHS]
    )
    visited_on = forms.DateField(label="回访日期", initial=timezone.localdate)
    still_employed = forms.TypedChoiceField(
        label="是否仍在岗", coerce=lambda v: v == "1", choices=[("1", "仍在岗"), ("0", "已离岗")]
    )
    monthly_pay_yuan = YuanField("当前月薪（元）", required=False)
    problems = forms.CharField(
        label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    support = forms.CharField(
        label="提供的支持", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
