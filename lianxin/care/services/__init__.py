"""Every write of the care workflow, split by stage. One service per transition: it locks the
case, checks the declaration (``workflows.CASE_WORKFLOW``/``MEASURE_WORKFLOW``: stage and who),
checks that the stage record holds what the region's guide requires (refusing with a Chinese
message that names what is missing, changing nothing), records who and when, audits, and
enqueues follow-up work on commit.

``from lianxin.care import services; services.case_discover(...)`` keeps working: every service
is re-exported here."""

from __future__ import annotations

from ._common import TALLY_AREA_LENGTH, IncompleteRecord
from .batches import batch_create, batch_tally_rebuild, case_refresh_priority
from .closing import case_accept, case_evaluate
from .discovery import case_discover
from .investigation import (
    INVESTIGATION_FIELDS,
    PHOTO_MAX_BYTES,
    PHOTO_SIGNATURES,
    case_investigate,
    case_set_grade,
    investigation_add_photo,
    investigation_missing,
    investigation_save,
)
from .measures import (
    PROOF_MAX_BYTES,
    measure_add,
    measure_cancel,
    measure_implement,
    measure_link_delivery,
    measure_start,
)
from .meetings import (
    MEETING_ROLES,
    escalation_raise,
    joint_meeting_close,
    joint_meeting_decide,
    joint_meeting_record_minutes,
    joint_meeting_schedule,
)
from .planning import plan_approve, plan_save
from .recognition import case_recognise, case_reject, case_review_by_community
from .referrals import (
    REFERRAL_SOURCES,
    ROUTED_MESSAGE,
    ReferralOutcome,
    case_open_from_referral,
    referral_accept,
    referral_decline,
    referral_submit,
    referrer_covers,
)
from .visits import followup_record

__all__ = [
    "INVESTIGATION_FIELDS",
    "MEETING_ROLES",
    "PHOTO_MAX_BYTES",
    "PHOTO_SIGNATURES",
    "PROOF_MAX_BYTES",
    "REFERRAL_SOURCES",
    "ROUTED_MESSAGE",
    "TALLY_AREA_LENGTH",
    "IncompleteRecord",
    "ReferralOutcome",
    "batch_create",
    "batch_tally_rebuild",
    "case_accept",
    "case_discover",
    "case_evaluate",
    "case_investigate",
    "case_open_from_referral",
    "case_recognise",
    "case_refresh_priority",
    "case_reject",
    "case_review_by_community",
    "case_set_grade",
    "escalation_raise",
    "followup_record",
    "investigation_add_photo",
    "investigation_missing",
    "investigation_save",
    "joint_meeting_close",
    "joint_meeting_decide",
    "joint_meeting_record_minutes",
    "joint_meeting_schedule",
    "measure_add",
    "measure_cancel",
    "measure_implement",
    "measure_link_delivery",
    "measure_start",
    "plan_approve",
    "plan_save",
    "referral_accept",
    "referral_decline",
    "referral_submit",
    "referrer_covers",
]
