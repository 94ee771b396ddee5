"""The one spreadsheet reader: layouts as departments send them, the dictionary of column
names, recognition by values, and the refusals (size, executables, bombs, macros)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from lianxin.core.spreadsheet import UnusableFile, normalise_header, open_table, seed_dictionary
from lianxin.core.spreadsheet.dictionary import default_dictionary
from lianxin.core.tests import layouts

D = default_dictionary()


def _open(path: Path):
    table = open_table(path, max_bytes=10 * 1024 * 1024, dictionary=seed_dictionary())
    rows = list(table.rows())
    return table.layout, rows


def _open_csv(tmp_path: Path, text: str):
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    return _open(path)


def _keys(layout) -> dict[str, str]:
    return {layout.headers[i]: k for i, k in sorted(layout.keys.items())}


# --- the dictionary -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("*身份证号", "id_number"),
        ("姓名*", "name"),
        ("D3.公民身份号码", "id_number"),
        ("身份证号码(18位)", "id_number"),
        ("身份证号码（18位）", "id_number"),
        ("身份证件号码", "id_number"),
        ("１．姓名", "name"),
        ("(一)户主姓名", "head_name"),
        ("逝者姓名", "name"),
        ("出生年月", "birth_date"),
        ("去世时间", "death_date"),
        ("火化时间", "death_date"),
        ("自付费用(元)", "out_of_pocket_yuan"),
        ("补贴标准", "monthly_amount"),
        ("低保证编号", "dibao_no"),
        ("申请唯一号", "dibao_no"),
        ("行政村（社区）", "village"),
        ("所属乡镇", "township"),
        ("ID_NUMBER", "id_number"),
        ("与 户主 关系", "relationship"),
    ],
)
def test_header_names_are_normalised_and_found(header, key):
    assert D.lookup(header) == (key, False)


def test_certificate_number_is_only_a_weak_name_for_the_id():
    assert D.lookup("证件号码") == ("id_number", True)
    assert D.lookup("证件号") == ("id_number", True)
    assert normalise_header(" *Ｄ3．公民身份号码： ") == "公民身份号码"


@pytest.mark.parametrize(
    ("word", "platform"),
    [
        ("本人", "户主"), ("户主/本人", "户主"), ("妻", "配偶"), ("妻子", "配偶"), ("夫", "配偶"),
        ("丈夫", "配偶"), ("长子", "儿子"), ("次子", "儿子"), ("长女", "女儿"), ("次女", "女儿"),
        ("子", "儿子"), ("女", "女儿"), ("孙子", "孙子女"), ("孙女", "孙子女"), ("（外）孙子女", "孙子女"),
        ("子/婿", "子女"), ("女/媳", "子女"), ("儿媳", "儿媳"), ("女婿", "女婿"), ("父亲", "父亲"),
        ("母亲", "母亲"), ("公公", "父母"), ("婆婆", "父母"), ("岳父", "父母"), ("岳母", "父母"),
        ("兄", "兄弟姐妹"), ("弟", "兄弟姐妹"), ("姐", "兄弟姐妹"), ("妹", "兄弟姐妹"), ("02", "户主"),
        (12.0, "配偶"),
    ],
)  # fmt: skip
def test_relationship_words_map_to_the_platforms(word, platform):
    assert D.relationship(word) == platform


def test_unknown_relationship_word_is_not_guessed():
    assert D.relationship("朋友") is None


def test_roster_kind_from_file_name_or_title():
    assert D.kind_from_text("低保花名册.xls") == "civil_affairs"
    assert D.kind_from_text("civil_affairs.xlsx") == "civil_affairs"
    assert D.kind_from_text("兴庆区2026年火化人员名单") == "deaths"
    assert D.kind_from_text("残疾人两项补贴发放表") == "two_subsidies"
    assert D.kind_from_text("工作总结") is None


def test_administrators_changes_apply_in_order():
    changed = seed_dictionary(
        [("id_number", "身份证编码", False, True), ("name", "名字", False, False)], revision=2
    )
    assert changed.lookup("身份证编码") == ("id_number", False)
    assert changed.lookup("名字") is None
    assert changed.revision == 2


# --- layouts --------------------------------------------------------------------------------


@pytest.mark.parametrize("family", layouts.FAMILIES)
def test_every_layout_family_is_read_with_its_five_people(family, tmp_path):
    layout, rows = _open(layouts.roster_file(family, tmp_path))
    keys = set(layout.keys.values())
    assert {"name", "id_number", "relationship"} <= keys
    id_col = layout.column_of("id_number")
    assert [str(values[id_col]) for _n, values in rows] == [m.id_number for m in layouts.PEOPLE]


def test_title_rows_and_footer_are_skipped_and_reported(tmp_path):
    layout, rows = _open(layouts.roster_file("title_rows", tmp_path))
    assert layout.header_first == layout.header_last == 4
    assert [n for n, _v in rows] == [5, 6, 7, 8, 9]
    assert layout.notes == [
        "表头在第4行",
        "第1–3行是标题或说明，已跳过",
        "跳过表尾合计、制表人、审核人等2行（第11–12行）",
        "跳过空行1行",
    ]
    assert layout.title.startswith("兴庆区2026年11月城乡低保花名册")


def test_two_row_merged_header_is_flattened(tmp_path):
    layout, rows = _open(layouts.roster_file("two_row_header", tmp_path))
    assert (layout.header_first, layout.header_last) == (2, 3)
    assert _keys(layout) == {
        "家庭成员/姓名": "name",
        "家庭成员/身份证号": "id_number",
        "家庭成员/与户主关系": "relationship",
        "出生日期": "birth_date",
    }
    assert layout.notes[0] == "表头在第2–3行（两行表头已合并为一行）"
    assert len(rows) == 5


def test_two_row_header_in_csv_without_merges(tmp_path):
    layout, rows = _open_csv(
        tmp_path,
        "序号,户主姓名,家庭成员,,,备注\n,,姓名,身份证号,关系,\n"
        f"1,马建军,马建军,{layouts.PEOPLE[0].id_number},本人,\n",
    )
    assert layout.headers == ["序号", "户主姓名", "家庭成员/姓名", "身份证号", "关系", "备注"]
    assert _keys(layout) == {
        "户主姓名": "head_name",
        "家庭成员/姓名": "name",
        "身份证号": "id_number",
        "关系": "relationship",
    }
    assert [n for n, _v in rows] == [3]


def test_markers_and_item_codes(tmp_path):
    layout, _rows = _open(layouts.roster_file("markers", tmp_path))
    assert _keys(layout) == {
        "姓名*": "name",
        "*身份证号码(18位)": "id_number",
        "D5.与户主关系": "relationship",
        "D4.出生日期(yyyy-mm-dd)": "birth_date",
    }


def test_certificate_column_holding_dibao_numbers_is_not_the_id(tmp_path):
    layout, _rows = _open(layouts.roster_file("non_id_certificate", tmp_path))
    assert layout.header_of("id_number") == "身份证件号码"
    assert (
        "“证件号码”列的内容不是身份证号（符合GB 11643的只占0%，可能是低保证号等），未作为身份证号"
        in layout.notes
    )


def test_certificate_column_alone_holding_other_numbers_asks(tmp_path):
    layout, _rows = _open_csv(
        tmp_path, "姓名,证件号码,与户主关系\n马建军,宁低2024-0001,户主\n李秀英,宁低2024-0001,妻\n"
    )
    assert layout.column_of("id_number") is None
    assert layout.questions == ["“证件号码”列看起来不是身份证号，请确认身份证号在哪一列"]


def test_certificate_column_holding_id_numbers_is_the_id(tmp_path):
    rows = "".join(f"{m.name},{m.id_number}\n" for m in layouts.PEOPLE)
    layout, _rows = _open_csv(tmp_path, "姓名,证件号码\n" + rows)
    assert layout.header_of("id_number") == "证件号码"
    assert layout.weak == set()
    assert "“证件号码”列的内容是身份证号，已作为身份证号" in layout.notes


def test_unnamed_column_of_id_numbers_is_recognised_by_its_values(tmp_path):
    rows = "".join(f"{m.name},{m.id_number},男\n" for m in layouts.PEOPLE)
    layout, _rows = _open_csv(tmp_path, "姓名,号码,性别\n" + rows)
    assert layout.header_of("id_number") == "号码"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(encoding, tmp_path):
    path = tmp_path / "r.csv"
    text = "兴庆区低保花名册\n姓名,身份证号\n" + "".join(
        f"{m.name},{m.id_number}\n" for m in layouts.PEOPLE
    )
    path.write_bytes(text.encode(encoding))
    layout, rows = _open(path)
    assert layout.header_last == 2
    assert [v[0] for _n, v in rows] == [m.name for m in layouts.PEOPLE]


def test_xls_with_merged_two_row_header(tmp_path):
    layout, rows = _open(layouts.roster_file("xls", tmp_path))
    assert layout.file_kind == "xls"
    assert (layout.header_first, layout.header_last) == (4, 5)
    assert [n for n, _v in rows] == [6, 7, 8, 9, 10]


def test_no_header_message_points_at_the_title_rows(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "兴庆区低保花名册\n制表单位：民政局\n甲,乙,丙\n"
        + "".join(f"{m.id_number},x,y\n" for m in layouts.PEOPLE[:1]),
        encoding="utf-8",
    )
    path2 = tmp_path / "r2.csv"
    path2.write_text(
        "兴庆区低保花名册\n\n" + "".join(f"{m.id_number},2026-01-01,1\n" for m in layouts.PEOPLE),
        encoding="utf-8",
    )
    with pytest.raises(UnusableFile) as error:
        _open(path2)
    assert (
        error.value.message
        == "第1行像是标题，表头可能在第2行，但没有认出其中的列名；表头应包含 姓名、身份证号 等列名"
    )


# --- refusals -------------------------------------------------------------------------------


def _xlsx_bytes(extra: dict[str, bytes] | None = None, content_types: bytes | None = None) -> bytes:
    from openpyxl import Workbook

    base = io.BytesIO()
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_types:
                data = content_types
            target.writestr(item, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


MACRO = "文件含有宏（如 .xlsm），出于安全考虑不予读取；请在Excel中另存为不含宏的 .xlsx 后再上传"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("名册.xlsm", _xlsx_bytes()),
        ("名册.xlsx", _xlsx_bytes({"xl/vbaProject.bin": b"\x00" * 100})),
        (
            "名册.xlsx",
            _xlsx_bytes(
                content_types=b'<?xml version="1.0"?><Types><Default ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
            ),
        ),
        (
            "名册.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 500
            + "Workbook".encode("utf-16-le")
            + "_VBA_PROJECT_CUR".encode("utf-16-le"),
        ),
    ],
)
def test_workbooks_with_macros_are_refused(name, content, tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(UnusableFile) as error:
        open_table(path, max_bytes=10**7, dictionary=D, name=name)
    assert error.value.message == MACRO


def test_encrypted_workbook_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(UnusableFile, match="^文件已加密（设置了打开密码），请取消密码后再上传$"):
        open_table(path, max_bytes=10**7, dictionary=D)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "^文件是空的$"),
        (b"MZ\x90\x00" + b"\x00" * 100, "^文件不是Excel表格（.xlsx/.xls）或CSV文件$"),
        (b"%PDF-1.4 ...", "^文件不是Excel表格（.xlsx/.xls）或CSV文件$"),
        (b"a" * 2048, "^文件大小0.0MB，超过上限0MB$"),
    ],
)
def test_what_is_not_a_table_is_refused(content, message, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnusableFile, match=message):
        open_table(path, max_bytes=1024, dictionary=D)
