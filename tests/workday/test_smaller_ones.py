"""The smaller things a user notices (issue #12): callback defaults, measure buttons by role,
per-measure visit progress, re-dispatch suggestions, searchable unit pickers."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from lianxin.care import services as care
from lianxin.care.models import Measure
from lianxin.care.tests import factories as f
from lianxin.core.roles import Role
from lianxin.hotline import services as hotline
from lianxin.hotline.models import Status


def _order(world):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    order, _ = hotline.workorder_intake(
        actor=agent, text="兴庆区胜利街路灯坏了一个星期，晚上很黑", caller_name="张女士",
        caller_phone="13995112233", area_code=world.a.village.code, dept_type="municipal_engineering",
    )  # fmt: skip
    return agent, order


def test_callback_form_defaults_to_nothing_and_refuses_without_a_choice(world, client):
    agent, order = _order(world)
    unit = world.a.orgs["municipal_engineering"]
    hotline.workorder_dispatch(actor=agent, order=order, lead_unit=unit)
    unit_user = world.user(Role.UNIT_STAFF, "a")
    hotline.workorder_accept(actor=unit_user, order=order)
    hotline.workorder_reply(
        actor=unit_user, order=order, text="已修复路灯", verification="现场核实"
    )
    client.force_login(agent)
    html = client.get(reverse("hotline:order_detail", args=[order.pk])).content.decode()
    form = html[html.index("回访满意度") :]
    form = form[: form.index("</form>")]
    assert '<option value="" selected>请选择</option>' in form
    assert "checked" not in form
    response = client.post(
        reverse("hotline:order_action", args=[order.pk, "callback"]),
        {"satisfaction": "satisfied"},
        follow=True,
    )
    order.refresh_from_db()
    assert order.status == Status.REPLIED
    assert "请选择问题是否已解决" in response.content.decode()


def test_measure_buttons_only_for_roles_that_may_use_them(world, client):
    case, a = f.case_at(world, "tracking")
    client.force_login(a.leader)
    html = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    assert "确认落实" not in html
    assert "取消措施" not in html
    client.force_login(a.township)
    html = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    assert "取消措施" in html


def test_visit_shows_each_measures_progress(world, client):
    case, a = f.case_at(world, "tracking")
    measure = Measure.objects.filter(case=case).first()
    care.followup_record(
        actor=a.grid_worker, case=case, visited_on=dt.date(2026, 11, 25), notes="入户看望",
        measure_progress={measure.pk: "已提交临时救助申请材料"},
    )  # fmt: skip
    client.force_login(a.community)
    html = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    followups = html[html.index('data-testid="followups"') :]
    assert f"{measure.title}：</span>已提交临时救助申请材料" in followups


def test_redispatch_does_not_suggest_the_unit_that_returned(world, client):
    agent, order = _order(world)
    unit = world.a.orgs["municipal_engineering"]
    hotline.workorder_dispatch(actor=agent, order=order, lead_unit=unit)
    hotline.workorder_return(
        actor=world.user(Role.UNIT_STAFF, "a"), order=order, reason="不属于本单位职责范围"
    )
    client.force_login(agent)
    response = client.get(reverse("hotline:order_detail", args=[order.pk]))
    html = response.content.decode()
    assert response.context["proposed_unit"] is None
    assert "（建议）" not in html
    assert '<option value="" selected>请选择主办单位</option>' in html
    assert "data-searchable" in html
    options = response.context["unit_options"]
    assert options[-1].pk == unit.pk
