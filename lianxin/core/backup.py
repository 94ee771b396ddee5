"""Backups that restore everything (issue #15): the database, the uploaded files and a manifest
with checksums. The encryption keys are never written into a backup (they are kept apart, as
the operator keeps them); the manifest holds their fingerprints, and a restore refuses to run
when the keys of this installation cannot decrypt what the backup holds.

    lianxin backup DIR      # DIR/manifest.json, DIR/database.(dump|sqlite3), DIR/media.tar
    lianxin restore DIR     # into an EMPTY database and media folder; refuses otherwise

PostgreSQL is dumped with ``pg_dump -Fc`` and restored with ``pg_restore``; SQLite is copied with
the online backup API (consistent while the server runs)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess  # noqa: S404
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .errors import ApplicationError

FORMAT = 1


class BackupError(ApplicationError):
    pass


@dataclass(frozen=True)
class Database:
    vendor: str
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def current(cls) -> Database:
        conf = connection.settings_dict
        return cls(
            vendor=connection.vendor,
            name=str(conf["NAME"]),
            host=str(conf.get("HOST") or ""),
            port=str(conf.get("PORT") or ""),
            user=str(conf.get("USER") or ""),
            password=str(conf.get("PASSWORD") or ""),
        )

    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["-h", self.host]
        if self.port:
            args += ["-p", self.port]
        if self.user:
            args += ["-U", self.user]
        return args

    def pg_env(self) -> dict[str, str]:
        return {**os.environ, "PGPASSWORD": self.password}


def key_fingerprints() -> list[str]:
    """Short digests of the field-encryption keys and the search-hash key (never the keys)."""
    keys = [*getattr(settings, "FIELD_ENCRYPTION_KEYS", []), settings.SEARCH_HASH_KEY]
    return [hashlib.sha256(str(k).encode()).hexdigest()[:16] for k in keys if k]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Row counts of every table of the current database (for the manifest and the drill)."""
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out[table] = int(cursor.fetchone()[0])
    return out


def _media_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def backup(target: Path) -> dict[str, Any]:
    """Write a full backup into ``target`` (created; must be empty) and return the manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空目录")
    db = Database.current()
    started = time.perf_counter()
    if db.vendor == "postgresql":
        dump = target / "database.dump"
        subprocess.run(  # noqa: S603
            ["pg_dump", *db.pg_args(), "-Fc", "-f", str(dump), db.name],  # noqa: S607
            env=db.pg_env(),
            check=True,
        )
    elif db.vendor == "sqlite":
        dump = target / "database.sqlite3"
        with sqlite3.connect(db.name) as src, sqlite3.connect(dump) as dst:
            src.backup(dst)
    else:  # pragma: no cover - only the two supported databases
        raise BackupError(f"不支持的数据库：{db.vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    media = _media_files(media_root)
    archive = target / "media.tar"
    with tarfile.open(archive, "w") as tar:
        for rel in media:
            tar.add(media_root / rel, arcname=rel)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.localtime().isoformat(),
        "database": {"vendor": db.vendor, "file": dump.name, "sha256": _sha256(dump)},
        "tables": table_counts(),
        "media": {"file": archive.name, "sha256": _sha256(archive), "files": media},
        "keys": key_fingerprints(),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (target / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / "manifest.json"
    if not path.exists():
        raise BackupError(f"{source} 中没有 manifest.json，不是连心的备份")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for part in ("database", "media"):
        file = source / manifest[part]["file"]
        if not file.exists() or _sha256(file) != manifest[part]["sha256"]:
            raise BackupError(f"备份文件 {file.name} 缺失或已损坏（校验和不符）")
    return manifest


def _check_keys(manifest: dict[str, Any]) -> None:
    mine = set(key_fingerprints())
    missing = [k for k in manifest.get("keys", []) if k not in mine]
    if missing:
        raise BackupError(
            "本机的加密密钥与备份时不同：请先按备份时的 FIELD_ENCRYPTION_KEYS 和 SEARCH_HASH_KEY "
            "配置环境变量（密钥单独保管，不在备份中），再恢复"
        )


def _is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables or tables == ["django_migrations"]


def restore(source: Path) -> dict[str, Any]:
    """Restore a backup into an empty database and an empty media folder; verify row counts
    and file checksums against the manifest. Refuses without the right keys."""
    manifest = read_manifest(source)
    _check_keys(manifest)
    db = Database.current()
    if manifest["database"]["vendor"] != db.vendor:
        raise BackupError(
            f"备份来自 {manifest['database']['vendor']}，当前数据库是 {db.vendor}，不能直接恢复"
        )
    if not _is_empty():
        raise BackupError("目标数据库不是空库：请在新建的空数据库中恢复")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"上传文件目录 {media_root} 不是空目录")
    dump = source / manifest["database"]["file"]
    if db.vendor == "postgresql":
        connection.close()
        subprocess.run(  # noqa: S603
            ["pg_restore", *db.pg_args(), "--no-owner", "-d", db.name, str(dump)],  # noqa: S607
            env=db.pg_env(),
            check=True,
        )
    else:
        connection.close()
        with sqlite3.connect(dump) as src, sqlite3.connect(db.name) as dst:
            src.backup(dst)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / manifest["media"]["file"]) as tar:
        tar.extractall(media_root, filter="data")
    problems = verify(manifest)
    if problems:
        raise BackupError("恢复后核对不一致：" + "；".join(problems[:10]))
    return manifest


def verify(manifest: dict[str, Any]) -> list[str]:
    """Differences between the manifest and the current database and media folder."""
    problems = []
    counts = table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"表 {table} 行数 {counts.get(table)}，备份时 {expected}")
    files = _media_files(Path(settings.MEDIA_ROOT))
    for rel, digest in manifest["media"]["files"].items():
        if files.get(rel) != digest:
            problems.append(f"文件 {rel} 缺失或不同")
    return problems
