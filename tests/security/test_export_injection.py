"""EXP-01: every export (every route whose name contains "export", and any route that answers a
spreadsheet or CSV) writes cells that start with = + - @ as text, never as a formula. Values
that start with those characters are seeded into the fields exports carry (addresses, request
texts); each export is fetched by the users of site B who may export."""

from __future__ import annotations

import csv
import importlib
import io

import pytest

from lianxin.core.errors import ApplicationError
from lianxin.core.roles import Role
from tests.access.registry import all_routes
from tests.security.bodies import is_xlsx, raw_bytes, url_for
from tests.security.seed import hotline_ready, record_figure, registry_ready

ROUTES = all_routes()
EXPORT_ROUTES = sorted(n for n, s in ROUTES.items() if "export" in n and "get" in s.methods)
PAYLOADS = [
    '=HYPERLINK("http://evil.example/","点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
]
EXPORTERS = [
    Role.COMMUNITY_STAFF,
    Role.GRID_WORKER,
    Role.TOWNSHIP_STAFF,
    Role.HOTLINE_AGENT,
    Role.COUNTY_STAFF,
]


def _seed_formulas(world) -> int:
    seeded = 0
    if registry_ready():
        services = importlib.import_module("lianxin.registry.services")
        for index, payload in enumerate(PAYLOADS):
            number = f"64052119400101{900 + index:03d}"
            from tests.security.seed import check_digit

            services.household_register(
                actor=None,
                division=world.b.village,
                grid=world.b.grid,
                address=payload,
                members=[
                    services.MemberInput(
                        name=f"公式{index}",
                        id_number=number[:17] + check_digit(number[:17]),
                        relationship="户主",
                    )
                ],
            )
            seeded += 1
    if hotline_ready():
        services = importlib.import_module("lianxin.hotline.services")
        agent = world.user(Role.HOTLINE_AGENT, "b")
        for index, payload in enumerate(PAYLOADS):
            try:
                services.workorder_intake(
                    actor=agent,
                    text=f"{payload} 刘庄村路灯不亮，请维修",
                    place=payload,
                    caller_phone="13812345678",
                    area_code=world.b.village.code,
                    dept_type="municipal_engineering",
                    idempotency_key=f"security-exp-{index}",
                )
                seeded += 1
            except ApplicationError:
                continue
    return seeded


def formula_cells(data: bytes) -> list[str]:
    """Cells a spreadsheet program would evaluate: xlsx formula cells; CSV fields starting with
    = + - @ (a leading apostrophe or tab makes them text), except plain negative numbers."""
    if is_xlsx(data):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
        found = [
            f"{sheet.title}!{cell.coordinate}={cell.value!r}"
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        book.close()
        return found
    text = data.decode("utf-8-sig", errors="replace")
    found = []
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            stripped = value.lstrip()
            if stripped[:1] in ("=", "+", "-", "@"):
                try:
                    float(stripped)
                except ValueError:
                    found.append(value)
    return found


@pytest.mark.parametrize("name", EXPORT_ROUTES or ["<none>"])
def test_exports_write_formula_lookalikes_as_text(name, world, client):
    if name == "<none>":
        pytest.skip("no export routes yet")
    assert _seed_formulas(world) > 0
    spec = ROUTES[name]
    url = url_for(name, spec, world)
    fetched = 0
    problems = []
    for role in EXPORTERS:
        client.force_login(world.user(role, "b"))
        response = client.get(url)
        client.logout()
        if response.status_code != 200:
            continue
        data = raw_bytes(response)
        fetched += 1
        problems += [f"{name} as {role}: {cell}" for cell in formula_cells(data)]
    assert fetched > 0, f"{name}: no exporter role got the export"
    assert problems == []
    record_figure(f"export_checked:{name}", fetched)


def test_the_check_catches_formulas():
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    assert formula_cells(buffer.getvalue()) == ["Sheet!A1='=1+1'"]
    assert formula_cells(b"a,=1+1,-5,'=2\n") == ["=1+1"]
