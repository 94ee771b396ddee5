"""Sensitivity labels of the analytics models' fields (ADR 0007, SECURITY.md PII-03), registered with
``lianxin.core.sensitivity`` from ``AnalyticsConfig.ready()``. Levels: P public, I internal,
N personal, S sensitive (see core.sensitivity). A new field needs its label here;
``tests/security/test_sensitivity.py`` fails otherwise.

Dashboard snapshots and the kept aggregate hold counts, no personal data (internal)."""

from __future__ import annotations

from lianxin.core.sensitivity import I, register

LABELS = {
    "analytics.IndicatorSnapshot": {
        "month": I,
        "area_code": I,
        "key": I,
        "value": I,
        "computed_at": I,
    },
    "analytics.IndicatorCount": {
        "key": I,
        "area_code": I,
        "depth": I,
        "value": I,
        "computed_at": I,
    },
}

register(LABELS)
