"""The household ledger export has the import template's columns, so that an export can be
edited and imported again (issue #12): changed phone numbers and addresses land, masked ID
numbers, masked phones and the birth year read as "unchanged"."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lianxin.core.roles import Role
from lianxin.registry.exports import HOUSEHOLD_HEADERS
from lianxin.registry.household_import.apply import households_import
from lianxin.registry.household_import.columns import COLUMNS
from lianxin.registry.models import Household
from lianxin.registry.tests import factories as f


@pytest.fixture
def staff(world):
    return world.user(Role.COMMUNITY_STAFF, "a")


@pytest.fixture
def family(world, staff):
    return f.household(
        actor=staff,
        division=world.a.village,
        grid=world.a.grid,
        members=[
            ("马德福", f.make_id(birth=dt.date(1950, 1, 1)), "户主"),
            ("马小军", f.make_id(birth=dt.date(2013, 3, 3)), "孙子女"),
        ],
    )


def test_the_export_has_the_template_columns_in_order():
    titles = [c.title for c in COLUMNS]
    assert HOUSEHOLD_HEADERS[: len(titles)] == titles


def _export(client, fmt):
    response = client.get(reverse("registry:household_export"), {"format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if fmt == "csv" else response.getvalue()


def _check_round_trip(family, staff, path):
    head, boy = f.person_of(family, "马德福"), f.person_of(family, "马小军")
    ids_before = (head.id_number, boy.id_number)
    result = households_import(actor=staff, path=path, source_name=path.name)
    assert not result.errors, [(e.row, e.column, e.reason) for e in result.errors]
    assert result.written
    family.refresh_from_db()
    head.refresh_from_db()
    boy.refresh_from_db()
    assert family.address == "9号楼2单元301"
    assert head.phone == "13995112233"
    assert (head.id_number, boy.id_number) == ids_before  # masked ID numbers do not overwrite
    assert Household.objects.filter(number=family.number).count() == 1


def test_csv_export_edit_and_import_again(world, staff, family, client, tmp_path):
    client.force_login(staff)
    text = _export(client, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    col = {title: header.index(title) for title in header}
    body = [r for r in rows[1:] if r and r[col["户编号"]] == family.number]
    assert len(body) == 2
    assert all("*" in r[col["身份证号"]] for r in body)
    for r in body:
        r[col["详细地址"]] = "9号楼2单元301"
        if r[col["姓名"]] == "马德福":
            r[col["联系电话"]] = "13995112233"
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    _check_round_trip(family, staff, path)


def test_xlsx_export_edit_and_import_again(world, staff, family, client, tmp_path):
    client.force_login(staff)
    wb = load_workbook(io.BytesIO(_export(client, "xlsx")))
    ws = wb.active
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[1]]
    col = {title: header.index(title) for title in header}
    for r in rows[2:]:
        if r[col["户编号"]].value != family.number:
            continue
        r[col["详细地址"]].value = "9号楼2单元301"
        if r[col["姓名"]].value == "马德福":
            r[col["联系电话"]].value = "13995112233"
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    _check_round_trip(family, staff, path)


def test_a_masked_id_of_an_unknown_member_is_refused(world, staff, family, client, tmp_path):
    client.force_login(staff)
    text = _export(client, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [r for r in rows[1:] if r]
    col = {title: header.index(title) for title in header}
    stranger = list(body[-1])
    stranger[col["姓名"]] = "马陌生"
    stranger[col["与户主关系"]] = "其他"
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *body, stranger])
    result = households_import(actor=staff, path=path, source_name=path.name)
    assert not result.written
    assert any("身份证号已脱敏" in e.reason for e in result.errors)
