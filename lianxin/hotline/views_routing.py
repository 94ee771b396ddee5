"""Pages of routing: the duty list (职责清单) the hotline's administrators keep, the unit search
of the intake page, and the managers' routing accuracy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lianxin.core.errors import ApplicationError
from lianxin.core.pagination import list_filters, paginate
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.directory.models import DeptType

from . import dutylist, learning
from .models import DutyEntry, DutyLevel, Institution, PlaceName
from .routing import DEPT_NAMES


def _dept_choices() -> list[tuple[str, str]]:
    return [(v, DEPT_NAMES.get(v, label)) for v, label in DeptType.choices]


class DutyEntryForm(forms.Form):
    matter = forms.CharField(label="事项", max_length=200)
    dept_type = forms.ChoiceField(label="主责部门类型", choices=_dept_choices)
    level = forms.ChoiceField(label="办理层级", choices=DutyLevel.choices)
    institution = forms.ChoiceField(
        label="例外情形（场所、机构类型）", choices=Institution.choices, required=False
    )
    keywords = forms.CharField(
        label="关键词",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="空格分隔，任一出现即适用；“甲+乙”表示两者都出现",
    )
    context = forms.CharField(
        label="另须出现的词", required=False, help_text="空格分隔，出现其一即可"
    )
    unless = forms.CharField(label="排除词", required=False, help_text="出现其一则不适用本条")
    priority = forms.IntegerField(
        label="优先级",
        min_value=0,
        max_value=100,
        initial=50,
        help_text="同时命中多条时高者优先；例外情形应高于一般事项",
    )
    basis = forms.CharField(
        label="职责依据", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    examples = forms.CharField(
        label="示例诉求",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一条",
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    note = forms.CharField(label="修改说明", max_length=200, required=False)

    def __init__(self, *args: Any, require_note: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = require_note
        if require_note:
            self.fields["note"].error_messages["required"] = "请填写修改说明（为什么改）"
        for name, field in self.fields.items():
            field.error_messages.setdefault("required", f"请填写{field.label}")
            if name in ("matter", "keywords"):
                field.error_messages["required"] = f"请填写{field.label}"


def _require_view(user: Any) -> None:
    if not dutylist.can_view(user):
        raise Http404("无权访问")


def _require_manage(user: Any) -> None:
    if not dutylist.can_manage(user):
        raise Http404("无权访问")


@login_required
def duty_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    filters = list_filters(request, "search", "dept_type", "active")
    qs = dutylist.entry_list(**filters)
    trial = request.GET.get("try", "").strip()[:500]
    context: dict[str, Any] = {
        "filters": filters,
        "dept_choices": _dept_choices(),
        "dept_names": DEPT_NAMES,
        "can_manage": dutylist.can_manage(request.user),
        "version": dutylist.list_version(),
        "empty": not DutyEntry.objects.exists(),
        "trial": trial,
        "trial_hits": dutylist.try_rules(trial) if trial else None,
        "level_labels": dict(DutyLevel.choices),
        "institution_labels": dict(Institution.choices),
    }
    context.update(paginate(request, qs, per_page=50))
    return render(request, "hotline/duties/list.html", context)


def _initial(entry: DutyEntry) -> dict[str, Any]:
    return {
        name: getattr(entry, name)
        for name in (
            "matter",
            "dept_type",
            "level",
            "institution",
            "keywords",
            "context",
            "unless",
            "priority",
            "basis",
            "examples",
            "is_active",
        )
    }


@login_required
def duty_create(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    form = DutyEntryForm(request.POST or None, initial={"priority": 50, "is_active": True})
    return _duty_save(
        request,
        form,
        None,
        lambda data, note: dutylist.entry_create(actor=request.user, data=data, note=note),
        lambda e: f"已新增第{e.number}条「{e.matter}」",
    )


@login_required
def duty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request.user)
    entry = get_object_or_404(DutyEntry, pk=pk)
    form = DutyEntryForm(request.POST or None, initial=_initial(entry), require_note=True)
    return _duty_save(
        request,
        form,
        entry,
        lambda data, note: dutylist.entry_update(
            actor=request.user, entry=entry, data=data, note=note
        ),
        lambda e: f"已保存第{e.number}条（第{e.version}版）",
    )


def _duty_save(
    request: HttpRequest,
    form: DutyEntryForm,
    entry: DutyEntry | None,
    save: Callable[[dict[str, Any], str], DutyEntry],
    done: Callable[[DutyEntry], str],
) -> HttpResponse:
    """The form's POST: the service's refusal goes on the form (shown once, at its top)."""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note", "")
        try:
            saved = save(data, note)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done(saved))
            return redirect("hotline:duty_list")
    return render(request, "hotline/duties/form.html", {"form": form, "entry": entry})


@login_required
def duty_history(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request.user)
    entry = get_object_or_404(DutyEntry, pk=pk)
    revisions = list(entry.revisions.order_by("-version", "-id"))
    return render(
        request,
        "hotline/duties/history.html",
        {
            "entry": entry,
            "revisions": revisions,
            "dept_names": DEPT_NAMES,
            "level_labels": dict(DutyLevel.choices),
        },
    )


@login_required
@require_POST
def duty_seed(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    added = dutylist.duty_list_seed(actor=request.user)
    if added:
        messages.success(request, f"已导入初始职责清单 {added} 条")
    else:
        messages.error(request, "职责清单已有条目，未导入")
    return redirect("hotline:duty_list")


@login_required
def unit_search(request: HttpRequest) -> HttpResponse:
    """Handling units by name, type and area (htmx, for the intake page's unit picker)."""
    if not scope_of(request.user).has_role(Role.HOTLINE_AGENT):
        raise Http404("仅12345坐席可以使用")
    q = request.GET.get("unit_q", request.GET.get("q", "")).strip()[:40]
    units = learning.unit_search(q=q) if q else []
    return render(request, "hotline/partials/unit_search.html", {"units": units, "q": q})


@login_required
def routing_accuracy(request: HttpRequest) -> HttpResponse:
    """Managers: the proposal vs the unit that finally handled each order, week by week, and
    the confusions that cost the most returns."""
    if not scope_of(request.user).has_role(Role.HOTLINE_AGENT, Role.LEADER):
        raise Http404("无权访问")
    weeks = learning.accuracy_by_week(user=request.user)
    total = sum(w.orders for w in weeks)
    return render(
        request,
        "hotline/routing_accuracy.html",
        {
            "weeks": weeks,
            "total": total,
            "type_right": sum(w.type_right for w in weeks),
            "unit_right": sum(w.unit_right for w in weeks),
            "confusions": learning.costliest_confusions(user=request.user),
            "places": PlaceName.objects.order_by("-orders", "name")[:20],
        },
    )
