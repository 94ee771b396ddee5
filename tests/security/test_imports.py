"""IMP-01…03 on every import the project has: the household registry import (`lianxin import
households`, shared/contracts/imports.md) and the monitoring roster upload.

- IMP-01: 1,000 bad rows among good ones: a row-level report (row, column, value, reason) and
  nothing written in any table;
- IMP-02: a zip bomb, an XML bomb (billion laughs), an .exe renamed .xlsx, a 50 MB file: refused
  quickly with memory bounded, nothing written;
- IMP-03: the import process killed half way (SIGKILL) and run again gives the same final data
  as one clean run; importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.core.errors import ApplicationError
from lianxin.core.roles import Role
from tests.security.seed import check_digit, record_figure
from tests.security.snapshot import changed, snapshot

ROOT = Path(__file__).resolve().parents[2]
HEADERS = ["户编号", "区划代码", "网格", "详细地址", "姓名", "身份证号", "与户主关系", "联系电话"]
VILLAGE = "640521103208"


def _imports():
    try:
        return importlib.import_module(
            "lianxin.registry.household_import.apply"
        ), importlib.import_module("lianxin.registry.household_import.read")
    except ImportError:
        pytest.skip("the registry import has not landed")


def _id(n: int) -> str:
    body = f"640521{dt.date(1930 + n % 60, 1 + n % 12, 1 + n % 28):%Y%m%d}{n % 1000:03d}"
    return body + check_digit(body)


def rows(good: int, bad: int = 0, *, start: int = 0) -> list[list[str]]:
    """``good`` valid one-person households and ``bad`` rows with a wrong check digit."""
    out = []
    for i in range(start, start + good):
        out.append(
            [f"SEC-{i:05d}", VILLAGE, "第一网格", f"刘庄村{i}号", f"导入{i}", _id(i), "户主", ""]
        )
    for i in range(bad):
        number = _id(50_000 + i)
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        out.append([f"SEC-BAD-{i:05d}", VILLAGE, "第一网格", "", f"坏行{i}", wrong, "户主", ""])
    return out


def write_xlsx(path: Path, data: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("住户")
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    book.save(path)
    return path


# --- IMP-01 ---------------------------------------------------------------------------------


def test_a_thousand_bad_rows_among_good_ones_write_nothing(world, tmp_path):
    imports, _ = _imports()
    data = rows(300, 1000)
    data.sort(key=lambda r: r[0][-3:])  # bad rows scattered among the good ones
    path = write_xlsx(tmp_path / "bad.xlsx", data)
    before = snapshot()
    result = imports.households_import(actor=None, path=path, source_name=path.name)
    assert len(result.errors) >= 1000
    first = result.errors[0]
    assert first.row >= 2
    assert first.column
    assert first.reason
    assert changed(before, snapshot()) == []
    record_figure("imp01_bad_rows_reported", len(result.errors))


# --- IMP-02 ---------------------------------------------------------------------------------


def zip_bomb(path: Path) -> Path:
    """A valid-looking .xlsx whose sheet inflates to 1 GB of zeros (about 1 MB on disk)."""
    from openpyxl import Workbook

    base = io.BytesIO()
    Workbook().save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with out.open(item.filename, "w", force_zip64=True) as fh:
                    chunk = b"0" * (1 << 20)
                    for _ in range(1024):
                        fh.write(chunk)
            else:
                out.writestr(item, source.read(item.filename))
    return path


def xml_bomb(path: Path) -> Path:
    from openpyxl import Workbook

    base = io.BytesIO()
    Workbook().save(base)
    laughs = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol "lol">']
    for n in range(1, 10):
        laughs.append(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">')
    laughs.append("]>")
    laughs.append(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                out.writestr(item.filename, "".join(laughs))
            else:
                out.writestr(item, source.read(item.filename))
    return path


def exe_as_xlsx(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + os.urandom(4096))
    return path


def big_file(path: Path) -> Path:
    with path.open("wb") as fh:
        for _ in range(50):
            fh.write(os.urandom(1 << 20))
    return path


HOSTILE = {
    "zip bomb": zip_bomb,
    "xml bomb": xml_bomb,
    "exe renamed .xlsx": exe_as_xlsx,
    "50 MB": big_file,
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_household_files_are_refused_fast(kind, world, tmp_path):
    imports, importing = _imports()
    path = HOSTILE[kind](tmp_path / "hostile.xlsx")
    before = snapshot()
    rss = _peak_rss_mb()
    started = time.perf_counter()
    with pytest.raises(importing.UnusableFile):
        imports.households_import(actor=None, path=path, source_name=path.name)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"{kind}: refused after {elapsed:.1f} s"
    assert _peak_rss_mb() - rss < 200, f"{kind}: peak memory grew by {_peak_rss_mb() - rss:.0f} MB"
    assert changed(before, snapshot()) == []
    record_figure(f"imp02_household_{kind}_seconds", round(elapsed, 3))


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_rosters_are_refused_fast(kind, world, tmp_path, settings):
    try:
        services = importlib.import_module("lianxin.monitoring.services")
    except ImportError:
        pytest.skip("monitoring roster upload has not landed")
    settings.MEDIA_ROOT = tmp_path / "media"
    path = HOSTILE[kind](tmp_path / "roster.xlsx")
    actor = world.user(Role.COUNTY_STAFF, "b")
    upload = SimpleUploadedFile("roster.xlsx", path.read_bytes())
    before = snapshot()
    started = time.perf_counter()
    with pytest.raises(ApplicationError):
        services.roster_upload(actor=actor, area=world.b.county, kind="medical", uploaded=upload)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"{kind}: refused after {elapsed:.1f} s"
    assert changed(before, snapshot()) == []


# --- IMP-03 ---------------------------------------------------------------------------------


def _cli_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }


def _state(database_url: str) -> dict[str, object]:
    code = (
        "import django,json;django.setup();"
        "from django.apps import apps;"
        "P=apps.get_model('registry','Person');H=apps.get_model('registry','Household');"
        "M=apps.get_model('registry','Membership');"
        "print(json.dumps({'persons':sorted(P.objects.values_list('id_hash',flat=True)),"
        "'households':sorted(H.objects.values_list('number',flat=True)),"
        "'memberships':M.objects.count()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_cli_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return __import__("json").loads(out.stdout.strip().splitlines()[-1])


def _fresh_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    setup = "import django;django.setup();from lianxin.areas.services import divisions_load;divisions_load()"
    subprocess.run(
        [sys.executable, "-m", "lianxin", "migrate", "--noinput", "-v", "0"],
        env=_cli_env(url),
        cwd=ROOT,
        check=True,
    )
    subprocess.run([sys.executable, "-c", setup], env=_cli_env(url), cwd=ROOT, check=True)
    return url


@pytest.mark.slow
def test_killed_import_then_rerun_equals_one_clean_run(tmp_path):
    _imports()
    data_file = write_xlsx(tmp_path / "households.xlsx", rows(3000))
    reference = _fresh_sqlite(tmp_path / "reference.sqlite3")
    killed = tmp_path / "killed.sqlite3"
    import shutil

    shutil.copyfile(tmp_path / "reference.sqlite3", killed)
    killed_url = f"sqlite:///{killed}"
    command = [sys.executable, "-m", "lianxin", "import", "households", str(data_file)]
    started = time.perf_counter()
    first = subprocess.run(
        command, env=_cli_env(reference), cwd=ROOT, capture_output=True, text=True
    )
    full = time.perf_counter() - started
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    clean = _state(reference)
    assert len(clean["persons"]) == 3000
    process = subprocess.Popen(
        command,
        env=_cli_env(killed_url),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(max(0.5, full * 0.6))
    process.send_signal(signal.SIGKILL)
    process.wait()
    rerun = subprocess.run(
        command, env=_cli_env(killed_url), cwd=ROOT, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    assert _state(killed_url) == clean
    again = subprocess.run(
        command, env=_cli_env(killed_url), cwd=ROOT, capture_output=True, text=True
    )
    assert again.returncode == 0
    assert _state(killed_url) == clean
    record_figure("imp03_full_import_seconds", round(full, 1))
