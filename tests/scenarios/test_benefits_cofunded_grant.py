"""DOMAIN.md section 5: one household's 50,000-yuan medical grant, co-funded by the city union
(30,000), the district union (10,000) and an insurer (10,000); each source's sub-ledger carries
its own part, and the household's page shows what it received from whom."""

from __future__ import annotations

import datetime as dt

import time_machine

from lianxin.accounts.models import Assignment
from lianxin.benefits import selectors, services
from lianxin.benefits.models import LedgerEntry
from lianxin.benefits.tests import factories as f
from lianxin.core.roles import Role

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def test_cofunded_medical_grant(world):
    with time_machine.travel(NOW, tick=False):
        a = f.actors(world)
        pols = f.policies(world)
        checker = world.user(Role.COUNTY_STAFF, "a")
        Assignment.objects.filter(user=checker).update(organisation=f.union_org(world.a))
        hh = f.household(world.a)
        worker = f.person(world.a, hh, "王师傅")
        file = f.union_file(a.union, world.a, hh, worker, employer="银川某厂")
        city, district, insurer = (
            f.source(n)
            for n in ("银川市总工会帮扶资金", "兴庆区总工会帮扶资金", "职工医疗互助保险承保机构")
        )
        record = services.union_file_assist(
            actor=a.union,
            obj=file,
            policy=pols["union_medical"],
            note="大病医疗救助",
            shares=[(city, 3_000_000), (district, 1_000_000), (insurer, 1_000_000)],
        )
        file.refresh_from_db()
        assert file.status == "assisted"
        assert record.entitlement.amount_fen == 5_000_000
        f.booked_run(
            a.union, pols["union_medical"], world.a.county, dt.date(2026, 11, 1), checker=checker
        )

        for source, fen in ((city, 3_000_000), (district, 1_000_000), (insurer, 1_000_000)):
            totals = selectors.source_totals(user=a.union, source=source)
            assert (totals["paid_fen"], totals["reversed_fen"], totals["net_fen"]) == (fen, 0, fen)
        assert LedgerEntry.objects.filter(entitlement=record.entitlement).count() == 3
        assert selectors.household_payments(user=a.community, household=hh) == [
            {
                "policy": "困难职工医疗救助",
                "source": "兴庆区总工会帮扶资金",
                "total_fen": 1_000_000,
                "entries": 1,
            },
            {
                "policy": "困难职工医疗救助",
                "source": "职工医疗互助保险承保机构",
                "total_fen": 1_000_000,
                "entries": 1,
            },
            {
                "policy": "困难职工医疗救助",
                "source": "银川市总工会帮扶资金",
                "total_fen": 3_000_000,
                "entries": 1,
            },
        ]
        summary = selectors.monthly_summary(
            department_type="trade_union", area_code=world.a.city.code, month=dt.date(2026, 11, 1)
        )
        assert sum(r["net_fen"] for r in summary) == 5_000_000
