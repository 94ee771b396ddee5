"""Forms of the care pages: they parse and shape input; the rules live in services.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from .models import CareAction, DiscoverySource, Escalation, Evaluation, Grade, Heating, Housing

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", "请选择"), ("1", "是"), ("0", "否")]


def yuan_to_fen(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


class DiscoveryForm(forms.Form):
    household_number = forms.CharField(label="户编号", max_length=40)
    source = forms.ChoiceField(label="发现渠道", choices=DiscoverySource.choices)
    applicant_name = forms.CharField(label="申请人/代办人", max_length=40, required=False)
    description = forms.CharField(
        label="初步情况", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class InvestigationForm(forms.Form):
    """The phone form: every field optional here (drafts); services says what is missing."""

    visited_on = forms.DateField(label="入户日期", required=False, widget=DATE)
    residents = forms.CharField(
        label="共同生活人员", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resident_count = forms.IntegerField(
        label="共同生活人数", required=False, min_value=0, max_value=50
    )
    monthly_income_yuan = forms.DecimalField(
        label="家庭月收入（元）", required=False, min_value=0, decimal_places=2, max_digits=12
    )
    monthly_expenses_yuan = forms.DecimalField(
        label="家庭月支出（元）", required=False, min_value=0, decimal_places=2, max_digits=12
    )
    income_notes = forms.CharField(
        label="收支说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    housing = forms.ChoiceField(
        label="住房情况", required=False, choices=[("", "请选择"), *Housing.choices]
    )
    housing_notes = forms.CharField(
        label="住房说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    has_severe_illness = forms.BooleanField(label="有重病成员", required=False)
    illness_assisted = forms.BooleanField(label="重病已获医疗救助", required=False)
    health_notes = forms.CharField(
        label="健康状况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    has_disabled_member = forms.BooleanField(label="有残疾成员", required=False)
    disability_notes = forms.CharField(
        label="残疾情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    has_school_age_child = forms.BooleanField(label="有在学或学龄儿童", required=False)
    child_out_of_school = forms.BooleanField(label="有失学辍学儿童", required=False)
    schooling_notes = forms.CharField(
        label="就学情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    child_without_carer = forms.BooleanField(label="儿童无人照料（事实无人抚养）", required=False)
    disabled_adult_without_carer = forms.BooleanField(label="残疾成年人无人照料", required=False)
    elderly_alone = forms.BooleanField(label="老人独居或仅由高龄老人照料", required=False)
    care_notes = forms.CharField(
        label="照料情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    heating = forms.ChoiceField(
        label="取暖情况", required=False, choices=[("", "请选择"), *Heating.choices]
    )
    needs = forms.CharField(
        label="主要需求", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label="照片（可拍照上传）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    photo_caption = forms.CharField(label="照片说明", required=False, max_length=100)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("photo", "photo_caption")}
        data["monthly_income_fen"] = yuan_to_fen(data.pop("monthly_income_yuan"))
        data["monthly_expenses_fen"] = yuan_to_fen(data.pop("monthly_expenses_yuan"))
        return data

    @classmethod
    def initial_from(cls, inv: Any) -> dict[str, Any]:
        if inv is None:
            return {}
        initial = {name: getattr(inv, name) for name in cls.base_fields if hasattr(inv, name)}
        if inv.monthly_income_fen is not None:
            initial["monthly_income_yuan"] = Decimal(inv.monthly_income_fen) / 100
        if inv.monthly_expenses_fen is not None:
            initial["monthly_expenses_yuan"] = Decimal(inv.monthly_expenses_fen) / 100
        return initial


class ReviewForm(forms.Form):
    held_on = forms.DateField(label="评议日期", required=False, widget=DATE)
    participants = forms.CharField(
        label="参加人员", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    opinion = forms.CharField(
        label="评议意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommends = forms.TypedChoiceField(
        label="是否建议认定",
        choices=[("1", "建议认定"), ("0", "不建议认定")],
        coerce=lambda v: v == "1",
        initial="1",
    )


class RecogniseForm(forms.Form):
    batch = forms.TypedChoiceField(label="批次", coerce=int, required=False, empty_value=None)
    note = forms.CharField(
        label="认定说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, criteria: dict[str, str], batches: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].choices = [("", "请选择批次"), *batches]
        for key, label in criteria.items():
            self.fields[f"criterion_{key}"] = forms.BooleanField(label=label, required=False)
        self.criteria = criteria

    def checklist(self) -> dict[str, bool]:
        return {k: bool(self.cleaned_data.get(f"criterion_{k}")) for k in self.criteria}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="不予认定的理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(forms.Form):
    goal = forms.CharField(
        label="帮扶目标", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    leader = forms.TypedChoiceField(label="包抓领导", coerce=int, required=False, empty_value=None)
    paired_unit = forms.TypedChoiceField(
        label="结对单位", coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        leaders: list[tuple[int, str]],
        units: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", "请选择"), *leaders]
        self.fields["paired_unit"].choices = [("", "请选择"), *units]


class MeasureForm(forms.Form):
    action = forms.ChoiceField(
        label="关爱行动", choices=[("", "请选择"), *CareAction.choices], required=False
    )
    title = forms.CharField(label="措施内容", max_length=200, required=False)
    responsible_unit = forms.TypedChoiceField(
        label="责任单位", coerce=int, required=False, empty_value=None
    )
    paired_unit = forms.TypedChoiceField(
        label="结对单位（可选）", coerce=int, required=False, empty_value=None
    )
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    budget_yuan = forms.DecimalField(
        label="预算（元，可选）", required=False, min_value=0, decimal_places=2, max_digits=14
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].choices = [("", "请选择"), *units]
        self.fields["paired_unit"].choices = [("", "无"), *units]


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label="回访日期", required=False, widget=DATE)
    notes = forms.CharField(
        label="回访情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label="评估日期", required=False, widget=DATE)
    outcome = forms.CharField(
        label="帮扶成效", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        label="评估结论", choices=[("", "请选择"), *Evaluation.Decision.choices], required=False
    )


class GradeForm(forms.Form):
    grade = forms.ChoiceField(
        label="调整为", choices=[("", "恢复规则分级"), *Grade.choices], required=False
    )
    reason = forms.CharField(label="调整理由", max_length=300, required=False)


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label="落实佐证", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, max_length=300)


class EscalationForm(forms.Form):
    kind = forms.ChoiceField(
        label="方式", choices=[("", "请选择"), *Escalation.Kind.choices], required=False
    )
    reason = forms.CharField(label="原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(forms.Form):
    delivery_type = forms.CharField(label="承接对象类型", max_length=40, required=False)
    delivery_id = forms.CharField(label="承接对象ID", max_length=64, required=False)
    label = forms.CharField(label="说明", max_length=200, required=False)


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=120, required=False)
    area_code = forms.ChoiceField(label="区域", required=False)
    scheduled_on = forms.DateField(label="会议日期", required=False, widget=DATE)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = areas


class MinutesForm(forms.Form):
    held_on = forms.DateField(label="召开日期", required=False, widget=DATE)
    minutes = forms.CharField(
        label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class DecisionForm(MeasureForm):
    escalation = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.CharField(
        label="会议决定", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
