"""After the reply: the callback (回访, by an agent or the citizen's own rating), close
(办结), reopen and merge."""

from __future__ import annotations

import hmac
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition

from ..models import Callback, Satisfaction, Status, WorkOrder, WorkOrderAssignment
from ._common import (
    _dispatch_due,
    _event,
    _locked,
    _move,
    _require,
    _require_visible,
    _user,
)

# --- callback, close, reopen, merge --------------------------------------------------------


@transaction.atomic
def workorder_callback(
    *,
    actor: Any,
    order: WorkOrder,
    satisfaction: str,
    resolved: bool,
    comment: str = "",
    by_citizen: bool = False,
    close: bool = True,
) -> WorkOrder:
    """The callback (回访): satisfied or basically satisfied → closed (when ``close``);
    unsatisfied → reopened for the hotline to send back."""
    if satisfaction not in Satisfaction.values:
        raise ApplicationError("请选择满意、基本满意或不满意")
    order = _locked(order)
    if not by_citizen:
        _require(actor, order, "callback")
    now = timezone.now()
    before = _move(
        order,
        "callback",
        now,
        actor=actor,
        who=not by_citizen,
        satisfaction=satisfaction,
        resolved=bool(resolved),
    )
    Callback.objects.create(
        order=order,
        satisfaction=satisfaction,
        resolved=bool(resolved),
        comment=(comment or "").strip(),
        by_citizen=by_citizen,
        created_by=_user(actor),
    )
    _event(
        order,
        "callback",
        actor,
        before,
        note=comment or Satisfaction(satisfaction).label,
        data={"satisfaction": satisfaction, "resolved": bool(resolved), "by_citizen": by_citizen},
    )
    if satisfaction == Satisfaction.UNSATISFIED:
        due = _dispatch_due(order, now)
        before = _move(order, "reopen", now, actor=actor, who=False, due_at=due, closed_at=None)
        _event(order, "reopen", actor, before, note="回访不满意，重新办理")
    elif close:
        before = _move(order, "close", now, actor=actor, who=False, closed_at=now, due_at=None)
        _event(order, "close", actor, before, note="回访满意，办结")
    return order


#: A citizen rates an order once; a wrong secret counts against five tries a day per order.
CITIZEN_RATINGS_PER_ORDER = 1
CITIZEN_RATE_TRIES_PER_DAY = 5
_FOREVER = 100 * 365 * 86400


def workorder_citizen_rate(
    *, order: WorkOrder, phone_last4: str, satisfaction: str, resolved: bool, comment: str = ""
) -> WorkOrder:
    """The citizen's own rating on the public page (PUB-01): the tracking code alone is not
    enough — the last four digits of the phone the request came from must match; at most
    five tries per order a day; one rating per order, held under concurrency (``core.limits``
    locks the order's counter; a failed rating rolls its use back). Tries and refusals are
    committed on their own, so a wrong secret is counted and audited."""
    from lianxin.core import limits

    if not limits.consume(
        f"hotline:rate-try:{order.pk}", limit=CITIZEN_RATE_TRIES_PER_DAY, period=86400
    ):
        raise AccessDenied("尝试次数过多，请明天再试或拨打12345")
    given = "".join(ch for ch in unicodedata.normalize("NFKC", phone_last4 or "") if ch.isdigit())
    actual = "".join(ch for ch in (order.caller_phone or "") if ch.isdigit())
    if len(given) != 4 or len(actual) < 4 or not hmac.compare_digest(given, actual[-4:]):
        audit.record(
            actor=None,
            action="hotline.workorder.citizen_rate",
            target=order,
            changes={"reason": "secret"},
            result="denied",
        )
        raise AccessDenied("查询码或手机号后四位不正确")
    with transaction.atomic():
        if not limits.consume(
            f"hotline:rated:{order.pk}", limit=CITIZEN_RATINGS_PER_ORDER, period=_FOREVER
        ):
            raise Conflict("该工单已评价，每个工单只能评价一次")
        return workorder_callback(
            actor=None,
            order=order,
            satisfaction=satisfaction,
            resolved=resolved,
            comment=comment,
            by_citizen=True,
        )


@transaction.atomic
def workorder_close(*, actor: Any, order: WorkOrder, note: str = "") -> WorkOrder:
    """Close (办结) after the callback, or straight after intake when the agent answered the
    caller directly (直接答复, a note is then required)."""
    order = _locked(order)
    _require(actor, order, "close")
    now = timezone.now()
    fields: dict[str, Any] = {"closed_at": now, "due_at": None}
    if order.status == Status.RECEIVED:
        if len((note or "").strip()) < 4:
            raise ApplicationError("直接办结须填写答复内容")
        fields.update(reply_text=note.strip(), replied_at=now, replied_on_time=True)
    before = _move(order, "close", now, actor=actor, **fields)
    _event(order, "close", actor, before, note=note)
    return order


@transaction.atomic
def workorder_reopen(*, actor: Any, order: WorkOrder, reason: str) -> WorkOrder:
    """Reopen a closed order (the citizen calls again about the same matter)."""
    if not (reason or "").strip():
        raise ApplicationError("请填写重新办理的原因")
    order = _locked(order)
    _require(actor, order, "reopen")
    now = timezone.now()
    before = _move(
        order, "reopen", now, actor=actor, due_at=_dispatch_due(order, now), closed_at=None
    )
    _event(order, "reopen", actor, before, note=reason.strip())
    return order


@transaction.atomic
def workorder_merge(*, actor: Any, order: WorkOrder, into: WorkOrder, note: str = "") -> WorkOrder:
    """Merge a duplicate into an earlier order; the duplicate ends as ``merged``."""
    if order.pk == into.pk:
        raise ApplicationError("不能合并到自身")
    first, second = sorted([order.pk, into.pk])
    locked = {o.pk: o for o in WorkOrder.objects.select_for_update().filter(pk__in=[first, second])}
    order, into = locked[order.pk], locked[into.pk]
    _require(actor, order, "merge")
    _require_visible(actor, into)
    if into.status == Status.MERGED:
        raise InvalidTransition("目标工单已被合并，请合并到主工单")
    now = timezone.now()
    before = _move(order, "merge", now, actor=actor, merged_into=into, due_at=None)
    WorkOrderAssignment.objects.filter(order=order, is_active=True).update(is_active=False)
    _event(
        order,
        "merge",
        actor,
        before,
        note=note or f"与工单 {into.tracking_code} 重复",
        data={"into": into.pk},
    )
    return order
