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
fields, run ``.venv/bin/python -m lianxin.core.sensitivity`` and paste what it prints into the
app's own ``sensitivity.py`` (each app labels its own models there with P public, I internal,
N personal, S sensitive, and ``LianxinAppConfig.ready()`` imports it; core keeps the registry and
the checks).

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
        "key_id": I,
    },
    "core.AuditLink": {
        "seq": I,
        "event": I,
        "digest": I,
        "prev_link": I,
        "link": I,
        "key_id": I,
        "linked_at": I,
    },
    "core.LimitBucket": {
        "key": I,
        "touched_at": I,
    },
    "core.LimitUse": {
        "bucket": I,
        "at": I,
    },
    "core.ColumnName": {
        "column": I,
        "name": I,
        "weak": I,
        "is_active": I,
        "revision": I,
        "note": I,
    },
}


def register(labels: dict[str, dict[str, Sensitivity]]) -> None:
    """An app's labels of its own models' fields (its ``sensitivity.py``, imported from its
    ``AppConfig.ready()``)."""
    for model, fields in labels.items():
        LABELS[model] = dict(fields)


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
