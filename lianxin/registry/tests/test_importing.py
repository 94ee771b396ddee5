"""The household import contract (shared/contracts/imports.md), pure parts and end to end."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from lianxin.core import audit, dates, idnumber, phone
from lianxin.core.models import AuditEvent
from lianxin.registry.household_import import columns, read, report, validate
from lianxin.registry.household_import.apply import households_import
from lianxin.registry.models import (
    AssistanceStatus,
    Disability,
    Household,
    Membership,
    Person,
    VulnerabilityTag,
)
from lianxin.registry.tests import factories as f

VILLAGE = "640104001007"

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


# --- normalisers (hypothesis) ---------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))


@given(
    birth=birth_dates,
    seq=st.integers(0, 999),
    sex=st.sampled_from(["M", "F"]),
    case=st.sampled_from(["plain", "full", "lower", "spaced"]),
)
@settings(max_examples=200, deadline=None)
def test_id_number_spellings_parse_to_the_same_number(birth, seq, sex, case):
    number = f.make_id("640104", birth, sex, seq)
    written = {
        "plain": number,
        "full": number.translate(FULLWIDTH),
        "lower": number.lower(),
        "spaced": f"{number[:6]} {number[6:14]} {number[14:]}",
    }[case]
    parsed = idnumber.parse(written)
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.sex == sex


@given(
    birth=birth_dates, seq=st.integers(0, 999), position=st.integers(0, 16), delta=st.integers(1, 9)
)
@settings(max_examples=200, deadline=None)
def test_a_mistyped_digit_is_refused(birth, seq, position, delta):
    number = f.make_id("640104", birth, "M", seq)
    digit = (int(number[position]) + delta) % 10
    typo = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(idnumber.IdNumberError):
        idnumber.parse(typo)


@given(day=birth_dates, form=st.integers(0, 6))
@settings(max_examples=200, deadline=None)
def test_the_five_date_forms_and_excel_dates(day, form):
    value = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日",
        float((day - dt.date(1899, 12, 30)).days),
        dt.datetime(day.year, day.month, day.day),
    ][form]
    assert dates.parse_date(value) == day


@given(text=st.text(max_size=12))
@settings(max_examples=300, deadline=None)
def test_date_parser_never_crashes(text):
    with contextlib.suppress(dates.DateError):
        dates.parse_date(text)


@given(
    prefix=st.sampled_from(["13", "15", "17", "18", "19"]),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    style=st.sampled_from(["plain", "spaced", "dashed", "plus86", "full"]),
)
@settings(max_examples=200, deadline=None)
def test_mobile_numbers_normalise(prefix, rest, style):
    number = prefix + rest
    written = {
        "plain": number,
        "spaced": f"{number[:3]} {number[3:7]} {number[7:]}",
        "dashed": f"{number[:3]}-{number[3:7]}-{number[7:]}",
        "plus86": "+86 " + number,
        "full": number.translate(FULLWIDTH),
    }[style]
    assert phone.normalise(written) == number


@given(text=st.text(max_size=20))
@settings(max_examples=300, deadline=None)
def test_phone_normaliser_accepts_only_phone_numbers(text):
    try:
        result = phone.normalise(text)
    except phone.PhoneError:
        return
    assert result == "" or result.isdigit()


@given(
    value=st.one_of(
        st.none(),
        st.text(max_size=30),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(),
    )
)
@settings(max_examples=300, deadline=None)
def test_cell_text_is_trimmed_text(value):
    text = columns.cell_text(value)
    assert isinstance(text, str)
    assert text == text.strip()
    if isinstance(value, int):
        assert text == str(value)


@given(n=st.integers(0, 10**17))
def test_integral_excel_numbers_lose_their_point_zero(n):
    assert columns.cell_text(float(n)) == str(int(float(n)))


@pytest.mark.parametrize(
    ("value", "grade"),
    [("1", 1), (2, 2), (3.0, 3), ("四级", 4), ("一级", 1), ("２", 2), ("3级", 3), ("", None)],
)
def test_grades(value, grade):
    assert columns.parse_grade(value) == grade


@pytest.mark.parametrize("value", ["5", "五级", "0", "a"])
def test_bad_grades(value):
    with pytest.raises(ValueError, match="残疾等级"):
        columns.parse_grade(value)


@given(
    tags=st.lists(
        st.sampled_from(["低保", "特困", "高龄独居", "残疾", "留守儿童"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    sep=st.sampled_from(["、", ",", "，", ";", "；", " "]),
)
def test_hardship_tags_split_on_every_separator(tags, sep):
    assert columns.parse_tags(sep.join(tags)) == tuple(tags)


def test_unknown_hardship_tag_is_an_error():
    with pytest.raises(ValueError, match="未知的困难类型“有钱”"):
        columns.parse_tags("低保、有钱")


@given(name=st.text(alphabet="王李张刘马杨小梅明", min_size=2, max_size=4))
def test_names_lose_spaces_between_chinese_characters(name):
    assert columns.clean_name(" ".join(name)) == name


def test_header_recognised_in_chinese_and_english_after_a_title():
    rows = iter(
        [
            (1, ["XX社区住户信息台账"]),
            (2, []),
            (3, ["household_no", "division_code", "姓名", "ID_NUMBER", "与户主关系"]),
        ]
    )
    number, mapping = read.find_header(rows)
    assert number == 3
    assert mapping == {
        0: "household_no",
        1: "division_code",
        2: "name",
        3: "id_number",
        4: "relationship",
    }


def test_header_missing_required_column_is_unusable():
    rows = iter([(1, ["户编号", "区划代码", "姓名", "与户主关系"])])
    with pytest.raises(read.UnusableFile, match="缺少必填列：身份证号"):
        read.find_header(rows)


def test_validate_row_reports_every_bad_cell_in_chinese():
    number = f.make_id("640104", dt.date(1980, 1, 2), "M")
    parsed, problems = validate.validate_row(
        7,
        {
            "household_no": "H1",
            "division_code": "6401",
            "name": "张三",
            "id_number": number,
            "relationship": "老板",
            "sex": "女",
            "birth_date": "1980-01-03",
            "phone": "12345",
            "disability_type": "肢体",
        },
    )
    assert parsed is None
    reasons = {(p.column, p.reason) for p in problems}
    assert ("区划代码", "区划代码应为12位数字（社区或村）") in reasons
    assert (
        "与户主关系",
        "与户主关系应为：户主 配偶 子女 儿子 女儿 父母 父亲 母亲 孙子女 兄弟姐妹 儿媳 女婿 其他，或 本人、妻、夫、长子、次女、孙子、儿媳、岳母、兄、妹 等",
    ) in reasons
    assert ("性别", "性别与身份证号不一致（身份证号为男）") in reasons
    assert ("出生日期", "出生日期与身份证号不一致（身份证号为1980-01-02）") in reasons
    assert ("残疾等级", "填写了残疾类别时必须填写残疾等级") in reasons
    assert any(p.column == "联系电话" for p in problems)
    assert all(p.row == 7 for p in problems)


def test_unknown_region_is_a_warning_not_an_error():
    number = f.make_id("999999", dt.date(1980, 1, 2), "M")
    parsed, problems = validate.validate_row(
        3,
        {
            "household_no": "H1",
            "division_code": VILLAGE,
            "name": "张三",
            "id_number": number,
            "relationship": "户主",
        },
        region_known=lambda code: False,
    )
    assert parsed is not None
    assert [p.is_warning for p in problems] == [True]
    assert "999999" in problems[0].reason


# --- files ----------------------------------------------------------------------------------


def _rows(n_households=2):
    rows = []
    for h in range(n_households):
        for relationship, sex, more in (
            ("户主", "M", {"hardship_tags": "低保"}),
            ("配偶", "F", {}),
        ):
            rows.append(
                f.row(
                    household_no=f"H-{h}",
                    division_code=VILLAGE,
                    grid="第一网格",
                    address=f"{h}号楼",
                    name=f"{relationship}{h}",
                    id_number=f.make_id(sex=sex),
                    relationship=relationship,
                    **more,
                )
            )
    return rows


def _counts():
    return (
        Household.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        VulnerabilityTag.objects.count(),
        Disability.objects.count(),
        AssistanceStatus.objects.count(),
        AuditEvent.objects.count(),
    )


def test_clean_file_is_written_with_its_household_structure(world, tmp_path):
    path = f.write_xlsx(tmp_path / "a.xlsx", _rows(2))
    result = households_import(actor=None, path=path)
    assert result.errors == []
    assert result.written
    assert result.message == "导入完成"
    assert Household.objects.count() == 2
    household = Household.objects.get(number="H-0")
    assert household.head.name == "户主0"
    assert household.grid == world.a.grid
    assert household.address == "0号楼"
    assert set(household.memberships.values_list("person__name", "relationship")) == {
        ("户主0", "户主"),
        ("配偶0", "配偶"),
    }
    assert AssistanceStatus.objects.filter(household=household, assistance_type="低保").count() == 1
    assert (
        AuditEvent.objects.filter(
            action="registry.household.import", target_id=str(household.pk)
        ).count()
        == 1
    )


def test_same_file_twice_changes_nothing_and_says_so(world, tmp_path):
    path = f.write_xlsx(tmp_path / "a.xlsx", _rows(3))
    households_import(actor=None, path=path)
    before = _counts()
    result = households_import(actor=None, path=path)
    assert _counts() == before
    assert not result.written
    assert result.message == "文件内容与系统中一致，没有需要写入的变化"
    assert result.counts["persons_unchanged"] == 6


def test_a_file_with_one_bad_row_writes_nothing(world, tmp_path):
    rows = _rows(3)
    rows[3][5] = "640104198001020011"  # wrong check digit
    path = f.write_xlsx(tmp_path / "a.xlsx", rows)
    before = _counts()
    result = households_import(actor=None, path=path)
    assert _counts() == before
    assert not result.written
    # title row 1, blank row 2, header row 3, data from row 4: the 4th data row is Excel row 7
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (7, "身份证号", "身份证号校验位错误")
    ]
    assert result.errors[0].value == "*" * 15 + "011"  # as screens show it (ADR 0009)
    assert result.message == "有1行数据有误，未写入任何数据；请修改后重新导入"


def test_many_bad_rows_among_good_ones_all_reported_and_nothing_written(world, tmp_path):
    rows = _rows(60)
    for i in range(0, 120, 2):
        rows[i][0] = rows[i][0]
        rows[i + 1][6] = "朋友"
    path = f.write_xlsx(tmp_path / "a.xlsx", rows)
    before = _counts()
    result = households_import(actor=None, path=path)
    assert _counts() == before
    assert result.error_rows == 60
    assert {e.reason for e in result.errors} == {
        "与户主关系应为：户主 配偶 子女 儿子 女儿 父母 父亲 母亲 孙子女 兄弟姐妹 儿媳 女婿 其他，或 本人、妻、夫、长子、次女、孙子、儿媳、岳母、兄、妹 等"
    }


def test_dry_run_writes_nothing_and_reports_what_would_change(world, tmp_path):
    path = f.write_xlsx(tmp_path / "a.xlsx", _rows(2))
    before = _counts()
    result = households_import(actor=None, path=path, dry_run=True)
    assert _counts() == before
    assert result.counts["households_created"] == 2
    assert result.counts["persons_created"] == 4
    assert result.message == "检查通过（试导入，未写入）"


def test_merged_cells_full_width_digits_lower_x_and_date_forms(world, tmp_path):
    head = f.make_id("640104", dt.date(1950, 3, 4), "M", seq=5)
    while not head.endswith("X"):
        head = f.make_id("640104", dt.date(1950, 3, 4), "M")
    wife = f.make_id("640104", dt.date(1952, 5, 6), "F")
    boy = f.make_id("640104", dt.date(2013, 7, 8), "M")
    rows = [
        f.row(
            household_no="640104001007-001",
            division_code=VILLAGE,
            name="马德福",
            id_number=head.lower(),
            relationship="户主",
            grid="第一网格",
            address="3号楼",
            birth_date="1950年3月4日",
            sex="男",
        ),
        f.row(
            name="李 秀兰",
            id_number=wife.translate(FULLWIDTH),
            relationship="配偶",
            birth_date="1952.5.6",
        ),
        f.row(
            name="马小军",
            id_number=" ".join([boy[:6], boy[6:14], boy[14:]]),
            relationship="孙子女",
            birth_date=dt.date(2013, 7, 8),
            phone="139 0951 0000",
        ),
    ]
    # title, blank, header → data rows 4..6; household columns A-D merged vertically
    path = f.write_xlsx(tmp_path / "m.xlsx", rows, merges=["A4:A6", "B4:B6", "C4:C6", "D4:D6"])
    result = households_import(actor=None, path=path)
    assert result.errors == []
    household = Household.objects.get(number="640104001007-001")
    names = sorted(household.memberships.values_list("person__name", flat=True))
    assert names == ["李秀兰", "马小军", "马德福"]
    assert Person.objects.get(name="马德福").id_number == head
    assert Person.objects.get(name="李秀兰").id_number == wife
    assert Person.objects.get(name="马小军").phone == "13909510000"
    assert set(Person.objects.values_list("grid", flat=True)) == {world.a.grid.pk}


def test_excel_serial_dates_and_csv_files(world, tmp_path):
    number = f.make_id("640104", dt.date(1980, 1, 2), "M")
    serial = (dt.date(1980, 1, 2) - dt.date(1899, 12, 30)).days
    rows = [f.member_row("C1", VILLAGE, "张三", number, "户主", birth_date=serial)]
    result = households_import(actor=None, path=f.write_xlsx(tmp_path / "c.xlsx", rows))
    assert result.errors == []
    assert result.written
    rows = [
        f.member_row(
            "C2",
            VILLAGE,
            "李四",
            f.make_id(birth=dt.date(1990, 2, 3)),
            "户主",
            birth_date="1990/2/3",
        )
    ]
    result = households_import(
        actor=None, path=f.write_csv(tmp_path / "c.csv", rows, encoding="gb18030")
    )
    assert result.errors == []
    assert Person.objects.get(name="李四").birth_date == dt.date(1990, 2, 3)


def test_file_level_rules(world, tmp_path):
    same = f.make_id()
    rows = [
        f.row(household_no=no, division_code=code, name=name, id_number=number, relationship=rel)
        for no, code, name, number, rel in (
            ("D1", VILLAGE, "甲", same, "户主"),
            ("D1", VILLAGE, "乙", f.make_id(), "户主"),
            ("D2", VILLAGE, "丙", same, "户主"),
            ("D3", VILLAGE, "丁", f.make_id(), "配偶"),
            ("D4", "640104001999", "戊", f.make_id(), "户主"),
        )
    ]
    path = f.write_xlsx(tmp_path / "a.xlsx", rows, title=None)
    result = households_import(actor=None, path=path)
    got = [(e.row, e.reason) for e in result.errors]
    assert got == [
        (3, "户编号D1有多名户主（第2行已是户主）"),
        (4, "身份证号与第2行重复"),
        (5, "户编号D3没有户主"),
        (6, "区划代码不存在或不是社区(村)级"),
    ]
    assert Person.objects.count() == 0


def test_update_changes_only_what_differs_and_is_audited(world, tmp_path):
    rows = _rows(1)
    path = f.write_xlsx(tmp_path / "a.xlsx", rows)
    households_import(actor=None, path=path)
    rows[1][10] = "13909511234"  # phone of the wife
    path2 = f.write_xlsx(tmp_path / "b.xlsx", rows)
    result = households_import(actor=None, path=path2)
    assert result.counts["persons_updated"] == 1
    assert result.counts["persons_unchanged"] == 1
    wife = Person.objects.get(name="配偶0")
    assert wife.phone == "13909511234"
    event = AuditEvent.objects.get(action="registry.person.import_update")
    assert audit.unsealed(event)["changes"] == {"phone": ["***", "***"]}
    assert "13909511234" not in str(event.changes)


def test_moving_a_person_to_another_household_by_import(world, tmp_path):
    path = f.write_xlsx(tmp_path / "a.xlsx", _rows(2))
    households_import(actor=None, path=path)
    wife = Person.objects.get(name="配偶0")
    rows = [f.member_row("H-1", VILLAGE, "配偶0", wife.id_number, "其他")]
    rows.insert(
        0,
        f.member_row("H-1", VILLAGE, "户主1", Person.objects.get(name="户主1").id_number, "户主"),
    )
    households_import(actor=None, path=f.write_xlsx(tmp_path / "b.xlsx", rows))
    assert Membership.objects.get(person=wife, ended_on__isnull=True).household.number == "H-1"
    assert Membership.objects.filter(person=wife).count() == 2


def test_staff_may_import_only_into_their_area(world, tmp_path):
    staff_b = world.user("community_staff", "b")
    path = f.write_xlsx(tmp_path / "a.xlsx", _rows(1))
    result = households_import(actor=staff_b, path=path)
    assert {e.reason for e in result.errors} == {"该社区(村)不在您的管辖范围内"}
    assert Person.objects.count() == 0


def test_grid_workers_cannot_import(world, tmp_path):
    from lianxin.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        households_import(
            actor=world.user("grid_worker", "a"), path=f.write_xlsx(tmp_path / "a.xlsx", _rows(1))
        )


def test_new_grid_is_created(world, tmp_path):
    rows = [f.member_row("G1", VILLAGE, "张三", f.make_id(), "户主", grid="第九网格")]
    households_import(actor=None, path=f.write_xlsx(tmp_path / "a.xlsx", rows))
    assert Household.objects.get(number="G1").grid.name == "第九网格"


def test_kill_half_way_leaves_nothing_then_a_rerun_writes_once(world, tmp_path, monkeypatch):
    from lianxin.registry.household_import import apply as imports

    path = f.write_xlsx(tmp_path / "a.xlsx", _rows(3))
    before = _counts()

    def boom(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(imports, "duplicates_detect", boom)
    with pytest.raises(KeyboardInterrupt):
        households_import(actor=None, path=path)
    assert _counts() == before
    monkeypatch.undo()
    households_import(actor=None, path=path)
    households_import(actor=None, path=path)
    assert Person.objects.count() == 6
    assert Household.objects.count() == 3


# --- refusals -------------------------------------------------------------------------------


def _refused(path, message):
    before = _counts()
    with pytest.raises(read.UnusableFile, match=message):
        households_import(actor=None, path=path)
    assert _counts() == before


def test_exe_renamed_xlsx_is_refused(world, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 5000)
    _refused(path, "不是Excel")


def test_random_zip_is_refused(world, tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    _refused(path, "不是Excel")


def test_oversize_file_is_refused(world, tmp_path, settings):
    settings.LIANXIN_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    path = tmp_path / "big.xlsx"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    _refused(path, "超过上限20MB")


def test_zip_bomb_is_refused_without_inflating_it(world, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    _refused(path, "压缩炸弹")


def test_xml_bomb_is_refused(world, tmp_path):
    source = f.write_xlsx(tmp_path / "ok.xlsx", _rows(1))
    path = tmp_path / "lol.xlsx"
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/sharedStrings.xml", bomb)
    _refused(path, "XML炸弹")


def test_no_header_is_unusable(world, tmp_path):
    path = f.write_xlsx(tmp_path / "a.xlsx", [["a", "b"]], header=["甲", "乙", "丙"])
    _refused(path, "未找到表头")


def test_other_office_document_is_refused(world, tmp_path):
    """An OLE file that is not a workbook (a .doc renamed .xls); real .xls files are read."""
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    _refused(path, "^文件不是Excel表格（.xls），可能是Word等其他文档$")


# --- the command ----------------------------------------------------------------------------


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue() + err.getvalue()


def test_command_exit_codes_and_report(world, tmp_path):
    good = f.write_xlsx(tmp_path / "good.xlsx", _rows(2))
    bad_rows = _rows(1)
    bad_rows[0][5] = "123"
    bad = f.write_xlsx(tmp_path / "bad.xlsx", bad_rows)
    exe = tmp_path / "x.xlsx"
    exe.write_bytes(b"MZ" + b"\x00" * 100)
    report = tmp_path / "report.xlsx"

    code, out = _command("households", str(good), "--dry-run")
    assert code == 0
    assert "新增住户：2" in out
    assert Person.objects.count() == 0
    code, out = _command("households", str(bad), "--report", str(report))
    assert code == 1
    assert "第4行 [身份证号] “123”：身份证号应为18位，实际为3位" in out
    from openpyxl import load_workbook

    wb = load_workbook(report)
    assert list(wb["错误"].iter_rows(values_only=True))[1] == (
        4,
        "身份证号",
        "123",
        "身份证号应为18位，实际为3位",
    )
    code, out = _command("households", str(exe))
    assert code == 2
    assert "文件不可用" in out
    code, out = _command("households", str(good))
    assert code == 0
    assert Person.objects.count() == 4
    code, out = _command("households", str(good))
    assert code == 0
    assert "没有需要写入的变化" in out


def test_template_is_read_back_by_the_importer(tmp_path):
    path = tmp_path / "template.xlsx"
    report.write_template(path)
    rows = read.iter_rows(path, read.check_file(path, max_bytes=10**8))
    number, mapping = read.find_header(rows)
    assert number == 2
    assert set(mapping.values()) == {c.key for c in columns.COLUMNS}


def test_report_cells_are_never_formulas(tmp_path):
    path = tmp_path / "r.xlsx"
    report.write_report(
        path,
        summary=[("结果", "=cmd|' /C calc'!A0")],
        errors=[columns.RowError(1, "姓名", "=1+1", "x")],
        warnings=[],
    )
    with zipfile.ZipFile(path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml


def test_cli_entry_point_runs(world):
    result = subprocess.run(
        [sys.executable, "-m", "lianxin", "import", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0
    assert "households" in result.stdout


def test_import_queues_homophones_for_review(world, tmp_path):
    from lianxin.registry.models import DuplicateCandidate

    birth = dt.date(1979, 10, 3)
    f.household(
        division=world.a.village,
        grid=world.a.grid,
        members=[("王梅", f.make_id(birth=birth, sex="F"), "户主")],
    )
    rows = [f.member_row("DUP-1", VILLAGE, "王玫", f.make_id(birth=birth, sex="F"), "户主")]
    households_import(actor=None, path=f.write_xlsx(tmp_path / "d.xlsx", rows))
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person.name, candidate.other.name} == {"王梅", "王玫"}
    assert candidate.reason == "同音姓名、同出生日期、同社区"


def test_bombs_are_refused_fast(world, tmp_path):
    import time

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(1000):
                member.write(b"\x00" * (1024 * 1024))
    started = time.monotonic()
    with pytest.raises(read.UnusableFile, match="压缩炸弹"):
        read.check_file(path, max_bytes=20 * 1024 * 1024)
    assert time.monotonic() - started < 1.0


def test_error_report_masks_id_and_phone_numbers_everywhere(tmp_path):
    """The xlsx given back after an import carries no full ID or phone number, in any column
    or reason, whatever the writing (spaces, full-width digits); other numbers stay."""
    from openpyxl import load_workbook

    full = "64010419800102001X"
    path = tmp_path / "report.xlsx"
    report.write_report(
        path,
        summary=[("文件", f"户主{full}")],
        errors=[
            columns.RowError(4, "备注", f"电话 139 0951 2345，身份证 {full}", "x"),
            columns.RowError(5, "户编号", "640104001007-001", f"户编号{full}没有户主"),
            columns.RowError(6, "身份证号", "６４０１０４１９８００１０２００１Ｘ", "重复"),
        ],
        warnings=[],
    )
    wb = load_workbook(path)
    text = " ".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert full not in text
    assert "13909512345" not in text
    assert "139 0951 2345" not in text
    assert "０１０２" not in text
    assert "*" * 15 + "01X" in text
    assert "139****2345" in text
    assert "640104001007-001" in text  # a household number is not personal


@given(
    st.from_regex(r"\A[1-9][0-9]{16}[0-9X]\Z"),
    st.sampled_from(["", " ", "-", "　"]),
    st.booleans(),
)
def test_mask_personal_numbers_leaves_no_id_number(number, sep, wide):
    from lianxin.core.redaction import digits_of, mask_personal_numbers

    written = sep.join([number[:6], number[6:14], number[14:]])
    if wide:
        written = written.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    masked = mask_personal_numbers(f"备注：{written}。")
    assert number[:14] not in digits_of(masked)
    assert masked.endswith(number[-3:] + "。") or wide
