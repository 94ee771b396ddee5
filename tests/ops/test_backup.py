"""`lianxin backup` + `lianxin restore` into an empty database and media folder reproduce the
data (decrypted fields included) and the uploaded files exactly; a restore without the keys, or
into a database that is not empty, is refused (issue #15, REL-02)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KEY = Fernet.generate_key().decode()

SEED = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from lianxin.areas.models import Division
from lianxin.registry import services
from lianxin.registry.tests.factories import make_id
services.household_register(actor=None, division=Division.objects.get(code="640104001007"),
    members=[services.MemberInput(name="马玉兰", id_number="{id}", relationship="户主")])
default_storage.save("care/640104001007/1/photo.jpg", ContentFile(b"\\xff\\xd8photo-bytes"))
"""

CHECK = """
from django.core.files.storage import default_storage
from lianxin.registry.models import Person
p = Person.objects.get(name="马玉兰")
print(p.id_number)
print(default_storage.open("care/640104001007/1/photo.jpg").read())
"""


def _run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianxin", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def _env(tmp_path: Path, name: str, key: str = KEY) -> dict[str, str]:
    var = tmp_path / name
    var.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
        LIANXIN_VAR_DIR=str(var),
        FIELD_ENCRYPTION_KEYS=key,
        SEARCH_HASH_KEY="backup-test-search-key",
    )
    return env


def test_backup_and_restore_reproduce_data_and_files(tmp_path):
    from lianxin.registry.tests.factories import make_id

    number = make_id("640104")
    source = _env(tmp_path, "source")
    _run(source, "migrate", "--noinput", "-v", "0")
    _run(source, "shell", "-c", SEED.replace("{id}", number))
    out = _run(source, "backup", str(tmp_path / "backup"))
    assert "已备份" in out.stdout

    wrong = _env(tmp_path, "wrong-keys", key=Fernet.generate_key().decode())
    refused = _run(wrong, "restore", str(tmp_path / "backup"), check=False)
    assert refused.returncode != 0
    assert "加密密钥与备份时不同" in refused.stderr
    assert not (tmp_path / "wrong-keys" / "db.sqlite3").exists() or (
        (tmp_path / "wrong-keys" / "db.sqlite3").stat().st_size == 0
    )

    target = _env(tmp_path, "target")
    out = _run(target, "restore", str(tmp_path / "backup"))
    assert "已恢复并核对" in out.stdout
    shown = _run(target, "shell", "-v", "0", "-c", CHECK).stdout.splitlines()
    assert shown[0] == number
    assert shown[1] == repr(b"\xff\xd8photo-bytes")

    again = _run(target, "restore", str(tmp_path / "backup"), check=False)
    assert again.returncode != 0
    assert "不是空库" in again.stderr
