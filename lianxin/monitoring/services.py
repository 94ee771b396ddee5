"""Every write of roster comparison: roster uploads and mapping, runs, alert verification,
the review queue and the rule parameters."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core import audit, idnumber
from lianxin.core.errors import AccessDenied, ApplicationError, InvalidTransition
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.tasks import enqueue_on_commit
from lianxin.directory.models import Organisation
from lianxin.registry import selectors as registry_selectors

from . import intake, selectors
from .models import Alert, Reminder, ReviewItem, RosterImport, RuleSetting, Run
from .pipeline import PipelineError, RuleParams, run_pipeline
from .pipeline.params import LinkParams
from .querysets import COMPARISON_ROLES

ENTITLED_RULES = {"living_subsidy_missing", "nursing_subsidy_missing"}
REMINDER_TEXT = {
    "living_subsidy_missing": "【连心】您可能符合困难残疾人生活补贴条件，网格员将与您联系，也可到社区咨询办理。",
    "nursing_subsidy_missing": "【连心】您可能符合重度残疾人护理补贴条件，网格员将与您联系，也可到社区咨询办理。",
}
BATCH = 2000


def _storage() -> Path:
    path = Path(settings.MEDIA_ROOT) / "rosters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _require_area(actor: Any, area_code: str, roles: tuple[str, ...] = COMPARISON_ROLES) -> None:
    if not any(area_code.startswith(p) for p in scope_of(actor).area_prefixes(roles)):
        raise AccessDenied("您无权在该区域开展数据比对")


@transaction.atomic
def roster_upload(
    *, actor: Any, area: Division, kind: str, uploaded: Any, department: Organisation | None = None
) -> RosterImport:
    """Store a department's roster for an area and propose the column mapping. A file that is
    not a roster (too large, not CSV/Excel, a zip bomb, no header) is refused and nothing is
    kept. When every template column is recognised the roster is staged at once."""
    _require_area(actor, area.code)
    if kind not in dict(RosterImport._meta.get_field("kind").choices):
        raise ApplicationError("未知的名册类型")
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(delete=False, dir=_storage(), suffix=".upload") as tmp:
        size = 0
        for chunk in uploaded.chunks():
            size += len(chunk)
            if size > intake.MAX_BYTES:
                break
            digest.update(chunk)
            tmp.write(chunk)
        tmp_path = Path(tmp.name)
    try:
        if size > intake.MAX_BYTES:
            raise intake.IntakeError(f"文件“{uploaded.name}”超过20MB，请拆分后上传")
        file_kind = intake.check_file(tmp_path, uploaded.name)
        headers = intake.read_header(tmp_path, file_kind)
    except intake.IntakeError as exc:
        tmp_path.unlink(missing_ok=True)
        raise ApplicationError(str(exc)) from exc
    stored = _storage() / f"{digest.hexdigest()}.{file_kind}"
    tmp_path.replace(stored)
    item = RosterImport(
        kind=kind,
        area=area,
        department=department,
        original_name=uploaded.name[:200],
        stored_path=str(stored),
        file_sha256=digest.hexdigest(),
        headers=headers,
        column_map=intake.propose_mapping(kind, headers),
        created_by=actor,
    )
    item.save()
    audit.record(actor=actor, action="monitoring.roster.upload", target=item, changes={"kind": kind, "file": item.original_name})
    if not intake.missing_columns(kind, item.column_map):
        _stage(actor=actor, item=item)
    return item


@transaction.atomic
def roster_map_columns(*, actor: Any, item: RosterImport, column_map: dict[str, str]) -> RosterImport:
    """Confirm which file column holds each template column; then stage the roster."""
    item = RosterImport.objects.select_for_update().get(pk=item.pk)
    _require_area(actor, item.area_code)
    if item.status not in (RosterImport.Status.MAPPING, RosterImport.Status.FAILED):
        raise InvalidTransition("该名册已确认，不能再修改列对应")
    unknown = [h for h in column_map.values() if h and h not in item.headers]
    if unknown:
        raise ApplicationError("文件中没有这些列：" + "、".join(unknown))
    item.column_map = {k: v for k, v in column_map.items() if v}
    item.save(update_fields=["column_map", "updated_at"])
    _stage(actor=actor, item=item)
    return item


def _stage(*, actor: Any, item: RosterImport) -> None:
    source = Path(item.stored_path)
    target = source.with_suffix(".staged.csv")
    try:
        report = intake.stage(item.kind, source, "xlsx" if source.suffix == ".xlsx" else "csv", item.column_map, target)
    except intake.IntakeError as exc:
        raise ApplicationError(str(exc)) from exc
    RosterImport.objects.filter(
        kind=item.kind, area=item.area, status=RosterImport.Status.READY
    ).exclude(pk=item.pk).update(status=RosterImport.Status.SUPERSEDED)
    item.staged_path = str(target)
    item.row_count = report.rows
    item.bad_row_count = report.bad_rows
    item.bad_rows = report.samples
    item.status = RosterImport.Status.READY
    item.message = f"共{report.rows}行，其中{report.bad_rows}行需人工关注" if report.bad_rows else f"共{report.rows}行"
    item.save(update_fields=["staged_path", "row_count", "bad_row_count", "bad_rows", "status", "message", "updated_at"])
    audit.record(actor=actor, action="monitoring.roster.stage", target=item, changes={"rows": report.rows, "bad_rows": report.bad_rows})


@transaction.atomic
def run_request(*, actor: Any, area: Division, as_of: dt.date, engine: str = "duckdb", is_scheduled: bool = False) -> Run:
    """Queue a comparison run for an area; it runs in the background worker."""
    from .tasks import execute_run

    if actor is not None:
        _require_area(actor, area.code, (Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF))
    if area.level not in ("county", "city", "province", "township"):
        raise ApplicationError("比对区域应为乡镇(街道)、县(区)、市或自治区")
    if engine not in ("duckdb", "spark"):
        raise ApplicationError("未知的比对引擎")
    run = Run(area=area, as_of=as_of, engine=engine, is_scheduled=is_scheduled, created_by=actor)
    run.save()
    audit.record(actor=actor, action="monitoring.run.request", target=run, changes={"as_of": as_of.isoformat()})
    enqueue_on_commit(execute_run, run.pk)
    return run


def runs_schedule(*, as_of: dt.date) -> list[Run]:
    """The scheduled comparison: one run per area whose ready rosters are newer than its last
    run (by anyone, for any date); at most one scheduled run per area and as-of date."""
    from django.db.models import Max

    latest_roster = dict(
        RosterImport.objects.filter(status=RosterImport.Status.READY)
        .values_list("area_code")
        .annotate(at=Max("created_at"))
    )
    queued = []
    for area_code, at in sorted(latest_roster.items()):
        last = Run.objects.filter(area_code=area_code).order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None and last >= at:
            continue
        if Run.objects.filter(area_code=area_code, as_of=as_of, is_scheduled=True).exists():
            continue
        queued.append(run_request(actor=None, area=Division.objects.get(code=area_code), as_of=as_of, is_scheduled=True))
    return queued


def _params() -> RuleParams:
    setting = selectors.rule_setting()
    return RuleParams(
        large_medical_expense_yuan=setting.large_medical_expense_yuan,
        elderly_age=setting.elderly_age,
        link=LinkParams(match_threshold=setting.match_threshold),
    )


def run_execute(*, run_id: int) -> Run:
    """Run the pipeline over the area's residents and the latest rosters, then deliver each new
    alert to the grid of the person; an alert already answered on the same evidence is not
    raised again. Idempotent: running it twice adds nothing the second time."""
    updated = Run.objects.filter(pk=run_id, status__in=[Run.Status.QUEUED, Run.Status.FAILED]).update(status=Run.Status.RUNNING)
    run = Run.objects.get(pk=run_id)
    if not updated:
        return run
    workdir = Path(tempfile.mkdtemp(prefix="lianxin-run-"))
    try:
        sources = workdir / "sources"
        sources.mkdir()
        residents = registry_selectors.write_residents_roster(area_code=run.area_code, target=sources / "residents.csv")
        rosters = selectors.latest_rosters_for(run.area_code)
        for item in rosters:
            shutil.copyfile(item.staged_path, sources / f"{item.kind}.csv")
        result = run_pipeline(sources, run.as_of, workdir / "alerts.csv", engine=run.engine, params=_params())
        with transaction.atomic():
            new, suppressed = _deliver_alerts(run, result.iter_alerts())
            reviews = _store_review(run, result.iter_review())
            run.rosters.set(rosters)
            run.residents = residents
            run.rows_per_roster = result.rows_per_roster
            run.link_stats = {
                "exact": result.exact_matches,
                "probabilistic": result.probabilistic_matches,
                "review": result.review_rows,
                "per_roster": {k: vars(v) for k, v in result.link_stats.items()},
            }
            run.alerts_per_rule = result.alerts_per_rule
            run.alerts_new, run.alerts_suppressed, run.review_rows = new, suppressed, reviews
            run.seconds = round(result.seconds, 2)
            run.status = Run.Status.DONE
            run.finished_at = timezone.now()
            run.message = "；".join(
                filter(None, [f"未提供：{'、'.join(result.rosters_missing)}" if result.rosters_missing else ""])
            )
            run.save()
            audit.record(actor=None, action="monitoring.run.done", target=run, changes={"alerts_new": new, "review": reviews})
    except PipelineError as exc:
        run.status = Run.Status.FAILED
        run.message = str(exc)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at", "updated_at"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return run


_ID_LIKE = re.compile(r"\d{17}[\dXx](?:\d{2})?")


def mask_detail(detail: str) -> str:
    """The evidence sentence as stored and shown: ID and certificate numbers masked (1 + 1)."""
    return _ID_LIKE.sub(lambda m: idnumber.mask(m.group(0), idnumber.MaskTier.STAFF), detail)


def _evidence_hash(rule: str, detail: str) -> str:
    return hashlib.sha256(f"{rule}\n{detail}".encode()).hexdigest()


def _deliver_alerts(run: Run, alerts: Any) -> tuple[int, int]:
    from lianxin.registry.models import Person

    new = suppressed = 0
    batch: list[tuple[str, str, str]] = []

    def flush() -> None:
        nonlocal new, suppressed
        hashes = {idnumber.search_hash(a[0]): a for a in batch}
        persons = {p.id_hash: p for p in Person.objects.filter(id_hash__in=list(hashes)).only("pk", "id_hash", "area_code", "grid_id")}
        wanted = [(persons[h], rule, detail) for h, (_, rule, detail) in hashes.items() if h in persons]
        existing = set(
            Alert.objects.filter(person__in=[p for p, _, _ in wanted]).values_list("person_id", "rule", "evidence_hash")
        )
        rows = []
        for person, rule, detail in wanted:
            key = (person.pk, rule, _evidence_hash(rule, detail))
            if key in existing:
                suppressed += 1
                continue
            existing.add(key)
            rows.append(
                Alert(run=run, person=person, rule=rule, detail=mask_detail(detail), evidence_hash=key[2], area_code=person.area_code, grid_id=person.grid_id)
            )
        Alert.objects.bulk_create(rows, batch_size=BATCH)
        new += len(rows)
        batch.clear()

    for alert in alerts:
        batch.append((alert.id_number, alert.rule, alert.detail))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return new, suppressed


def _store_review(run: Run, rows: Any) -> int:
    items = []
    count = 0
    for row in rows:
        count += 1
        prob = row.get("match_probability") or ""
        items.append(
            ReviewItem(
                run=run,
                area_code=run.area_code,
                source=row.get("file", "")[:20],
                row_number=int(row.get("row") or 0),
                id_number=row.get("id_number", ""),
                name=row.get("name", "")[:60],
                birth_date=row.get("birth_date", "")[:40],
                reason=row.get("reason", "")[:200],
                candidate_id_number=row.get("candidate_id_number", ""),
                match_probability=float(prob) if prob else None,
            )
        )
        if len(items) >= BATCH:
            ReviewItem.objects.bulk_create(items)
            items.clear()
    ReviewItem.objects.bulk_create(items)
    return count


def _may_verify(actor: Any, alert: Alert) -> bool:
    scope = scope_of(actor)
    if alert.grid_id is not None and alert.grid_id in scope.grid_ids():
        return True
    return any(alert.area_code.startswith(p) for p in scope.area_prefixes((Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)))


@transaction.atomic
def alert_verify(*, actor: Any, alert: Alert, confirmed: bool, note: str, outcome: str = "") -> Alert:
    """The grid worker (or the area's staff) answers an alert after checking on the spot. A
    rejection needs a reason. A confirmed alert becomes a care discovery or an entitlement
    change; an entitled-but-not-receiving person gets a reminder message. Answered once."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not _may_verify(actor, alert):
        raise AccessDenied("只有该网格的网格员或本区域工作人员可以核实此预警")
    if alert.status != Alert.Status.OPEN:
        raise InvalidTransition("该预警已核实，不能重复处理")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("请填写核实情况" if confirmed else "请填写不属实的原因")
    if confirmed and outcome not in (Alert.Outcome.CARE_DISCOVERY, Alert.Outcome.ENTITLEMENT_CHANGE):
        raise ApplicationError("请选择处理去向：转入关爱帮扶或待遇调整")
    alert.status = Alert.Status.CONFIRMED if confirmed else Alert.Status.REJECTED
    alert.outcome = outcome if confirmed else ""
    alert.verified_by = actor
    alert.verified_at = timezone.now()
    alert.verification_note = note
    if confirmed and outcome == Alert.Outcome.CARE_DISCOVERY:
        alert.care_case_id = _open_care_case(actor=actor, alert=alert)
    alert.save()
    audit.record(
        actor=actor, action="monitoring.alert.verify", target=alert,
        changes={"status": alert.status, "outcome": alert.outcome, "rule": alert.rule},
    )
    if confirmed and alert.rule in ENTITLED_RULES:
        _remind(alert)
    return alert


def _open_care_case(*, actor: Any, alert: Alert) -> int | None:
    from lianxin.care import services as care_services
    from lianxin.registry.selectors import current_household_of

    household = current_household_of(alert.person)
    if household is None:
        raise ApplicationError("该居民没有登记住户，无法转入关爱帮扶，请先在居民信息中登记")
    case = care_services.case_open_from_referral(
        actor=actor,
        household=household,
        source_type="monitoring.alert",
        source_id=alert.pk,
        description=f"大数据比对预警：{alert.detail}；核实情况：{alert.verification_note}",
    )
    return case.pk


def _remind(alert: Alert) -> None:
    """Queue a reminder to the person's own phone once per alert; sent after commit."""
    from .reminders import get_sender
    from .tasks import send_reminder

    number = alert.person.phone
    if not number or Reminder.objects.filter(alert=alert).exists():
        return
    reminder = Reminder.objects.create(
        alert=alert, recipient=number, message=REMINDER_TEXT[alert.rule], backend=get_sender().name, area_code=alert.area_code
    )
    enqueue_on_commit(send_reminder, reminder.pk)


def reminder_send(*, reminder_id: int) -> None:
    """Hand one reminder to the configured sender and note when it went."""
    from .reminders import get_sender

    reminder = Reminder.objects.select_related("alert").get(pk=reminder_id)
    if reminder.alert.reminder_sent_at is not None:
        return
    get_sender().send(reminder.recipient, reminder.message)
    Alert.objects.filter(pk=reminder.alert_id).update(reminder_sent_at=timezone.now())


@transaction.atomic
def review_resolve(*, actor: Any, item: ReviewItem, person: Any | None, note: str = "") -> ReviewItem:
    """Link an uncertain roster row to a resident by hand, or mark it as not linkable."""
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    _require_area(actor, item.area_code)
    if item.status != ReviewItem.Status.OPEN:
        raise InvalidTransition("该行已处理")
    if person is not None and not person.area_code.startswith(item.area_code[: len(item.area_code)]):
        raise ApplicationError("所选居民不在本次比对区域内")
    item.status = ReviewItem.Status.LINKED if person is not None else ReviewItem.Status.DISMISSED
    item.linked_person = person
    item.decided_by = actor
    item.note = note[:200]
    item.save()
    audit.record(actor=actor, action="monitoring.review.resolve", target=item, changes={"status": item.status})
    return item


@transaction.atomic
def rule_settings_update(
    *, actor: Any, large_medical_expense_yuan: Any, elderly_age: int, match_threshold: float
) -> RuleSetting:
    """The region's staff set the rules' parameters for the whole deployment."""
    if not scope_of(actor).has_role(Role.REGION_STAFF):
        raise AccessDenied("只有自治区工作人员可以修改比对规则参数")
    if not 60 <= elderly_age <= 100:
        raise ApplicationError("高龄年龄应在60到100岁之间")
    if not 0.5 <= match_threshold < 1:
        raise ApplicationError("匹配阈值应在0.5到1之间")
    if large_medical_expense_yuan <= 0:
        raise ApplicationError("医疗费用阈值应大于0")
    setting = RuleSetting.objects.select_for_update().order_by("pk").first() or RuleSetting()
    before = {f: getattr(setting, f) for f in ("large_medical_expense_yuan", "elderly_age", "match_threshold")}
    setting.large_medical_expense_yuan = large_medical_expense_yuan
    setting.elderly_age = elderly_age
    setting.match_threshold = match_threshold
    setting.updated_by = actor
    setting.save()
    audit.record(actor=actor, action="monitoring.rules.update", target=setting, changes=audit.diff(setting, before, before))
    return setting
