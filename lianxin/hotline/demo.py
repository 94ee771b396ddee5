"""Demo work orders: a year of 12345 requests across Ningxia in every state, routed to the units
of the demo directory, with DOMAIN.md's examples, heating failures in a Yinchuan estate every
winter (the hotspot finder lists them), orders in the queues of hotline_agent_a and unit_staff_a,
and an API key for a demo Open311 client. Built with bulk_create; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from lianxin.core import idnumber
from lianxin.core.democontext import DemoContext
from lianxin.directory.models import Organisation, OrgKind

from . import services, timelimits
from .models import (
    AssignmentRole,
    Callback,
    Channel,
    NoteKind,
    Open311ApiKey,
    WorkOrder,
    WorkOrderAssignment,
    WorkOrderEvent,
    WorkOrderNote,
)
from .routing.classifier import read_requests
from .selectors import DirectoryUnitResolver

ORDERS = 3000
KEY_PREFIX = "demo-"
SURNAMES = "王李张刘陈杨马赵黄周吴徐孙胡朱高林何郭罗海田丁"
DONE = {
    "municipal_engineering": "已安排维修班组现场处置，设施已修复并恢复使用。",
    "traffic_police": "已调整信号配时并加强该路段巡逻管控，通行秩序恢复正常。",
    "human_resources": "已约谈施工单位，督促其结清拖欠工资，劳动者已领到工资。",
    "utility_heating": "已排查二次管网并放气清堵，室温经复测达到18℃以上。",
    "utility_water": "已抢修爆裂管道，供水恢复正常。",
    "utility_power": "已更换故障变压器熔断器，线路恢复送电。",
    "urban_management": "已责令整改并清理占道经营，将持续加强巡查。",
    "market_regulation": "已对商户开展检查，责令退还多收费用并立案调查。",
    "property_company": "已督促物业公司整改，问题已处理。",
    "education": "已责成学校说明情况并规范收费，相关费用已退还。",
}
DEFAULT_DONE = "已按职责核实处理，并向群众反馈办理结果。"


@dataclass
class Plan:
    order: WorkOrder
    unit: Organisation | None
    events: list[tuple[str, str, str, dt.datetime, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    callback: tuple[str, bool] | None = None


def _status_for(age_days: float, rng: random.Random) -> str:
    r = rng.random()
    if age_days > 30:
        table = [
            (0.84, "closed"),
            (0.87, "merged"),
            (0.90, "callback"),
            (0.94, "replied"),
            (0.97, "handling"),
            (1.0, "reopened"),
        ]
    elif age_days > 7:
        table = [
            (0.55, "closed"),
            (0.70, "replied"),
            (0.80, "handling"),
            (0.86, "accepted"),
            (0.91, "dispatched"),
            (0.94, "returned"),
            (0.97, "reopened"),
            (1.0, "merged"),
        ]
    else:
        table = [
            (0.15, "received"),
            (0.38, "dispatched"),
            (0.52, "accepted"),
            (0.66, "handling"),
            (0.80, "replied"),
            (0.90, "closed"),
            (0.95, "returned"),
            (1.0, "callback"),
        ]
    return next(s for limit, s in table if r <= limit)


class _Builder:
    def __init__(self, ctx: DemoContext, now: dt.datetime) -> None:
        self.rng = random.Random(ctx.seed + 4)
        self.now = now
        self.resolver = DirectoryUnitResolver()
        self.hotlines = {
            o.area_code: o for o in Organisation.objects.filter(kind=OrgKind.HOTLINE_CENTRE)
        }
        self.plans: list[Plan] = []
        self.seq = 0

    def hotline(self, area_code: str) -> Organisation:
        return self.hotlines.get(area_code[:4]) or self.hotlines["64"]

    def add(
        self,
        *,
        text: str,
        dept_type: str,
        area_code: str,
        received: dt.datetime,
        status: str,
        place: str = "",
        channel: str = Channel.PHONE,
        satisfaction: str | None = None,
        reply_after: dt.timedelta | None = None,
        unit: Organisation | None = None,
        verification: str = "",
        done: str = "",
        urgency: str = "general",
    ) -> Plan | None:
        rng = self.rng
        unit = unit or self.resolver.unit(dept_type, area_code, "township")
        if unit is None and status not in ("received", "merged"):
            return None
        self.seq += 1
        number = f"139{rng.randrange(10**7, 10**8)}"
        order = WorkOrder(
            tracking_code=services.new_tracking_code(received),
            channel=channel,
            hotline=self.hotline(area_code),
            caller_name=f"{rng.choice(SURNAMES)}{rng.choice(['先生', '女士'])}",
            caller_phone=number,
            caller_phone_hash=idnumber.search_hash(number),
            text=text,
            place=place,
            area_code=area_code,
            dept_type=dept_type,
            urgency=urgency,
            status=status,
            received_at=received,
            idempotency_key=f"{KEY_PREFIX}{self.seq}",
            routed_dept_type=dept_type,
            routed_confidence=round(rng.uniform(0.55, 0.98), 2),
        )
        limits = timelimits.limits_for(urgency=urgency, channel=channel, dept_type=dept_type)
        order.dispatch_due_at = timelimits.deadline(received, limits["dispatch"])
        plan = Plan(order, unit)
        ev = plan.events
        ev.append(("intake", "", "received", received, ""))
        if status == "received":
            order.due_at = order.dispatch_due_at
            return self._keep(plan)
        if status == "merged":
            t = received + dt.timedelta(minutes=rng.randint(3, 50))
            ev.append(("merge", "received", "merged", t, "与同一地点的在办工单重复，合并办理"))
            return self._keep(plan)
        dispatched = received + dt.timedelta(minutes=rng.randint(5, 300))
        reply_due = timelimits.deadline(dispatched, limits["reply"])
        order.dispatched_at, order.reply_due_at, order.lead_unit = dispatched, reply_due, unit
        ev.append(("dispatch", "received", "dispatched", dispatched, ""))
        if status == "returned":
            t = dispatched + dt.timedelta(hours=rng.randint(1, 20))
            ev.append(
                (
                    "return",
                    "dispatched",
                    "returned",
                    t,
                    "经核实该事项不属于本单位职责，建议转属地街道办理",
                )
            )
            order.lead_unit = None
            order.due_at = timelimits.deadline(t, limits["dispatch"])
            return self._keep(plan, active=False)
        if status == "dispatched":
            order.due_at = reply_due
            return self._keep(plan)
        accepted = dispatched + dt.timedelta(hours=rng.uniform(0.5, 20))
        order.accepted_at = accepted
        ev.append(("accept", "dispatched", "accepted", accepted, ""))
        if status == "accepted":
            order.due_at = reply_due
            return self._keep(plan)
        checked = accepted + dt.timedelta(hours=rng.uniform(1, 30))
        order.verification = verification or "经现场核实，群众反映情况属实。"
        plan.notes.append(order.verification)
        ev.append(("handle", "accepted", "handling", checked, order.verification))
        if status == "handling":
            order.due_at = reply_due
            return self._keep(plan)
        if reply_after is not None:
            replied = received + reply_after
        else:
            late = rng.random() < 0.08
            replied = (
                (reply_due + dt.timedelta(hours=rng.uniform(2, 72)))
                if late
                else (checked + (reply_due - checked) * rng.uniform(0.1, 0.9))
            )
        replied = min(
            max(replied, checked + dt.timedelta(minutes=30)), self.now - dt.timedelta(minutes=5)
        )
        order.replied_at, order.replied_on_time = replied, replied <= reply_due
        order.reply_text = done or DONE.get(dept_type, DEFAULT_DONE)
        ev.append(("reply", "handling", "replied", replied, order.reply_text))
        if status == "replied":
            return self._keep(plan)
        called = min(
            replied + dt.timedelta(hours=rng.uniform(2, 40)), self.now - dt.timedelta(minutes=1)
        )
        r = rng.random()
        sat = satisfaction or (
            "satisfied" if r < 0.82 else "basically" if r < 0.94 else "unsatisfied"
        )
        if status == "reopened":
            sat = "unsatisfied"
        elif sat == "unsatisfied":
            sat = "basically"
        resolved = sat != "unsatisfied" and rng.random() < 0.93
        order.satisfaction, order.resolved = sat, resolved
        plan.callback = (sat, resolved)
        ev.append(
            (
                "callback",
                "replied",
                "callback",
                called,
                {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}[sat],
            )
        )
        if status == "callback":
            return self._keep(plan)
        if status == "reopened":
            ev.append(("reopen", "callback", "reopened", called, "回访不满意，重新办理"))
            order.due_at = timelimits.deadline(called, limits["dispatch"])
            return self._keep(plan, active=False)
        order.closed_at = called
        ev.append(("close", "callback", "closed", called, "回访满意，办结"))
        return self._keep(plan)

    def _keep(self, plan: Plan, active: bool = True) -> Plan:
        plan.order._demo_active = active  # type: ignore[attr-defined]
        self.plans.append(plan)
        return plan

    def save(self) -> int:
        orders = [p.order for p in self.plans]
        for o in orders:
            o.created_at = o.received_at
        WorkOrder.objects.bulk_create(orders, batch_size=500)
        saved = {
            o.idempotency_key: o
            for o in WorkOrder.objects.filter(
                idempotency_key__in=[o.idempotency_key for o in orders]
            ).only("pk", "idempotency_key")
        }
        assignments, events, notes, callbacks = [], [], [], []
        for plan in self.plans:
            pk = saved[plan.order.idempotency_key].pk
            if plan.unit is not None and plan.order.dispatched_at is not None:
                assignments.append(
                    WorkOrderAssignment(
                        order_id=pk,
                        organisation=plan.unit,
                        role=AssignmentRole.LEAD,
                        is_active=plan.order._demo_active,  # type: ignore[attr-defined]
                        accepted_at=plan.order.accepted_at,
                        created_at=plan.order.dispatched_at,
                    )
                )
            for action, before, after, at, note in plan.events:
                events.append(
                    WorkOrderEvent(
                        order_id=pk,
                        action=action,
                        from_status=before,
                        to_status=after,
                        actor_name="演示数据",
                        organisation=plan.unit
                        if action in ("accept", "handle", "reply", "return")
                        else None,
                        at=at,
                        note=note,
                    )
                )
            for text in plan.notes:
                notes.append(
                    WorkOrderNote(
                        order_id=pk, organisation=plan.unit, kind=NoteKind.VERIFICATION, text=text
                    )
                )
            if plan.callback is not None:
                sat, resolved = plan.callback
                callbacks.append(Callback(order_id=pk, satisfaction=sat, resolved=resolved))
        WorkOrderAssignment.objects.bulk_create(assignments, batch_size=1000)
        WorkOrderEvent.objects.bulk_create(events, batch_size=2000)
        WorkOrderNote.objects.bulk_create(notes, batch_size=1000)
        Callback.objects.bulk_create(callbacks, batch_size=1000)
        return len(orders)


def _examples(b: _Builder, now: dt.datetime) -> None:
    """DOMAIN.md's requests, word for word in spirit."""
    lamp_received = now - dt.timedelta(days=20, hours=3)
    b.add(
        text="金凤区满城北街一段路的路灯已经坏了一个星期，晚上一片漆黑，行人和电动车都不安全。",
        dept_type="municipal_engineering",
        area_code="640106",
        place="金凤区满城北街",
        received=lamp_received,
        status="closed",
        satisfaction="satisfied",
        reply_after=dt.timedelta(days=2),
        verification="经现场核实，满城北街12盏路灯因电缆被施工挖断不亮，情况属实。",
        done="市政工程管理所两天内更换受损电缆并恢复全部路灯照明。",
    )
    wage_received = now - dt.timedelta(days=35)
    hotline_wuzhong = b.hotlines.get("6403")
    plan = b.add(
        text="利通区一处建筑工地的农民工已经三个月没拿到工资了，找包工头也找不到人。",
        dept_type="human_resources",
        area_code="640302",
        place="利通区",
        received=wage_received,
        status="closed",
        satisfaction="satisfied",
        reply_after=dt.timedelta(days=6),
        verification="经核实，该工地拖欠23名农民工工资共计41.6万元，情况属实。",
        done="区人力资源和社会保障局约谈施工总包单位，督促其通过工资专用账户足额支付，23名农民工已全部领到工资。",
    )
    if plan is not None and hotline_wuzhong is not None:
        plan.order.hotline = hotline_wuzhong


def _heating(b: _Builder, now: dt.datetime) -> None:
    """Heating failures in the same Yinchuan estate every winter (未诉先办)."""
    area = "640106"  # 金凤区
    from lianxin.areas.models import Division

    estate = (
        Division.objects.filter(code__startswith="640106", level="village").order_by("code").first()
    )
    code = estate.code if estate else area
    texts = [
        "金凤区阅海万家小区暖气不热，家里只有十四五度，老人孩子受不了",
        "金凤区阅海万家小区3号楼暖气片冰凉，供热公司电话打不通",
        "金凤区阅海万家小区供暖温度一直不达标，请供热企业来看看",
    ]
    this_winter = now.year if now.month >= 11 else now.year - 1
    for year in (this_winter - 2, this_winter - 1, this_winter):
        for i in range(4):
            received = dt.datetime(year, 11 if i == 0 else 12, 10 + i * 4, 9, tzinfo=dt.UTC)
            if year + 1 <= now.year and i == 3:
                received = dt.datetime(year + 1, 1, 8, 9, tzinfo=dt.UTC)
            if received > now - dt.timedelta(hours=2):
                received = now - dt.timedelta(hours=3 + i)
            age = (now - received).days
            b.add(
                text=texts[i % 3],
                dept_type="utility_heating",
                area_code=code,
                place="金凤区阅海万家小区",
                received=received,
                status="closed" if age > 10 else "handling",
                urgency="utility_outage",
            )


def _queues(b: _Builder, now: dt.datetime) -> None:
    """Open orders for the demo agent (银川) and unit (兴庆区市政工程管理所)."""
    unit = Organisation.objects.filter(code="640104-municipal_engineering").first()
    texts = [
        "兴庆区解放东街人行道上的窨井盖丢了，很危险",
        "兴庆区丽景街一段路面塌陷出现大坑",
        "兴庆区胜利街路灯一到晚上就闪，已经好几天了",
        "兴庆区清和街下水道堵塞，污水漫到路上",
        "兴庆区湖滨街护栏被撞坏一直没人修",
        "兴庆区民族街路口的排水口堵了，下雨就积水",
    ]
    for i, text in enumerate(texts):
        b.add(
            text=text,
            dept_type="municipal_engineering",
            area_code="640104",
            place="兴庆区",
            received=now - dt.timedelta(hours=6 + 20 * i),
            status=["dispatched", "dispatched", "accepted", "handling", "dispatched", "handling"][
                i
            ],
            unit=unit,
        )
    for i, text in enumerate(
        [
            "金凤区宝湖路有人占道经营烧烤，油烟很大",
            "西夏区怀远路公交站牌被撞倒了",
            "兴庆区大新镇一家小超市卖过期食品",
        ]
    ):
        b.add(
            text=text,
            dept_type=["urban_management", "transport", "market_regulation"][i],
            area_code=["640106", "640105", "640104"][i],
            received=now - dt.timedelta(minutes=40 + 30 * i),
            status="received",
        )


def load(ctx: DemoContext) -> None:
    if WorkOrder.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        ctx.say(f"12345工单：已存在，共 {WorkOrder.objects.count()} 件")
    else:
        now = timezone.now()
        builder = _Builder(ctx, now)
        rows = [r for r in read_requests(None) if r["area_code"].startswith("64")]
        rng = builder.rng
        with transaction.atomic():
            _examples(builder, now)
            _heating(builder, now)
            _queues(builder, now)
            for _ in range(ORDERS):
                row = rng.choice(rows)
                age = rng.triangular(0, 365, 20)
                received = now - dt.timedelta(days=age, minutes=rng.randint(0, 600))
                channel = rng.choices(
                    [Channel.PHONE, Channel.WEB, Channel.APP, Channel.CPPCC], [80, 10, 8, 2]
                )[0]
                builder.add(
                    text=row["text"],
                    dept_type=row["dept_type"],
                    area_code=row["area_code"],
                    received=received,
                    status=_status_for(age, rng),
                    channel=channel,
                    urgency="utility_outage"
                    if row["dept_type"].startswith("utility_") and rng.random() < 0.5
                    else ("complex" if rng.random() < 0.05 else "general"),
                )
            created = builder.save()
        added = services.hotspots_refresh(since=now - dt.timedelta(days=3 * 366))
        ctx.say(f"12345工单：新增 {created} 件，问题清单新增 {added} 项")
    hotline = (
        Organisation.objects.filter(code="64-hotline").first()
        or Organisation.objects.filter(kind=OrgKind.HOTLINE_CENTRE).first()
    )
    if hotline is not None:
        key = _previous_demo_key()
        if key is None:  # the key is shown once and only its hash is kept: rotate when lost
            Open311ApiKey.objects.filter(name="演示Open311客户端").update(is_active=False)
            _, key = services.open311_key_create(
                actor=None, name="演示Open311客户端", hotline=hotline
            )
            ctx.say("Open311：已为演示客户端生成 API 密钥（见 var/demo_accounts.json）")
        ctx.extras["open311_api_key"] = key
    from .learning import demo_routing

    demo_routing(ctx)


def _previous_demo_key() -> str | None:
    """The demo client's key from the last demo accounts file, if it is still valid."""
    import json
    from pathlib import Path

    from django.conf import settings

    path = Path(
        getattr(settings, "DEMO_ACCOUNTS_PATH", Path(settings.VAR_DIR) / "demo_accounts.json")
    )
    try:
        key = json.loads(path.read_text(encoding="utf-8")).get("open311_api_key", "")
    except (OSError, ValueError):
        return None
    record = (
        Open311ApiKey.objects.filter(
            key_hash=services.open311_key_hash(key), is_active=True
        ).first()
        if key
        else None
    )
    return key if record is not None else None
