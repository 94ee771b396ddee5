from __future__ import annotations

from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum

from lianxin.resources.models import LoveCard, MedicineBox, Partner, StockLot
from lianxin.resources.tests.factories import household


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("resources").get_models()}


def test_the_demo_carries_the_seed_and_is_idempotent(world):
    household(world.a, assistance=("低保",))  # a 低保 household of 安秀社区 (site A)
    call_command("demo", households=40, no_migrate=True)
    first = _counts()
    call_command("demo", households=40, no_migrate=True)
    assert _counts() == first
    enterprises = Partner.objects.filter(kind="enterprise", status="approved")
    assert enterprises.count() == 14
    assert StockLot.objects.filter(partner__in=enterprises).aggregate(v=Sum("value_fen"))["v"] == (
        12_000_000
    )
    assert Partner.objects.filter(status="applied").count() == 1
    assert MedicineBox.objects.count() == 12
    assert LoveCard.objects.filter(area_code__startswith="640104").count() >= 1
    assert LoveCard.objects.filter(redemptions__isnull=False).count() == 1
