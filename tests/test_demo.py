"""`lianxin demo` loads every app's demo data, writes the accounts file and is idempotent."""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command


def _counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {
            "areas",
            "directory",
            "accounts",
            "registry",
            "care",
            "hotline",
            "monitoring",
            "benefits",
            "employment",
        }
    }


def test_demo_is_idempotent_and_writes_accounts(db, capsys):
    call_command("demo", households=5, no_migrate=True)
    first = _counts()
    out = capsys.readouterr().out
    assert "grid_worker_a" in out
    call_command("demo", households=5, no_migrate=True)
    assert _counts() == first
    accounts = json.loads(Path(settings.DEMO_ACCOUNTS_PATH).read_text(encoding="utf-8"))["accounts"]
    by_user = {a["username"]: a for a in accounts}
    assert by_user["grid_worker_a"]["area_code"] == "640104001007"
    assert by_user["grid_worker_b"]["area_code"] == "640521103208"
    roles = {a["role"] for a in accounts}
    assert {
        "grid_worker",
        "community_staff",
        "township_staff",
        "county_staff",
        "city_staff",
        "region_staff",
        "hotline_agent",
        "unit_staff",
        "leader",
        "partner",
        "volunteer",
        "system_admin",
        "security_admin",
        "audit_admin",
    } <= roles
