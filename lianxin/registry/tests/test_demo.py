from __future__ import annotations

import io
import time

from lianxin.areas import demo as areas_demo
from lianxin.core import idnumber
from lianxin.core.democontext import DemoContext
from lianxin.registry import demo
from lianxin.registry.models import Disability, Household, Person, VulnerabilityTag


def _ctx(n: int) -> DemoContext:
    return DemoContext(stdout=io.StringIO(), households=n, seed=7)


def test_demo_cases_have_fixed_numbers_in_first_grids_and_is_idempotent(db):
    areas_demo.load(_ctx(0))
    started = time.monotonic()
    demo.load(_ctx(300))
    elapsed = time.monotonic() - started
    assert elapsed < 20
    numbers = {c.number for c in demo.CASES}
    assert (
        set(Household.objects.filter(number__in=numbers).values_list("number", flat=True))
        == numbers
    )
    boy_home = Household.objects.get(number="640104001007-001")
    assert boy_home.grid.name == "第一网格"
    assert boy_home.head.name == "马德福"
    boy = Person.objects.get(name="马小军")
    assert boy.birth_date.year == 2013
    assert set(boy.tags.values_list("tag", flat=True)) == {"困境儿童", "事实无人抚养儿童"}
    assert Person.objects.get(name="马建军").status == "deceased"
    chen = Person.objects.get(name="陈福")
    assert (chen.disabilities.get().disability_type, chen.disabilities.get().grade) == ("视力", 1)
    assert Household.objects.get(number="640221100001-001").area_code == "640221100001"
    assert Person.objects.get(name="杨小花").tags.filter(tag="事实无人抚养儿童").exists()
    assert Person.objects.get(name="周丽").disabilities.get().disability_type == "智力"
    synthetic = Household.objects.exclude(number__in=numbers)
    assert synthetic.count() == 300
    persons = Person.objects.exclude(memberships__household__number__in=numbers)
    share = Disability.objects.filter(person__in=persons).count() / persons.count()
    assert 0.03 < share < 0.10
    assert all(idnumber.is_valid(p.id_number) for p in persons[:200])
    counts = (Household.objects.count(), Person.objects.count(), VulnerabilityTag.objects.count())
    demo.load(_ctx(300))
    assert (
        Household.objects.count(),
        Person.objects.count(),
        VulnerabilityTag.objects.count(),
    ) == counts
