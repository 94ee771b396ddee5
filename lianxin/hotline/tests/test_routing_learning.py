"""The duty list decides, places resolve, intake is one service that records corrections on
every channel, and a correction followed by retraining routes the same request to the
corrected unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.hotline import dutylist, learning, selectors, services
from lianxin.hotline.intake import intake_request
from lianxin.hotline.models import (
    CorrectionSource,
    DutyEntry,
    DutyEntryRevision,
    PlaceName,
    RoutingCorrection,
    RoutingRecord,
    Status,
    WorkOrder,
)
from lianxin.hotline.routing import InMemoryUnitResolver, Router, demo_units, locate
from lianxin.hotline.routing.duties import default_duties
from lianxin.hotline.routing.gazetteer import default_gazetteer
from lianxin.hotline.tests import factories as hotline_f

TEXT = "兴庆区凤凰北街街道安秀社区门口的路灯坏了一个星期"


@pytest.fixture(scope="module")
def pure_router() -> Router:
    return Router()


@pytest.fixture(scope="module")
def resolver() -> InMemoryUnitResolver:
    return InMemoryUnitResolver(demo_units())


def _admin(world: Any) -> Any:
    user = world.user(Role.HOTLINE_AGENT, "a")
    user.user_permissions.add(Permission.objects.get(codename="manage_dutylist"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


# --- the duty list ------------------------------------------------------------------------


def test_seed_list_has_the_matters_the_region_asks_for():
    duties = default_duties()
    assert len(duties) >= 80
    codes = {r.code for r in duties.rules}
    assert {
        "heating-university",
        "telecom-cable",
        "construction-road-closed",
        "order-decorative-lights",
        "heating-heat-pump-village",
        "heating-compound",
        "construction-congestion",
        "local-neighbour-dispute",
        "local-village-road",
        "local-village-lamp",
    } <= codes


@pytest.mark.parametrize(
    ("text", "code", "dept_type", "unit_area", "unit_level"),
    [
        ("西夏区宁夏大学宿舍暖气不热", "heating-university", "education", "64", "region"),
        ("金凤区路边的通信光缆掉下来了", "telecom-cable", "telecom", "64", "region"),
        (
            "兴庆区丽景街修路天天堵车",
            "construction-congestion",
            "traffic_police",
            "640104",
            "county",
        ),
        (
            "同心县韦州镇村里装的空气源热泵坏了",
            "heating-heat-pump-village",
            "township_government",
            "640324102",
            "township",
        ),
        (
            "彭阳县红河镇村道全是坑",
            "local-village-road",
            "township_government",
            "640425103",
            "township",
        ),
        ("原州区古雁街道小区暖气不热", "heating-compound", "urban_management", "640402", "county"),
    ],
)
def test_duty_entry_decides_and_is_named(
    pure_router, resolver, text, code, dept_type, unit_area, unit_level
):
    p = pure_router.route(text, None, resolver)
    body = p.as_dict()
    assert body["duty_entry"]["code"] == code
    assert body["dept_type"] == dept_type
    assert (body["unit"]["area_code"], body["unit"]["level"]) == (unit_area, unit_level)
    assert "职责清单" in body["explanation"]
    assert body["duty_entry"]["matter"] in body["explanation"]


def test_local_matter_without_township_asks_for_the_place(pure_router, resolver):
    p = pure_router.route("原州区村里的路灯坏了好久", None, resolver)
    assert p.dept_type == "township_government"
    assert p.unit is None
    assert p.needs_place
    assert "乡镇（街道）" in p.explanation


@pytest.mark.django_db
def test_admin_edits_the_list_and_routing_follows(world):
    admin = _admin(world)
    assert dutylist.duty_list_seed(actor=admin) >= 80
    entry = DutyEntry.objects.get(code="heating-compound")
    before_audit = AuditEvent.objects.filter(action="hotline.duty.update").count()
    assert selectors.route_request(text="兴庆区胜利街小区暖气不热").dept_type == "urban_management"
    data = {**entry.as_rule_data(), "dept_type": "utility_heating", "is_active": True}
    dutylist.entry_update(actor=admin, entry=entry, data=data, note="本市由供热企业直接答复")
    entry.refresh_from_db()
    assert (entry.version, entry.dept_type) == (2, "utility_heating")
    assert DutyEntryRevision.objects.filter(entry=entry).count() == 2
    assert AuditEvent.objects.filter(action="hotline.duty.update").count() == before_audit + 1
    p = selectors.route_request(text="兴庆区胜利街小区暖气不热")
    assert p.dept_type == "utility_heating"
    assert p.duty["version"] == dutylist.list_version()


@pytest.mark.django_db
def test_agent_without_permission_cannot_edit(world):
    admin = _admin(world)
    dutylist.duty_list_seed(actor=admin)
    agent = world.user(Role.HOTLINE_AGENT, "a")
    entry = DutyEntry.objects.get(code="heating-compound")
    with pytest.raises(AccessDenied):
        dutylist.entry_update(
            actor=agent,
            entry=entry,
            data={**entry.as_rule_data(), "dept_type": "telecom"},
            note="x",
        )
    entry.refresh_from_db()
    assert (entry.version, entry.dept_type) == (1, "urban_management")
    with pytest.raises(ApplicationError):
        dutylist.entry_update(actor=admin, entry=entry, data=entry.as_rule_data(), note="")
    assert DutyEntryRevision.objects.filter(entry=entry).count() == 1


@pytest.mark.django_db
def test_duty_pages(client, world):
    admin = _admin(world)
    client.force_login(admin)
    response = client.post("/hotline/duties/seed/")
    assert response.status_code == 302
    page = client.get("/hotline/duties/", {"try": "西夏区宁夏大学宿舍暖气不热"}).content.decode()
    assert "高校宿舍、教室供暖不达标" in page
    assert "决定：" in page
    entry = DutyEntry.objects.get(code="telecom-cable")
    response = client.post(
        f"/hotline/duties/{entry.pk}/edit/",
        {
            **entry.as_rule_data(),
            "is_active": "on",
            "keywords": entry.keywords + " 网线杆",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "请填写修改说明" in response.content.decode()
    entry.refresh_from_db()
    assert entry.version == 1
    client.post(
        f"/hotline/duties/{entry.pk}/edit/",
        {
            **entry.as_rule_data(),
            "is_active": "on",
            "keywords": entry.keywords + " 网线杆",
            "note": "补充说法",
        },
    )
    entry.refresh_from_db()
    assert entry.version == 2
    assert "网线杆" in entry.keywords
    history = client.get(f"/hotline/duties/{entry.pk}/history/").content.decode()
    assert "补充说法" in history
    assert "第2版" in history
    # an agent without the permission sees the list but not the editor
    client.force_login(world.user(Role.HOTLINE_AGENT, "a"))
    assert client.get("/hotline/duties/").status_code == 200
    assert client.get(f"/hotline/duties/{entry.pk}/edit/").status_code == 404


# --- places -------------------------------------------------------------------------------


def test_crossing_resolves_to_the_named_district(pure_router, resolver):
    match = locate("大武口区解放西街与青山路交汇处老有人闯红灯")
    assert (match.code, match.level) == ("640202", "county")
    p = pure_router.route("大武口区解放西街与青山路交汇处老有人闯红灯", None, resolver)
    assert p.dept_type == "traffic_police"
    assert (p.unit["area_code"], p.unit["level"]) == ("640202", "county")


def test_ambiguous_place_is_flagged_and_the_agents_choice_wins(pure_router, resolver):
    gaz = default_gazetteer()
    ambiguous = None
    for name in ("新庄村", "红星村", "新华村", "团结村", "胜利村"):
        match = gaz.locate(f"{name}的路灯坏了")
        if match is not None and match.ambiguous:
            ambiguous = (name, match)
            break
    assert ambiguous is not None
    name, match = ambiguous
    p = pure_router.route(f"{name}的路灯坏了", None, resolver)
    assert p.area_ambiguous
    assert len(p.place["candidates"]) >= 2
    assert "地名有歧义" in p.explanation
    chosen = match.candidates[0]
    p2 = pure_router.route(f"{name}的路灯坏了", None, resolver, area_code=chosen)
    assert not p2.area_ambiguous
    assert p2.place["code"] == chosen


@pytest.mark.django_db
def test_places_are_learned_from_dispatched_orders(world, agent, unit_user):
    order, _ = hotline_f.intake(world, agent, "小区门口的路灯坏了", place="兴庆区丽景湾花园3号楼")
    services.workorder_dispatch(
        actor=agent, order=order, lead_unit=world.a.orgs["municipal_engineering"]
    )
    services.workorder_accept(actor=unit_user, order=order)
    assert learning.learn_places() == 1
    place = PlaceName.objects.get()
    assert (place.name, place.division_code) == ("丽景湾花园", world.a.village.code[:9])
    selectors.reset_router()
    p = selectors.route_request(text="丽景湾花园门口的路灯又不亮了")
    assert p.place["code"] == world.a.village.code[:9]


# --- one intake service -------------------------------------------------------------------


@pytest.mark.django_db
def test_form_api_and_open311_record_the_routing(client, world, agent):
    client.force_login(agent)
    # the form: the agent overrides the proposal (municipal lamp → the street office)
    client.post(
        "/hotline/intake/",
        {
            "caller_phone": "13995112233",
            "text": TEXT,
            "dept_type": "township_government",
            "lead_unit": world.a.orgs["township_government"].pk,
            "dispatch_now": "1",
            "idempotency_key": "form-x",
        },
    )
    # the API: the client names a type the router would not choose
    response = client.post(
        "/api/v1/hotline/workorders/",
        {"text": TEXT, "caller_phone": "13995112233", "dept_type": "traffic_police"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["routing"]["dept_type"] == "municipal_engineering"
    # Open311: the service code is the client's choice
    _, key = services.open311_key_create(actor=None, name="测试", hotline=world.a.orgs["hotline"])
    client.logout()
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "education",
            "description": TEXT,
            "address_string": "兴庆区凤凰北街",
        },
    )
    assert response.status_code == 201
    channels = sorted(RoutingCorrection.objects.values_list("channel", "chosen_dept_type"))
    assert channels == [
        ("api", "traffic_police"),
        ("open311", "education"),
        ("phone", "township_government"),
    ]
    assert RoutingRecord.objects.count() == 3
    assert set(RoutingRecord.objects.values_list("proposed_dept_type", flat=True)) == {
        "municipal_engineering"
    }


@pytest.mark.django_db
def test_dispatch_refused_says_why(client, world, agent):
    client.force_login(agent)
    response = client.post(
        "/hotline/intake/",
        {
            "caller_phone": "13995112233",
            "text": "兴庆区凤凰北街街道楼下的通信光缆掉下来了",
            "dispatch_now": "1",
            "idempotency_key": "form-y",
        },
        follow=True,
    )
    order = WorkOrder.objects.get()
    assert order.status == Status.RECEIVED
    page = response.content.decode()
    assert "未派单" in page
    assert "未找到对应的主办单位" in page


@pytest.mark.django_db
def test_intake_without_the_proposal_field_still_routes_and_dispatches(client, world, agent):
    """The form works whatever the order of typing: routing happens on the server."""
    client.force_login(agent)
    client.post(
        "/hotline/intake/",
        {
            "caller_phone": "13995112233",
            "text": TEXT,
            "dispatch_now": "1",
            "idempotency_key": "form-z",
        },
    )
    order = WorkOrder.objects.get()
    assert order.status == Status.DISPATCHED
    assert order.lead_unit == world.a.orgs["municipal_engineering"]
    assert not RoutingCorrection.objects.exists()


@pytest.mark.django_db
def test_propose_refreshes_units_when_the_category_changes(client, world, agent):
    client.force_login(agent)
    page = client.post("/hotline/intake/propose/", {"text": TEXT}).content.decode()
    assert world.a.orgs["municipal_engineering"].name in page
    page = client.post(
        "/hotline/intake/propose/", {"text": TEXT, "dept_type": "human_resources"}
    ).content.decode()
    assert world.a.orgs["human_resources"].name + "（建议）" in page


@pytest.mark.django_db
def test_unit_search_by_type_and_area(client, world, agent):
    client.force_login(agent)
    page = client.get("/hotline/units/search/", {"unit_q": "兴庆 交警"}).content.decode()
    assert world.a.orgs["traffic_police"].name in page
    assert world.a.orgs["civil_affairs"].name not in page
    assert world.b.orgs["traffic_police"].name not in page


@pytest.mark.django_db
def test_return_and_redispatch_record_a_pair(world, agent, unit_user, dispatched):
    services.workorder_return(actor=unit_user, order=dispatched, reason="村内路灯属街道办管护")
    services.workorder_review_return(
        actor=agent,
        order=dispatched,
        upheld=True,
        note="改派街道办",
        lead_unit=world.a.orgs["township_government"],
    )
    pair = RoutingCorrection.objects.get()
    assert pair.source == CorrectionSource.RETURN
    assert (pair.proposed_dept_type, pair.chosen_dept_type) == (
        "municipal_engineering",
        "township_government",
    )
    assert pair.return_reason == "村内路灯属街道办管护"


# --- learning -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_correction_then_retraining_routes_to_the_corrected_unit(world, agent, unit_user):
    street_office = world.a.orgs["township_government"]
    first = selectors.route_request(text=TEXT)
    assert first.unit["code"] == world.a.orgs["municipal_engineering"].code
    result = intake_request(
        actor=agent,
        text=TEXT,
        caller_phone="13995112233",
        lead_unit=street_office,
        dept_type="township_government",
        dispatch_now=True,
    )
    assert result.dispatched
    assert result.correction is not None
    call_command("train_router", stdout=__import__("io").StringIO())
    again = selectors.route_request(text=TEXT)
    assert again.dept_type == "township_government"
    assert again.unit["code"] == street_office.code
    assert "纠正记录" in again.explanation
    # a different request is not affected by the memory
    other = selectors.route_request(text="兴庆区凤凰北街街道北安社区门口的路灯坏了")
    assert other.dept_type == "municipal_engineering"


@pytest.mark.django_db
def test_accuracy_page(client, world, agent, unit_user):
    result = intake_request(actor=agent, text=TEXT, caller_phone="13995112233", dispatch_now=True)
    services.workorder_accept(actor=unit_user, order=result.order)
    weeks = learning.accuracy_by_week(user=agent)
    assert [(w.orders, w.type_right, w.unit_right) for w in weeks] == [(1, 1, 1)]
    client.force_login(agent)
    page = client.get("/hotline/routing/accuracy/").content.decode()
    assert "合计 1 件：类别一致 1 件（100%），单位一致 1 件（100%）" in page
    # another area's agent counts none of it
    assert learning.accuracy_by_week(user=world.user(Role.HOTLINE_AGENT, "b")) == []
