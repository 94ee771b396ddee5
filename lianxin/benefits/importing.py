"""Import of an existing entitlement roster (待遇名册) from Excel or CSV: one row per
beneficiary (身份证号, 姓名, 金额（元）, 档次, 起始日期). The file is checked and read with the
registry's reader (size, type, zip and XML bombs; merged cells; header found by names). Every
row is checked against the registry and the standard; any error and nothing is written (the
report lists the rows). Idempotent: a beneficiary already entitled with the same amount is
"unchanged", so importing the same roster twice changes nothing."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from lianxin.core import audit, dates, idnumber
from lianxin.core.errors import ApplicationError
from lianxin.registry.importing import (
    UnusableFile,
    cell_text,
    check_file,
    clean_name,
    iter_rows,
    mask_for_report,
)
from lianxin.registry.selectors import current_household_of, person_find

from . import standards
from .models import Entitlement, Policy, Subject
from .workflows import is_department

MAX_BYTES = 20 * 1024 * 1024
HEADERS = {
    "身份证号": "id_number", "公民身份号码": "id_number", "姓名": "name", "金额（元）": "amount", "金额(元)": "amount",
    "金额": "amount", "档次": "standard_key", "等级": "standard_key", "起始日期": "start_on", "享受起始日期": "start_on",
}  # fmt: skip
TITLES = {
    "id_number": "身份证号",
    "name": "姓名",
    "amount": "金额（元）",
    "standard_key": "档次",
    "start_on": "起始日期",
}
REQUIRED = {"id_number", "name", "start_on"}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    written: bool = False

    def error(self, row: int, key: str, value: str, reason: str) -> None:
        self.errors.append(
            {
                "row": row,
                "column": TITLES[key],
                "value": mask_for_report(key, value),
                "reason": reason,
            }
        )


@dataclass
class _Planned:
    row: int
    person: Any
    household: Any
    amount_fen: int
    standard_key: str
    start_on: dt.date


def _header(rows: Any) -> dict[int, str]:
    for _ in range(30):
        try:
            number, values = next(rows)
        except StopIteration:
            break
        mapping: dict[int, str] = {}
        for index, value in enumerate(values):
            key = HEADERS.get(cell_text(value).replace(" ", "").replace("*", ""))
            if key and key not in mapping.values():
                mapping[index] = key
        if set(mapping.values()) >= REQUIRED:
            return mapping
        if len(mapping) >= 2:
            missing = "、".join(TITLES[k] for k in sorted(REQUIRED - set(mapping.values())))
            raise UnusableFile(f"第{number}行表头缺少必填列：{missing}")
    raise UnusableFile("未找到表头（应包含 身份证号、姓名、金额（元）、起始日期 等列）")


def _amount(policy: Policy, text: str, key: str) -> int:
    fen = None
    if text:
        try:
            fen = int((Decimal(text) * 100).to_integral_value())
        except InvalidOperation as exc:
            raise ApplicationError("金额不是数字") from exc
    amount = standards.amount_for(policy, key=key, requested_fen=fen)
    if fen is not None and fen != amount:
        raise ApplicationError(f"金额与标准不符（标准为{standards.yuan(amount)}元）")
    return amount


def _plan(
    *, actor: Any, policy: Policy, path: Path, kind: str, report: ImportReport
) -> list[_Planned]:
    rows = iter_rows(path, kind)
    mapping = _header(rows)
    planned: list[_Planned] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        values = {key: cell_text(raw[i]) if i < len(raw) else "" for i, key in mapping.items()}
        if not any(values.values()):
            continue
        report.rows += 1
        try:
            parsed = idnumber.parse(values["id_number"])
        except idnumber.IdNumberError as exc:
            report.error(number, "id_number", values["id_number"], str(exc))
            continue
        if parsed.number in seen:
            report.error(number, "id_number", parsed.number, f"与第{seen[parsed.number]}行重复")
            continue
        seen[parsed.number] = number
        person = person_find(user=actor, id_number=parsed.number).first()
        if person is None:
            report.error(
                number, "id_number", parsed.number, "居民信息中没有此人，或不在您的管辖范围"
            )
            continue
        if clean_name(values["name"]) != person.name:
            report.error(number, "name", values["name"], "姓名与居民信息不一致")
            continue
        if not is_department(
            actor, policy.department_type, person.area_code
        ) or not person.area_code.startswith(policy.area_code):
            report.error(number, "id_number", parsed.number, "该居民不在您部门或该政策的管辖范围")
            continue
        household = current_household_of(person)
        if household is None:
            report.error(number, "id_number", parsed.number, "该居民没有登记住户")
            continue
        try:
            start_on = dates.parse_date(raw[[i for i, k in mapping.items() if k == "start_on"][0]])
        except dates.DateError as exc:
            report.error(number, "start_on", values["start_on"], str(exc))
            continue
        if start_on is None:
            report.error(number, "start_on", "", "起始日期必填")
            continue
        try:
            amount = _amount(policy, values.get("amount", ""), values.get("standard_key", ""))
        except ApplicationError as exc:
            report.error(number, "amount", values.get("amount", ""), exc.message)
            continue
        planned.append(
            _Planned(number, person, household, amount, values.get("standard_key", ""), start_on)
        )
    return planned


def entitlements_import(*, actor: Any, policy: Policy, upload: Any, confirm: bool) -> ImportReport:
    """Check (and with ``confirm``, import) an entitlement roster for one policy."""
    report = ImportReport()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            kind = check_file(path, max_bytes=MAX_BYTES)
            planned = _plan(actor=actor, policy=policy, path=path, kind=kind, report=report)
        except UnusableFile as exc:
            raise ApplicationError(exc.message) from exc
    if policy.subject != Subject.PERSON:
        raise ApplicationError("名册导入只适用于个人待遇")
    existing = {
        e.person_id: e
        for e in Entitlement.objects.filter(
            policy=policy, person_id__in=[p.person.pk for p in planned]
        ).running()
    }
    fresh: list[_Planned] = []
    for item in planned:
        current = existing.get(item.person.pk)
        if current is None:
            fresh.append(item)
        elif current.amount_fen == item.amount_fen:
            report.unchanged += 1
        else:
            report.error(
                item.row,
                "amount",
                standards.yuan(item.amount_fen),
                f"已在享受该待遇，金额为{standards.yuan(current.amount_fen)}元；请先办理变更",
            )
    if report.errors or not confirm:
        if not report.errors:
            report.created = len(fresh)
        return report
    _write(actor=actor, policy=policy, items=fresh, report=report)
    return report


@transaction.atomic
def _write(*, actor: Any, policy: Policy, items: list[_Planned], report: ImportReport) -> None:
    from .services import new_entitlement

    for item in items:
        new_entitlement(
            actor=actor,
            policy=policy,
            household=item.household,
            person=item.person,
            amount_fen=item.amount_fen,
            standard_key=item.standard_key,
            start_on=item.start_on,
            import_key="roster",
        ).save()
    report.created = len(items)
    report.written = True
    audit.record(
        actor=actor,
        action="benefits.entitlement.import",
        target=policy,
        changes={"created": report.created, "unchanged": report.unchanged, "rows": report.rows},
    )
