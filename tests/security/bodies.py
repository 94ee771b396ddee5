"""Turn any response (HTML, JSON, CSV, .xlsx, streamed) into text to search, and name routes."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.urls import resolve, reverse

XLSX_TYPES = ("spreadsheetml", "application/vnd.ms-excel", "application/octet-stream")


def raw_bytes(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def xlsx_cells(data: bytes) -> list[list[Any]]:
    """Every cell of every sheet (values as stored, formulas as their text)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    rows: list[list[Any]] = []
    for sheet in workbook.worksheets:
        rows.extend(list(row) for row in sheet.iter_rows(values_only=True))
    workbook.close()
    return rows


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def body_text(response: Any) -> str:
    data = raw_bytes(response)
    if is_xlsx(data):
        return "\n".join(
            "\t".join("" if c is None else str(c) for c in row) for row in xlsx_cells(data)
        )
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def headers_text(response: Any) -> str:
    return "\n".join(f"{k}: {v}" for k, v in response.items())


def view_module(url: str) -> str:
    """The module of the view behind ``url`` (``lianxin.registry.api``)."""
    match = resolve(url.split("?")[0])
    func = match.func
    view_class = getattr(func, "view_class", None) or getattr(func, "cls", None)
    return (view_class or func).__module__


def url_for(name: str, spec: Any, world: Any) -> str:
    """The route pointed at its RouteSpec's object. Several routes often share one kwargs
    builder (the page and the API of one object); it runs once per world, as the access harness
    runs it once per test, so builders that create fixed objects do not collide."""
    if spec.kwargs is None:
        return reverse(name)
    cache = world.__dict__.setdefault("_security_kwargs", {})
    if spec.kwargs not in cache:
        cache[spec.kwargs] = spec.kwargs(world)
    return reverse(name, kwargs=cache[spec.kwargs])
