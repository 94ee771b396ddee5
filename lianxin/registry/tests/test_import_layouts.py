"""The household import takes the layouts departments really send (issue 14): each family of
``lianxin.core.tests.layouts`` imports the same two households of five people."""

from __future__ import annotations

import pytest

from lianxin.core.roles import Role
from lianxin.core.tests import layouts
from lianxin.registry.household_import.apply import households_import
from lianxin.registry.models import Household, Membership, Person

EXPECTED = {m.name: m.relationship for m in layouts.PEOPLE}


def _state():
    return sorted(
        (m.person.name, m.relationship, m.household.division_id, m.household.head.name)
        for m in Membership.objects.filter(ended_on__isnull=True).select_related(
            "person", "household__head"
        )
    )


@pytest.mark.parametrize("family", layouts.FAMILIES)
def test_each_layout_family_imports_the_five_people(family, world, tmp_path):
    path = layouts.household_file(family, tmp_path)
    result = households_import(
        actor=world.user(Role.COUNTY_STAFF, "a"), path=path, source_name=path.name
    )
    assert [(e.row, e.column, e.reason) for e in result.errors] == []
    assert result.written is True
    assert _state() == sorted(
        (m.name, m.relationship, layouts.VILLAGE_CODE, "马建军" if m.seq < 40 else "王德福")
        for m in layouts.PEOPLE
    )
    assert Household.objects.count() == 2
    birth = {p.name: p.birth_date for p in Person.objects.all()}
    assert birth == {m.name: m.birth for m in layouts.PEOPLE}  # derived from the ID when absent
    again = households_import(actor=None, path=path, source_name=path.name)
    assert again.has_changes is False


def test_report_says_what_the_reader_decided(world, tmp_path):
    path = layouts.household_file("xls", tmp_path)
    result = households_import(actor=None, path=path, dry_run=True)
    assert result.notes == [
        "表头在第4–5行（两行表头已合并为一行）",
        "第1–3行是标题或说明，已跳过",
        "跳过表尾合计、制表人、审核人等2行（第12–13行）",
        "跳过空行1行",
    ]
    assert result.summary()[1] == ("读取情况", "；".join(result.notes))


def test_failed_head_row_does_not_blame_the_members(world, tmp_path):
    sheet = layouts.build("relationship_words", household=True, title="安秀社区住户信息台账")
    id_col = sheet.rows[1].index("身份证号")
    sheet.rows[2][id_col] = sheet.rows[2][id_col][:-1] + (
        "0" if sheet.rows[2][id_col][-1] != "0" else "1"
    )
    path = layouts.write(sheet, tmp_path / "a.xlsx")
    result = households_import(actor=None, path=path, dry_run=True)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "身份证号", "身份证号校验位错误")
    ]
    assert Person.objects.count() == 0


def test_place_outside_the_uploaders_area_is_asked_about(world, tmp_path):
    sheet = layouts.build("place_names", household=True, title="")
    sheet.rows[1][1] = "刘庄村"  # a village of the other site, not the uploader's
    path = layouts.write(sheet, tmp_path / "a.xlsx")
    result = households_import(actor=world.user(Role.COUNTY_STAFF, "a"), path=path, dry_run=True)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "区划代码", "“刘庄村”不是您管辖区域内的社区(村)，请核对地名或填写区划代码")
    ]
