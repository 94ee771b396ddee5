"""The household import (shared/contracts/imports.md), by step:

- ``columns`` — the columns, rows and cells of a household file;
- ``read`` — the file (core.spreadsheet) and its header; ``validate`` — row and cross-row rules;
- ``plan`` — the rows against the database; ``apply`` — ``households_import``, one transaction;
- ``jobs`` — uploads through the staff UI (background check, confirm, background write);
- ``report`` — the template and the error report.
"""
