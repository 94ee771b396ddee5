"""The payments ledger cannot be edited through any path: the model, the queryset, the API,
the admin, and (on PostgreSQL) SQL itself. Every attempt leaves the rows as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lianxin.benefits import services
from lianxin.benefits.models import LedgerEntry
from lianxin.benefits.tests import factories as f
from lianxin.core.models import AppendOnlyError
from lianxin.core.roles import Role


@pytest.fixture
def entry(world):
    a = f.actors(world)
    pols = f.policies(world)
    f.approved_living_subsidy(world, a, world.a)
    f.booked_run(a.county, pols["living"], world.a.county, services._today(), checker=a.county2)
    return LedgerEntry.objects.order_by("id").first()


def _snapshot() -> list[tuple]:
    return list(LedgerEntry.objects.order_by("id").values_list("id", "amount_fen", "month", "note"))


def test_model_save_and_delete_refused(entry):
    before = _snapshot()
    entry.amount_fen = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert _snapshot() == before


def test_queryset_update_and_delete_refused(entry):
    before = _snapshot()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.bulk_update([entry], ["amount_fen"])
    assert _snapshot() == before


def test_api_is_read_only(entry, world, client):
    before = _snapshot()
    user = world.user(Role.COUNTY_STAFF, "a")
    client.force_login(user)
    url = f"/api/v1/benefits/ledger/{entry.pk}/"
    assert client.get(url).status_code == 200
    assert client.put(url, {"amount_fen": 1}, content_type="application/json").status_code == 405
    assert client.patch(url, {"amount_fen": 1}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    assert (
        client.post(
            "/api/v1/benefits/ledger/", {"amount_fen": 1}, content_type="application/json"
        ).status_code
        == 405
    )
    assert _snapshot() == before


def test_admin_offers_no_way_to_the_ledger(entry, world, client):
    """The ledger is not registered in the Django admin: even the system administrator gets 404
    for its change, delete and add pages."""
    from django.contrib import admin

    from lianxin.accounts.models import Assignment, User
    from lianxin.areas.models import Division

    before = _snapshot()
    assert LedgerEntry not in admin.site._registry
    root = User.objects.create_user(
        username="sysadmin_ledger", password="x-Long-Password-1", is_staff=True
    )
    Assignment.objects.create(
        user=root, role=Role.SYSTEM_ADMIN, area=Division.objects.get(code="64")
    )
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    for url in (
        f"/admin/benefits/ledgerentry/{entry.pk}/change/",
        f"/admin/benefits/ledgerentry/{entry.pk}/delete/",
        "/admin/benefits/ledgerentry/add/",
    ):
        assert client.post(url, {"amount_fen": 1, "post": "yes"}).status_code == 404
    assert _snapshot() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_sql_update_and_delete_refused_by_trigger(entry):
    before = _snapshot()
    for sql in (
        "UPDATE benefits_ledgerentry SET amount_fen = 1 WHERE id = %s",
        "DELETE FROM benefits_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="资金台账只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert _snapshot() == before


def test_correction_is_a_reversing_entry(entry, world):
    a2 = world.user(Role.COUNTY_STAFF, "a")
    before = _snapshot()
    reversal = services.ledger_reverse(actor=a2, entry=entry, reason="金额有误")
    assert _snapshot()[: len(before)] == before
    assert (reversal.amount_fen, reversal.reverses_id, reversal.kind) == (
        -entry.amount_fen,
        entry.pk,
        "reversal",
    )
    assert reversal.month >= dt.date(2026, 1, 1)
