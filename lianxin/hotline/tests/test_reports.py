"""The three rates and the on-time rate on a fixture, the “回音” digest and its exports,
duplicates and the problem ledger."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lianxin.core.roles import Role
from lianxin.hotline import selectors, services
from lianxin.hotline.exports import safe_cell
from lianxin.hotline.models import LedgerStatus, ProblemLedgerItem, Status, WorkOrder

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)


def _order(world, n: int, **fields) -> WorkOrder:
    base = {
        "tracking_code": f"NXTEST{n:06d}",
        "hotline": world.a.orgs["hotline"],
        "text": f"测试诉求{n}：兴庆区胜利街路灯不亮",
        "area_code": world.a.village.code,
        "dept_type": "municipal_engineering",
        "received_at": NOW - 10 * DAY,
        "dispatch_due_at": NOW - 9 * DAY,
        "lead_unit": world.a.orgs["municipal_engineering"],
    }
    base.update(fields)
    return WorkOrder.objects.create(**base)


@pytest.fixture
def rated(world):
    d = NOW - 10 * DAY
    # replied orders: status, accepted, replied on time, satisfaction, resolved, other fields
    for n, status, accepted_at, on_time, satisfaction, resolved, more in (
        (1, Status.CLOSED, d, True, "satisfied", True, {}),
        (2, Status.CLOSED, d, False, "basically", False, {}),
        (3, Status.REOPENED, None, True, "unsatisfied", False, {"due_at": NOW - DAY}),
    ):
        _order(
            world,
            n,
            status=status,
            dispatched_at=d,
            accepted_at=accepted_at,
            replied_at=d,
            replied_on_time=on_time,
            satisfaction=satisfaction,
            resolved=resolved,
            **more,
        )
    _order(world, 4, status=Status.DISPATCHED, dispatched_at=d, due_at=NOW - DAY)
    _order(world, 5, status=Status.RECEIVED, lead_unit=None, due_at=NOW + DAY)
    _order(world, 6, status=Status.MERGED)
    # outside the period and outside the area: not counted
    _order(world, 7, status=Status.CLOSED, received_at=NOW - 400 * DAY, dispatched_at=d)
    _order(
        world,
        8,
        status=Status.DISPATCHED,
        area_code=world.b.village.code,
        dispatched_at=d,
        hotline=world.b.orgs["hotline"],
        lead_unit=world.b.orgs["municipal_engineering"],
    )


def test_rates_exact_values(rated, world):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    overall, groups = selectors.rates(user=agent, start=(NOW - 30 * DAY).date(), end=NOW.date())
    assert overall.total == 5
    assert (overall.dispatched, overall.accepted) == (4, 3)
    assert overall.response_rate == 75.0
    assert overall.called_back == 3
    assert overall.resolution_rate == 33.3
    assert overall.satisfaction_rate == 66.7
    # on time: 2 replied in time ÷ (3 replied + 1 open overdue without reply)
    assert (overall.replied, overall.replied_on_time, overall.overdue_open) == (3, 2, 1)
    assert overall.on_time_rate == 50.0
    assert [g.label for g in groups] == [world.a.orgs["municipal_engineering"].name]
    _, by_area = selectors.rates(
        user=agent, start=(NOW - 30 * DAY).date(), end=NOW.date(), by="area"
    )
    assert [g.total for g in by_area] == [5]
    _, by_month = selectors.rates(
        user=agent, start=(NOW - 30 * DAY).date(), end=NOW.date(), by="period"
    )
    assert sum(g.total for g in by_month) == 5


def test_reports_page_shows_definitions(rated, world, client):
    client.force_login(world.user(Role.HOTLINE_AGENT, "a"))
    body = client.get("/hotline/reports/").content.decode()
    for label, definition in selectors.METRIC_DEFINITIONS.values():
        assert label in body
        assert definition in body
    assert "75.0%" in body
    assert "50.0%" in body


def _closed_this_week(world, agent, unit_user, make_order, text):
    order = make_order(text=text)
    services.workorder_dispatch(
        actor=agent, order=order, lead_unit=world.a.orgs["municipal_engineering"]
    )
    services.workorder_accept(actor=unit_user, order=order)
    services.workorder_add_note(
        actor=unit_user, order=order, text="经现场核实，3盏路灯线路老化", kind="verification"
    )
    services.workorder_reply(actor=unit_user, order=order, text="=已更换线路，路灯全部恢复照明")
    services.workorder_callback(actor=agent, order=order, satisfaction="satisfied", resolved=True)
    return order


def test_digest_newspaper_form_and_exports(world, agent, unit_user, make_order, client):
    _closed_this_week(
        world, agent, unit_user, make_order, "兴庆区胜利街路灯坏了一个星期。晚上出行不便"
    )
    items = selectors.digest(user=agent, week_of=timezone.localdate())
    assert len(items) == 1
    item = items[0]
    assert item.request == "兴庆区胜利街路灯坏了一个星期。"
    assert item.hotline == world.a.orgs["hotline"].name
    assert item.unit == world.a.orgs["municipal_engineering"].name
    assert "线路老化" in item.verified
    assert "恢复照明" in item.done
    client.force_login(agent)
    week = timezone.localdate().isoformat()
    page = client.get(f"/hotline/digest/?week={week}").content.decode()
    assert "回 音" in page
    assert "胜利街路灯" in page
    assert "13995112233" not in page
    xlsx = client.get(f"/hotline/digest/export/?week={week}&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "工单号"
    assert sheet["F2"].value.startswith("'=")  # never a formula
    assert sheet["F2"].data_type == "s"
    csv_body = client.get(f"/hotline/digest/export/?week={week}&format=csv").content.decode(
        "utf-8-sig"
    )
    assert "'=已更换线路" in csv_body


def test_safe_cell():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+86") == "'+86"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("路灯") == "路灯"


def test_duplicates_found_by_text_area_and_time(world, agent, make_order):
    first = make_order(text="兴庆区胜利街路灯坏了一个星期，晚上很黑")
    make_order(text="兴庆区学校门口拥堵", dept_type="traffic_police")
    found = selectors.duplicate_candidates(
        user=agent, text="胜利街的路灯坏了一星期了，晚上很黑", area_code=world.a.village.code
    )
    assert [o.pk for o, _ in found] == [first.pk]
    # another county: not offered
    assert (
        selectors.duplicate_candidates(
            user=agent, text="胜利街的路灯坏了一星期了", area_code="640106"
        )
        == []
    )
    # older than the window: not offered
    WorkOrder.objects.filter(pk=first.pk).update(received_at=NOW - 30 * DAY)
    assert (
        selectors.duplicate_candidates(
            user=agent, text="胜利街的路灯坏了一星期了，晚上很黑", area_code=world.a.village.code
        )
        == []
    )


def test_hotspots_and_ledger(world, agent):
    # heating failures in the same community every winter, three winters
    n = 100
    for year in (2023, 2024, 2025):
        for day in (5, 12, 19):
            n += 1
            when = dt.datetime(year, 12, day, 9, tzinfo=dt.UTC)
            _order(
                world,
                n,
                dept_type="utility_heating",
                received_at=when,
                status=Status.CLOSED,
                text="暖气不热",
            )
    added = services.hotspots_refresh(actor=agent, since=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    assert added == 1
    item = ProblemLedgerItem.objects.get()
    assert (item.area_code, item.dept_type, item.season, item.order_count, item.years) == (
        world.a.village.code,
        "utility_heating",
        "winter",
        9,
        3,
    )
    assert "冬季" in item.title
    assert "兴庆区胜利街" not in item.title or "（" in item.title
    assert services.hotspots_refresh(actor=agent, since=dt.datetime(2023, 1, 1, tzinfo=dt.UTC)) == 0
    with pytest.raises(Exception, match="整改措施"):
        services.ledger_item_close(actor=agent, item=item, measures="")
    services.ledger_item_close(actor=agent, item=item, measures="更换小区供热主管网，入冬前试压")
    item.refresh_from_db()
    assert item.status == LedgerStatus.CLOSED


def test_digest_leaves_out_private_matters(world, agent, unit_user, make_order):
    order = make_order(text="兴庆区我长期遭受家暴，请妇联帮助", dept_type="womens_federation")
    services.workorder_close(actor=agent, order=order, note="已联系社区妇联主席上门")
    WorkOrder.objects.filter(pk=order.pk).update(
        lead_unit=world.a.orgs["municipal_engineering"], satisfaction="satisfied"
    )
    assert selectors.digest(user=agent, week_of=timezone.localdate()) == []


@pytest.mark.parametrize(
    "path",
    [
        "/hotline/reports/?start=0001-01-01&end=9999-12-31",
        "/hotline/reports/?start=9999-12-31",
        "/hotline/reports/export/?start=0001-01-01&end=9999-12-31",
        "/hotline/digest/?week=0001-01-01",
        "/hotline/digest/?week=9999-12-31",
        "/hotline/digest/export/?week=0001-01-01",
    ],
)
def test_extreme_dates_are_refused_in_chinese_not_a_500(rated, world, client, path):
    """Issue #11 finding 8: dates at the ends of the calendar gave 500."""
    client.force_login(world.user(Role.HOTLINE_AGENT, "a"))
    response = client.get(path)
    assert response.status_code == 400
    assert "日期超出范围" in response.content.decode()
