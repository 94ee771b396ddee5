"""The input of each work-order transition (``workflows.WORKORDER_WORKFLOW``), shared by the
pages (form posts) and the API (JSON bodies). Only the fields named here are read (SEC-03);
each form's ``cleaned_data`` is exactly the keyword arguments of its service. Text rules
(lengths, required reasons) stay in the services, which say them in Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lianxin.core.errors import ApplicationError
from lianxin.directory.models import Organisation

from .models import ExtensionRequest, ExtensionStatus, NoteKind, Satisfaction, WorkOrder


def _handling_units() -> Any:
    return Organisation.objects.filter(is_handling_unit=True, is_active=True)


def _split(values: Any) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str | int):
        values = [values]
    out: list[str] = []
    for value in values:
        out.extend(p.strip() for p in str(value).replace("，", ",").split(",") if p.strip())
    return out


class UnitField(forms.Field):
    """A handling unit by id or by directory code."""

    def __init__(self, *, missing: str = "请选择承办单位", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.missing = missing

    def clean(self, value: Any) -> Organisation | None:
        raw = str(value if value is not None else "").strip()
        if not raw:
            if self.required:
                raise ValidationError(self.missing, code="required")
            return None
        qs = _handling_units()
        unit = qs.filter(pk=int(raw)).first() if raw.isdigit() else qs.filter(code=raw).first()
        if unit is None:
            raise ValidationError("承办单位不存在或不可承办工单", code="invalid")
        return unit

    def clean_or_refuse(self, value: Any) -> Organisation | None:
        """For callers outside a form (intake): the unit, or ApplicationError in Chinese."""
        try:
            return self.clean(value)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0]) from exc


class UnitsField(forms.Field):
    """Several handling units: a list, or ids/codes separated by commas."""

    widget = forms.SelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Organisation]:
        raw = _split(value)
        numeric = [int(r) for r in raw if r.isdigit()]
        codes = [r for r in raw if not r.isdigit()]
        qs = _handling_units()
        found = list(qs.filter(pk__in=numeric)) + list(qs.filter(code__in=codes))
        if len(found) != len(set(raw)):
            raise ValidationError("协办单位不存在或不可承办工单", code="invalid")
        if self.required and not found:
            raise ValidationError("请选择参加会商的单位", code="required")
        return found

    def clean_or_refuse(self, value: Any) -> list[Organisation]:
        try:
            return self.clean(value)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0]) from exc


class YesNoField(forms.Field):
    """A yes/no: "1"/"0", true/false, 是/否. ``chosen``: the user must choose (no default)."""

    def __init__(self, *, missing: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.missing = missing

    def clean(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text in {"1", "true", "yes", "on", "是"}:
            return True
        if self.missing and text not in {"0", "false", "no", "否"}:
            raise ValidationError(self.missing, code="required")
        return False


def _text(*, missing: str = "", **kwargs: Any) -> forms.CharField:
    """A text field; ``missing``: it is required, and this is what the page says next to it."""
    return forms.CharField(
        required=bool(missing), strip=True, error_messages={"required": missing}, **kwargs
    )


class OrderForm(forms.Form):
    """A transition's input; knows the order and the user it is for (lookups are scoped)."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        *,
        order: WorkOrder | None = None,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.order = order
        self.user = user


class DispatchForm(OrderForm):
    lead_unit = UnitField(required=True)
    support_units = UnitsField()
    note = _text(max_length=500)


class ReviewReturnForm(OrderForm):
    upheld = YesNoField()
    note = _text(max_length=500, missing="请填写审核意见")
    lead_unit = UnitField()
    support_units = UnitsField()


class ReasonForm(OrderForm):
    reason = _text(max_length=1000, missing="请填写理由")


class NoteForm(OrderForm):
    text = _text(max_length=4000, missing="办理记录不能为空")
    kind = forms.ChoiceField(
        choices=NoteKind.choices,
        required=False,
        error_messages={"invalid_choice": "记录类型不正确"},
    )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or NoteKind.HANDLING


class AttachmentForm(OrderForm):
    file = forms.FileField(required=True, error_messages={"required": "请选择要上传的文件"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return {"upload": cleaned.get("file")} if "file" in cleaned else cleaned


class ExtensionRequestForm(OrderForm):
    working_days = forms.IntegerField(
        min_value=1,
        max_value=15,
        error_messages={
            "required": "请填写延期工作日",
            "invalid": "请填写延期工作日",
            "min_value": "延期天数应为1至15个工作日",
            "max_value": "延期天数应为1至15个工作日",
        },
    )
    reason = _text(max_length=1000, missing="请填写延期理由")


class DecideExtensionForm(OrderForm):
    extension = _text()
    approve = YesNoField()
    note = _text(max_length=500)

    def clean_extension(self) -> ExtensionRequest:
        raw = self.cleaned_data.get("extension", "")
        qs = ExtensionRequest.objects.filter(order=self.order)
        found = (
            qs.filter(pk=int(raw)).first()
            if raw.isdigit()
            else qs.filter(status=ExtensionStatus.PENDING).first()
        )
        if found is None:
            raise ValidationError("延期申请不存在", code="invalid")
        return found


class ReplyForm(OrderForm):
    text = _text(max_length=4000, missing="请填写答复内容")
    verification = _text(max_length=4000)


class CallbackForm(OrderForm):
    satisfaction = forms.ChoiceField(
        choices=Satisfaction.choices,
        error_messages={
            "required": "请选择满意、基本满意或不满意",
            "invalid_choice": "请选择满意、基本满意或不满意",
        },
    )
    resolved = YesNoField(missing="请选择问题是否已解决")
    comment = _text(max_length=500)


class NoteOnlyForm(OrderForm):
    note = _text(max_length=1000)


class MergeForm(OrderForm):
    into = _text(max_length=40)
    note = _text(max_length=500)

    def clean_into(self) -> WorkOrder:
        raw = self.cleaned_data.get("into", "")
        if not raw:
            raise ValidationError("请填写合并到的工单号", code="required")
        qs = WorkOrder.objects.for_user(self.user)
        found = (
            qs.filter(pk=int(raw)).first()
            if raw.isdigit()
            else qs.filter(tracking_code=raw.upper()).first()
        )
        if found is None:
            raise ValidationError("目标工单不存在或无权访问", code="invalid")
        return found


class EscalateForm(OrderForm):
    to_unit = UnitField(required=True, missing="请选择上级单位")
    note = _text(max_length=500, missing="请填写提级理由")


class ConsultForm(OrderForm):
    units = UnitsField(required=True)
    note = _text(max_length=500)


class ReferCareForm(OrderForm):
    note = _text(max_length=1000, missing="请填写转介说明（困难情况）")
