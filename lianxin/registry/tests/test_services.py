from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.models import AuditEvent, LimitUse
from lianxin.core.roles import Role
from lianxin.registry import selectors, services
from lianxin.registry.models import (
    AssistanceStatus,
    Disability,
    DuplicateCandidate,
    Household,
    Membership,
    Person,
    VulnerabilityTag,
)
from lianxin.registry.services import MemberInput
from lianxin.registry.tests import factories as f


@pytest.fixture
def family(world, worker):
    return f.ma_family(world, worker, spouse=True)


def test_register_creates_household_members_and_history(world, worker, family):
    assert family.number == "640104001007-001"
    assert family.head.name == "马德福"
    assert family.grid == world.a.grid
    assert [m.relationship for m in selectors.household_members(family)] == [
        "户主",
        "配偶",
        "孙子女",
    ]
    boy = f.person_of(family, "马小军")
    assert boy.birth_date == dt.date(2013, 3, 3)
    assert boy.area_code == world.a.village.code
    assert boy.grid == world.a.grid
    history = list(selectors.household_history(household=family))
    assert [e.action for e in history] == ["registry.household.register"]
    assert history[0].actor == worker


def test_register_refuses_two_heads_and_writes_nothing(world, worker):
    before = (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError, match="一户必须有且只有一名户主"):
        f.household(
            actor=worker,
            division=world.a.village,
            grid=world.a.grid,
            members=[("甲", f.make_id(), "户主"), ("乙", f.make_id(), "户主")],
        )
    assert (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before


def test_register_outside_own_grid_is_refused(world, worker):
    with pytest.raises(AccessDenied):
        f.household(actor=worker, division=world.b.village, grid=world.b.grid)
    assert Household.objects.count() == 0


def test_same_id_number_is_the_same_person(world, worker, family):
    boy = f.person_of(family, "马小军")
    with pytest.raises(Conflict, match="已在住户640104001007-001中"):
        f.household(
            actor=worker,
            division=world.a.village,
            grid=world.a.grid,
            members=[("马小军", boy.id_number, "户主")],
        )
    assert Person.objects.filter(name="马小军").count() == 1


def test_member_add_move_remove_and_head_change(world, worker, family):
    other = f.household(
        actor=worker,
        division=world.a.village,
        grid=world.a.grid,
        members=[("王五", f.make_id(), "户主")],
    )
    new = services.member_add(
        actor=worker,
        household=family,
        member=MemberInput(name="马小红", id_number=f.make_id(sex="F"), relationship="孙子女"),
    )
    assert selectors.current_household_of(new) == family
    services.member_move(actor=worker, person=new, to_household=other, relationship="其他")
    assert selectors.current_household_of(new) == other
    with pytest.raises(InvalidTransition, match="户主不能迁出"):
        services.member_move(
            actor=worker, person=family.head, to_household=other, relationship="其他"
        )
    wife = f.person_of(family, "李秀兰")
    services.head_change(
        actor=worker, household=family, new_head=wife, old_head_relationship="配偶"
    )
    family.refresh_from_db()
    assert family.head == wife
    assert (
        Membership.objects.get(person__name="马德福", ended_on__isnull=True).relationship == "配偶"
    )
    services.member_remove(actor=worker, person=new, reason="登记错误")
    assert selectors.current_household_of(new) is None
    actions = [e.action for e in selectors.household_history(household=family)]
    assert actions == [
        "registry.household.head_change",
        "registry.member.move_out",
        "registry.member.add",
        "registry.household.register",
    ]


def test_split_and_merge(world, worker, family):
    boy = f.person_of(family, "马小军")
    new = services.household_split(actor=worker, household=family, persons=[boy], new_head=boy)
    assert new.head == boy
    assert new.grid == family.grid
    assert selectors.current_household_of(boy) == new
    services.household_merge(actor=worker, source=new, target=family)
    new.refresh_from_db()
    assert not new.is_active
    assert selectors.current_household_of(boy) == family
    assert {"registry.household.split", "registry.household.merge"} <= {
        e.action for e in selectors.household_history(household=family)
    }


def test_mark_deceased_ends_membership_and_tags(world, worker, family):
    grandpa = family.head
    services.tag_add(actor=worker, person=grandpa, tag="高龄独居", evidence="走访记录")
    services.person_mark_deceased(
        actor=worker, person=grandpa, on=dt.date(2026, 1, 5), evidence="死亡证明"
    )
    grandpa.refresh_from_db()
    family.refresh_from_db()
    assert grandpa.status == "deceased"
    assert family.head is None
    assert family.is_active
    assert VulnerabilityTag.objects.get(person=grandpa).valid_to == dt.date(2026, 1, 5)
    with pytest.raises(InvalidTransition):
        services.person_mark_deceased(
            actor=worker, person=grandpa, on=dt.date(2026, 1, 5), evidence="x"
        )
    assert "registry.person.deceased" in [
        e.action for e in selectors.household_history(household=family)
    ]


def test_mark_moved(world, worker, family):
    boy = f.person_of(family, "马小军")
    services.person_mark_moved(
        actor=worker, person=boy, on=dt.date(2026, 1, 1), destination="银川市金凤区"
    )
    boy.refresh_from_db()
    assert boy.status == "moved"


def test_tag_requires_evidence_and_is_unique(world, worker, family):
    boy = f.person_of(family, "马小军")
    with pytest.raises(ApplicationError, match="请填写依据"):
        services.tag_add(actor=worker, person=boy, tag="困境儿童", evidence=" ")
    tag = services.tag_add(actor=worker, person=boy, tag="困境儿童", evidence="父亲去世，母亲离家")
    with pytest.raises(Conflict):
        services.tag_add(actor=worker, person=boy, tag="困境儿童", evidence="again")
    services.tag_remove(actor=worker, tag=tag, reason="已成年")
    tag.refresh_from_db()
    assert tag.valid_to is not None
    assert tag.removal_reason == "已成年"


def test_disability_certificate_number_and_tag(world, worker, family):
    wife = f.person_of(family, "李秀兰")
    row = services.disability_set(actor=worker, person=wife, disability_type="视力", grade=1)
    assert row.certificate_number == wife.id_number + "11"
    assert VulnerabilityTag.objects.filter(person=wife, tag="残疾", valid_to__isnull=True).exists()
    services.disability_set(actor=worker, person=wife, disability_type="视力", grade=2)
    assert Disability.objects.filter(person=wife, is_active=True).count() == 1


def test_assistance_categories_exclude_each_other(world, worker, family):
    services.assistance_set(
        actor=worker, household=family, assistance_type="低保边缘", started_on=dt.date(2025, 1, 1)
    )
    services.assistance_set(
        actor=worker, household=family, assistance_type="低保", started_on=dt.date(2026, 1, 1)
    )
    active = AssistanceStatus.objects.filter(household=family, ended_on__isnull=True)
    assert list(active.values_list("assistance_type", flat=True)) == ["低保"]
    assert AssistanceStatus.objects.get(assistance_type="低保边缘").ended_on == dt.date(
        2025, 12, 31
    )
    with pytest.raises(Conflict):
        services.assistance_set(
            actor=worker, household=family, assistance_type="低保", started_on=dt.date(2026, 2, 1)
        )
    row = active.get()
    services.assistance_end(actor=worker, assistance=row, on=dt.date(2026, 3, 1), reason="收入超标")
    assert not AssistanceStatus.objects.filter(household=family, ended_on__isnull=True).exists()


def test_person_update_audits_changed_fields_without_plaintext(world, worker, family):
    boy = f.person_of(family, "马小军")
    services.person_update(actor=worker, person=boy, phone_number="139 0951 1111", address="3号楼")
    event = AuditEvent.objects.filter(action="registry.person.update").get()
    assert audit.unsealed(event)["changes"]["phone"] == ["***", "***"]
    assert "13909511111" not in str(event.changes)
    boy.refresh_from_db()
    assert boy.phone == "13909511111"
    assert selectors.person_find(user=worker, phone_number="13909511111").get() == boy


def test_homophone_with_same_birth_date_goes_to_review_and_merges(world, worker, family):
    a, b = f.homophones(world, worker)
    candidate = DuplicateCandidate.objects.get()
    assert candidate.reason == "同音姓名、同出生日期、同社区"
    keep, drop = a.head, b.head
    services.tag_add(actor=worker, person=drop, tag="重病", evidence="病历")
    services.duplicate_merge(actor=worker, candidate=candidate, keep=keep)
    drop.refresh_from_db()
    assert drop.merged_into == keep
    assert VulnerabilityTag.objects.get(tag="重病").person == keep
    assert selectors.current_household_of(drop) is None
    assert AuditEvent.objects.filter(action="registry.person.merge").exists()
    assert AuditEvent.objects.filter(action="registry.tag.add", changes__person=drop.pk).exists()


def test_dismissed_duplicate_stays_dismissed(world, worker):
    birth = dt.date(1985, 5, 5)
    f.household(
        actor=worker,
        division=world.a.village,
        grid=world.a.grid,
        members=[("李明", f.make_id(birth=birth), "户主")],
    )
    f.household(
        actor=worker,
        division=world.a.village,
        grid=world.a.grid,
        members=[("李明", f.make_id(birth=birth), "户主")],
    )
    candidate = DuplicateCandidate.objects.get()
    assert candidate.reason == "同名、同出生日期、同社区"
    services.duplicate_dismiss(actor=worker, candidate=candidate, note="两人")
    services.duplicates_detect(persons=Person.objects.all())
    assert DuplicateCandidate.objects.count() == 1


def test_reveal_is_audited_rate_limited_and_role_bound(world, family, settings):
    cache.clear()
    settings.LIANXIN_REVEAL_RATE = "3/h"
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    boy = f.person_of(family, "马小军")
    for _ in range(3):
        assert (
            services.person_id_reveal(actor=staff, person=boy, reason="核实身份") == boy.id_number
        )
    with pytest.raises(AccessDenied, match="过于频繁"):
        services.person_id_reveal(actor=staff, person=boy, reason="核实身份")
    events = AuditEvent.objects.filter(action="registry.person.reveal_id", target_id=str(boy.pk))
    assert [e.result for e in events.order_by("id")] == ["success"] * 3 + ["denied"]
    with pytest.raises(AccessDenied, match="无权"):
        services.person_id_reveal(
            actor=world.user(Role.GRID_WORKER, "a"), person=boy, reason="核实身份"
        )


@pytest.mark.parametrize("reason", ["", "  ", "a"])
def test_reveal_requires_a_reason(world, family, reason):
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    boy = f.person_of(family, "马小军")
    with pytest.raises(ApplicationError, match="原因"):
        services.person_id_reveal(actor=staff, person=boy, reason=reason)
    events = AuditEvent.objects.filter(action="registry.person.reveal_id", target_id=str(boy.pk))
    assert list(events.values_list("result", flat=True)) == ["denied"]
    assert LimitUse.objects.count() == 0  # a refused reveal uses nothing of the limit


def test_mask_tiers(world, family):
    boy = f.person_of(family, "马小军")
    n = boy.id_number
    assert (
        selectors.masked_id_number(user=world.user(Role.GRID_WORKER, "a"), person=boy)
        == "*" * 15 + n[-3:]
    )
    assert (
        selectors.masked_id_number(user=world.user(Role.COUNTY_STAFF, "a"), person=boy)
        == "*" * 17 + n[-1]
    )
    assert (
        selectors.masked_id_number(user=world.user(Role.VOLUNTEER, "a"), person=boy) == "（不可见）"
    )


def test_grid_worker_sees_only_his_grid(world, worker, family):
    other_worker = world.user(Role.GRID_WORKER, "a", grid=world.a.other_grid)
    assert list(Household.objects.for_user(worker)) == [family]
    assert list(Household.objects.for_user(other_worker)) == []
    with pytest.raises(AccessDenied):
        services.tag_add(actor=other_worker, person=family.head, tag="重病", evidence="x")


def test_reveal_window_slides(world, family, settings):
    import time_machine

    cache.clear()
    settings.LIANXIN_REVEAL_RATE = "2/h"
    staff = world.user(Role.TOWNSHIP_STAFF, "a")
    boy = f.person_of(family, "马小军")
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 50, tzinfo=dt.UTC), tick=False) as clock:
        services.person_id_reveal(actor=staff, person=boy, reason="核实身份")
        clock.shift(dt.timedelta(minutes=20))  # 10:10, a new clock hour but the same 60 minutes
        services.person_id_reveal(actor=staff, person=boy, reason="核实身份")
        with pytest.raises(AccessDenied):
            services.person_id_reveal(actor=staff, person=boy, reason="核实身份")
        clock.shift(dt.timedelta(minutes=41))  # the first reveal is now more than an hour old
        assert (
            services.person_id_reveal(actor=staff, person=boy, reason="核实身份") == boy.id_number
        )
