"""The work-order actions shared by the pages and the API: each parses its input (a form or a
JSON body) and calls its service. Only the fields named here are read (SEC-03)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lianxin.core.errors import ApplicationError, NotFound
from lianxin.directory.models import Organisation

from . import services
from .models import ExtensionRequest, WorkOrder


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return str(value).strip() if value is not None else ""


def _bool(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on", "是"}


def _ids(data: Mapping[str, Any], name: str) -> list[str]:
    values = data.getlist(name) if hasattr(data, "getlist") else (data.get(name) or [])
    if isinstance(values, str | int):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(p for p in str(v).replace("，", ",").split(",") if p.strip())
    return [p.strip() for p in out]


def _unit(data: Mapping[str, Any], name: str, *, required: bool = True) -> Organisation | None:
    raw = _text(data, name)
    if not raw:
        if required:
            raise ApplicationError("请选择承办单位")
        return None
    qs = Organisation.objects.filter(is_handling_unit=True, is_active=True)
    unit = qs.filter(pk=int(raw)).first() if raw.isdigit() else qs.filter(code=raw).first()
    if unit is None:
        raise ApplicationError("承办单位不存在或不可承办工单")
    return unit


def _units(data: Mapping[str, Any], name: str) -> list[Organisation]:
    raw = _ids(data, name)
    numeric = [int(r) for r in raw if r.isdigit()]
    codes = [r for r in raw if not r.isdigit()]
    qs = Organisation.objects.filter(is_handling_unit=True, is_active=True)
    found = list(qs.filter(pk__in=numeric)) + list(qs.filter(code__in=codes))
    if len(found) != len(set(raw)):
        raise ApplicationError("协办单位不存在或不可承办工单")
    return found


def _order_ref(user: Any, data: Mapping[str, Any], name: str) -> WorkOrder:
    raw = _text(data, name)
    qs = WorkOrder.objects.for_user(user)
    found = (
        qs.filter(pk=int(raw)).first()
        if raw.isdigit()
        else qs.filter(tracking_code=raw.upper()).first()
    )
    if found is None:
        raise NotFound("目标工单不存在或无权访问")
    return found


def _extension(order: WorkOrder, data: Mapping[str, Any]) -> ExtensionRequest:
    raw = _text(data, "extension")
    qs = ExtensionRequest.objects.filter(order=order)
    ext = qs.filter(pk=int(raw)).first() if raw.isdigit() else qs.filter(status="pending").first()
    if ext is None:
        raise NotFound("延期申请不存在")
    return ext


def _int(data: Mapping[str, Any], name: str, label: str) -> int:
    raw = _text(data, name)
    if not raw.isdigit():
        raise ApplicationError(f"请填写{label}")
    return int(raw)


Handler = Callable[[Any, WorkOrder, Mapping[str, Any], Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    label: str
    handler: Handler
    success: str


ACTIONS: dict[str, Action] = {
    "dispatch": Action(
        "派单",
        lambda u, o, d, f: services.workorder_dispatch(
            actor=u,
            order=o,
            lead_unit=_unit(d, "lead_unit"),
            support_units=_units(d, "support_units"),
            note=_text(d, "note"),
        ),
        "已派单",
    ),
    "accept": Action(
        "签收", lambda u, o, d, f: services.workorder_accept(actor=u, order=o), "已签收"
    ),
    "return": Action(
        "退单",
        lambda u, o, d, f: services.workorder_return(actor=u, order=o, reason=_text(d, "reason")),
        "已退单，等待热线审核",
    ),
    "review_return": Action(
        "退单审核",
        lambda u, o, d, f: services.workorder_review_return(
            actor=u,
            order=o,
            upheld=_bool(d, "upheld"),
            note=_text(d, "note"),
            lead_unit=_unit(d, "lead_unit", required=False),
            support_units=_units(d, "support_units"),
        ),
        "已审核并重新派单",
    ),
    "note": Action(
        "办理记录",
        lambda u, o, d, f: services.workorder_add_note(
            actor=u, order=o, text=_text(d, "text"), kind=_text(d, "kind") or "handling"
        ),
        "已记录",
    ),
    "attachment": Action(
        "上传附件",
        lambda u, o, d, f: services.workorder_add_attachment(actor=u, order=o, upload=_file(f)),
        "已上传",
    ),
    "request_extension": Action(
        "申请延期",
        lambda u, o, d, f: services.workorder_request_extension(
            actor=u,
            order=o,
            working_days=_int(d, "working_days", "延期工作日"),
            reason=_text(d, "reason"),
        ),
        "已提交延期申请",
    ),
    "decide_extension": Action(
        "审批延期",
        lambda u, o, d, f: services.workorder_decide_extension(
            actor=u, extension=_extension(o, d), approve=_bool(d, "approve"), note=_text(d, "note")
        ),
        "已审批",
    ),
    "reply": Action(
        "答复",
        lambda u, o, d, f: services.workorder_reply(
            actor=u, order=o, text=_text(d, "text"), verification=_text(d, "verification")
        ),
        "已答复",
    ),
    "callback": Action(
        "回访",
        lambda u, o, d, f: services.workorder_callback(
            actor=u,
            order=o,
            satisfaction=_text(d, "satisfaction"),
            resolved=_bool(d, "resolved"),
            comment=_text(d, "comment"),
        ),
        "已回访",
    ),
    "close": Action(
        "办结",
        lambda u, o, d, f: services.workorder_close(actor=u, order=o, note=_text(d, "note")),
        "已办结",
    ),
    "reopen": Action(
        "重新办理",
        lambda u, o, d, f: services.workorder_reopen(actor=u, order=o, reason=_text(d, "reason")),
        "已重新办理",
    ),
    "merge": Action(
        "合并",
        lambda u, o, d, f: services.workorder_merge(
            actor=u, order=o, into=_order_ref(u, d, "into"), note=_text(d, "note")
        ),
        "已合并",
    ),
    "supervise": Action(
        "督办",
        lambda u, o, d, f: services.workorder_supervise(actor=u, order=o, note=_text(d, "note")),
        "已督办",
    ),
    "escalate": Action(
        "提级办理",
        lambda u, o, d, f: services.workorder_escalate(
            actor=u, order=o, to_unit=_unit(d, "to_unit"), note=_text(d, "note")
        ),
        "已提级办理",
    ),
    "consult": Action(
        "会商",
        lambda u, o, d, f: services.workorder_consult(
            actor=u, order=o, units=_units(d, "units"), note=_text(d, "note")
        ),
        "已发起会商",
    ),
    "refer_care": Action(
        "转介关爱帮扶",
        lambda u, o, d, f: services.workorder_refer_to_care(
            actor=u, order=o, note=_text(d, "note")
        ),
        "已转介",
    ),
}


def _file(files: Mapping[str, Any]) -> Any:
    upload = files.get("file") if files else None
    if upload is None:
        raise ApplicationError("请选择要上传的文件")
    return upload


def perform(
    *, user: Any, order: WorkOrder, action: str, data: Mapping[str, Any], files: Mapping[str, Any]
) -> Any:
    """Run one action on an order the caller already fetched through ``for_user``."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise NotFound("不支持的操作")
    return spec.handler(user, order, data, files)
