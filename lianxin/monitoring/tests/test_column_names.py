"""The dictionary of column names, kept by administrators in Chinese pages, versioned."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.models import AuditEvent, ColumnName
from lianxin.core.roles import Role
from lianxin.core.spreadsheet.names import current_dictionary
from lianxin.core.tests import layouts
from lianxin.monitoring import services
from lianxin.monitoring.models import RosterImport


def test_region_staff_add_a_name_and_the_next_upload_uses_it(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = world.user(Role.REGION_STAFF, "a")
    client.force_login(region)
    response = client.post(
        "/monitoring/columns/",
        {"column": "death_date", "name": "*殡葬日期", "note": "殡仪馆的写法"},
    )
    assert response.status_code == 302
    entry = ColumnName.objects.get()
    assert (entry.column, entry.name, entry.revision, entry.is_active) == (
        "death_date",
        "*殡葬日期",
        1,
        True,
    )
    assert AuditEvent.objects.filter(action="core.column_name.add").count() == 1
    assert current_dictionary().lookup("殡葬日期") == ("death_date", False)
    assert "殡葬日期" in client.get("/monitoring/columns/").content.decode()
    m = layouts.PEOPLE[0]
    upload = SimpleUploadedFile(
        "火化.csv", f"姓名,身份证号,殡葬日期\n{m.name},{m.id_number},2026-09-01\n".encode()
    )
    item = services.roster_upload(
        actor=world.user(Role.COUNTY_STAFF, "a"),
        area=world.a.county,
        kind="deaths",
        uploaded=upload,
    )
    assert item.status == RosterImport.Status.READY
    assert item.column_map == {"id_number": "身份证号", "name": "姓名", "death_date": "殡葬日期"}
    services.column_name_retire(actor=region, column="death_date", name="殡葬日期")
    assert current_dictionary().lookup("殡葬日期") is None
    assert current_dictionary().revision == 2


def test_county_staff_cannot_change_the_dictionary(world, client):
    county = world.user(Role.COUNTY_STAFF, "a")
    with pytest.raises(AccessDenied):
        services.column_name_add(actor=county, column="name", name="人名")
    client.force_login(county)
    assert (
        client.post("/monitoring/columns/", {"column": "name", "name": "人名"}).status_code == 403
    )
    assert ColumnName.objects.count() == 0


def test_a_name_already_meaning_another_column_is_refused(world):
    region = world.user(Role.REGION_STAFF, "a")
    with pytest.raises(ApplicationError, match="^“身份证号”已表示“身份证号”，请先停用原写法$"):
        services.column_name_add(actor=region, column="name", name="身份证号")
    assert ColumnName.objects.count() == 0
