"""Pages: what each role sees and that the forms reach the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianxin.care import services
from lianxin.care.models import CareCase, Measure, Stage
from lianxin.care.tests import factories as f
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role


def test_grid_worker_discovers_and_investigates_through_the_pages(world, client):
    a = f.Actors(world)
    hh = f.household(a.site)
    client.force_login(a.grid_worker)
    response = client.post(
        reverse("care:discover"),
        {
            "household_number": hh.number,
            "source": "grid_visit",
            "description": "独居老人，行动不便",
        },
    )
    case = CareCase.objects.get(household=hh)
    assert response.status_code == 302
    assert response["Location"] == reverse("care:investigate", args=[case.pk])
    form = {
        "visited_on": "2026-11-20",
        "residents": "独居老人",
        "resident_count": "1",
        "monthly_income_yuan": "650.50",
        "housing": "own_safe",
        "health_notes": "高血压",
        "elderly_alone": "on",
        "care_notes": "子女在外地",
        "heating": "insufficient",
        "needs": "冬季取暖、定期探访",
    }
    draft = client.post(
        reverse("care:investigate", args=[case.pk]), {**form, "needs": "", "submit": "0"}
    )
    assert draft.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.DISCOVERED
    assert case.investigation.monthly_income_fen == 65050
    submitted = client.post(reverse("care:investigate", args=[case.pk]), {**form, "submit": "1"})
    assert submitted.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.grade) == (Stage.INVESTIGATED, "yellow")


def test_incomplete_investigation_shows_what_is_missing(world, client):
    case, a = f.case_at(world, "discovered")
    client.force_login(a.grid_worker)
    response = client.post(
        reverse("care:investigate", args=[case.pk]), {"submit": "1", "residents": "x"}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 400
    # each missing item once, next to its own field; the one filled in carries no error
    assert body.count('data-testid="field-error-visited_on"') == 1
    assert body.count("请填写共同生活人数") == 1
    assert 'data-testid="field-error-residents"' not in body
    case.refresh_from_db()
    assert case.stage == Stage.DISCOVERED


def test_case_detail_shows_the_timeline_and_logs_the_view(world, client):
    case, a = f.case_at(world, "tracking")
    client.force_login(a.community)
    before = AuditEvent.objects.count()
    body = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    for title in (
        "发现：网格员入户摸排",
        "入户调查",
        "社区评议",
        "认定为关爱对象",
        "一户一策方案审定",
        "跟踪回访",
    ):
        assert title in body
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-id").first().action == "view.care.carecase"


def test_case_actions_post_through_services_and_show_refusals(world, client):
    case, a = f.case_at(world, "reviewed")
    client.force_login(a.township)
    response = client.post(
        reverse("care:case_action", args=[case.pk, "recognise"]),
        {"criterion_target_group": "on"},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 400
    # each missing item next to its own field, once; the confirmed one carries no error
    assert body.count('data-testid="field-error-criterion_investigation_verified"') == 1
    assert 'data-testid="field-error-criterion_target_group"' not in body
    assert body.count("请填写批次") == 1
    batch = f.batch()
    data = {f"criterion_{k}": "on" for k in f.ALL_CRITERIA} | {"batch": batch.pk}
    client.post(reverse("care:case_action", args=[case.pk, "recognise"]), data)
    case.refresh_from_db()
    assert (case.stage, case.batch_id) == (Stage.RECOGNISED, batch.pk)
    unit = a.site.orgs["civil_affairs"]
    client.post(
        reverse("care:case_action", args=[case.pk, "plan"]),
        {"goal": "保障生活", "leader": a.leader.pk, "paired_unit": unit.pk},
    )
    client.post(
        reverse("care:case_action", args=[case.pk, "measure"]),
        {
            "action": "medical",
            "title": "医疗救助",
            "responsible_unit": unit.pk,
            "deadline": "2027-01-31",
            "budget_yuan": "3000",
        },
    )
    refused = client.post(reverse("care:case_action", args=[case.pk, "approve"]), follow=True)
    assert "制定方案和审定方案须由不同人员办理" in refused.content.decode()  # MC-01
    case.refresh_from_db()
    assert case.stage == Stage.RECOGNISED
    client.force_login(a.township2)
    client.post(reverse("care:case_action", args=[case.pk, "approve"]))
    case.refresh_from_db()
    assert case.stage == Stage.PLANNED
    assert Measure.objects.get(case=case).budget_fen == 300_000


def test_the_case_page_offers_the_users_own_units_and_leaders(world, client):
    """The pickers of the case forms are filled for the user and the case (they were empty on
    the page when ``Workflow.bind_form`` took the user for itself)."""
    case, a = f.case_at(world, "recognised")
    client.force_login(a.township)
    body = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    unit = a.site.orgs["civil_affairs"]
    option = f'<option value="{unit.pk}">{unit.name}</option>'
    for field in ("measure_responsible_unit", "measure_paired_unit", "plan_paired_unit"):
        select = body.split(f'id="id_carecase{case.pk}_{field}"', 1)[1].split("</select>", 1)[0]
        assert option in select, field
    leaders = body.split(f'id="id_carecase{case.pk}_plan_leader"', 1)[1].split("</select>")[0]
    assert f'<option value="{a.leader.pk}">{a.leader}</option>' in leaders


def test_measure_queue_flags_overdue(world, client):
    case, a = f.case_at(world, "planned")
    f.overdue_measure(case, a)
    client.force_login(a.county)
    body = client.get(reverse("care:measure_queue"), {"overdue": "1"}).content.decode()
    assert "煤改电" in body
    assert "超期" in body
    assert "申请临时救助" not in body


def test_department_implements_from_its_queue_but_not_others(world, client):
    case, a = f.case_at(world, "planned")
    m = case.measures.get()
    other = world.user(Role.COUNTY_STAFF, "a")
    other.assignments.update(organisation=a.site.orgs["education"])
    client.force_login(other)
    response = client.post(
        reverse("care:measure_action", args=[m.pk, "implement"]), {"evidence": "x"}, follow=True
    )
    assert "您不能确认落实" in response.content.decode()
    m.refresh_from_db()
    assert m.status == "planned"
    client.force_login(a.county)
    client.post(reverse("care:measure_action", args=[m.pk, "implement"]), {"evidence": "已发放"})
    m.refresh_from_db()
    assert m.status == "implemented"


def test_batch_page_has_figures_table_and_chart_data(world, client):
    case, a = f.case_at(world, "planned")
    client.force_login(world.user(Role.REGION_STAFF, "a"))
    body = client.get(reverse("care:batch_detail", args=[case.batch_id])).content.decode()
    assert 'id="batch-chart-data"' in body
    assert "基本生活保障" in body
    assert "<script>" not in body.replace(
        '<script id="batch-chart-data" type="application/json">', ""
    )


def test_printable_plan_and_pdf(world, client):
    case, a = f.case_at(world, "planned")
    client.force_login(a.community)
    body = client.get(reverse("care:plan_print", args=[case.pk])).content.decode()
    assert "“一户一策”方案" in body
    assert "申请临时救助" in body
    response = client.get(reverse("care:plan_pdf", args=[case.pk]))
    from lianxin.care import pdf

    if pdf.available():
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    else:
        assert "打印" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "title"),
    [
        (Role.GRID_WORKER, "关爱帮扶 · 我的待办"),
        (Role.COMMUNITY_STAFF, "关爱帮扶 · 评议认定"),
        (Role.TOWNSHIP_STAFF, "关爱帮扶 · 评议认定"),
        (Role.COUNTY_STAFF, "关爱帮扶 · 本单位措施"),
        (Role.LEADER, "关爱帮扶 · 我包抓的住户"),
    ],
)
def test_home_panels(world, client, role, title):
    client.force_login(world.user(role, "a"))
    assert title in client.get(reverse("home")).content.decode()


def test_joint_meeting_pages(world, client):
    case, a = f.case_at(world, "tracking")
    services.escalation_raise(
        actor=a.county, measure=case.measures.get(), kind="higher_level", reason="需市级协调"
    )
    city = world.user(Role.CITY_STAFF, "a")
    client.force_login(city)
    response = client.post(
        reverse("care:meeting_create"),
        {"title": "联席会议", "area_code": a.site.city.code, "scheduled_on": "2026-11-25"},
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "申请临时救助" in detail
    assert "需市级协调" in detail


@pytest.mark.parametrize(
    "url_name",
    ["care:case_index", "care:measure_queue", "care:review_queue", "care:leader_households"],
)
def test_list_pages_do_not_query_per_row(world, client, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = f.Actors(world)
    user = {"care:measure_queue": a.county, "care:leader_households": a.leader}.get(
        url_name, a.township
    )
    client.force_login(user)
    counts = []
    for more in (2, 6):
        for _ in range(more):
            case, _ = f.case_at(world, "recognised", actors=a)
            f.plan(a.community, case, a, "g")
            f.measure(a.township, case, "medical", "m", a.site.orgs["civil_affairs"])
        client.get(reverse(url_name))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("name", "post", "field", "message"),
    [
        ("review", {"participants": "两委", "recommends": "1"}, "held_on", "请填写评议日期"),
        ("reject", {}, "reason", "请填写不予认定的理由"),
        ("grade", {"grade": "red"}, "reason", "请填写调整理由"),
    ],
)
def test_a_refused_case_form_shows_its_errors_next_to_the_fields_once(
    world, client, name, post, field, message
):
    case, a = f.case_at(world, "investigated" if name == "review" else "reviewed")
    client.force_login(a.township2 if name != "review" else a.community)
    response = client.post(reverse("care:case_action", args=[case.pk, name]), post)
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count(message) == 1
    assert body.count(f'data-testid="field-error-{field}"') == 1
    # what the user typed is still there
    for value in post.values():
        assert value in body or value in ("red", "1")
    case.refresh_from_db()
    assert case.grade_override == ""


def test_a_form_that_does_not_validate_says_why_in_chinese(world, client):
    case, a = f.case_at(world, "tracking")
    client.force_login(a.grid_worker)
    response = client.post(
        reverse("care:case_action", args=[case.pk, "followup"]),
        {"visited_on": "不是日期", "notes": "回访"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count('data-testid="field-error-visited_on"') == 1
    assert "请输入一个有效的日期" in body or "有效的日期" in body


def test_meeting_forms_show_their_errors(world, client):
    a = f.Actors(world)
    city = world.user(Role.CITY_STAFF, "a")
    client.force_login(city)
    response = client.post(reverse("care:meeting_create"), {"area_code": a.site.city.code})
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("请填写会议名称") == 1
    assert body.count('data-testid="field-error-scheduled_on"') == 1
