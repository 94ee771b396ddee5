"""Rosters as departments send them (issue 14), through the roster upload in the platform and
through ``lianxin monitor``: each layout family of ``lianxin.core.tests.layouts`` links its
five people, with what the file does not carry derived."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.core.roles import Role
from lianxin.core.tests import layouts
from lianxin.monitoring import services
from lianxin.monitoring.models import RosterImport, RosterLayout
from lianxin.monitoring.pipeline import run_pipeline
from lianxin.monitoring.tests.factories import resident

AS_OF = dt.date(2026, 11, 1)


def _staged(item: RosterImport) -> list[dict[str, str]]:
    with open(item.staged_path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _upload(world, county, path: Path, **kwargs) -> RosterImport:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return services.roster_upload(
        actor=county, area=world.a.county, kind="civil_affairs", uploaded=upload, **kwargs
    )


@pytest.fixture
def county(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world.user(Role.COUNTY_STAFF, "a")


@pytest.mark.parametrize("family", layouts.FAMILIES)
def test_platform_upload_of_each_family(family, world, county, tmp_path):
    path = layouts.roster_file(family, tmp_path)
    item = _upload(world, county, path)
    if item.status == RosterImport.Status.MAPPING:  # one click on the proposal
        item = services.roster_map_columns(actor=county, item=item, column_map=item.column_map)
    assert item.status == RosterImport.Status.READY, item.message
    assert item.row_count == 5
    assert item.bad_row_count == 0
    rows = _staged(item)
    assert [(r["id_number"], r["name"], r["birth_date"], r["assistance_type"]) for r in rows] == [
        (m.id_number, m.name, m.birth.isoformat(), "低保") for m in layouts.PEOPLE
    ]
    heads = {r["name"]: r["household_no"] for r in rows}
    assert heads["李秀英"] == heads["马建军"] != heads["王德福"] == heads["王梅"] != ""


def test_second_upload_of_the_same_layout_maps_itself(world, county, tmp_path):
    first = _upload(world, county, layouts.roster_file("two_row_header", tmp_path))
    assert first.status == RosterImport.Status.MAPPING
    assert first.layout["notes"][:2] == [
        "表头在第2–3行（两行表头已合并为一行）",
        "第1行是标题或说明，已跳过",
    ]
    services.roster_map_columns(actor=county, item=first, column_map=first.column_map)
    assert RosterLayout.objects.count() == 1
    second = _upload(
        world, county, layouts.roster_file("two_row_header", tmp_path, name="低保花名册12月")
    )
    assert (second.status, second.remembered, second.row_count) == (
        RosterImport.Status.READY,
        True,
        5,
    )
    assert RosterLayout.objects.get().times_used == 1
    other_layout = _upload(world, county, layouts.roster_file("title_rows", tmp_path))
    assert (other_layout.status, other_layout.remembered) == (RosterImport.Status.MAPPING, False)


def test_assistance_type_chosen_at_upload(world, county, tmp_path):
    path = layouts.roster_file("no_birth_date", tmp_path, name="救助名单")
    item = _upload(world, county, path, assistance_type="特困")
    assert item.status == RosterImport.Status.READY  # the standard layout: staged at once
    assert {r["assistance_type"] for r in _staged(item)} == {"特困"}


def test_review_names_the_departments_file_and_row(
    world, county, tmp_path, django_capture_on_commit_callbacks
):
    for member in layouts.PEOPLE[:2]:
        resident(site=world.a, name=member.name, birth=member.birth, seq=member.seq, sex=member.sex)
    sheet = layouts.build("title_rows", household=False, title="兴庆区2026年11月城乡低保花名册")
    sheet.rows[4][1] = (
        ""  # 马建军's ID number missing: matched by name and birth month only → review
    )
    item = _upload(world, county, layouts.write(sheet, tmp_path / "低保花名册.xlsx"))
    services.roster_map_columns(actor=county, item=item, column_map=item.column_map)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(actor=county, area=world.a.county, as_of=AS_OF)
    run.refresh_from_db()
    review = {(r.file_name, r.row_number, r.name) for r in run.review_items.all()}
    assert ("低保花名册.xlsx", 5, "马建军") in review


# --- lianxin monitor ------------------------------------------------------------------------


def _residents(folder: Path) -> None:
    with (folder / "residents.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id_number", "name", "sex", "birth_date", "division_code", "household_no"])
        for m in layouts.PEOPLE:
            writer.writerow(
                [
                    m.id_number,
                    m.name,
                    "男" if m.sex == "M" else "女",
                    m.birth.isoformat(),
                    layouts.VILLAGE_CODE,
                    layouts.HOUSEHOLD_OF[m.dibao_no],
                ]
            )


@pytest.mark.parametrize("family", layouts.FAMILIES)
def test_monitor_command_reads_each_family(family, tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    _residents(sources)
    layouts.roster_file(family, sources)  # 低保花名册.*: the kind from the file name
    result = run_pipeline(sources, AS_OF, tmp_path / "out" / "alerts.csv")
    assert result.rows_per_roster["civil_affairs"] == 5
    assert result.link_stats["civil_affairs"].exact == 5
    assert result.link_stats["civil_affairs"].review == 0


def test_monitor_takes_the_kind_from_a_manifest_and_derives_the_deaths_birth_dates(tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    _residents(sources)
    wang = layouts.PEOPLE[3]
    layouts.roster_file("footer", sources, name="民政2026")
    (sources / "火化登记.csv").write_text(
        "兴庆区殡仪馆火化登记表\n逝者姓名,公民身份号码,火化时间\n"
        f"{wang.name},{wang.id_number},2026-09-01\n合计,1人,\n",
        encoding="gbk",
    )
    (sources / "manifest.csv").write_text(
        "file,kind,assistance_type\n民政2026.xlsx,civil_affairs,特困\n", encoding="utf-8"
    )
    result = run_pipeline(sources, AS_OF, tmp_path / "out" / "alerts.csv")
    assert [(a.id_number, a.rule) for a in result.iter_alerts()] == [
        (wang.id_number, "assistance_recipient_deceased")
    ]
    assert result.notes["火化登记.csv"][:3] == [
        "表头在第2行",
        "第1行是标题或说明，已跳过",
        "跳过表尾合计等1行（第4行）",
    ]
    assert "没有救助类型列：整份名册按“特困”处理" in result.notes["民政2026.xlsx"]


def test_monitor_warns_about_a_file_of_unknown_kind(tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    _residents(sources)
    (sources / "其他.csv").write_text("甲,乙\n1,2\n", encoding="utf-8")
    result = run_pipeline(sources, AS_OF, tmp_path / "out" / "alerts.csv")
    assert result.warnings == [
        "无法判断文件 其他.csv 是哪种名册，已忽略（请把文件名改为名册名称，或在 manifest.csv 中注明）"
    ]
