"""Roster comparison (大数据比对): link department rosters to residents, raise alerts.

Pure Python + DuckDB/Spark; no Django. See contracts/monitoring.md.
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
