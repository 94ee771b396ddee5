"""A unit's work on an order: notes (the first moves it into handling), attachments,
extensions and the reply (答复)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from lianxin.core.errors import ApplicationError, Conflict, InvalidTransition
from lianxin.core.servicekit import required_text

from ..models import (
    AssignmentRole,
    ExtensionRequest,
    ExtensionStatus,
    NoteKind,
    WorkOrder,
    WorkOrderAttachment,
    WorkOrderNote,
)
from ..workflows import WORKORDER_WORKFLOW, check
from ._common import (
    _as_lead,
    _event,
    _locked,
    _move,
    _require,
    _unit_assignment,
    _user,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


# --- handling ------------------------------------------------------------------------------


@transaction.atomic
def workorder_add_note(
    *, actor: Any, order: WorkOrder, text: str, kind: str = NoteKind.HANDLING
) -> WorkOrderNote:
    """A handling note (现场核实、办理情况). The lead unit's first note moves the order into
    handling."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError("办理记录不能为空")
    if kind not in NoteKind.values:
        raise ApplicationError("记录类型不正确")
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=False)
    unit = assignment.organisation
    now = timezone.now()
    if (
        assignment.role == AssignmentRole.LEAD
        and order.status in WORKORDER_WORKFLOW.transition("handle").sources
    ):
        before = _move(order, "handle", now, actor=actor)
        action = "handle"
    else:
        check(actor, order, "note")
        before = order.status
        action = "note"
    note = WorkOrderNote.objects.create(
        order=order,
        organisation=unit,
        kind=kind,
        text=text,
        created_by=_user(actor),
    )
    if kind == NoteKind.VERIFICATION:
        combined = f"{order.verification}\n{text}".strip()
        WorkOrder.objects.filter(pk=order.pk).update(verification=combined)
        order.verification = combined
    _event(
        order,
        action=action,
        actor=actor,
        from_status=before,
        note=text,
        organisation=unit,
        data={"kind": kind},
    )
    return note


@transaction.atomic
def workorder_add_attachment(
    *, actor: Any, order: WorkOrder, upload: UploadedFile
) -> WorkOrderAttachment:
    """Attach a photo or document (jpg, png, pdf, docx, xlsx; at most 10 MB; content checked)."""
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=False)
    unit = assignment.organisation
    check(actor, order, "attachment")
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ATTACHMENT_TYPES:
        raise ApplicationError("只能上传图片（jpg、png）、PDF、Word或Excel文件")
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ApplicationError("附件不能超过10MB")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ATTACHMENT_TYPES[suffix]):
        raise ApplicationError("文件内容与扩展名不符")
    attachment = WorkOrderAttachment.objects.create(
        order=order,
        file=upload,
        name=name,
        size=upload.size,
        content_type=suffix.lstrip("."),
        created_by=_user(actor),
    )
    _event(order, "note", actor, order.status, note=f"上传附件：{name}", organisation=unit)
    return attachment


@transaction.atomic
def workorder_request_extension(
    *, actor: Any, order: WorkOrder, working_days: int, reason: str
) -> ExtensionRequest:
    """The lead unit asks for more time (延期申请), at most 15 working days at once."""
    if not 1 <= int(working_days) <= 15:
        raise ApplicationError("延期天数应为1至15个工作日")
    if not (reason or "").strip():
        raise ApplicationError("请填写延期理由")
    order, assignment = _as_lead(actor, order)
    unit = assignment.organisation
    if ExtensionRequest.objects.filter(order=order, status=ExtensionStatus.PENDING).exists():
        raise Conflict("已有待审批的延期申请")
    check(actor, order, "request_extension")
    request = ExtensionRequest.objects.create(
        order=order,
        organisation=unit,
        working_days=int(working_days),
        reason=reason.strip(),
        created_by=_user(actor),
    )
    _event(
        order,
        "request_extension",
        actor,
        order.status,
        note=reason.strip(),
        organisation=unit,
        data={"working_days": int(working_days)},
    )
    return request


@transaction.atomic
def workorder_decide_extension(
    *,
    actor: Any,
    extension: ExtensionRequest,
    approve: bool,
    note: str = "",
    order: WorkOrder | None = None,
) -> ExtensionRequest:
    """The hotline approves or refuses an extension; approval moves the reply deadline.
    (``order``: the extension's order, as the workflow passes it; the extension decides.)"""
    order = _locked(extension.order_id)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise InvalidTransition("该延期申请已审批")
    _require(actor, order, "decide_extension")
    check(actor, order, "decide_extension", who=False)
    now = timezone.now()
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_at = now
    extension.decision_note = note
    extension.updated_by = _user(actor)
    extension.save()
    if approve and order.reply_due_at is not None:
        from lianxin.core.workdays import add_working_days

        new_due = add_working_days(order.reply_due_at, extension.working_days)
        WorkOrder.objects.filter(pk=order.pk).update(reply_due_at=new_due, due_at=new_due)
        order.reply_due_at = order.due_at = new_due
    _event(
        order,
        "decide_extension",
        actor,
        order.status,
        note=note or ("同意延期" if approve else "不同意延期"),
        data={"approved": approve, "working_days": extension.working_days},
    )
    return extension


@transaction.atomic
def workorder_reply(
    *, actor: Any, order: WorkOrder, text: str, verification: str = ""
) -> WorkOrder:
    """The lead unit answers the citizen (答复): what was verified and what was done."""
    text = required_text(text, "请填写答复内容（至少4个字）", min_length=4)
    order, assignment = _as_lead(actor, order)
    unit = assignment.organisation
    now = timezone.now()
    verification = (verification or "").strip() or order.verification
    before = _move(
        order,
        "reply",
        now,
        actor=actor,
        reply_text=text,
        verification=verification,
        replied_at=now,
        replied_on_time=order.reply_due_at is None or now <= order.reply_due_at,
        due_at=None,
    )
    _event(order, "reply", actor, before, note=text, organisation=unit)
    return order
