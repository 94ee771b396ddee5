from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen as yuan, e.g. 414000 → 4,140.00元."""
    if fen is None or fen == "":
        return "—"
    fen = int(fen)
    return f"{fen // 100:,}.{fen % 100:02d}元"


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, key or "未分级")


@register.simple_tag(takes_context=True)
def transition_form(context: template.Context, workflow: Any, transition: Any, obj: Any) -> Any:
    """The input form of one transition on one object: the bound form with its errors when the
    page is shown again after a refused submission, else a fresh one (case forms get the user
    and the case for their pickers). Field ids carry the object and the transition, so several
    forms on one page never share an id."""
    if transition.form is None:
        return None
    key = f"{obj._meta.model_name}-{obj.pk}-{transition.name}"
    bound = (context.get("bound_forms") or {}).get(key)
    if bound is not None:
        return bound
    return workflow.bind_form(
        transition.name, user=context["request"].user, obj=obj, **form_kwargs(obj, transition)
    )


def form_kwargs(obj: Any, transition: Any) -> dict[str, Any]:
    """The page's own form arguments: field ids that carry the object and the transition. The
    user and the case reach a case form through the transition's ``form_kwargs``."""
    return {"auto_id": f"id_{obj._meta.model_name}{obj.pk}_{transition.name}_%s"}
