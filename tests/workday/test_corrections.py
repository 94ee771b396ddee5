"""Corrections through the UI: person name/phone/address, household address/grid, move a
member, change the head, split, merge, end an assistance status — each audited and shown in the
household's history with the staff member's display name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lianxin.areas.models import Grid
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.registry import services
from lianxin.registry.models import AssistanceStatus, Household, Membership, Person
from lianxin.registry.tests.factories import household, make_id, person_of


@pytest.fixture
def staff(world):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    user.display_name = "王专干"
    user.save()
    return user


@pytest.fixture
def family(world):
    return household(
        division=world.a.village,
        grid=world.a.grid,
        members=[
            ("马德福", make_id("640104"), "户主"),
            ("李秀兰", make_id("640104", sex="F"), "配偶"),
            ("马小军", make_id("640104", birth=dt.date(2013, 5, 6)), "孙子女"),
        ],
    )


def _history(client, hh):
    return client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()


def test_edit_person_name_and_phone(world, client, staff, family):
    person = person_of(family, "李秀兰")
    client.force_login(staff)
    response = client.post(
        reverse("registry:person_edit", args=[person.pk]),
        {"name": "李秀芝", "ethnicity": "回族", "phone": "13995112233", "address": "1号楼101"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone) == ("李秀芝", "13995112233")
    html = _history(client, family)
    assert "修改居民信息" in html
    assert "姓名：李秀兰→李秀芝" in html
    assert "王专干" in html
    assert staff.username not in html.split("变更记录")[1]


def test_bad_phone_is_shown_once_next_to_the_field(world, client, staff, family):
    person = person_of(family, "李秀兰")
    client.force_login(staff)
    response = client.post(
        reverse("registry:person_edit", args=[person.pk]), {"name": "李秀兰", "phone": "12"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="error-phone"') == 1
    assert 'class="msg error"' not in html
    person.refresh_from_db()
    assert person.phone == ""


def test_household_address_and_grid(world, client, staff, family):
    other = Grid.objects.create(name="第九网格", division=world.a.village)
    client.force_login(staff)
    client.post(
        reverse("registry:household_edit", args=[family.pk]),
        {"address": "9号楼1单元101", "grid": str(other.pk)},
    )
    family.refresh_from_db()
    assert (family.address, family.grid_id) == ("9号楼1单元101", other.pk)
    assert set(
        Person.objects.filter(memberships__household=family).values_list("grid_id", flat=True)
    ) == {other.pk}
    assert "地址：1号楼101→9号楼1单元101" in _history(client, family)


def test_move_change_head_split_merge(world, client, staff, family):
    target = household(
        division=world.a.village, grid=world.a.grid, members=[("张三", make_id("640104"), "户主")]
    )
    client.force_login(staff)
    grandson = person_of(family, "马小军")
    client.post(
        reverse("registry:member_move", args=[grandson.pk]),
        {"to_household": target.number, "relationship": "孙子女"},
    )
    assert Membership.objects.get(person=grandson, ended_on__isnull=True).household_id == target.pk
    wife = person_of(family, "李秀兰")
    client.post(
        reverse("registry:head_change", args=[family.pk]),
        {"new_head": wife.pk, "old_head_relationship": "配偶"},
    )
    family.refresh_from_db()
    assert family.head_id == wife.pk
    husband = person_of(family, "马德福")
    response = client.post(
        reverse("registry:household_split", args=[family.pk]),
        {"persons": [husband.pk], "new_head": husband.pk},
    )
    new = Household.objects.get(head=husband)
    assert response["Location"] == reverse("registry:household_detail", args=[new.pk])
    client.post(reverse("registry:household_merge", args=[new.pk]), {"target": family.number})
    new.refresh_from_db()
    assert new.is_active is False
    html = _history(client, family)
    for label in ("变更户主", "分户", "合户", "成员迁出"):
        assert label in html
    assert AuditEvent.objects.filter(actor=staff, action="registry.household.merge").count() == 2


def test_end_assistance(world, client, staff, family):
    row = services.assistance_set(
        actor=None, household=family, assistance_type="低保", started_on=dt.date(2025, 1, 1)
    )
    client.force_login(staff)
    client.post(
        reverse("registry:assistance_end", args=[row.pk]),
        {"on": "2026-11-01", "reason": "收入超过标准"},
    )
    row.refresh_from_db()
    assert row.ended_on == dt.date(2026, 11, 1)
    assert "终止救助状态" in _history(client, family)


def test_grid_worker_of_another_grid_cannot_correct(world, client, family):
    other_grid = Grid.objects.create(name="别的网格", division=world.a.village)
    worker = world.user(Role.GRID_WORKER, "a")
    worker.assignments.update(grid=other_grid)
    client.force_login(worker)
    response = client.post(reverse("registry:household_edit", args=[family.pk]), {"address": "改"})
    assert response.status_code == 404
    family.refresh_from_db()
    assert family.address == "1号楼101"
    assert not AssistanceStatus.objects.exists()
