from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.benefits import services
from lianxin.benefits.models import (
    Application,
    Entitlement,
    LedgerEntry,
    MonthlyAggregate,
    PaymentRun,
)
from lianxin.benefits.tests import factories as f
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.models import AuditEvent

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def setup(world):
    with time_machine.travel(NOW, tick=False):
        yield world, f.actors(world), f.policies(world)


def _file_living(a, pols, hh, p, **more):
    """The community files ``p``'s application for the living subsidy."""
    return services.application_file(
        actor=a.community, policy=pols["living"], household=hh, person=p, **more
    )


def test_file_review_approve_creates_the_entitlement(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a, grade=2)
    app = _file_living(a, pols, hh, p, reason="代办", submit=True)
    assert app.status == "submitted"
    assert app.standard_key == "2"
    app = services.application_review(actor=a.township, obj=app)
    app = services.application_approve(actor=a.county, obj=app)
    app.refresh_from_db()
    e = Entitlement.objects.get(application=app)
    assert (app.status, app.approved_fen, app.decided_by_id) == ("approved", 12000, a.county.pk)
    assert (e.amount_fen, e.status, e.start_on, e.reverify_due_on) == (
        12000,
        "active",
        dt.date(2026, 11, 1),
        dt.date(2027, 11, 1),
    )


def test_the_reviewer_cannot_approve(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a)
    app = _file_living(a, pols, hh, p, submit=True)
    app = services.application_review(actor=a.county, obj=app)
    before = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        services.application_approve(actor=a.county, obj=app)
    app.refresh_from_db()
    assert (app.status, app.decided_by_id) == ("reviewed", None)
    assert Entitlement.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_the_filer_cannot_review(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a)
    app = services.application_file(
        actor=a.township, policy=pols["living"], household=hh, person=p, submit=True
    )
    with pytest.raises(AccessDenied):
        services.application_review(actor=a.township, obj=app)
    app.refresh_from_db()
    assert app.status == "submitted"


def test_approval_refused_when_the_rule_is_not_met(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a, dibao=False)
    app = _file_living(a, pols, hh, p, submit=True)
    app = services.application_review(actor=a.township, obj=app)
    with pytest.raises(ApplicationError) as exc:
        services.application_approve(actor=a.county, obj=app)
    assert exc.value.message == "不符合资格条件：家庭享受低保"
    app.refresh_from_db()
    assert app.status == "reviewed"
    assert not Entitlement.objects.exists()


def test_refusal_needs_a_reason(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a)
    app = _file_living(a, pols, hh, p, submit=True)
    with pytest.raises(ApplicationError):
        services.application_refuse(actor=a.township, obj=app, reason="  ")
    app = services.application_refuse(actor=a.township, obj=app, reason="证件过期")
    app.refresh_from_db()
    assert (app.status, app.refusal_reason) == ("refused", "证件过期")


def test_one_open_application_per_beneficiary(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a)
    _file_living(a, pols, hh, p)
    with pytest.raises(Conflict):
        _file_living(a, pols, hh, p)
    assert Application.objects.count() == 1


def test_staff_of_another_area_cannot_file(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.b)
    with pytest.raises(AccessDenied):
        _file_living(a, pols, hh, p)
    assert Application.objects.count() == 0


def test_documents_are_checked_by_content(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a)
    app = _file_living(a, pols, hh, p)
    with pytest.raises(ApplicationError):
        services.application_add_document(
            actor=a.community,
            application=app,
            upload=SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image"),
            title="申请表",
        )
    doc = services.application_add_document(
        actor=a.community, application=app, upload=SimpleUploadedFile("x.png", PNG), title="申请表"
    )
    assert (doc.content_type, doc.size, app.documents.count()) == ("image/png", len(PNG), 1)


def test_payment_run_needs_a_second_person_then_books_per_source(setup):
    world, a, pols = setup
    e = f.approved_living_subsidy(world, a, world.a, grade=1)
    run = services.payment_run_prepare(
        actor=a.county, policy=pols["living"], area=world.a.county, month=dt.date(2026, 11, 1)
    )
    assert (run.line_count, run.total_fen) == (1, 12000)
    with pytest.raises(AccessDenied):
        services.payment_run_approve(actor=a.county, obj=run)
    run.refresh_from_db()
    assert run.status == "prepared"
    services.payment_run_approve(actor=a.county2, obj=run)
    services.payment_run_book(actor=a.county, obj=run)
    entries = list(
        LedgerEntry.objects.filter(entitlement=e)
        .order_by("source__name")
        .values_list("source__name", "amount_fen")
    )
    assert entries == [("中央和自治区财政困难群众救助补助资金", 8400), ("市县财政配套资金", 3600)]
    agg = MonthlyAggregate.objects.filter(
        month=dt.date(2026, 11, 1), department_type="civil_affairs"
    )
    assert sorted(agg.values_list("payment_fen", flat=True)) == [3600, 8400]
    # the same month cannot be paid twice
    with pytest.raises(ApplicationError):
        services.payment_run_prepare(
            actor=a.county, policy=pols["living"], area=world.a.county, month=dt.date(2026, 11, 1)
        )


def test_reversal_goes_to_the_next_month_after_close(setup):
    world, a, pols = setup
    f.approved_living_subsidy(world, a, world.a)
    f.booked_run(a.county, pols["living"], world.a.county, dt.date(2026, 11, 1), checker=a.county2)
    closed = services.month_close(
        actor=a.county,
        department_type="civil_affairs",
        county=world.a.county,
        month=dt.date(2026, 11, 1),
    )
    assert (closed.row_count, closed.total_fen, len(closed.sha256)) == (2, 12000, 64)
    snapshot = closed.file.read()
    entry = LedgerEntry.objects.filter(kind="payment").order_by("id").first()
    reversal = services.ledger_reverse(actor=a.county2, entry=entry, reason="重复发放")
    assert (reversal.month, reversal.period, reversal.amount_fen) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 11, 1),
        -entry.amount_fen,
    )
    closed.refresh_from_db()
    closed.file.seek(0)
    assert closed.file.read() == snapshot
    with pytest.raises(Conflict):
        services.ledger_reverse(actor=a.county2, entry=entry, reason="再次")
    with pytest.raises(InvalidTransition):
        services.ledger_reverse(actor=a.county2, entry=reversal, reason="冲正的冲正")
    summary = services_summary(dt.date(2026, 12, 1), world.a.county.code)
    assert summary == [("困难残疾人生活补贴", entry.source.name, 0, -entry.amount_fen)]


def test_the_summaries_of_many_areas_are_each_areas_summary(setup):
    """The run page reads every (department, county) summary in one statement: the same rows
    as one summary per pair, and a county or department without entries has none."""
    from lianxin.benefits.selectors import monthly_summaries, monthly_summary

    world, a, pols = setup
    f.approved_living_subsidy(world, a, world.a)
    f.booked_run(a.county, pols["living"], world.a.county, dt.date(2026, 11, 1), checker=a.county2)
    month = dt.date(2026, 11, 1)
    departments = ["civil_affairs", "disabled_persons_federation"]
    for codes in ([world.a.county.code, world.b.county.code], [world.a.city.code, "64"]):
        many = monthly_summaries(department_types=departments, area_codes=codes, month=month)
        assert set(many) == {(d, c) for d in departments for c in codes}
        for (department, code), rows in many.items():
            one = monthly_summary(department_type=department, area_code=code, month=month)
            assert rows == one
    county = monthly_summaries(
        department_types=departments, area_codes=[world.a.county.code], month=month
    )
    assert sorted(r["paid_fen"] for r in county["civil_affairs", world.a.county.code]) == [
        3600,
        8400,
    ]
    assert county["disabled_persons_federation", world.a.county.code] == []


def services_summary(month, area):
    from lianxin.benefits.selectors import monthly_summary

    return [
        (r["policy"], r["source"], r["paid_fen"], r["reversed_fen"])
        for r in monthly_summary(department_type="civil_affairs", area_code=area, month=month)
    ]


def test_cofunded_grant_sub_ledgers(setup):
    world, a, pols = setup
    hh, p = f.disabled_in_dibao(world.a, dibao=False)
    union2 = world.user("county_staff", "a")
    from lianxin.accounts.models import Assignment

    Assignment.objects.filter(user=union2).update(organisation=f.union_org(world.a))
    shares = [
        (f.source("银川市总工会帮扶资金"), 3_000_000),
        (f.source("兴庆区总工会帮扶资金"), 1_000_000),
        (f.source("职工医疗互助保险承保机构"), 1_000_000),
    ]
    e = services.grant_award(
        actor=a.union, policy=pols["union_medical"], household=hh, person=p, shares=shares
    )
    assert e.amount_fen == 5_000_000
    f.booked_run(
        a.union, pols["union_medical"], world.a.county, dt.date(2026, 11, 1), checker=union2
    )
    rows = sorted(
        LedgerEntry.objects.filter(entitlement=e).values_list("source__name", "amount_fen")
    )
    assert rows == [
        ("兴庆区总工会帮扶资金", 1_000_000),
        ("职工医疗互助保险承保机构", 1_000_000),
        ("银川市总工会帮扶资金", 3_000_000),
    ]
    e.refresh_from_db()
    assert (e.status, e.status_reason) == ("ended", "一次性待遇已发放")
    # a second run pays nothing more
    with pytest.raises(ApplicationError):
        services.payment_run_prepare(
            actor=a.union,
            policy=pols["union_medical"],
            area=world.a.county,
            month=dt.date(2026, 11, 1),
        )
    assert PaymentRun.objects.count() == 1


def test_split_is_exact():
    from lianxin.benefits.standards import split

    parts = split(10001, [("a", 700), ("b", 300)])
    assert parts == [("a", 7001), ("b", 3000)]
    assert sum(x for _s, x in split(99999, [("a", 333), ("b", 333), ("c", 334)])) == 99999


def test_frozen_monthly_ledger_is_masked_and_formula_safe(setup):
    import hashlib
    import io

    from openpyxl import load_workbook

    from lianxin.registry.models import Person

    world, a, pols = setup
    e = f.approved_living_subsidy(world, a, world.a, name="=HYPERLINK(1)")
    f.booked_run(a.county, pols["living"], world.a.county, dt.date(2026, 11, 1), checker=a.county2)
    closed = services.month_close(
        actor=a.county,
        department_type="civil_affairs",
        county=world.a.county,
        month=dt.date(2026, 11, 1),
    )
    content = closed.file.read()
    assert hashlib.sha256(content).hexdigest() == closed.sha256
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:3] == ("台账月份", "待遇月份", "类型")
    number = Person.objects.get(pk=e.person_id).id_number
    data = [r for r in rows[2:] if r[7] == "=HYPERLINK(1)"]
    assert len(data) == 2
    assert data[0][8] == "*" * 17 + number[-1]  # ADR 0009: the last character only
    assert ws.cell(row=3, column=8).data_type == "s"
    with pytest.raises(Conflict):
        services.month_close(
            actor=a.county,
            department_type="civil_affairs",
            county=world.a.county,
            month=dt.date(2026, 11, 1),
        )
