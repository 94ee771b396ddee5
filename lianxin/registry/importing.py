"""The household file's cell readers, kept at their old path for the apps that read files the
same way (benefits' entitlement import, employment's export). The household import itself is
the package ``registry.household_import``."""

from __future__ import annotations

from lianxin.core.spreadsheet import UnusableFile

from .household_import.columns import cell_text, clean_name, mask_for_report
from .household_import.read import check_file, iter_rows
from .household_import.report import text_cell

__all__ = [
    "UnusableFile",
    "cell_text",
    "check_file",
    "clean_name",
    "iter_rows",
    "mask_for_report",
    "text_cell",
]
