"""Roster comparison inside the platform: upload and map rosters, run, deliver alerts to the
right grid worker, verify them, and never raise the same answered alert twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.core.errors import AccessDenied, ApplicationError, InvalidTransition
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.monitoring import selectors, services
from lianxin.monitoring.models import Alert, Reminder, RosterImport, Run
from lianxin.monitoring.reminders import MemorySender
from lianxin.monitoring.tests.factories import resident

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _memory_sender(settings):
    settings.LIANXIN_REMINDER_SENDER = "lianxin.monitoring.reminders.MemorySender"
    MemorySender.outbox.clear()


@pytest.fixture
def people(world):
    return {
        "disabled": resident(
            site=world.a, name="马建军", birth=dt.date(1970, 3, 4), seq=11, phone="13995110001"
        ),
        "deceased": resident(
            site=world.a,
            name="李秀英",
            birth=dt.date(1950, 6, 7),
            seq=22,
            sex="F",
            grid=world.a.other_grid,
        ),
        "elderly": resident(site=world.a, name="王德福", birth=dt.date(1940, 1, 2), seq=33),
        "other_area": resident(site=world.b, name="张伟", birth=dt.date(1975, 5, 5), seq=44),
    }


def csv_file(name: str, text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload_rosters(world, people, actor):
    d, x = people["disabled"], people["deceased"]
    for kind, uploaded in (
        (
            "disability",
            csv_file(
                "残联.csv",
                f"身份证号,姓名,出生日期,残疾类别,残疾等级,残疾人证号\n{d.id_number.lower()},马建军,1970/3/4,肢体,1,{d.id_number}41\n",
            ),
        ),
        (
            "two_subsidies",
            csv_file("两项补贴.csv", "id_number,name,birth_date,subsidy,monthly_amount\n"),
        ),
        (
            "civil_affairs",
            csv_file(
                "民政.csv",
                f"身份证号,姓名,出生日期,救助类型,户号\n {x.id_number} ,李秀英,19500607,低保,H1\n",
                encoding="gbk",
            ),
        ),
        (
            "deaths",
            csv_file(
                "死亡.csv", "身份证号,姓名,出生日期,死亡日期\n,李秀英,1950年6月7日,2026-09-01\n"
            ),
        ),
    ):
        services.roster_upload(actor=actor, area=world.a.county, kind=kind, uploaded=uploaded)


@pytest.fixture
def county(world):
    return world.user(Role.COUNTY_STAFF, "a")


def _confirm(worker, alert, note, outcome):
    """The grid worker confirms ``alert`` on his visit, with ``note`` and ``outcome``."""
    return services.alert_verify(
        actor=worker, alert=alert, confirmed=True, note=note, outcome=outcome
    )


@pytest.fixture
def finished_run(world, people, county, django_capture_on_commit_callbacks):
    upload_rosters(world, people, county)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(actor=county, area=world.a.county, as_of=AS_OF)
    run.refresh_from_db()
    return run


def test_run_raises_the_contract_alerts(finished_run, people):
    assert finished_run.status == Run.Status.DONE, finished_run.message
    got = {(a.person.name, a.rule) for a in Alert.objects.select_related("person")}
    assert got == {
        ("马建军", "nursing_subsidy_missing"),
        ("李秀英", "assistance_recipient_deceased"),
        ("王德福", "elderly_living_alone"),
        ("马建军", "elderly_living_alone"),
        ("李秀英", "elderly_living_alone"),
    } - {("马建军", "elderly_living_alone"), ("李秀英", "elderly_living_alone")}
    assert finished_run.residents == 3
    assert finished_run.link_stats["exact"] == 2  # disability + civil affairs rows by ID
    assert finished_run.link_stats["probabilistic"] == 1  # the death row without an ID


def test_alert_reaches_the_grid_worker_of_the_persons_grid_only(finished_run, world, people):
    mine = world.user(Role.GRID_WORKER, "a")
    other_grid = world.user(Role.GRID_WORKER, "a", grid=world.a.other_grid)
    other_area = world.user(Role.GRID_WORKER, "b")
    partner = world.user(Role.PARTNER, "a")
    assert {a.person.name for a in selectors.alert_list(user=mine)} == {"马建军", "王德福"}
    assert {a.person.name for a in selectors.alert_list(user=other_grid)} == {"李秀英"}
    assert selectors.alert_list(user=other_area).count() == 0
    assert selectors.alert_list(user=partner).count() == 0


def test_rejected_alert_is_not_raised_again_for_the_same_evidence(
    finished_run, world, county, django_capture_on_commit_callbacks
):
    worker = world.user(Role.GRID_WORKER, "a")
    alert = Alert.objects.get(rule="elderly_living_alone")
    services.alert_verify(actor=worker, alert=alert, confirmed=False, note="与女儿同住，户籍未迁")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_request(actor=county, area=world.a.county, as_of=AS_OF)
    again.refresh_from_db()
    assert again.alerts_new == 0
    assert again.alerts_suppressed == 3
    assert Alert.objects.count() == 3


def test_confirmed_entitlement_alert_sends_a_reminder(
    finished_run, world, django_capture_on_commit_callbacks
):
    worker = world.user(Role.GRID_WORKER, "a")
    alert = Alert.objects.get(rule="nursing_subsidy_missing")
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(worker, alert, "一级肢体残疾，未领护理补贴", Alert.Outcome.ENTITLEMENT_CHANGE)
    assert Reminder.objects.get(alert=alert).backend == "memory"
    alert.refresh_from_db()
    assert alert.reminder_sent_at is not None
    assert MemorySender.outbox == [
        (
            "13995110001",
            "【连心】您可能符合重度残疾人护理补贴条件，网格员将与您联系，也可到社区咨询办理。",
        )
    ]


def test_confirmed_alert_becomes_a_care_discovery(finished_run, world):
    worker = world.user(Role.GRID_WORKER, "a")
    alert = Alert.objects.get(rule="elderly_living_alone")
    _confirm(worker, alert, "独居，行动不便", Alert.Outcome.CARE_DISCOVERY)
    alert.refresh_from_db()
    assert alert.care_case_id is not None
    from lianxin.care.models import CareCase

    case = CareCase.objects.get(pk=alert.care_case_id)
    assert case.household.head == alert.person


@pytest.mark.parametrize(
    ("confirmed", "note", "outcome", "message"),
    [
        (False, "", "", "请填写不属实的原因"),
        (True, "属实", "", "请选择处理去向"),
    ],
)
def test_verification_needs_a_reason_and_changes_nothing(
    finished_run, world, confirmed, note, outcome, message
):
    worker = world.user(Role.GRID_WORKER, "a")
    alert = Alert.objects.get(rule="elderly_living_alone")
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError, match=message):
        services.alert_verify(
            actor=worker, alert=alert, confirmed=confirmed, note=note, outcome=outcome
        )
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    assert AuditEvent.objects.count() == before


def test_alert_of_another_grid_cannot_be_verified_and_answered_once(finished_run, world):
    alert = Alert.objects.get(rule="elderly_living_alone")
    with pytest.raises(AccessDenied):
        services.alert_verify(
            actor=world.user(Role.GRID_WORKER, "a", grid=world.a.other_grid),
            alert=alert,
            confirmed=False,
            note="x",
        )
    worker = world.user(Role.GRID_WORKER, "a")
    services.alert_verify(actor=worker, alert=alert, confirmed=False, note="搬走了")
    with pytest.raises(InvalidTransition):
        services.alert_verify(actor=worker, alert=alert, confirmed=False, note="再次")


def test_upload_refuses_what_is_not_a_roster(world, county):
    fake = SimpleUploadedFile("名册.xlsx", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(
        ApplicationError,
        match="^文件“名册.xlsx”不能使用：文件不是Excel表格（.xlsx/.xls）或CSV文件$",
    ):
        services.roster_upload(actor=county, area=world.a.county, kind="deaths", uploaded=fake)
    assert RosterImport.objects.count() == 0


def test_upload_with_unknown_headers_waits_for_mapping(world, county):
    item = services.roster_upload(
        actor=county,
        area=world.a.county,
        kind="deaths",
        uploaded=csv_file(
            "deaths.csv",
            "证件号码,人员姓名,生日,死亡时间\n640104197001010011,甲,1970-01-01,2026-01-01\n",
        ),
    )
    assert item.status == RosterImport.Status.MAPPING
    item = services.roster_map_columns(
        actor=county,
        item=item,
        column_map={
            "id_number": "证件号码",
            "name": "人员姓名",
            "birth_date": "生日",
            "death_date": "死亡时间",
        },
    )
    assert item.status == RosterImport.Status.READY
    assert item.row_count == 1
    assert item.bad_row_count == 1  # the ID number's check digit is wrong
    assert item.bad_rows[0]["reason"] == "身份证号校验位错误，将按姓名和出生日期匹配"


def test_grid_worker_cannot_upload_or_run(world):
    worker = world.user(Role.GRID_WORKER, "a")
    with pytest.raises(AccessDenied):
        services.roster_upload(
            actor=worker,
            area=world.a.county,
            kind="deaths",
            uploaded=csv_file("d.csv", "id_number\n"),
        )
    with pytest.raises(AccessDenied):
        services.run_request(actor=worker, area=world.a.county, as_of=AS_OF)


def test_rule_parameters_only_for_region_staff(world):
    with pytest.raises(AccessDenied):
        services.rule_settings_update(
            actor=world.user(Role.COUNTY_STAFF, "a"),
            large_medical_expense_yuan=20000,
            elderly_age=75,
            match_threshold=0.9,
        )
    setting = services.rule_settings_update(
        actor=world.user(Role.REGION_STAFF, "a"),
        large_medical_expense_yuan=20000,
        elderly_age=75,
        match_threshold=0.9,
    )
    assert selectors.rule_setting().elderly_age == 75
    assert setting.match_threshold == 0.9


def test_alert_pages_and_api(finished_run, world, client):
    worker = world.user(Role.GRID_WORKER, "a")
    client.force_login(worker)
    alert = Alert.objects.get(rule="nursing_subsidy_missing")
    page = client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert "应享未享：重度残疾人护理补贴" in page
    assert alert.person.id_number not in page
    response = client.post(
        f"/api/v1/monitoring/alerts/{alert.pk}/verify/",
        {"confirmed": False, "note": "已领取", "status": "closed"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    client.force_login(world.user(Role.GRID_WORKER, "b"))
    assert client.get(f"/monitoring/alerts/{alert.pk}/").status_code == 404
    assert client.get(f"/api/v1/monitoring/alerts/{alert.pk}/").status_code == 404


def test_scheduled_runs_only_where_rosters_changed(
    world, people, county, django_capture_on_commit_callbacks
):
    upload_rosters(world, people, county)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.runs_schedule(as_of=AS_OF)
    assert [r.area_code for r in first] == [world.a.county.code]
    assert Run.objects.get().status == Run.Status.DONE
    assert services.runs_schedule(as_of=AS_OF) == []


def test_new_evidence_updates_the_open_alert_instead_of_adding_one(
    finished_run, world, people, county, django_capture_on_commit_callbacks
):
    services.roster_upload(
        actor=county,
        area=world.a.county,
        kind="deaths",
        uploaded=csv_file(
            "死亡12月.csv",
            f"身份证号,姓名,出生日期,死亡日期\n{people['deceased'].id_number},李秀英,1950-06-07,2026-09-02\n",
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_request(actor=county, area=world.a.county, as_of=AS_OF)
    again.refresh_from_db()
    open_alerts = Alert.objects.filter(
        person=people["deceased"], rule="assistance_recipient_deceased", status=Alert.Status.OPEN
    )
    assert open_alerts.count() == 1
    assert "2026-09-02" in open_alerts.get().detail
    assert again.alerts_new == 0


def test_one_open_alert_per_person_and_rule_in_the_database(finished_run):
    from django.db import IntegrityError, transaction

    alert = Alert.objects.get(rule="elderly_living_alone")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            run=alert.run,
            person=alert.person,
            rule=alert.rule,
            detail="x",
            evidence_hash="f" * 64,
            area_code=alert.area_code,
        )


def test_review_row_is_matched_by_name_id_tail_and_address(world, county, people, client):
    from lianxin.monitoring.models import ReviewItem

    run = Run.objects.create(area=world.a.county, as_of=AS_OF, status=Run.Status.DONE)
    item = ReviewItem.objects.create(
        run=run,
        area_code=world.a.county.code,
        source="deaths",
        file_name="兴庆区死亡名册（11月）.xlsx",
        row_number=7,
        name="李秀英",
        reason="身份证号缺失",
    )
    client.force_login(county)
    page = client.get(
        f"/monitoring/review/{item.pk}/", {"q": f"李秀英 {people['deceased'].id_number[-4:]}"}
    )
    assert [c["name"] for c in page.context["candidates"]] == ["李秀英"]
    assert people["deceased"].id_number not in page.content.decode()
    assert (
        client.get(f"/monitoring/review/{item.pk}/", {"q": "李秀英 0000"}).context["candidates"]
        == []
    )
    assert (
        client.get(f"/monitoring/review/{item.pk}/", {"q": "0021"}).context["hint"]
        == "请同时输入姓名或地址，再用身份证号后几位筛选"
    )
    listing = client.get("/monitoring/review/").content.decode()
    assert "兴庆区死亡名册（11月）.xlsx" in listing
    assert "第7行" in listing
    assert "居民编号" not in listing
    response = client.post(
        f"/monitoring/review/{item.pk}/resolve/",
        {"person": people["deceased"].pk, "note": "核对户籍"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.linked_person) == (ReviewItem.Status.LINKED, people["deceased"])


def test_monitoring_pages_show_no_english_or_raw_codes(finished_run, world, county, client):
    import re

    client.force_login(county)
    alert = Alert.objects.first()
    item = RosterImport.objects.first()
    pages = [
        "/monitoring/", "/monitoring/runs/", f"/monitoring/runs/{finished_run.pk}/", "/monitoring/alerts/",
        f"/monitoring/alerts/{alert.pk}/", "/monitoring/review/", "/monitoring/rules/", "/monitoring/rosters/upload/",
        f"/monitoring/rosters/{item.pk}/", "/monitoring/columns/",
    ]  # fmt: skip
    leaks = {}
    for url in pages:
        html = client.get(url).content.decode()
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", html)
        found = re.findall(
            r"\b[a-z]+(?:_[a-z]+)+\b|Splink|DuckDB|Spark|\b(?:civil_affairs|medical|deaths|disability)\b",
            text,
        )
        if found:
            leaks[url] = sorted(set(found))
    assert leaks == {}


def test_alert_buttons_shown_exactly_when_the_service_accepts(finished_run, world):
    """Every transition of ALERT_WORKFLOW as every role, on an open and an answered alert: the
    page offers it exactly when the service (called directly) accepts it."""
    from lianxin.core.workflow import walk, walk_services
    from lianxin.monitoring.workflows import ALERT_WORKFLOW

    users = [
        world.user(Role.GRID_WORKER, "a"),
        world.user(Role.GRID_WORKER, "a", grid=world.a.other_grid),
        world.user(Role.COMMUNITY_STAFF, "a"),
        world.user(Role.COUNTY_STAFF, "b"),
        world.user(Role.HOTLINE_AGENT, "a"),
        world.user(Role.PARTNER, "a"),
    ]
    open_alert = Alert.objects.get(rule="elderly_living_alone")
    answered = Alert.objects.get(rule="nursing_subsidy_missing")
    services.alert_dismiss(actor=users[0], alert=answered, note="已领取")
    data = {name: {"note": "入户核实"} for name in ("refer_care", "refer_entitlement", "dismiss")}
    assert walk_services(ALERT_WORKFLOW, users, [open_alert, answered], data) == []
    assert walk(ALERT_WORKFLOW, users, [open_alert, answered]) == []
    assert {t.name for t in ALERT_WORKFLOW.available(users[0], open_alert)} == set(data)
    assert ALERT_WORKFLOW.available(users[1], open_alert) == []


def test_alert_page_shows_the_form_only_to_who_may_answer(finished_run, world, client):
    alert = Alert.objects.get(rule="elderly_living_alone")
    client.force_login(world.user(Role.GRID_WORKER, "a"))
    assert "提交核实结果" in client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    client.force_login(world.user(Role.TOWNSHIP_STAFF, "a"))
    assert "提交核实结果" in client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    api = client.get(f"/api/v1/monitoring/alerts/{alert.pk}/").json()
    assert [a["name"] for a in api["actions"]] == ["refer_care", "refer_entitlement", "dismiss"]
    services.alert_dismiss(actor=world.user(Role.GRID_WORKER, "a"), alert=alert, note="搬走了")
    assert "提交核实结果" not in client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert client.get(f"/api/v1/monitoring/alerts/{alert.pk}/").json()["actions"] == []
