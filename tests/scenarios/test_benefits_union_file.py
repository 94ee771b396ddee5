"""DOMAIN.md section 5: the union opens a file for a worker household in difficulty (serious
illness, education burden), the union's queries find it, it is assisted with the warm card and
heating subsidy under a yearly plan with owners and deadlines, re-verified, and after a year
the household is out of difficulty (解困脱困) and the file is closed (销档)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lianxin.benefits import selectors, services
from lianxin.benefits.tests import factories as f
from lianxin.core.errors import AccessDenied, Conflict, InvalidTransition


def _numbers(user, query):
    return [x.number for x in selectors.union_file_list(user=user, query=query)]


def test_union_file_from_opening_to_out_of_difficulty(world):
    with time_machine.travel(dt.datetime(2026, 1, 10, 2, tzinfo=dt.UTC), tick=False):
        a = f.actors(world)
        pols = f.policies(world)
        hh = f.household(world.a)
        worker = f.person(world.a, hh, "李师傅")
        with pytest.raises(AccessDenied):
            f.union_file(a.county, world.a, hh, worker)
        file = f.union_file(
            a.union, world.a, hh, worker, causes=["illness", "education"], employer="宁夏某机械厂"
        )
        assert (file.status, file.reverify_due_on) == ("opened", dt.date(2027, 1, 10))
        with pytest.raises(Conflict):
            f.union_file(a.union, world.a, hh, worker)
        assert _numbers(a.union, "never_assisted") == [file.number]
        with pytest.raises(InvalidTransition):
            services.union_file_out(actor=a.union, obj=file, reason="未帮扶不能脱困")
        services.union_file_assist(actor=a.union, obj=file, policy=pols["warm_card"], note="温暖卡")
        services.union_file_assist(actor=a.union, obj=file, policy=pols["heating"], note="取暖补贴")
        services.union_plan_add(
            actor=a.union,
            file=file,
            year=2026,
            measure="推荐转岗培训",
            responsible="兴庆区总工会",
            deadline=dt.date(2026, 6, 30),
        )
        file.refresh_from_db()
        assert file.status == "assisted"
        assert _numbers(a.union, "never_assisted") == []
        assert [i.measure for i in selectors.union_plan(file=file, year=2026)] == ["推荐转岗培训"]
    with time_machine.travel(dt.datetime(2027, 1, 20, 2, tzinfo=dt.UTC), tick=False):
        assert _numbers(a.union, "due") == [file.number]
        assert _numbers(a.union, "unchanged") == [file.number]
        file = services.union_file_reverify(actor=a.union, obj=file, note="家庭收入增加")
        assert file.reverify_due_on == dt.date(2028, 1, 20)
        assert _numbers(a.union, "due") == []
        file = services.union_file_out(
            actor=a.union, obj=file, reason="本人转岗后月收入稳定，子女毕业就业"
        )
        assert file.status == "out"
        file = services.union_file_close(actor=a.union, obj=file, reason="解困脱困满一年，销档")
        file.refresh_from_db()
        assert (file.status, file.status_changed_on) == ("closed", dt.date(2027, 1, 20))
