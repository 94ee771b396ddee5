"""The household ledger and the key-person ledger as .xlsx (styled, write-only, streamed from
the database in chunks) and CSV. ID and phone numbers are masked by the user's tier; text
cells are never formulas (EXP-01). Every export is audited by the view that serves it."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from lianxin.core import idnumber, phone
from lianxin.core.idnumber import MaskTier
from lianxin.core.servicekit import batches

from .household_import.columns import COLUMNS
from .household_import.report import csv_safe, text_cell
from .models import AssistanceStatus, Disability, Household, Membership, Person, VulnerabilityTag
from .selectors import id_mask_tier

CHUNK = 2000

# The household ledger has the import template's columns, in its order (#12), so that an export
# can be edited and imported again; two read-only columns follow, which the import ignores. The
# masked ID and phone numbers and the birth year (ADR 0009) are read back as "unchanged".
HOUSEHOLD_HEADERS = [c.title for c in COLUMNS] + ["社区(村)", "救助状态"]
KEY_PERSON_HEADERS = [
    "社区(村)", "网格", "姓名", "身份证号", "性别", "出生年份", "联系电话", "标签", "依据", "住户",
]  # fmt: skip


def _masked(user: Any, person: Person) -> tuple[str, str]:
    tier = id_mask_tier(user=user, person=person)
    id_text = idnumber.mask(person.id_number or "", tier)
    phone_text = "（不可见）" if tier is MaskTier.NONE else phone.mask(person.phone or "")
    return id_text, phone_text


def _chunked(qs: QuerySet[Any]) -> Iterator[list[Any]]:
    return batches(qs.iterator(chunk_size=CHUNK), CHUNK)


def household_ledger_rows(*, user: Any, households: QuerySet[Household]) -> Iterator[list[Any]]:
    """One row per current member of each household, in household order."""
    memberships = (
        Membership.objects.filter(ended_on__isnull=True, household__in=households.values("pk"))
        .select_related("household", "household__division", "household__grid", "person")
        .order_by("household_id", "id")
    )
    for batch in _chunked(memberships):
        person_ids = [m.person_id for m in batch]
        household_ids = list({m.household_id for m in batch})
        tags: dict[int, list[str]] = {}
        for pid, tag in VulnerabilityTag.objects.filter(
            person_id__in=person_ids, valid_to__isnull=True
        ).values_list("person_id", "tag"):
            tags.setdefault(pid, []).append(tag)
        disabilities = {
            d.person_id: d
            for d in Disability.objects.filter(person_id__in=person_ids, is_active=True)
        }
        assistance: dict[int, list[str]] = {}
        for hid, kind in AssistanceStatus.objects.filter(
            household_id__in=household_ids, ended_on__isnull=True
        ).values_list("household_id", "assistance_type"):
            assistance.setdefault(hid, []).append(kind)
        for m in batch:
            person, household = m.person, m.household
            id_text, phone_text = _masked(user, person)
            disability = disabilities.get(person.pk)
            year = idnumber.birth_year(person.birth_date)
            yield [
                household.number,
                household.division.code,
                household.grid.name if household.grid else "",
                household.address,
                person.name,
                id_text,
                m.relationship,
                person.get_sex_display(),
                f"{year}年" if year else "",
                person.ethnicity,
                phone_text,
                disability.disability_type if disability else "",
                disability.get_grade_display() if disability else "",
                "、".join(sorted(tags.get(person.pk, []))),
                household.division.short_name,
                "、".join(sorted(assistance.get(household.pk, []))),
            ]


def key_person_rows(*, user: Any, persons: QuerySet[Person]) -> Iterator[list[Any]]:
    for batch in _chunked(persons.select_related("division", "grid")):
        ids = [p.pk for p in batch]
        tags: dict[int, list[VulnerabilityTag]] = {}
        for tag in VulnerabilityTag.objects.filter(person_id__in=ids, valid_to__isnull=True):
            tags.setdefault(tag.person_id, []).append(tag)
        households = dict(
            Membership.objects.filter(person_id__in=ids, ended_on__isnull=True).values_list(
                "person_id", "household__number"
            )
        )
        for p in batch:
            id_text, phone_text = _masked(user, p)
            mine = tags.get(p.pk, [])
            yield [
                p.division.short_name,
                p.grid.name if p.grid else "",
                p.name,
                id_text,
                p.get_sex_display(),
                idnumber.birth_year(p.birth_date) or "",
                phone_text,
                "、".join(t.tag for t in mine),
                "；".join(t.evidence for t in mine if t.evidence)[:300],
                households.get(p.pk, ""),
            ]


def write_xlsx(*, title: str, headers: list[str], rows: Iterator[list[Any]]) -> tuple[Any, int]:
    """A styled write-only workbook in a spooled temporary file; returns (file, row count)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for index, header in enumerate(headers):
        ws.column_dimensions[chr(ord("A") + index)].width = 18 if "身份证" in header else 12
    ws.freeze_panes = "A3"
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B7282E")
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append([text_cell(ws, v) for v in row])
        count += 1
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned open)
    wb.save(out)
    out.seek(0)
    return out, count


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(*, headers: list[str], rows: Iterator[list[Any]]) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM for Excel); fields that could be formulas are neutralised."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([csv_safe(v) for v in row])


def csv_text(*, headers: list[str], rows: Iterator[list[Any]]) -> str:
    buffer = io.StringIO()
    for line in csv_stream(headers=headers, rows=rows):
        buffer.write(line)
    return buffer.getvalue()
