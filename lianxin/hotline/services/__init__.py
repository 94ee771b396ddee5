"""Writes of the hotline: one service per transition of ``workflows.WORKORDER_WORKFLOW``,
split by sub-domain. ``from lianxin.hotline import services; services.workorder_dispatch(...)``
keeps working: every service is re-exported here.

Every transition locks the order row (``select_for_update``), checks the declaration and moves
the state with one conditional ``UPDATE … WHERE status IN (sources)`` (``Workflow.advance``), so
that two simultaneous attempts leave exactly one winner on PostgreSQL and on SQLite alike; it
records a WorkOrderEvent and an audit row and enqueues follow-ups once the transaction commits."""

from __future__ import annotations

from ._common import (
    LEVEL_RANK,
    units_by_ids,
)
from .closing import (
    CITIZEN_RATE_TRIES_PER_DAY,
    CITIZEN_RATINGS_PER_ORDER,
    workorder_callback,
    workorder_citizen_rate,
    workorder_close,
    workorder_merge,
    workorder_reopen,
)
from .dispatching import (
    workorder_accept,
    workorder_dispatch,
    workorder_return,
    workorder_review_return,
)
from .handling import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    workorder_add_attachment,
    workorder_add_note,
    workorder_decide_extension,
    workorder_reply,
    workorder_request_extension,
)
from .ledger import (
    SEASON_OF_MONTH,
    hotspots_refresh,
    ledger_item_close,
)
from .open311_keys import (
    open311_key_check,
    open311_key_create,
    open311_key_hash,
)
from .reception import (
    hotline_for_area,
    new_tracking_code,
    workorder_intake,
)
from .supervision import (
    workorder_consult,
    workorder_escalate,
    workorder_refer_to_care,
    workorder_supervise,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "CITIZEN_RATE_TRIES_PER_DAY",
    "CITIZEN_RATINGS_PER_ORDER",
    "LEVEL_RANK",
    "MAX_ATTACHMENT_BYTES",
    "SEASON_OF_MONTH",
    "hotline_for_area",
    "hotspots_refresh",
    "ledger_item_close",
    "new_tracking_code",
    "open311_key_check",
    "open311_key_create",
    "open311_key_hash",
    "units_by_ids",
    "workorder_accept",
    "workorder_add_attachment",
    "workorder_add_note",
    "workorder_callback",
    "workorder_citizen_rate",
    "workorder_close",
    "workorder_consult",
    "workorder_decide_extension",
    "workorder_dispatch",
    "workorder_escalate",
    "workorder_intake",
    "workorder_merge",
    "workorder_refer_to_care",
    "workorder_reopen",
    "workorder_reply",
    "workorder_request_extension",
    "workorder_return",
    "workorder_review_return",
    "workorder_supervise",
]
