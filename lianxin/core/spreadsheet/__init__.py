"""One spreadsheet reader for every import of the platform (the household import, the roster
upload and ``lianxin monitor``): file checks (size, bombs, macros), .xlsx/.xls/CSV reading,
header detection, the dictionary of column names, and a Chinese report of what was decided.
Pure Python; the database-backed dictionary is ``lianxin.core.spreadsheet.names``."""

from .checks import MACRO_MESSAGE, UnusableFile, check_file
from .dictionary import Dictionary, looks_like_id, normalise_header, seed_dictionary
from .reader import Layout, Table, cell_text, detect_encoding, open_table, span

__all__ = [
    "MACRO_MESSAGE",
    "Dictionary",
    "Layout",
    "Table",
    "UnusableFile",
    "cell_text",
    "check_file",
    "detect_encoding",
    "looks_like_id",
    "normalise_header",
    "open_table",
    "seed_dictionary",
    "span",
]
