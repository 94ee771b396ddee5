"""Forms of the care pages: they parse and shape input; the rules live in services.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from . import selectors
from .models import (
    DELIVERY_TYPES,
    OPEN_MEASURE_STATUSES,
    RECOGNITION_CRITERIA,
    CareAction,
    DiscoverySource,
    Escalation,
    Evaluation,
    Grade,
    Heating,
    Housing,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", "请选择"), ("1", "是"), ("0", "否")]


def notes(label: str) -> forms.CharField:
    """An optional free text in a two-row box (the investigation's and the decisions' notes)."""
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def searchable(form: forms.Form, *names: str) -> None:
    """Long pickers (units, leaders) get a type-to-filter box (static/core/searchable.js)."""
    for name in names:
        form.fields[name].widget.attrs["data-searchable"] = ""


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
    residents = notes("共同生活人员")
    resident_count = forms.IntegerField(
        label="共同生活人数", required=False, min_value=0, max_value=50
    )
    monthly_income_yuan = forms.DecimalField(
        label="家庭月收入（元）", required=False, min_value=0, decimal_places=2, max_digits=12
    )
    monthly_expenses_yuan = forms.DecimalField(
        label="家庭月支出（元）", required=False, min_value=0, decimal_places=2, max_digits=12
    )
    income_notes = notes("收支说明")
    housing = forms.ChoiceField(
        label="住房情况", required=False, choices=[("", "请选择"), *Housing.choices]
    )
    housing_notes = notes("住房说明")
    has_severe_illness = forms.BooleanField(label="有重病成员", required=False)
    illness_assisted = forms.BooleanField(label="重病已获医疗救助", required=False)
    health_notes = notes("健康状况")
    has_disabled_member = forms.BooleanField(label="有残疾成员", required=False)
    disability_notes = notes("残疾情况")
    has_school_age_child = forms.BooleanField(label="有在学或学龄儿童", required=False)
    child_out_of_school = forms.BooleanField(label="有失学辍学儿童", required=False)
    schooling_notes = notes("就学情况")
    child_without_carer = forms.BooleanField(label="儿童无人照料（事实无人抚养）", required=False)
    disabled_adult_without_carer = forms.BooleanField(label="残疾成年人无人照料", required=False)
    elderly_alone = forms.BooleanField(label="老人独居或仅由高龄老人照料", required=False)
    care_notes = notes("照料情况")
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


class CaseForm(forms.Form):
    """A transition's input on a case page. ``clean()`` returns exactly the keyword arguments of
    the transition's service (ids resolved to the user's own units, leaders and batches)."""

    def __init__(self, *args: Any, user: Any = None, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.case = case


class ReviewForm(CaseForm):
    held_on = forms.DateField(label="评议日期", required=False, widget=DATE)
    participants = notes("参加人员")
    opinion = forms.CharField(
        label="评议意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommends = forms.TypedChoiceField(
        label="是否建议认定",
        choices=[("1", "建议认定"), ("0", "不建议认定")],
        coerce=lambda v: v == "1",
        initial="1",
    )


class RecogniseForm(CaseForm):
    batch = forms.TypedChoiceField(label="批次", coerce=int, required=False, empty_value=None)
    note = notes("认定说明")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["batch"]).choices = [
            ("", "请选择批次"),
            *selectors.batch_choices(self.user),
        ]
        for key, label in RECOGNITION_CRITERIA.items():
            self.fields[f"criterion_{key}"] = forms.BooleanField(label=label, required=False)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        batch_id = d.get("batch")
        return {
            "batch": selectors.batch_for(self.user, batch_id) if batch_id else None,
            "checklist": {k: bool(d.get(f"criterion_{k}")) for k in RECOGNITION_CRITERIA},
            "note": d.get("note", ""),
        }


class RejectForm(CaseForm):
    reason = forms.CharField(
        label="不予认定的理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(CaseForm):
    goal = notes("帮扶目标")
    leader = forms.TypedChoiceField(label="包抓领导", coerce=int, required=False, empty_value=None)
    paired_unit = forms.TypedChoiceField(
        label="结对单位", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaders = selectors.leader_choices(self.case.area_code) if self.case is not None else []
        cast(forms.ChoiceField, self.fields["leader"]).choices = [("", "请选择"), *leaders]
        cast(forms.ChoiceField, self.fields["paired_unit"]).choices = [
            ("", "请选择"),
            *selectors.unit_choices(self.user),
        ]
        if self.case is not None and not self.is_bound:
            self.initial = {
                "goal": getattr(getattr(self.case, "plan", None), "goal", ""),
                "leader": self.case.leader_id,
                "paired_unit": self.case.paired_unit_id,
            }
        searchable(self, "leader", "paired_unit")

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        return {
            "goal": d.get("goal", ""),
            "leader": selectors.leader_get(d["leader"]) if d.get("leader") else None,
            "paired_unit": selectors.unit_for(self.user, d.get("paired_unit")),
        }


class MeasureForm(CaseForm):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = selectors.unit_choices(self.user)
        cast(forms.ChoiceField, self.fields["responsible_unit"]).choices = [("", "请选择"), *units]
        cast(forms.ChoiceField, self.fields["paired_unit"]).choices = [("", "无"), *units]
        searchable(self, "responsible_unit", "paired_unit")

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        return {
            "action": d.get("action", ""),
            "title": d.get("title", ""),
            "responsible_unit": selectors.unit_for(self.user, d.get("responsible_unit")),
            "paired_unit": selectors.unit_for(self.user, d.get("paired_unit")),
            "deadline": d.get("deadline"),
            "budget_fen": yuan_to_fen(d.get("budget_yuan")),
        }


class FollowUpForm(CaseForm):
    """A visit, and a progress note per open measure of the plan (``progress_<measure id>``)."""

    visited_on = forms.DateField(label="回访日期", required=False, widget=DATE)
    notes = forms.CharField(
        label="回访情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())
        measures = (
            selectors.case_measures(self.case).filter(status__in=OPEN_MEASURE_STATUSES)
            if self.case is not None
            else []
        )
        for m in measures:
            self.fields[f"progress_{m.pk}"] = forms.CharField(
                label=f"进展：{m.title}", required=False, max_length=500
            )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        progress = {
            int(k[9:]): v for k, v in d.items() if k.startswith("progress_") and (v or "").strip()
        }
        return {
            "visited_on": d.get("visited_on"),
            "notes": d.get("notes", ""),
            "measure_progress": progress,
        }


class EvaluationForm(CaseForm):
    evaluated_on = forms.DateField(label="评估日期", required=False, widget=DATE)
    outcome = forms.CharField(
        label="帮扶成效", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        label="评估结论", choices=[("", "请选择"), *Evaluation.Decision.choices], required=False
    )


class GradeForm(CaseForm):
    grade = forms.ChoiceField(
        label="调整为", choices=[("", "恢复规则分级"), *Grade.choices], required=False
    )
    reason = forms.CharField(label="调整理由", max_length=300, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (``<input type=file multiple>``); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class EvidenceForm(forms.Form):
    """落实确认: a written note, photos or documents (the service checks their type by content
    and requires one of them)."""

    evidence = notes("落实佐证")
    proofs = MultipleFileField(
        label="佐证照片或文件（JPEG、PNG、WebP、PDF，可多选）",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, max_length=300)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不予接收的理由",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscalationForm(forms.Form):
    kind = forms.ChoiceField(
        label="方式", choices=[("", "请选择"), *Escalation.Kind.choices], required=False
    )
    reason = notes("原因")


class LinkForm(forms.Form):
    delivery_type = forms.ChoiceField(
        label="承接对象类型",
        choices=[("", "请选择"), *DELIVERY_TYPES.items()],
        required=False,
    )
    delivery_id = forms.CharField(label="承接对象编号", max_length=64, required=False)
    label = forms.CharField(label="说明", max_length=200, required=False)


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=120, required=False)
    area_code = forms.ChoiceField(label="区域", required=False)
    scheduled_on = forms.DateField(label="会议日期", required=False, widget=DATE)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area_code"]).choices = areas


class MinutesForm(forms.Form):
    held_on = forms.DateField(label="召开日期", required=False, widget=DATE)
    minutes = forms.CharField(
        label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class DecisionForm(MeasureForm):
    escalation = forms.IntegerField(widget=forms.HiddenInput)
    decision = notes("会议决定")

    def clean(self) -> dict[str, Any]:
        raw = dict(self.cleaned_data)
        d = super().clean()
        d.pop("paired_unit", None)
        return {**d, "escalation": raw.get("escalation"), "decision": raw.get("decision", "")}
