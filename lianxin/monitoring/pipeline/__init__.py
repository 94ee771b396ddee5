"""Roster comparison (大数据比对): link department rosters to residents, raise alerts.

Pure Python + DuckDB/Spark; no Django, no database. Contract: contracts/monitoring.md.

    from lianxin.monitoring.pipeline import RuleParams, run_pipeline

    result = run_pipeline(Path("rosters/"), date(2025, 12, 31), Path("out/alerts.csv"),
                          engine="duckdb", params=RuleParams())
    result.alerts_per_rule        # {"nursing_subsidy_missing": 12, ...}
    result.link_stats["deaths"]   # RosterLinkStats(rows, exact, probabilistic, review)
    for alert in result.iter_alerts():   # streamed from alerts.csv
        ...                               # Alert(id_number, rule, detail)
    for row in result.iter_review():     # dicts: file, row, id_number, name, ...
        ...

Errors a user can fix (missing residents roster, missing columns, bad encoding,
unreadable workbook) raise a PipelineError subclass with a Chinese message.
"""

from .errors import (
    EngineUnavailableError,
    PipelineError,
    RosterColumnsError,
    RosterEncodingError,
    RosterMissingError,
    RosterUnreadableError,
)
from .params import LinkParams, RuleParams
from .rules import RULE_CODES, RULES
from .run import Alert, PipelineResult, RosterLinkStats, run_pipeline, summary_lines

__all__ = [
    "RULES",
    "RULE_CODES",
    "Alert",
    "EngineUnavailableError",
    "LinkParams",
    "PipelineError",
    "PipelineResult",
    "RosterColumnsError",
    "RosterEncodingError",
    "RosterLinkStats",
    "RosterMissingError",
    "RosterUnreadableError",
    "RuleParams",
    "run_pipeline",
    "summary_lines",
]
