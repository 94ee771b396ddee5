"""Every write of roster comparison: roster uploads and mapping, runs, alert verification,
the review queue and the rule parameters."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core import audit, idnumber
from lianxin.core.errors import AccessDenied, ApplicationError, InvalidTransition
from lianxin.core.models import ColumnName
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.servicekit import audited
from lianxin.core.tasks import enqueue_on_commit
from lianxin.directory.models import Organisation
from lianxin.registry import selectors as registry_selectors

from . import intake, selectors
from .models import (
    Alert,
    Reminder,
    ReviewItem,
    RosterImport,
    RosterKind,
    RosterLayout,
    RuleSetting,
    Run,
)
from .pipeline import PipelineError, RuleParams, run_pipeline
from .pipeline.params import LinkParams
from .pipeline.rosters import ROSTER_TITLES
from .pipeline.run import EngineName
from .querysets import COMPARISON_ROLES

ENTITLED_RULES = {"living_subsidy_missing", "nursing_subsidy_missing"}
REMINDER_TEXT = {
    "living_subsidy_missing": "【连心】您可能符合困难残疾人生活补贴条件，网格员将与您联系，也可到社区咨询办理。",
    "nursing_subsidy_missing": "【连心】您可能符合重度残疾人护理补贴条件，网格员将与您联系，也可到社区咨询办理。",
}
BATCH = 2000
ASSISTANCE_TYPES = ("低保", "特困", "低保边缘")


def _storage() -> Path:
    path = Path(settings.MEDIA_ROOT) / "rosters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _require_area(actor: Any, area_code: str, roles: tuple[str, ...] = COMPARISON_ROLES) -> None:
    if not any(area_code.startswith(p) for p in scope_of(actor).area_prefixes(roles)):
        raise AccessDenied("您无权在该区域开展数据比对")


def _dictionary() -> Any:
    from lianxin.core.spreadsheet.names import current_dictionary

    return current_dictionary()


def _remembered(
    *, kind: str, area: Division, department: Organisation | None, signature: str
) -> RosterLayout | None:
    return RosterLayout.objects.filter(
        kind=kind, area=area, department=department, signature=_signature_hash(signature)
    ).first()


def _signature_hash(signature: str) -> str:
    return hashlib.sha256(signature.encode()).hexdigest()


def _is_standard(item: RosterImport, layout: Any) -> bool:
    """The platform's own template (header alone in row 1, every column known, nothing to
    ask): staged at once, as before."""
    return (
        layout.header_first == layout.header_last == 1
        and not layout.questions
        and not layout.weak
        and all(layout.keys.get(i) or not h or h == "序号" for i, h in enumerate(layout.headers))
    )


@transaction.atomic
def roster_upload(
    *,
    actor: Any,
    area: Division,
    kind: str,
    uploaded: Any,
    department: Organisation | None = None,
    assistance_type: str = "",
) -> RosterImport:
    """Store a department's roster for an area and propose the column mapping. A file that is
    not a roster (too large, not CSV/Excel, a zip bomb, macros, no header) is refused and
    nothing is kept. A layout this department's roster had before maps itself (mapping
    memory); a file in the standard template is staged at once; any other waits for one
    click on the proposed mapping."""
    _require_area(actor, area.code)
    if kind not in RosterKind.values:
        raise ApplicationError("未知的名册类型")
    if assistance_type and assistance_type not in ASSISTANCE_TYPES:
        raise ApplicationError("救助类型应为 低保、特困 或 低保边缘")
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
    dictionary = _dictionary()
    try:
        if size > intake.MAX_BYTES:
            raise intake.IntakeError(f"文件“{uploaded.name}”超过20MB，请拆分后上传")
        file_kind = intake.check(tmp_path, uploaded.name)
        layout = intake.read_layout(tmp_path, uploaded.name, dictionary)
    except intake.IntakeError as exc:
        tmp_path.unlink(missing_ok=True)
        raise ApplicationError(str(exc)) from exc
    stored = _storage() / f"{digest.hexdigest()}.{file_kind}"
    tmp_path.replace(stored)
    signature = layout.signature()
    memory = _remembered(kind=kind, area=area, department=department, signature=signature)
    defaults = intake.defaults_for(kind, layout, uploaded.name, assistance_type)
    item = RosterImport(
        kind=kind,
        area=area,
        department=department,
        original_name=uploaded.name[:200],
        stored_path=str(stored),
        file_sha256=digest.hexdigest(),
        headers=layout.headers,
        column_map=dict(memory.column_map) if memory else intake.propose_mapping(kind, layout),
        assistance_type=assistance_type or defaults.get("assistance_type", ""),
        layout={
            "header_first": layout.header_first,
            "header_last": layout.header_last,
            "title": layout.title,
            "notes": layout.notes,
            "questions": layout.questions,
            "signature": signature[:2000],
            "defaults": defaults,
            "dictionary_revision": dictionary.revision,
        },
        remembered=memory is not None,
        created_by=actor,
    )
    item.save()
    audit.record(
        actor=actor,
        action="monitoring.roster.upload",
        target=item,
        changes={"kind": kind, "file": item.original_name},
    )
    missing = intake.missing_columns(kind, item.column_map, defaults)
    if memory is not None and not missing:
        RosterLayout.objects.filter(pk=memory.pk).update(times_used=F("times_used") + 1)
        _stage(actor=actor, item=item)
    elif not missing and _is_standard(item, layout):
        _stage(actor=actor, item=item)
    return item


@transaction.atomic
def roster_map_columns(
    *, actor: Any, item: RosterImport, column_map: dict[str, str]
) -> RosterImport:
    """Confirm which file column holds each template column (one click on the proposal); then
    stage the roster and remember the layout for this department's next upload."""
    item = RosterImport.objects.select_for_update().get(pk=item.pk)
    _require_area(actor, item.area_code)
    if item.status not in (RosterImport.Status.MAPPING, RosterImport.Status.FAILED):
        raise InvalidTransition("该名册已确认，不能再修改列对应")
    unknown = [h for h in column_map.values() if h and h not in item.headers]
    if unknown:
        raise ApplicationError("文件中没有这些列：" + "、".join(unknown))
    chosen = [h for h in column_map.values() if h]
    twice = sorted({h for h in chosen if chosen.count(h) > 1})
    if twice:
        raise ApplicationError("同一列不能对应两项：" + "、".join(twice))
    item.column_map = {k: v for k, v in column_map.items() if v}
    item.save(update_fields=["column_map", "updated_at"])
    _stage(actor=actor, item=item)
    signature = (item.layout or {}).get("signature") or "|".join(item.headers)
    RosterLayout.objects.update_or_create(
        kind=item.kind,
        area=item.area,
        department=item.department,
        signature=_signature_hash(signature),
        defaults={
            "headers": item.headers,
            "column_map": item.column_map,
            "dictionary_revision": (item.layout or {}).get("dictionary_revision", 0),
            "updated_by": actor,
        },
        create_defaults={
            "headers": item.headers,
            "column_map": item.column_map,
            "dictionary_revision": (item.layout or {}).get("dictionary_revision", 0),
            "created_by": actor,
        },
    )
    return audited(
        item, actor=actor, action="monitoring.roster.map", changes={"column_map": item.column_map}
    )


def _stage(*, actor: Any, item: RosterImport) -> None:
    source = Path(item.stored_path)
    target = source.with_suffix(".staged.csv")
    defaults = dict((item.layout or {}).get("defaults") or {})
    if item.assistance_type:
        defaults["assistance_type"] = item.assistance_type
    try:
        report = intake.stage(
            item.kind, source, item.column_map, target,
            dictionary=_dictionary(), original_name=item.original_name, defaults=defaults,
        )  # fmt: skip
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
    item.message = (
        f"共{report.rows}行，其中{report.bad_rows}行需人工关注"
        if report.bad_rows
        else f"共{report.rows}行"
    )
    item.layout = {**(item.layout or {}), "notes": report.notes}
    item.save(
        update_fields=[
            "staged_path",
            "row_count",
            "bad_row_count",
            "bad_rows",
            "status",
            "message",
            "layout",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        action="monitoring.roster.stage",
        target=item,
        changes={"rows": report.rows, "bad_rows": report.bad_rows},
    )


@transaction.atomic
def column_name_add(
    *, actor: Any, column: str, name: str, weak: bool = False, note: str = ""
) -> ColumnName:
    """An administrator adds a way of writing a column to the dictionary (a new version)."""
    return _column_name_change(
        actor=actor, column=column, name=name, weak=weak, active=True, note=note
    )


@transaction.atomic
def column_name_retire(*, actor: Any, column: str, name: str, note: str = "") -> ColumnName:
    """An administrator stops a way of writing a column from being recognised (a new version)."""
    return _column_name_change(
        actor=actor, column=column, name=name, weak=False, active=False, note=note
    )


def _column_name_change(
    *, actor: Any, column: str, name: str, weak: bool, active: bool, note: str
) -> ColumnName:
    from django.db.models import Max

    from lianxin.core.spreadsheet import normalise_header

    if not scope_of(actor).has_role(Role.REGION_STAFF, Role.CITY_STAFF, Role.SYSTEM_ADMIN):
        raise AccessDenied("只有市级、自治区工作人员或系统管理员可以修改列名词典")
    dictionary = _dictionary()
    if column not in dictionary.columns:
        raise ApplicationError("未知的标准列")
    name = (name or "").strip()
    if not normalise_header(name):
        raise ApplicationError("请填写列名写法")
    if len(name) > 60:
        raise ApplicationError("列名写法不能超过60个字符")
    current = dictionary.lookup(name)
    if active and current is not None and current[0] != column and not current[1]:
        raise ApplicationError(f"“{name}”已表示“{dictionary.label(current[0])}”，请先停用原写法")
    if not active and (current is None or current[0] != column):
        raise ApplicationError(f"词典中“{name}”并不表示“{dictionary.label(column)}”")
    ColumnName.objects.select_for_update().order_by("-revision").first()
    revision = (ColumnName.objects.aggregate(m=Max("revision"))["m"] or 0) + 1
    entry = ColumnName.objects.create(
        column=column,
        name=name,
        weak=weak,
        is_active=active,
        revision=revision,
        note=note[:200],
        created_by=actor,
    )
    return audited(
        entry,
        actor=actor,
        action="core.column_name.add" if active else "core.column_name.retire",
        changes={"column": column, "name": name, "weak": weak, "revision": revision},
    )


@transaction.atomic
def run_request(
    *,
    actor: Any,
    area: Division,
    as_of: dt.date,
    engine: str = "duckdb",
    is_scheduled: bool = False,
) -> Run:
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
    audit.record(
        actor=actor,
        action="monitoring.run.request",
        target=run,
        changes={"as_of": as_of.isoformat()},
    )
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
        last = (
            Run.objects.filter(area_code=area_code)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None and last >= at:
            continue
        if Run.objects.filter(area_code=area_code, as_of=as_of, is_scheduled=True).exists():
            continue
        queued.append(
            run_request(
                actor=None,
                area=Division.objects.get(code=area_code),
                as_of=as_of,
                is_scheduled=True,
            )
        )
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
    # RUNNING too: a run whose worker was killed is taken again when the task is put back
    # (core.worker.requeue_orphans); one task per run, so no two workers run it at once.
    updated = Run.objects.filter(
        pk=run_id, status__in=[Run.Status.QUEUED, Run.Status.FAILED, Run.Status.RUNNING]
    ).update(status=Run.Status.RUNNING)
    run = Run.objects.get(pk=run_id)
    if not updated:
        return run
    workdir = Path(tempfile.mkdtemp(prefix="lianxin-run-"))
    try:
        sources = workdir / "sources"
        sources.mkdir()
        residents = registry_selectors.write_residents_roster(
            area_code=run.area_code, target=sources / "residents.csv"
        )
        rosters = selectors.latest_rosters_for(run.area_code)
        for item in rosters:
            shutil.copyfile(item.staged_path, sources / f"{item.kind}.csv")
        result = run_pipeline(
            sources,
            run.as_of,
            workdir / "alerts.csv",
            engine=cast(EngineName, run.engine),  # duckdb or spark: the run form's choices
            params=_params(),
        )
        with transaction.atomic():
            new, suppressed = _deliver_alerts(run, result.iter_alerts())
            reviews = _store_review(
                run, result.iter_review(), {f"{i.kind}.csv": i for i in rosters}
            )
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
            missing = [ROSTER_TITLES[r] for r in result.rosters_missing]
            run.message = f"未提供：{'、'.join(missing)}（相关规则本次未运行）" if missing else ""
            run.save()
            audit.record(
                actor=None,
                action="monitoring.run.done",
                target=run,
                changes={"alerts_new": new, "review": reviews},
            )
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
    """New alerts for the persons' grids. Not raised again: an alert answered on the same
    evidence, and any alert while one for the same person and rule is still open (its
    evidence is brought up to date instead)."""
    from lianxin.registry.models import Person

    new = suppressed = 0
    batch: list[tuple[str, str, str]] = []

    def flush() -> None:
        nonlocal new, suppressed
        hashes = {idnumber.search_hash(a[0]) + a[1]: a for a in batch}
        persons = {
            p.id_hash: p
            for p in Person.objects.filter(id_hash__in=list({h[:64] for h in hashes})).only(
                "pk", "id_hash", "area_code", "grid_id"
            )
        }
        wanted = [
            (persons[h[:64]], rule, detail)
            for h, (_, rule, detail) in hashes.items()
            if h[:64] in persons
        ]
        pks = [p.pk for p, _, _ in wanted]
        existing = set(
            Alert.objects.filter(person__in=pks).values_list("person_id", "rule", "evidence_hash")
        )
        open_alerts = {
            (pid, rule): (pk, ev)
            for pk, pid, rule, ev in Alert.objects.filter(
                person__in=pks, status=Alert.Status.OPEN
            ).values_list("pk", "person_id", "rule", "evidence_hash")
        }
        rows = []
        for person, rule, detail in wanted:
            key = (person.pk, rule, _evidence_hash(rule, detail))
            if key in existing:
                suppressed += 1
                continue
            existing.add(key)
            still_open = open_alerts.get((person.pk, rule))
            if still_open is not None:
                Alert.objects.filter(pk=still_open[0]).update(
                    detail=mask_detail(detail), evidence_hash=key[2], run=run
                )
                suppressed += 1
                continue
            open_alerts[(person.pk, rule)] = (0, key[2])
            rows.append(
                Alert(
                    run=run,
                    person=person,
                    rule=rule,
                    detail=mask_detail(detail),
                    evidence_hash=key[2],
                    area_code=person.area_code,
                    grid_id=person.grid_id,
                )
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


def _row_numbers(item: RosterImport | None) -> list[int]:
    if item is None or not item.staged_path:
        return []
    path = Path(f"{item.staged_path}.rows")
    if not path.exists():
        return []
    return [int(n) for n in path.read_text(encoding="ascii").split()]


def _store_review(run: Run, rows: Any, files: dict[str, RosterImport] | None = None) -> int:
    """The roster rows to check by hand, naming the department's file and the row in it."""
    files = files or {}
    numbers = {name: _row_numbers(item) for name, item in files.items()}
    items = []
    count = 0
    for row in rows:
        count += 1
        prob = row.get("match_probability") or ""
        staged_name = row.get("file", "")
        item = files.get(staged_name)
        row_number = int(row.get("row") or 0)
        mapped = numbers.get(staged_name) or []
        if 2 <= row_number <= len(mapped) + 1:
            row_number = mapped[row_number - 2]
        items.append(
            ReviewItem(
                run=run,
                area_code=run.area_code,
                source=(item.kind if item else staged_name.removesuffix(".csv"))[:20],
                file_name=(item.original_name if item else staged_name)[:200],
                row_number=row_number,
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


def alert_verify(
    *, actor: Any, alert: Alert, confirmed: bool, note: str, outcome: str = ""
) -> Alert:
    """The grid worker (or the area's staff) answers an alert after checking on the spot:
    ``confirmed`` with an ``outcome``, or not. Dispatches to the declared transition
    (workflows.ALERT_WORKFLOW): refer_care, refer_entitlement or dismiss."""
    from .workflows import ALERT_WORKFLOW, transition_for

    name = transition_for(confirmed=confirmed, outcome=outcome)
    service = ALERT_WORKFLOW.transition(name).resolve_service()
    assert service is not None
    result: Alert = service(actor=actor, alert=alert, note=note)
    return result


@transaction.atomic
def alert_refer_care(*, actor: Any, alert: Alert, note: str) -> Alert:
    """Confirmed: the person's household becomes a care discovery (对象发现)."""
    return _alert_answer(actor=actor, alert=alert, name="refer_care", note=note)


@transaction.atomic
def alert_refer_entitlement(*, actor: Any, alert: Alert, note: str) -> Alert:
    """Confirmed: an entitlement change for civil affairs / the disabled persons' federation;
    an entitled-but-not-receiving person gets a reminder message."""
    return _alert_answer(actor=actor, alert=alert, name="refer_entitlement", note=note)


@transaction.atomic
def alert_dismiss(*, actor: Any, alert: Alert, note: str) -> Alert:
    """Not true, with the reason; the same evidence is not raised again."""
    return _alert_answer(actor=actor, alert=alert, name="dismiss", note=note)


def _alert_answer(*, actor: Any, alert: Alert, name: str, note: str) -> Alert:
    """Answered once: the declared transition's check (who, which state), the note, then one
    conditional UPDATE (ALERT_WORKFLOW.advance), the referral and the audit row."""
    from .workflows import ALERT_WORKFLOW

    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    ALERT_WORKFLOW.check(actor, alert, name)
    note = (note or "").strip()
    if not note:
        raise ApplicationError("请填写不属实的原因" if name == "dismiss" else "请填写核实情况")
    outcome = {
        "refer_care": Alert.Outcome.CARE_DISCOVERY,
        "refer_entitlement": Alert.Outcome.ENTITLEMENT_CHANGE,
    }.get(name, "")
    alert = ALERT_WORKFLOW.advance(
        alert,
        name,
        actor=actor,
        check=False,
        updates={
            "outcome": outcome,
            "verified_by": actor,
            "verified_at": timezone.now(),
            "verification_note": note,
        },
    )
    if outcome == Alert.Outcome.CARE_DISCOVERY:
        alert.care_case_id = _open_care_case(actor=actor, alert=alert)
        alert.save(update_fields=["care_case_id", "updated_at"])
    audit.record(
        actor=actor, action="monitoring.alert.verify", target=alert,
        changes={"status": alert.status, "outcome": alert.outcome, "rule": alert.rule},
    )  # fmt: skip
    if alert.status == Alert.Status.CONFIRMED and alert.rule in ENTITLED_RULES:
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
    return case.pk if case is not None else None  # None: handed to the household's own area


def _remind(alert: Alert) -> None:
    """Queue a reminder to the person's own phone once per alert; sent after commit."""
    from .reminders import get_sender
    from .tasks import send_reminder

    number = alert.person.phone
    if not number or Reminder.objects.filter(alert=alert).exists():
        return
    reminder = Reminder.objects.create(
        alert=alert,
        recipient=number,
        message=REMINDER_TEXT[alert.rule],
        backend=get_sender().name,
        area_code=alert.area_code,
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
def review_resolve(
    *, actor: Any, item: ReviewItem, person: Any | None, note: str = ""
) -> ReviewItem:
    """Link an uncertain roster row to a resident by hand, or mark it as not linkable."""
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    _require_area(actor, item.area_code)
    if item.status != ReviewItem.Status.OPEN:
        raise InvalidTransition("该行已处理")
    if person is not None and not person.area_code.startswith(
        item.area_code[: len(item.area_code)]
    ):
        raise ApplicationError("所选居民不在本次比对区域内")
    item.status = ReviewItem.Status.LINKED if person is not None else ReviewItem.Status.DISMISSED
    item.linked_person = person
    item.decided_by = actor
    item.note = note[:200]
    item.save()
    return audited(
        item, actor=actor, action="monitoring.review.resolve", changes={"status": item.status}
    )


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
    before = {
        f: getattr(setting, f)
        for f in ("large_medical_expense_yuan", "elderly_age", "match_threshold")
    }
    setting.large_medical_expense_yuan = large_medical_expense_yuan
    setting.elderly_age = elderly_age
    setting.match_threshold = match_threshold
    setting.updated_by = actor
    setting.save()
    return audited(
        setting,
        actor=actor,
        action="monitoring.rules.update",
        changes=audit.diff(setting, before, before),
    )
