"""The household page is the hub: its care case and stage, measures, visits, work orders and
alerts of its members, each with a link, and the buttons that start a visit or a discovery;
other apps contribute sections through core.householdsections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lianxin.care.models import Measure
from lianxin.care.tests import factories as f
from lianxin.core import householdsections
from lianxin.core.householdsections import Row, Section
from lianxin.core.roles import Role
from lianxin.hotline.models import WorkOrder
from lianxin.hotline.tests import factories as hotline_f
from lianxin.monitoring.models import Alert, Run


@pytest.fixture
def tracked(world):
    case, a = f.case_at(world, "tracking")
    return case, a


def test_household_page_links_case_measures_visits_orders_and_alerts(world, client, tracked):
    case, a = tracked
    hh = case.household
    head = hh.head
    agent = world.user(Role.HOTLINE_AGENT, "a")
    order, _ = hotline_f.intake(world, agent, "家里暖气不热，老人怕冷", caller_name="测试")
    WorkOrder.objects.filter(pk=order.pk).update(person=head)
    run = Run.objects.create(area=world.a.village, as_of=dt.date(2026, 11, 1))
    alert = Alert.objects.create(
        run=run, person=head, rule="living_subsidy_missing", detail="依据", evidence_hash="x",
        area_code=hh.area_code, grid=hh.grid,
    )  # fmt: skip
    client.force_login(a.community)
    response = client.get(reverse("registry:household_detail", args=[hh.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "暂无关联" not in html
    assert f'href="{reverse("care:case_detail", args=[case.pk])}"' in html
    assert case.get_stage_display() in html
    measure = Measure.objects.filter(case=case).first()
    assert f"{reverse('care:case_detail', args=[case.pk])}#measure-{measure.pk}" in html
    assert f'href="{reverse("hotline:order_detail", args=[order.pk])}"' in html
    assert f'href="{reverse("monitoring:alert_detail", args=[alert.pk])}"' in html
    assert "living_subsidy_missing" not in html
    # the open case in tracking: the hub starts a visit on it
    assert f"{reverse('care:case_detail', args=[case.pk])}#followup" in html
    assert 'data-section="care-visits"' in html


def test_household_without_case_offers_visit_discovery_and_referral(world, client):
    a = f.Actors(world)
    hh = f.household(a.site)
    client.force_login(a.grid_worker)
    html = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    actions = html.split('data-testid="hub-actions"')[1].split("</p>")[0]
    assert "入户走访" in actions
    assert "登记发现" in actions
    assert "转介关爱帮扶" in actions
    assert f"household={hh.number}" in actions
    assert "暂无关爱帮扶案件" in html
    # a grid worker sees no hotline orders at all: no hotline section
    assert 'data-section="hotline-orders"' not in html


def test_other_areas_cases_never_appear(world, client):
    case_b, _ = f.case_at(world, "discovered", site="b")
    other = world.user(Role.COMMUNITY_STAFF, "a")
    client.force_login(other)
    assert (
        client.get(reverse("registry:household_detail", args=[case_b.household.pk])).status_code
        == 404
    )


def test_an_app_contributes_a_section(world, client):
    a = f.Actors(world)
    hh = f.household(a.site)

    def benefits(user, household):
        return Section(
            title="救助待遇",
            rows=[Row(label="临时救助 4,140元", url="/benefits/1/")],
            key="benefits",
        )

    householdsections.register(benefits, order=60)
    try:
        client.force_login(a.community)
        html = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    finally:
        householdsections._PROVIDERS.remove((60, benefits))
    assert 'data-section="benefits"' in html
    assert '<a href="/benefits/1/">临时救助 4,140元</a>' in html
    assert html.index("关爱帮扶案件") < html.index("救助待遇")


def test_discover_finds_households_by_address_and_id_tail(world, client):
    from lianxin.core import idnumber
    from lianxin.registry.models import Person

    a = f.Actors(world)
    hh = f.household(a.site, members=[("马德福", "户主")])
    hh.address = "安秀社区9号楼2单元101"
    hh.save()
    body = "64010419520312901"
    Person.objects.filter(pk=hh.head_id).update(id_number=body + idnumber.check_digit(body))
    other = f.household(a.site, members=[("李四", "户主")])
    client.force_login(a.grid_worker)
    by_address = client.get(reverse("care:discover"), {"q": "9号楼"}).content.decode()
    assert "马*福 · 安秀社区9号楼2单元101" in by_address
    assert other.number not in by_address
    tail = (body + idnumber.check_digit(body))[-4:]
    by_tail = client.get(reverse("care:discover"), {"q": tail}).content.decode()
    assert "马*福" in by_tail
    assert other.number not in by_tail
    chosen = client.get(reverse("care:discover"), {"household": hh.number, "source": "grid_visit"})
    assert 'data-testid="chosen-household"' in chosen.content.decode()
    assert chosen.context["form"].initial["source"] == "grid_visit"


def test_todos_show_masked_head_and_address(world, client):
    case, a = f.case_at(world, "discovered")
    client.force_login(a.grid_worker)
    html = client.get(reverse("care:todos")).content.decode()
    assert "测**主 · " + case.household.address in html


def test_one_grid_worker_gets_his_grid_preselected(world, client):
    a = f.Actors(world)
    client.force_login(a.grid_worker)
    form = client.get(reverse("registry:household_register")).context["form"]
    assert form.initial["grid"] == str(a.site.grid.pk)


def test_leader_is_sent_to_his_households(world, client):
    client.force_login(world.user(Role.LEADER, "a"))
    response = client.get(reverse("registry:household_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("care:leader_households")
