"""Every field of every Lianxin model, labelled with its sensitivity (ADR 0007, SECURITY.md PII-03).

Four levels:

- ``public``   — may be published (division names and codes, organisation names);
- ``internal`` — operational data that describes no natural person (status, dates of steps,
  foreign keys to work objects, keyed hashes, counters);
- ``personal`` — identifies or describes a natural person (name, address, free text about a
  resident or a caller, user accounts) — 个人信息;
- ``sensitive`` — sensitive personal information under PIPL art. 28 (ID and phone numbers,
  disability, illness, assistance status, income, children's situation, credentials) —
  敏感个人信息: encrypted at rest or access-audited, masked by default.

``tests/security/test_sensitivity.py`` fails when a field of a ``lianxin`` model has no label,
when a label names a field that no longer exists, and when an ``EncryptedTextField`` or a field
listed in a model's ``SENSITIVE_FIELDS`` is not labelled ``sensitive``. To add labels for new
fields, run ``.venv/bin/python -m lianxin.core.sensitivity`` and paste what it prints.

The audit columns of ``core.models.BaseModel`` and the primary key are labelled once in
``COMMON`` and apply to every model that has them."""

from __future__ import annotations

import enum


class Sensitivity(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


P = Sensitivity.PUBLIC
I = Sensitivity.INTERNAL  # noqa: E741
N = Sensitivity.PERSONAL
S = Sensitivity.SENSITIVE

# Columns of BaseModel and the primary key.
COMMON: dict[str, Sensitivity] = {
    "id": I,
    "created_at": I,
    "updated_at": I,
    "created_by": I,
    "updated_by": I,
}

LABELS: dict[str, dict[str, Sensitivity]] = {
    "core.AuditEvent": {
        "occurred_at": I,
        "actor": N,
        "actor_name": N,
        "action": I,
        "target_type": I,
        "target_id": I,
        "target_repr": N,
        "area_code": I,
        "changes": N,
        "ip": N,
        "request_id": I,
        "result": I,
        "prev_hash": I,
        "hash": I,
    },
    "areas.Division": {
        "code": P,
        "name": P,
        "short_name": P,
        "level": P,
        "parent": P,
    },
    "areas.Grid": {
        "division": I,
        "area_code": I,
        "name": I,
        "is_active": I,
    },
    "areas.Building": {
        "grid": I,
        "area_code": I,
        "name": I,
        "party_member_household": N,
        "party_member_phone": S,
    },
    "directory.Organisation": {
        "code": P,
        "name": P,
        "kind": I,
        "dept_type": I,
        "level": I,
        "area": I,
        "area_code": I,
        "parent": I,
        "credit_code": I,
        "contact_name": N,
        "contact_phone": S,
        "address": N,
        "is_handling_unit": I,
        "is_active": I,
    },
    "accounts.User": {
        "password": S,
        "last_login": I,
        "is_superuser": I,
        "username": N,
        "first_name": N,
        "last_name": N,
        "email": N,
        "is_staff": I,
        "is_active": I,
        "date_joined": I,
        "display_name": N,
        "groups": I,
        "user_permissions": I,
    },
    "accounts.Assignment": {
        "user": N,
        "role": I,
        "area": I,
        "grid": I,
        "organisation": I,
        "is_active": I,
    },
    "registry.Household": {
        "number": I,
        "household_type": I,
        "division": I,
        "area_code": I,
        "grid": I,
        "building": I,
        "address": N,
        "head": N,
        "is_active": I,
    },
    "registry.Person": {
        "id_number": S,
        "id_hash": I,
        "name": N,
        "name_pinyin": N,
        "sex": N,
        "birth_date": N,
        "ethnicity": N,
        "phone": S,
        "phone_hash": I,
        "registered_area_code": N,
        "division": I,
        "area_code": I,
        "grid": I,
        "building": I,
        "address": N,
        "latitude": N,
        "longitude": N,
        "status": N,
        "status_date": N,
        "merged_into": I,
    },
    "registry.Membership": {
        "household": N,
        "person": N,
        "relationship": N,
        "started_on": I,
        "ended_on": I,
        "area_code": I,
    },
    "registry.VulnerabilityTag": {
        "person": N,
        "tag": S,
        "source": I,
        "evidence": S,
        "valid_from": I,
        "valid_to": I,
        "removal_reason": N,
        "area_code": I,
    },
    "registry.Disability": {
        "person": N,
        "certificate_number": S,
        "disability_type": S,
        "grade": S,
        "issued_on": I,
        "valid_until": I,
        "is_active": I,
        "area_code": I,
    },
    "registry.AssistanceStatus": {
        "household": N,
        "assistance_type": S,
        "started_on": I,
        "ended_on": I,
        "source": I,
        "area_code": I,
    },
    "registry.DuplicateCandidate": {
        "person": N,
        "other": N,
        "reason": N,
        "status": N,
        "resolved_at": I,
        "resolution_note": N,
        "area_code": I,
    },
    "registry.ImportJob": {
        "file_name": N,
        "stored_path": I,
        "sha256": I,
        "size": I,
        "status": N,
        "rows_total": I,
        "rows_done": I,
        "message": I,
        "report": I,
        "area_code": I,
        "finished_at": I,
    },
    "care.Batch": {
        "name": N,
        "sequence": I,
        "area_code": I,
        "started_on": I,
        "is_open": I,
        "notes": N,
    },
    "care.BatchTally": {
        "batch": I,
        "area_code": I,
        "action": I,
        "status": I,
        "count": I,
        "persons": I,
    },
    "care.CareCase": {
        "number": I,
        "household": N,
        "area_code": I,
        "grid": I,
        "stage": S,
        "stage_changed_at": I,
        "source": I,
        "computed_grade": S,
        "grade_reasons": S,
        "grade_override": S,
        "grade_override_reason": S,
        "grade": S,
        "grade_rank": S,
        "priority": I,
        "batch": I,
        "person_count": N,
        "leader": I,
        "paired_unit": I,
        "closed_at": I,
    },
    "care.Discovery": {
        "case": I,
        "source": I,
        "reporter": N,
        "description": N,
        "applicant_name": N,
        "source_type": I,
        "source_id": I,
        "area_code": I,
    },
    "care.Investigation": {
        "case": I,
        "investigator": N,
        "visited_on": I,
        "residents": S,
        "resident_count": I,
        "monthly_income_fen": S,
        "monthly_expenses_fen": S,
        "income_notes": S,
        "housing": S,
        "housing_notes": S,
        "has_severe_illness": S,
        "illness_assisted": S,
        "health_notes": S,
        "has_disabled_member": S,
        "disability_notes": S,
        "has_school_age_child": S,
        "child_out_of_school": S,
        "schooling_notes": S,
        "child_without_carer": S,
        "disabled_adult_without_carer": S,
        "elderly_alone": S,
        "care_notes": S,
        "heating": S,
        "needs": S,
        "submitted_at": I,
        "area_code": I,
    },
    "care.InvestigationPhoto": {
        "investigation": I,
        "uuid_name": I,
        "file": S,
        "content_type": I,
        "caption": N,
        "area_code": I,
    },
    "care.CommunityReview": {
        "case": I,
        "held_on": I,
        "participants": N,
        "opinion": N,
        "recommends": I,
        "reviewer": I,
        "area_code": I,
    },
    "care.Recognition": {
        "case": I,
        "checklist": I,
        "decision": I,
        "reason": N,
        "decided_by": I,
        "decided_at": I,
        "area_code": I,
    },
    "care.Plan": {
        "case": I,
        "goal": I,
        "approved_by": I,
        "approved_at": I,
        "area_code": I,
    },
    "care.Measure": {
        "case": I,
        "action": I,
        "title": I,
        "responsible_unit": I,
        "paired_unit": I,
        "deadline": I,
        "budget_fen": I,
        "status": N,
        "evidence": S,
        "cancel_reason": N,
        "started_at": I,
        "implemented_at": I,
        "implemented_by": I,
        "delivery_type": I,
        "delivery_id": I,
        "delivery_label": I,
        "decided_by_meeting": I,
        "area_code": I,
        "batch": I,
        "grade_rank": S,
        "priority": I,
    },
    "care.FollowUp": {
        "case": I,
        "visited_on": I,
        "visitor": N,
        "notes": N,
        "measure_progress": I,
        "area_code": I,
    },
    "care.Evaluation": {
        "case": I,
        "evaluated_on": I,
        "evaluator": I,
        "outcome": N,
        "decision": I,
        "accepted_by": I,
        "accepted_at": I,
        "area_code": I,
    },
    "care.JointMeeting": {
        "title": I,
        "area_code": I,
        "scheduled_on": I,
        "convener": I,
        "status": N,
        "minutes": N,
        "held_on": I,
    },
    "care.Escalation": {
        "measure": I,
        "kind": I,
        "reason": N,
        "raised_by": I,
        "status": N,
        "meeting": I,
        "decision": I,
        "area_code": I,
    },
    "hotline.WorkOrder": {
        "tracking_code": I,
        "channel": I,
        "hotline": I,
        "caller_name": N,
        "caller_phone": S,
        "caller_phone_hash": I,
        "text": N,
        "place": N,
        "area_code": I,
        "latitude": N,
        "longitude": N,
        "dept_type": I,
        "urgency": I,
        "status": N,
        "lead_unit": I,
        "received_at": I,
        "dispatch_due_at": I,
        "reply_due_at": I,
        "due_at": I,
        "dispatched_at": I,
        "accepted_at": I,
        "replied_at": I,
        "replied_on_time": I,
        "closed_at": I,
        "reply_text": N,
        "verification": I,
        "satisfaction": I,
        "resolved": I,
        "supervised": I,
        "escalated": I,
        "referred_to_care": I,
        "person": N,
        "household": N,
        "merged_into": I,
        "idempotency_key": I,
        "routed_dept_type": I,
        "routed_confidence": I,
    },
    "hotline.WorkOrderAssignment": {
        "order": I,
        "organisation": I,
        "role": I,
        "is_active": I,
        "accepted_at": I,
        "returned_at": I,
        "return_reason": N,
    },
    "hotline.WorkOrderEvent": {
        "order": I,
        "action": I,
        "from_status": I,
        "to_status": I,
        "actor": N,
        "actor_name": N,
        "organisation": I,
        "at": I,
        "note": N,
        "data": I,
    },
    "hotline.WorkOrderNote": {
        "order": I,
        "organisation": I,
        "kind": I,
        "text": N,
    },
    "hotline.WorkOrderAttachment": {
        "order": I,
        "file": S,
        "name": N,
        "size": I,
        "content_type": I,
    },
    "hotline.ExtensionRequest": {
        "order": I,
        "organisation": I,
        "working_days": I,
        "reason": N,
        "status": N,
        "decided_at": I,
        "decision_note": N,
    },
    "hotline.Callback": {
        "order": I,
        "satisfaction": I,
        "resolved": I,
        "comment": N,
        "by_citizen": I,
    },
    "hotline.RoutingCorrection": {
        "order": I,
        "text": N,
        "proposed_dept_type": I,
        "proposed_unit_code": I,
        "proposed_confidence": I,
        "chosen_dept_type": I,
        "chosen_unit": I,
    },
    "hotline.ProblemLedgerItem": {
        "area_code": I,
        "dept_type": I,
        "season": I,
        "title": I,
        "order_count": I,
        "years": I,
        "last_seen_at": I,
        "responsible_unit": I,
        "status": N,
        "measures": I,
        "closed_at": I,
    },
    "hotline.Open311ApiKey": {
        "name": N,
        "prefix": I,
        "key_hash": I,
        "hotline": I,
        "is_active": I,
        "last_used_at": I,
    },
    "monitoring.RosterImport": {
        "kind": I,
        "area": I,
        "area_code": I,
        "department": I,
        "original_name": I,
        "stored_path": I,
        "staged_path": I,
        "file_sha256": I,
        "headers": I,
        "column_map": I,
        "status": I,
        "row_count": I,
        "bad_row_count": I,
        "bad_rows": S,
        "message": I,
    },
    "monitoring.RuleSetting": {
        "large_medical_expense_yuan": I,
        "elderly_age": I,
        "match_threshold": I,
        "enabled_rules": I,
    },
    "monitoring.Run": {
        "area": I,
        "area_code": I,
        "as_of": I,
        "engine": I,
        "status": I,
        "is_scheduled": I,
        "residents": I,
        "rows_per_roster": I,
        "link_stats": I,
        "alerts_per_rule": I,
        "alerts_new": I,
        "alerts_suppressed": I,
        "review_rows": I,
        "seconds": I,
        "message": I,
        "finished_at": I,
        "rosters": I,
    },
    "monitoring.Alert": {
        "run": I,
        "person": N,
        "rule": S,
        "detail": S,
        "evidence_hash": I,
        "area_code": I,
        "grid": I,
        "status": I,
        "outcome": S,
        "verified_by": I,
        "verified_at": I,
        "verification_note": S,
        "care_case_id": I,
        "reminder_sent_at": I,
    },
    "monitoring.ReviewItem": {
        "run": I,
        "area_code": I,
        "source": I,
        "row_number": I,
        "id_number": S,
        "name": N,
        "birth_date": N,
        "reason": N,
        "candidate_id_number": S,
        "match_probability": I,
        "status": I,
        "linked_person": N,
        "decided_by": I,
        "note": N,
    },
    "monitoring.Reminder": {
        "alert": I,
        "recipient": S,
        "message": S,
        "backend": I,
        "area_code": I,
    },
}


def label_of(model_label: str, field_name: str) -> Sensitivity | None:
    """The label of ``app.Model.field`` (or None when it has none)."""
    own = LABELS.get(model_label, {})
    if field_name in own:
        return own[field_name]
    return COMMON.get(field_name)


def fields_at(level: Sensitivity) -> list[str]:
    """``app.Model.field`` names labelled with ``level`` (for reviews and the DPIA)."""
    return sorted(
        f"{model}.{name}"
        for model, fields in LABELS.items()
        for name, lvl in fields.items()
        if lvl == level
    )


def _lianxin_models() -> list:  # type: ignore[type-arg]
    from django.apps import apps

    return [m for m in apps.get_models() if m.__module__.startswith("lianxin.")]


def unlabelled() -> list[str]:
    """``app.Model.field`` of every concrete field of a lianxin model without a label."""
    missing = []
    for model in _lianxin_models():
        for field in model._meta.get_fields():
            if field.concrete and label_of(model._meta.label, field.name) is None:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def stale() -> list[str]:
    """Labels that name a model or field that no longer exists."""
    fields = {
        model._meta.label: {f.name for f in model._meta.get_fields() if f.concrete}
        for model in _lianxin_models()
    }
    return sorted(
        f"{model}.{name}"
        for model, labels in LABELS.items()
        if model in fields or model.partition(".")[0] in _installed_labels()
        for name in labels
        if name not in fields.get(model, set())
    )


def _installed_labels() -> set[str]:
    """App labels whose models module is importable (apps still being built are skipped)."""
    from django.apps import apps

    return {c.label for c in apps.get_app_configs() if c.models_module is not None}


def stubs() -> str:
    """Python lines to paste into LABELS for the fields without a label (levels to be reviewed)."""
    by_model: dict[str, list[str]] = {}
    for name in unlabelled():
        model, _, field = name.rpartition(".")
        by_model.setdefault(model, []).append(field)
    lines = []
    for model, fields in by_model.items():
        lines.append(f'    "{model}": {{  # review every level')
        lines.extend(f'        "{f}": I,' for f in fields)
        lines.append("    },")
    return "\n".join(lines)


if __name__ == "__main__":
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    sys.stdout.write((stubs() or "所有字段均已标注敏感级别") + "\n")
