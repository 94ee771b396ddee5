"""``{% workflow_actions wf obj user as actions %}``: the transitions a user may take now, so a
page shows a button exactly when the service would accept it (core.workflow)."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.core.workflow import Transition, Workflow

register = template.Library()


@register.simple_tag
def workflow_actions(workflow: Workflow, obj: Any, user: Any) -> list[Transition]:
    return workflow.available(user, obj)


@register.simple_tag
def workflow_can(workflow: Workflow, obj: Any, user: Any, name: str) -> bool:
    return workflow.can(user, obj, name)
