"""`lianxin monitor`: thin command over run_pipeline; exit code 0 or the Chinese error."""

from __future__ import annotations

import csv
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

RESIDENTS = [
    ("640104194001011234", "张明", "男", "1940-01-01", "640104", "H1"),
    ("640105196003151232", "王伟", "男", "1960-03-15", "640105", "H2"),
    ("640105196003151259", "李丽", "女", "1960-03-15", "640105", "H2"),
]


def write_sources(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "residents.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_number", "name", "sex", "birth_date", "division_code", "household_no"])
        writer.writerows(RESIDENTS)
    return directory


def test_monitor_writes_alerts_and_prints_chinese_summary(tmp_path):
    sources = write_sources(tmp_path / "in")
    out = tmp_path / "out" / "alerts.csv"
    stdout = StringIO()
    call_command("monitor", sources=str(sources), as_of="2025-12-31", out=str(out), stdout=stdout)
    text = stdout.getvalue()
    assert "户籍人口名册（residents）：3 行" in text
    assert "预警共 1 条" in text
    assert "elderly_living_alone：1" in text
    assert out.read_text(encoding="utf-8").splitlines() == [
        "id_number,rule,detail",
        "640104194001011234,elderly_living_alone,2025-12-31 时年满 85 岁，户内（户号 H1）无其他在世成员",
    ]
    assert (tmp_path / "out" / "review.csv").exists()


def test_monitor_refuses_bad_date(tmp_path):
    sources = write_sources(tmp_path / "in")
    with pytest.raises(CommandError, match="不是 YYYY-MM-DD 格式的日期"):
        call_command(
            "monitor", sources=str(sources), as_of="2025-13-01", out=str(tmp_path / "a.csv")
        )
    assert not (tmp_path / "a.csv").exists()


def test_monitor_turns_pipeline_error_into_command_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="没有户籍人口名册"):
        call_command(
            "monitor",
            sources=str(tmp_path / "empty"),
            as_of="2025-12-31",
            out=str(tmp_path / "a.csv"),
        )
    assert not (tmp_path / "a.csv").exists()


def _lianxin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianxin", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[3],
    )


def _monitor(sources: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """``lianxin monitor`` in its own process, as of 2025-12-31."""
    return _lianxin(
        "monitor", "--sources", str(sources), "--as-of", "2025-12-31", "--out", str(out)
    )


def test_monitor_exit_codes(tmp_path):
    sources = write_sources(tmp_path / "in")
    ok = _monitor(sources, tmp_path / "a.csv")
    assert ok.returncode == 0, ok.stderr
    assert "预警共 1 条" in ok.stdout
    (sources / "deaths.csv").write_text("id_number,name\n", encoding="utf-8")
    bad = _monitor(sources, tmp_path / "b.csv")
    assert bad.returncode == 1
    assert "文件 deaths.csv（死亡人员名册）缺少必需的列：死亡日期。" in bad.stderr
