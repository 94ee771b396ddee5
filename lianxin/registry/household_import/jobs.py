"""Household imports through the staff UI: upload → background check (preview) → confirm →
background write, with progress; the job's report."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, InvalidTransition
from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of
from lianxin.core.servicekit import audited
from lianxin.core.spreadsheet import UnusableFile
from lianxin.core.tasks import enqueue_on_commit

from ..models import (
    ImportJob,
    ImportStatus,
)
from .apply import households_import
from .columns import RowError
from .plan import ImportResult

# --- uploads through the staff UI (background tasks) -----------------------------------------

REPORT_JSON_LIMIT = 1000


def _progress_key(job_id: int) -> str:
    return f"registry:import:{job_id}"


def import_progress(job: ImportJob) -> tuple[str, int, int]:
    """(phase, done, total) of a running job: the cache while inside the write transaction,
    the job's own columns otherwise."""
    value = cache.get(_progress_key(job.pk))
    if value:
        return value
    return (job.status, job.rows_done, job.rows_total)


def _report_json(result: ImportResult) -> dict[str, Any]:
    def rows(items: list[RowError]) -> list[list[Any]]:
        return [[e.row, e.column, e.value, e.reason] for e in items[:REPORT_JSON_LIMIT]]

    return {
        "summary": [[k, v] for k, v in result.summary()],
        "counts": dict(result.counts),
        "errors": rows(result.errors),
        "error_count": len(result.errors),
        "error_rows": result.error_rows,
        "warnings": rows(result.warnings),
        "warning_count": len(result.warnings),
        "has_changes": result.has_changes,
        "written": result.written,
    }


def import_job_create(
    *, actor: Any, file_name: str, chunks: Iterable[bytes], size: int
) -> ImportJob:
    """Store an upload and queue its check. A file over LIANXIN_IMPORT_MAX_BYTES is refused
    before it is stored; the area of the job is the uploader's (for who may see it)."""
    if not scope_of(actor).has_role(*AREA_STAFF_ROLES):
        raise AccessDenied("只有社区及以上工作人员可以导入住户信息")
    max_bytes = int(settings.LIANXIN_IMPORT_MAX_BYTES)
    prefixes = scope_of(actor).area_prefixes()
    job = ImportJob(
        file_name=Path(file_name).name[:200] or "upload",
        size=size,
        area_code=prefixes[0] if prefixes else "",
        created_by=actor,
    )
    if size > max_bytes:
        job.status = ImportStatus.REFUSED
        job.message = f"文件大小{size / 1048576:.1f}MB，超过上限{max_bytes // 1048576}MB"
        job.save()
        return audited(
            job, actor=actor, action="registry.import.refuse", changes={"reason": job.message}
        )
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = (
        Path(file_name).suffix.lower()[:6]
        if Path(file_name).suffix.lower() in (".xlsx", ".xls", ".csv")
        else ".bin"
    )
    stored = folder / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    written = 0
    with stored.open("wb") as fh:
        for chunk in chunks:
            written += len(chunk)
            if written > max_bytes:
                break
            digest.update(chunk)
            fh.write(chunk)
    if written > max_bytes:
        stored.unlink(missing_ok=True)
        job.status = ImportStatus.REFUSED
        job.message = f"文件超过上限{max_bytes // 1048576}MB"
        job.save()
        return job
    job.stored_path = str(stored)
    job.sha256 = digest.hexdigest()
    job.size = written
    with transaction.atomic():
        job.save()
        audit.record(
            actor=actor,
            action="registry.import.upload",
            target=job,
            changes={"file": job.file_name, "size": written, "sha256": job.sha256},
        )
        from ..tasks import check_import_job

        enqueue_on_commit(check_import_job, job.pk)
    return job


def _job_progress(job_id: int) -> Callable[[str, int, int], None]:
    def report(phase: str, done: int, total: int) -> None:
        cache.set(_progress_key(job_id), (phase, done, total), timeout=3600)
        if phase == "checking":
            ImportJob.objects.filter(pk=job_id).update(rows_done=done)

    return report


def import_job_check(*, job_id: int) -> ImportJob:
    """Check an uploaded file (a dry run): the preview with row errors, or a refusal."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.UPLOADED:
        return job
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.CHECKING)
    try:
        result = households_import(
            actor=job.created_by,
            path=Path(job.stored_path),
            dry_run=True,
            source_name=job.file_name,
            progress=_job_progress(job_id),
        )
    except UnusableFile as exc:
        job.status, job.message = ImportStatus.REFUSED, f"文件不可用：{exc.message}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "updated_at"])
        Path(job.stored_path).unlink(missing_ok=True)
        return job
    job.status = ImportStatus.CHECKED
    job.rows_total = job.rows_done = result.data_rows
    job.message = result.message
    job.report = _report_json(result)
    job.save(update_fields=["status", "rows_total", "rows_done", "message", "report", "updated_at"])
    cache.delete(_progress_key(job_id))
    return job


def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Confirm a checked file without errors and with changes: it is written in the background."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if actor is not None and not scope_of(actor).has_role(*AREA_STAFF_ROLES):
            raise AccessDenied("只有区划内工作人员可以导入住户信息")
        if job.status != ImportStatus.CHECKED:
            raise InvalidTransition("该文件当前不能确认导入")
        if job.report.get("error_count"):
            raise InvalidTransition("文件中有错误行，不能导入；请修改后重新上传")
        if not job.report.get("has_changes"):
            raise InvalidTransition("文件内容与系统中一致，没有需要写入的变化")
        job.status = ImportStatus.IMPORTING
        job.rows_done = 0
        job.updated_by = actor
        job.save(update_fields=["status", "rows_done", "updated_by", "updated_at"])
        audit.record(
            actor=actor,
            action="registry.import.confirm",
            target=job,
            changes={"file": job.file_name, "sha256": job.sha256, "rows": job.rows_total},
        )
        from ..tasks import run_import_job

        enqueue_on_commit(run_import_job, job.pk)
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Write a confirmed file (one transaction). The file is checked again: what changed in the
    meantime is reported as it is now."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job
    try:
        result = households_import(
            actor=job.created_by,
            path=Path(job.stored_path),
            source_name=job.file_name,
            progress=_job_progress(job_id),
        )
    except UnusableFile as exc:
        result = None
        job.status, job.message = ImportStatus.FAILED, f"文件不可用：{exc.message}"
    if result is not None:
        job.status = ImportStatus.DONE if not result.errors else ImportStatus.FAILED
        job.message = result.message
        job.report = _report_json(result)
        job.rows_done = job.rows_total = result.data_rows
    job.finished_at = timezone.now()
    if job.status != ImportStatus.DONE:
        audit.record(
            actor=job.created_by,
            action="registry.import.fail",
            target=job,
            changes={"file": job.file_name, "message": job.message},
            result="failed",
        )
    job.save(
        update_fields=[
            "status",
            "message",
            "report",
            "rows_done",
            "rows_total",
            "finished_at",
            "updated_at",
        ]
    )
    cache.delete(_progress_key(job_id))
    if job.status == ImportStatus.DONE:
        Path(job.stored_path).unlink(missing_ok=True)
    return job
