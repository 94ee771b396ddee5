"""Background work of the love alliance: ids in, one service call."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lianxin.core.tasks import enqueue_on_commit

from . import services


@task()
def sync_household_cards(household_id: int) -> None:
    """Suspend (or restore) the love card of one household after its assistance changed."""
    services.cards_sync_status(household_ids=[household_id])


@task()
def sync_all_cards() -> None:
    """The daily run: every live card against the registry's assistance status."""
    services.cards_sync_status()


def on_assistance_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An assistance status was recorded or ended: re-check that household's card once the
    transaction commits (no rule here; the service decides). Households without a card are
    skipped, so registry imports do not fill the queue."""
    from .models import LoveCard

    if LoveCard.objects.filter(
        household_id=instance.household_id, status__in=["active", "suspended"]
    ).exists():
        enqueue_on_commit(sync_household_cards, instance.household_id)
