"""DOMAIN.md section 4 "receiving but no longer entitled": a grade-2 nursing subsidy is paid for
November and December; the person died on 15 November. The deaths roster raises an alert, the
county proposes the stop, a second officer approves it, the entitlement ends on the day of
death and the December payment is reversed (reversing entries in the open month), while the
November entries stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lianxin.benefits import services
from lianxin.benefits.models import Entitlement, LedgerEntry
from lianxin.benefits.tests import factories as f
from lianxin.core.errors import AccessDenied
from lianxin.registry.models import Person


def _pay(a, policy, area, month):
    f.booked_run(a.county, policy, area, month, checker=a.county2)


def test_death_stops_the_subsidy_with_a_reversing_entry(world):
    with time_machine.travel(dt.datetime(2026, 11, 5, 2, tzinfo=dt.UTC), tick=False):
        a = f.actors(world)
        pols = f.policies(world)
        hh, person = f.disabled_in_dibao(world.a, grade=2, name="杨老汉", dibao=False)
        app = services.application_file(
            actor=a.community, policy=pols["nursing"], household=hh, person=person, submit=True
        )
        app = services.application_review(actor=a.township, obj=app)
        services.application_approve(actor=a.county, obj=app)
        _pay(a, pols["nursing"], world.a.county, dt.date(2026, 11, 1))
    with time_machine.travel(dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC), tick=False):
        _pay(a, pols["nursing"], world.a.county, dt.date(2026, 12, 1))
        november = list(
            LedgerEntry.objects.filter(period=dt.date(2026, 11, 1)).values_list("id", "amount_fen")
        )
        Person.objects.filter(pk=person.pk).update(
            status="deceased", status_date=dt.date(2026, 11, 15)
        )
        alert = f.alert(
            person,
            "assistance_recipient_deceased",
            "死亡名册：2026-11-15",
            area=world.a.county,
            as_of=dt.date(2026, 12, 1),
            evidence_hash="d1",
            status="confirmed",
        )
        [stop] = services.stop_propose_from_alert(actor=a.county, alert_id=alert.pk)
        assert stop.end_on == dt.date(2026, 11, 15)
        with pytest.raises(AccessDenied):
            services.stop_approve(actor=a.county, obj=stop)
        services.stop_approve(actor=a.county2, obj=stop)

        e = Entitlement.objects.get(person=person)
        assert (e.status, e.end_on) == ("ended", dt.date(2026, 11, 15))
        reversals = list(
            LedgerEntry.objects.filter(kind="reversal")
            .order_by("id")
            .values_list("period", "month", "amount_fen")
        )
        assert reversals == [
            (dt.date(2026, 12, 1), dt.date(2026, 12, 1), -7_000),
            (dt.date(2026, 12, 1), dt.date(2026, 12, 1), -3_000),
        ]
        assert (
            list(
                LedgerEntry.objects.filter(period=dt.date(2026, 11, 1), kind="payment").values_list(
                    "id", "amount_fen"
                )
            )
            == november
        )
        net = {
            p: sum(LedgerEntry.objects.filter(period=p).values_list("amount_fen", flat=True))
            for p in (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
        }
        assert net == {dt.date(2026, 11, 1): 10_000, dt.date(2026, 12, 1): 0}
        # nothing more to pay for January
    with (
        time_machine.travel(dt.datetime(2027, 1, 3, 2, tzinfo=dt.UTC), tick=False),
        pytest.raises(services.ApplicationError),
    ):
        services.payment_run_prepare(
            actor=a.county, policy=pols["nursing"], area=world.a.county, month=dt.date(2027, 1, 1)
        )
