"""What a file is, decided before it is opened: too large, empty, an executable, a zip or XML
bomb, a workbook with macros, an encrypted workbook — refused with a Chinese message. Returns
"xlsx", "xls" or "csv"."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

MAX_ZIP_MEMBERS = 2000
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 100  # a real sheet compresses 5–20×; bombs compress 1000×
SNIFF_BYTES = 1 << 16
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb", ".xla")
MACRO_MESSAGE = (
    "文件含有宏（如 .xlsm），出于安全考虑不予读取；请在Excel中另存为不含宏的 .xlsx 后再上传"
)


class UnusableFile(Exception):
    """The file cannot be read as a table; ``message`` is Chinese and says why (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_file(path: Path, *, max_bytes: int, name: str = "") -> str:
    """Refuse, before reading it, a file that is not a spreadsheet we accept. ``name`` is the
    name the user gave the file (its suffix may refuse it: .xlsm, .xlsb)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UnusableFile(f"文件大小{size / 1048576:.1f}MB，超过上限{max_bytes // 1048576}MB")
    if size == 0:
        raise UnusableFile("文件是空的")
    if (name or path.name).lower().endswith(MACRO_SUFFIXES):
        raise UnusableFile(MACRO_MESSAGE)
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        _check_zip(path)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        _check_ole(path)
        return "xls"
    if head.startswith((b"MZ", b"\x7fELF", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"Rar!", b"7z")):
        raise UnusableFile("文件不是Excel表格（.xlsx/.xls）或CSV文件")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        raise UnusableFile("文件不是Excel表格（.xlsx/.xls）或CSV文件")
    if not _decodable(head):
        raise UnusableFile("文件不是Excel表格（.xlsx/.xls）或CSV文件（文字编码无法识别）")
    return "csv"


def _decodable(head: bytes) -> bool:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _check_zip(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnusableFile("文件已损坏，无法作为Excel表格读取") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UnusableFile("文件结构异常（压缩包内文件过多），已拒绝")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnusableFile("文件解压后过大（疑似压缩炸弹），已拒绝")
        for m in members:
            if m.file_size > 1_048_576 and m.file_size > MAX_MEMBER_RATIO * max(m.compress_size, 1):
                raise UnusableFile("文件压缩比异常（疑似压缩炸弹），已拒绝")
        names = {m.filename for m in members}
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UnusableFile(MACRO_MESSAGE)
        if "xl/workbook.bin" in names:
            raise UnusableFile("不支持 .xlsb 文件，请另存为 .xlsx")
        if "xl/workbook.xml" not in names:
            raise UnusableFile("文件不是Excel表格（.xlsx）")
        for m in members:
            if not m.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(m) as fh:
                    start = fh.read(8192)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise UnusableFile("文件已损坏或已加密，无法读取") from exc
            upper = start.upper()
            if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
                raise UnusableFile("文件包含不允许的XML实体声明（疑似XML炸弹），已拒绝")
            if m.filename == "[Content_Types].xml" and b"MACROENABLED" in upper:
                raise UnusableFile(MACRO_MESSAGE)


def _check_ole(path: Path) -> None:
    """An OLE compound file: a BIFF workbook (.xls) is read; an encrypted .xlsx, a workbook
    with VBA macros, or another Office document (.doc) is refused. Directory entry names are
    UTF-16; the file is at most the upload limit, so a byte search is enough."""
    data = path.read_bytes()

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        raise UnusableFile("文件已加密（设置了打开密码），请取消密码后再上传")
    if has("_VBA_PROJECT") or has("_VBA_PROJECT_CUR"):
        raise UnusableFile(MACRO_MESSAGE)
    if not (has("Workbook") or has("Book")):
        raise UnusableFile("文件不是Excel表格（.xls），可能是Word等其他文档")
