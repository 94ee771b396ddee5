from __future__ import annotations

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.registry import services
from lianxin.registry.models import Household, ImportJob, Person
from lianxin.registry.tests import factories as f


@pytest.fixture
def staff(world):
    return world.user(Role.COMMUNITY_STAFF, "a")


@pytest.fixture
def family(world, worker):
    household = f.ma_family(world, worker)
    services.tag_add(
        actor=worker, person=f.person_of(household, "马小军"), tag="困境儿童", evidence="父亲去世"
    )
    return household


def test_grid_worker_registers_a_household_from_the_form(world, worker, client):
    client.force_login(worker)
    page = client.get(reverse("registry:household_register"))
    assert page.status_code == 200
    data = {
        "division": world.a.village.code,
        "grid": str(world.a.grid.pk),
        "address": "5号楼1单元",
        "number": "",
        "m-TOTAL_FORMS": "6",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "20",
        "m-0-name": "张建国",
        "m-0-id_number": f.make_id().lower(),
        "m-0-relationship": "户主",
        "m-1-name": "王芳",
        "m-1-id_number": f.make_id(sex="F"),
        "m-1-relationship": "配偶",
    }
    response = client.post(reverse("registry:household_register"), data)
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household_detail", args=[household.pk])
    assert household.memberships.count() == 2


def test_register_form_shows_the_rule_that_refused(world, worker, client):
    client.force_login(worker)
    data = {
        "division": world.a.village.code, "grid": "", "address": "", "number": "",
        "m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "0", "m-MAX_NUM_FORMS": "20",
        "m-0-name": "张建国", "m-0-id_number": f.make_id(), "m-0-relationship": "配偶",
    }  # fmt: skip
    response = client.post(reverse("registry:household_register"), data)
    assert response.status_code == 200
    assert "一户必须有且只有一名户主" in response.content.decode()
    assert Household.objects.count() == 0


def test_household_list_search_by_name_and_full_id(world, worker, family, client):
    client.force_login(worker)
    boy = f.person_of(family, "马小军")
    by_name = client.get(reverse("registry:household_list"), {"q": "马小"})
    assert family.number in by_name.content.decode()
    by_id = client.get(reverse("registry:household_list"), {"q": boy.id_number.lower()})
    assert family.number in by_id.content.decode()
    by_tag = client.get(reverse("registry:household_list"), {"tag": "高龄独居"})
    assert family.number not in by_tag.content.decode()


def test_household_list_query_count_is_pinned(
    world, worker, family, client, django_assert_max_num_queries
):
    for i in range(5):
        f.household(
            actor=worker,
            division=world.a.village,
            grid=world.a.grid,
            members=[(f"户{i}", f.make_id(), "户主")],
        )
    client.force_login(worker)
    # 17 on PostgreSQL: the audit chain's advisory lock is one more statement than on SQLite.
    with django_assert_max_num_queries(17):
        client.get(reverse("registry:household_list"))


def test_household_detail_shows_masked_ids_and_records_the_view(world, worker, family, client):
    client.force_login(worker)
    boy = f.person_of(family, "马小军")
    response = client.get(reverse("registry:household_detail", args=[family.pk]))
    body = response.content.decode()
    assert boy.id_number not in body
    assert "*" * 15 + boy.id_number[-3:] in body
    assert "困境儿童" in body
    assert 'data-action="registry.household.register"' in body
    assert "登记住户" in body
    assert AuditEvent.objects.filter(action="view.registry.household", actor=worker).count() == 1


def test_person_detail_and_reveal(world, family, client, settings):
    cache.clear()
    settings.LIANXIN_REVEAL_RATE = "2/h"
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    boy = f.person_of(family, "马小军")
    client.force_login(staff)
    page = client.get(reverse("registry:person_detail", args=[boy.pk]))
    assert boy.id_number not in page.content.decode()
    assert "显示完整身份证号" in page.content.decode()
    assert (
        AuditEvent.objects.filter(action="view.registry.person", target_id=str(boy.pk)).count() == 1
    )
    url = reverse("registry:person_reveal", args=[boy.pk])
    assert client.post(url).status_code == 400  # no reason
    assert boy.id_number in client.post(url, {"reason": "核实身份"}).content.decode()
    assert client.post(url, {"reason": "核实身份"}).status_code == 200
    third = client.post(url, {"reason": "核实身份"})
    assert third.status_code == 403
    assert boy.id_number not in third.content.decode()
    assert AuditEvent.objects.filter(action="registry.person.reveal_id").count() == 4


def test_grid_worker_has_no_reveal_button(world, worker, family, client):
    client.force_login(worker)
    boy = f.person_of(family, "马小军")
    page = client.get(reverse("registry:person_detail", args=[boy.pk]))
    assert "显示完整身份证号" not in page.content.decode()
    assert client.post(reverse("registry:person_reveal", args=[boy.pk])).status_code == 403


def test_another_grid_is_not_found(world, family, client):
    other = world.user(Role.GRID_WORKER, "a", grid=world.a.other_grid)
    client.force_login(other)
    assert client.get(reverse("registry:household_detail", args=[family.pk])).status_code == 404
    assert family.number not in client.get(reverse("registry:household_list")).content.decode()


def test_tag_and_deceased_forms(world, worker, family, client):
    client.force_login(worker)
    grandpa = family.head
    client.post(
        reverse("registry:tag_add", args=[grandpa.pk]),
        {"tag": "高龄独居", "evidence": "独居走访", "source": "网格走访"},
    )
    assert grandpa.tags.filter(tag="高龄独居", valid_to__isnull=True).exists()
    client.post(
        reverse("registry:person_deceased", args=[grandpa.pk]),
        {"on": "2026-01-02", "evidence": "死亡证明"},
    )
    grandpa.refresh_from_db()
    assert grandpa.status == "deceased"


def test_export_xlsx_masks_and_never_writes_formulas(world, worker, family, client):
    services.person_update(actor=worker, person=family.head, address='=HYPERLINK("http://x")')
    client.force_login(worker)
    response = client.get(reverse("registry:household_export"))
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    wb = load_workbook(io.BytesIO(content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[1][0] == "户编号"
    boy = f.person_of(family, "马小军")
    ids = [r[rows[1].index("身份证号")] for r in rows[2:]]
    assert boy.id_number not in ids
    assert "*" * 15 + boy.id_number[-3:] in ids
    assert AuditEvent.objects.filter(action="registry.household.export").count() == 1


def test_export_csv_neutralises_formulas(world, worker, client):
    f.household(
        actor=worker,
        division=world.a.village,
        grid=world.a.grid,
        members=[("=cmd|'/C calc'!A0", f.make_id(), "户主")],
    )
    client.force_login(worker)
    response = client.get(reverse("registry:household_export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=cmd|'" in text
    assert ",=cmd" not in text


def test_key_person_ledger_and_home_panel(world, worker, family, client):
    client.force_login(worker)
    page = client.get(reverse("registry:key_person_ledger"))
    assert "马小军" in page.content.decode()
    assert "马德福" not in page.content.decode().split("<h2>人员</h2>")[1]
    home = client.get(reverse("home")).content.decode()
    assert "我的网格" in home


def test_duplicate_queue_merge_from_the_page(world, worker, client):
    a, _ = f.homophones(world, worker)
    client.force_login(worker)
    page = client.get(reverse("registry:duplicate_list"))
    assert "同音姓名" in page.content.decode()
    from lianxin.registry.models import DuplicateCandidate

    candidate = DuplicateCandidate.objects.get()
    client.post(
        reverse("registry:duplicate_resolve", args=[candidate.pk]),
        {"action": "merge", "keep": a.head.pk},
    )
    candidate.refresh_from_db()
    assert candidate.status == "merged"


def _upload(client, path):
    with path.open("rb") as fh:
        upload = SimpleUploadedFile(path.name, fh.read())
    return client.post(reverse("registry:import_upload"), {"file": upload})


def test_import_upload_preview_confirm(
    world, staff, client, tmp_path, django_capture_on_commit_callbacks
):
    rows = [
        f.member_row("U-1", world.a.village.code, "张三", f.make_id(), "户主", grid="第一网格"),
        f.member_row("U-1", world.a.village.code, "李四", f.make_id(sex="F"), "配偶"),
    ]
    path = f.write_xlsx(tmp_path / "ok.xlsx", rows)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, path)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("registry:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "checked"
    assert Person.objects.count() == 0
    page = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert "确认导入" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done"
    assert Person.objects.count() == 2
    status = client.get(reverse("registry:import_status", args=[job.pk]))
    assert "导入完成" in status.content.decode()


def test_import_with_errors_shows_rows_and_cannot_be_confirmed(
    world, staff, client, tmp_path, django_capture_on_commit_callbacks
):
    rows = [f.member_row("U-1", world.a.village.code, "张三", "640104198001020011", "户主")]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, f.write_xlsx(tmp_path / "bad.xlsx", rows))
    job = ImportJob.objects.get()
    page = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert "身份证号校验位错误" in page
    assert "确认导入" not in page
    client.post(reverse("registry:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "checked"
    report = client.get(reverse("registry:import_report", args=[job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert list(wb["错误"].iter_rows(values_only=True))[1][3] == "身份证号校验位错误"


def test_exe_upload_is_refused_on_the_page(
    world, staff, client, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"MZ" + b"\x00" * 1000)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == "refused"
    assert "不是Excel" in job.message


def test_oversize_upload_is_refused_before_storing(world, staff, client, settings):
    settings.LIANXIN_IMPORT_MAX_BYTES = 1000
    client.force_login(staff)
    client.post(
        reverse("registry:import_upload"),
        {"file": SimpleUploadedFile("big.xlsx", b"PK" + b"\x00" * 5000)},
    )
    job = ImportJob.objects.get()
    assert job.status == "refused"
    assert job.stored_path == ""


def test_template_download(world, staff, client):
    client.force_login(staff)
    response = client.get(reverse("registry:import_template"))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "*户编号" in [c.value for c in wb.active[2]]
