from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianxin.benefits import services
from lianxin.benefits.models import Application, Entitlement
from lianxin.benefits.tests import factories as f
from lianxin.benefits.workflows import APPLICATION_WORKFLOW, RUN_WORKFLOW
from lianxin.core.workflow import walk

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def ctx(world):
    return world, f.actors(world), f.policies(world)


def test_community_files_on_the_page(ctx, client):
    world, a, pols = ctx
    hh, p = f.disabled_in_dibao(world.a)
    client.force_login(a.community)
    page = client.get(reverse("benefits:application_new"), {"household": hh.number})
    assert page.status_code == 200
    assert "困难残疾人生活补贴" in page.content.decode()
    response = client.post(
        reverse("benefits:application_new"),
        {
            "household_number": hh.number,
            "person": p.pk,
            "policy": pols["living"].pk,
            "reason": "代办",
            "is_proxy": "on",
            "submit_now": "on",
            "document": SimpleUploadedFile("f.png", PNG),
            "document_title": "申请表",
        },
    )
    app = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("benefits:application_detail", args=[app.pk])
    assert (app.status, app.source, app.filed_by_id, app.documents.count()) == (
        "submitted",
        "proxy",
        a.community.pk,
        1,
    )
    detail = client.get(response["Location"]).content.decode()
    assert "符合资格条件" in detail
    assert 'data-testid="action-review"' not in detail  # the filer may not review


def test_buttons_follow_the_workflow(ctx, client):
    world, a, pols = ctx
    hh, p = f.disabled_in_dibao(world.a)
    app = services.application_file(
        actor=a.community, policy=pols["living"], household=hh, person=p, submit=True
    )
    client.force_login(a.township)
    page = client.get(reverse("benefits:application_detail", args=[app.pk])).content.decode()
    assert 'data-testid="action-review"' in page
    assert 'data-testid="action-approve"' not in page
    client.post(reverse("benefits:application_action", args=[app.pk, "review"]), {"note": "齐全"})
    client.force_login(a.township)
    app.refresh_from_db()
    assert app.status == "reviewed"
    client.force_login(a.county)
    page = client.get(reverse("benefits:application_detail", args=[app.pk])).content.decode()
    assert 'data-testid="action-approve"' in page
    users = [a.community, a.township, a.county, a.county2, a.union, a.grid_worker]
    assert walk(APPLICATION_WORKFLOW, users, [app]) == []


def test_api_create_review_and_maker_checker(ctx, client):
    world, a, pols = ctx
    hh, p = f.disabled_in_dibao(world.a)
    client.force_login(a.community)
    created = client.post(
        "/api/v1/benefits/applications/",
        {
            "policy_id": pols["living"].pk,
            "household_id": hh.pk,
            "person_id": p.pk,
            "reason": "代办",
            "submit": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["actions"]) == (
        "submitted",
        [{"name": "withdraw", "label": "撤回"}],
    )
    pk = body["id"]
    client.force_login(a.county)
    assert (
        client.post(
            f"/api/v1/benefits/applications/{pk}/review/",
            {"note": "好"},
            content_type="application/json",
        ).status_code
        == 200
    )
    refused = client.post(
        f"/api/v1/benefits/applications/{pk}/approve/", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Application.objects.get(pk=pk).status == "reviewed"
    client.force_login(a.county2)
    approved = client.post(
        f"/api/v1/benefits/applications/{pk}/approve/", {}, content_type="application/json"
    )
    assert approved.status_code == 200
    assert approved.json()["approved_fen"] == 12000
    listing = client.get("/api/v1/benefits/entitlements/").json()
    assert [r["person_id"] for r in listing["results"]] == [p.pk]
    assert client.get("/api/v1/benefits/policies/").status_code == 200


def test_pages_render_for_staff(ctx, client):
    world, a, pols = ctx
    e = f.approved_living_subsidy(world, a, world.a)
    run = services.payment_run_prepare(
        actor=a.county, policy=pols["living"], area=world.a.county, month=services._today()
    )
    assert walk(RUN_WORKFLOW, [a.county, a.county2, a.community], [run]) == []
    client.force_login(a.county)
    for name, args in [
        ("benefits:application_index", []),
        ("benefits:policy_index", []),
        ("benefits:entitlement_index", []),
        ("benefits:run_index", []),
        ("benefits:ledger_index", []),
        ("benefits:stop_index", []),
        ("benefits:union_index", []),
        ("benefits:alert_inbox", []),
        ("benefits:entitlement_import", []),
        ("benefits:union_new", []),
        ("benefits:entitlement_detail", [e.pk]),
        ("benefits:run_detail", [run.pk]),
        ("benefits:policy_detail", [pols["living"].pk]),
        ("benefits:household_benefits", [e.household_id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    page = client.get(
        reverse("benefits:policy_detail", args=[pols["living"].pk]), {"area": world.a.village.code}
    )
    assert page.status_code == 200
    export = client.get(
        reverse("benefits:ledger_export"), {"month": services._today().strftime("%Y-%m")}
    )
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def _roster(rows):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["残疾人两项补贴名册"])
    ws.append(["身份证号", "姓名", "金额（元）", "档次", "起始日期"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def test_roster_import_row_errors_then_idempotent(ctx):
    from lianxin.benefits import importing

    world, a, pols = ctx
    _h1, p1 = f.disabled_in_dibao(world.a, grade=1, name="张一")
    _h2, p2 = f.disabled_in_dibao(world.a, grade=3, name="张二")
    good = [
        [p1.id_number, "张一", 120, "1", "2026-01-01"],
        [p2.id_number, "张二", 90, "3", "2026-01-01"],
    ]
    bad = [
        *good,
        ["640104197005010000", "错号", 90, "3", "2026-01-01"],
        [p2.id_number, "张二", 90, "3", "2026-01-01"],
    ]
    report = importing.entitlements_import(
        actor=a.county, policy=pols["living"], upload=_roster(bad), confirm=True
    )
    assert [(e["row"], e["column"], e["reason"]) for e in report.errors] == [
        (5, "身份证号", "身份证号校验位错误"),
        (6, "身份证号", "与第4行重复"),
    ]
    assert (report.written, Entitlement.objects.count()) == (False, 0)
    report = importing.entitlements_import(
        actor=a.county, policy=pols["living"], upload=_roster(good), confirm=True
    )
    assert (report.created, report.unchanged, report.written) == (2, 0, True)
    assert sorted(Entitlement.objects.values_list("amount_fen", flat=True)) == [9000, 12000]
    again = importing.entitlements_import(
        actor=a.county, policy=pols["living"], upload=_roster(good), confirm=True
    )
    assert (again.created, again.unchanged, again.errors) == (0, 2, [])
    assert Entitlement.objects.count() == 2
    assert Entitlement.objects.get(person=p1).start_on == dt.date(2026, 1, 1)


def test_application_pages_identify_the_household_by_head_and_address(ctx, client):
    """Issue #12: number + the head's masked name + the address, as care and registry show it."""
    world, a, pols = ctx
    hh, p = f.disabled_in_dibao(world.a, name="马德福")
    app = services.application_file(
        actor=a.community, policy=pols["living"], household=hh, person=p, submit=True
    )
    client.force_login(a.community)
    pages = [
        client.get(reverse("benefits:application_detail", args=[app.pk])),
        client.get(reverse("benefits:application_index")),
        client.get(reverse("benefits:application_new"), {"household": hh.number}),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert hh.number in body
        assert f"马*福 · {hh.address}" in body


def test_ledger_export_as_csv_and_xlsx_is_masked_formula_safe_and_audited(ctx, client):
    import csv
    import io

    from openpyxl import load_workbook

    from lianxin.core.models import AuditEvent
    from lianxin.registry.models import Person

    world, a, pols = ctx
    e = f.approved_living_subsidy(world, a, world.a, name="=HYPERLINK(1)")
    month = services._today()
    f.booked_run(a.county, pols["living"], world.a.county, month, checker=a.county2)
    number = Person.objects.get(pk=e.person_id).id_number
    client.force_login(a.county)
    url = reverse("benefits:ledger_export")

    answer = client.get(url, {"month": month.strftime("%Y-%m"), "format": "csv"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert ".csv" in answer["Content-Disposition"]
    data = b"".join(answer.streaming_content)
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM: Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["台账月份", "待遇月份", "类型"]
    assert len(rows) == 3  # two funding sources
    assert {r[7] for r in rows[1:]} == {"'=HYPERLINK(1)"}  # EXP-01
    assert number not in data.decode("utf-8-sig")
    assert all(r[8].endswith(number[-1]) and "*" in r[8] for r in rows[1:])
    event = AuditEvent.objects.filter(action="export.benefits.ledger").latest("id")
    assert (event.changes["rows"], event.changes["format"]) == (2, "csv")

    answer = client.get(url, {"month": month.strftime("%Y-%m")})
    ws = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    assert ws.freeze_panes == "A3"
    data_rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(data_rows) == 2
    assert all(r[7] == "=HYPERLINK(1)" and r[8] != number for r in data_rows)
    assert ws.cell(row=3, column=8).data_type == "s"
    event = AuditEvent.objects.filter(action="export.benefits.ledger").latest("id")
    assert (event.changes["rows"], event.changes["format"]) == (2, "xlsx")
