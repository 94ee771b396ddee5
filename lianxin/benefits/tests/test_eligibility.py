from __future__ import annotations

import datetime as dt

import pytest

from lianxin.benefits import eligibility, selectors, services
from lianxin.benefits.tests import factories as f
from lianxin.registry.models import Disability, Person, VulnerabilityTag

AS_OF = dt.date(2026, 11, 20)


def test_rule_validation_messages():
    assert eligibility.validate_rule({"all": [{"kind": "tag", "any_of": ["不存在"]}]}) == [
        "第1个条件（困难标签）须列出有效标签"
    ]
    assert eligibility.validate_rule({"all": [{"kind": "age"}]}) == [
        "第1个条件（年龄）须填写下限或上限"
    ]
    assert eligibility.validate_rule("x") == ['资格条件格式应为 {"all": [条件…]}']
    assert eligibility.validate_rule({"all": [{"kind": "disability", "grades": [1, 2]}]}) == []


@pytest.fixture
def community(world):
    """Six residents of one community, each differing in one fact from the living subsidy's rule."""
    a = f.actors(world)
    pols = f.policies(world)
    site = world.a
    qualifies, _p = None, None
    hh1, qualifies = f.disabled_in_dibao(site, name="符合者")
    f.disabled_in_dibao(site, name="无低保", dibao=False)
    hh3, dead = f.disabled_in_dibao(site, name="已故者")
    Person.objects.filter(pk=dead.pk).update(status="deceased")
    hh4, lapsed = f.disabled_in_dibao(site, name="证件失效")
    Disability.objects.filter(person=lapsed).update(is_active=False)
    hh5, receiving = f.disabled_in_dibao(site, name="已享受")
    entitled = f.approved_living_subsidy(world, a, site, name="已享受2")
    # someone receiving who no longer qualifies: his certificate lapsed after approval
    Disability.objects.filter(person=entitled.person).update(is_active=False)
    hh6, member = f.disabled_in_dibao(site, name="同户成员", dibao=False)
    VulnerabilityTag.objects.create(person=qualifies, tag="残疾", valid_from=dt.date(2025, 1, 1))
    services.application_file(
        actor=a.community, policy=pols["living"], household=hh5, person=receiving, submit=True
    )
    return {
        "policy": pols["living"],
        "qualifies": qualifies,
        "receiving": receiving,
        "stale": entitled,
    }


def test_database_run_lists_missing_and_stale(community, world):
    run = selectors.eligibility_run(
        policy=community["policy"], area_code=world.a.village.code, as_of=AS_OF
    )
    assert sorted(p.name for p in run["missing"]) == ["已享受", "符合者"]
    assert [e.pk for e in run["stale"]] == [community["stale"].pk]


def test_duckdb_gives_the_same_answer_as_the_database(community, world):
    policy = community["policy"]
    con = eligibility.duckdb_from_database(world.a.village.code)
    duck = eligibility.duckdb_run(
        con, policy.rule, AS_OF, policy_id=policy.pk, area_code=world.a.village.code
    )
    run = selectors.eligibility_run(policy=policy, area_code=world.a.village.code, as_of=AS_OF)
    assert duck["missing"] == sorted(p.pk for p in run["missing"])
    assert duck["stale"] == [e.pk for e in run["stale"]]


@pytest.mark.parametrize(
    "rule",
    [
        {"all": [{"kind": "tag", "any_of": ["残疾"]}]},
        {"all": [{"kind": "age", "min": 50, "max": 60}]},
        {"all": [{"kind": "disability", "grades": [1, 2], "types": ["肢体"]}]},
        {"all": [{"kind": "assistance", "any_of": ["低保"]}, {"kind": "age", "max": 40}]},
    ],
)
def test_each_condition_means_the_same_on_both_engines(rule, community, world):
    code = world.a.village.code
    con = eligibility.duckdb_from_database(code)
    sql = f"SELECT p.id FROM persons p WHERE p.area_code LIKE '{code}%' AND {eligibility.duckdb_where(rule, AS_OF)} ORDER BY p.id"
    duck = [r[0] for r in con.execute(sql).fetchall()]
    orm = list(
        Person.objects.filter(area_code__startswith=code)
        .filter(eligibility.person_q(rule, AS_OF))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert duck == orm
