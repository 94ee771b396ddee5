"""The monthly ledger (月度台账) as .xlsx or CSV: streamed from the database in chunks, ID
numbers masked by the reader's tier (or, for the frozen snapshot, the staff tier), cells never
formulas. The .xlsx is written by ``core.xlsxstream`` (XML text straight into the zip): a
county's month of 100,000 rows in seconds, where openpyxl's write-only workbook took minutes."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from lianxin.core import idnumber, xlsxstream
from lianxin.core.idnumber import MaskTier
from lianxin.core.servicekit import batches
from lianxin.registry.exports import csv_stream
from lianxin.registry.selectors import id_mask_tier

from .models import EntryKind, LedgerEntry
from .selectors import names_for_export

CHUNK = 2000
LEDGER_HEADERS = [
    "台账月份", "待遇月份", "类型", "政策", "资金来源", "社区(村)", "户编号", "姓名", "身份证号", "金额（元）", "摘要",
]  # fmt: skip


def ledger_rows(*, user: Any, entries: QuerySet[LedgerEntry]) -> Iterator[list[Any]]:
    """One row per entry, in entry order; ``user=None`` masks at the staff tier (snapshots).
    Reads plain values in chunks (no model instances per row) and the persons of each chunk
    once, so a county's month streams at the speed of the workbook writer."""
    from lianxin.registry.models import Person

    kinds = dict(EntryKind.choices)
    policies, sources = names_for_export()
    rows = entries.order_by("id").values_list(
        "month",
        "period",
        "kind",
        "policy_id",
        "source_id",
        "household__division__short_name",
        "household__number",
        "person_id",
        "amount_fen",
        "note",
    )
    for chunk in batches(rows.iterator(chunk_size=CHUNK), CHUNK):
        ids = {r[7] for r in chunk if r[7] is not None}
        persons = {
            p.pk: p
            for p in Person.objects.filter(pk__in=ids).only(
                "id", "name", "id_number", "grid_id", "area_code"
            )
        }
        masked: dict[int, tuple[str, str]] = {}
        for pk, person in persons.items():
            tier = MaskTier.STAFF if user is None else id_mask_tier(user=user, person=person)
            masked[pk] = (person.name, idnumber.mask(person.id_number or "", tier))
        for (
            month,
            period,
            kind,
            policy_id,
            source_id,
            village,
            number,
            person_id,
            fen,
            note,
        ) in chunk:
            name, id_text = masked.get(person_id, ("", ""))
            yield [
                f"{month:%Y-%m}",
                f"{period:%Y-%m}",
                kinds.get(kind, kind),
                policies.get(policy_id, ""),
                sources.get(source_id, ""),
                village,
                number,
                name,
                id_text,
                Decimal(fen) / 100,
                note,
            ]


def ledger_xlsx(*, user: Any, entries: QuerySet[LedgerEntry], title: str) -> tuple[Any, int]:
    """The ledger as .xlsx in a rewound spooled temporary file; (file, row count)."""
    return xlsxstream.spooled(
        title=title, headers=LEDGER_HEADERS, rows=ledger_rows(user=user, entries=entries)
    )


def ledger_csv(*, user: Any, entries: QuerySet[LedgerEntry]) -> tuple[Any, int]:
    """The ledger as CSV (UTF-8 with BOM, so Excel opens it as Chinese; formula-like text
    neutralised) in a rewound spooled temporary file; (file, row count)."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned open)
    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for row in ledger_rows(user=user, entries=entries):
            count += 1
            yield row

    buffer: list[str] = []
    for line in csv_stream(headers=LEDGER_HEADERS, rows=counted()):
        buffer.append(line)
        if len(buffer) >= CHUNK:
            out.write("".join(buffer).encode())
            buffer.clear()
    out.write("".join(buffer).encode())
    out.seek(0)
    return out, count
