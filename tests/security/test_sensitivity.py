"""PII-03: every model field carries a sensitivity label (lianxin/core/sensitivity.py, ADR 0007);
the labels agree with how the fields are stored."""

from __future__ import annotations

import re

from django.apps import apps

from lianxin.core import sensitivity
from lianxin.core.fields import EncryptedTextField
from lianxin.core.sensitivity import Sensitivity

# Identity numbers and phone numbers of residents must be encrypted at rest. These plaintext
# columns hold something else, each for a reason.
PLAINTEXT_ALLOWED = {
    "directory.Organisation.contact_phone": "单位办公电话（对外公开的联系方式），非居民个人号码",
    "resources.Location.phone": "门店、网点对外公开的营业电话（应急联系卡上列出），非居民个人号码",
}
_NUMBER_FIELD = re.compile(r"(id_number|phone|certificate_number|mobile|telephone)$")


def _lianxin_models():
    return [m for m in apps.get_models() if m.__module__.startswith("lianxin.")]


def test_every_field_of_every_model_has_a_label():
    missing = sensitivity.unlabelled()
    assert missing == [], (
        "fields without a sensitivity label — add them to lianxin/core/sensitivity.py "
        f"(`.venv/bin/python -m lianxin.core.sensitivity` prints stubs): {missing}"
    )


def test_no_label_for_a_field_that_is_gone():
    assert sensitivity.stale() == []


def test_labels_are_known_levels():
    for model, fields in sensitivity.LABELS.items():
        for name, level in fields.items():
            assert isinstance(level, Sensitivity), (model, name, level)


def test_encrypted_and_declared_sensitive_fields_are_labelled_sensitive():
    wrong = []
    for model in _lianxin_models():
        declared = set(getattr(model, "SENSITIVE_FIELDS", ()))
        for field in model._meta.get_fields():
            if not field.concrete:
                continue
            marked = isinstance(field, EncryptedTextField) or field.name in declared
            label = sensitivity.label_of(model._meta.label, field.name)
            if marked and label is not Sensitivity.SENSITIVE:
                wrong.append(f"{model._meta.label}.{field.name}")
    assert wrong == []


def test_identity_and_phone_numbers_are_encrypted_at_rest():
    plaintext = []
    for model in _lianxin_models():
        for field in model._meta.get_fields():
            if not field.concrete or not _NUMBER_FIELD.search(field.name):
                continue
            name = f"{model._meta.label}.{field.name}"
            if not isinstance(field, EncryptedTextField) and name not in PLAINTEXT_ALLOWED:
                plaintext.append(name)
    assert plaintext == [], f"ID/phone numbers stored in plaintext: {plaintext}"


def test_a_new_unlabelled_field_fails(monkeypatch):
    """The check itself: drop one label and the registry reports exactly that field."""
    person_like = next(iter(sensitivity.LABELS))
    field = next(iter(sensitivity.LABELS[person_like]))
    trimmed = {k: dict(v) for k, v in sensitivity.LABELS.items()}
    del trimmed[person_like][field]
    monkeypatch.setattr(sensitivity, "LABELS", trimmed)
    assert sensitivity.unlabelled() == [f"{person_like}.{field}"]


def test_sensitive_fields_are_listed():
    sensitive = sensitivity.fields_at(Sensitivity.SENSITIVE)
    assert "registry.Person.id_number" in sensitive or "registry.Person" not in sensitivity.LABELS
    assert all(name.count(".") == 2 for name in sensitive)
