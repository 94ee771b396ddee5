"""The alert workflow, declared once (core.workflow): an open alert is answered once, by the
grid worker of the person's grid or the area's community, township or county staff, after
checking on the spot — confirmed and referred to care (对象发现) or to an entitlement change, or
dismissed as not true. Pages, the API and ``services.alert_verify`` dispatch from here."""

from __future__ import annotations

from typing import Any

from django import forms

from lianxin.core.errors import ApplicationError
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Transition, Workflow

from .models import Alert

VERIFIER_ROLES = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)


def may_verify(user: Any, alert: Any) -> bool:
    """The grid worker of the alert's grid, or staff of its area."""
    scope = scope_of(user)
    if alert.grid_id is not None and alert.grid_id in scope.grid_ids():
        return True
    return any(alert.area_code.startswith(p) for p in scope.area_prefixes(VERIFIER_ROLES))


class NoteForm(forms.Form):
    """What the worker found (the service says which note is missing, in Chinese)."""

    note = forms.CharField(label="核实情况", max_length=2000, required=False)


OPEN = (Alert.Status.OPEN,)

ALERT_WORKFLOW = Workflow(
    "monitoring.Alert",
    transitions=[
        Transition(
            "refer_care", "属实，转入关爱帮扶", sources=OPEN, target=Alert.Status.CONFIRMED,
            allowed=may_verify, form=NoteForm, object_arg="alert",
            service="lianxin.monitoring.services.alert_refer_care",
            refusal="该预警已核实，不能重复处理", success="核实结果已保存，已转入关爱帮扶",
        ),
        Transition(
            "refer_entitlement", "属实，待遇调整", sources=OPEN, target=Alert.Status.CONFIRMED,
            allowed=may_verify, form=NoteForm, object_arg="alert",
            service="lianxin.monitoring.services.alert_refer_entitlement",
            refusal="该预警已核实，不能重复处理", success="核实结果已保存，待遇调整已转民政/残联",
        ),
        Transition(
            "dismiss", "不属实", sources=OPEN, target=Alert.Status.REJECTED,
            allowed=may_verify, form=NoteForm, object_arg="alert",
            service="lianxin.monitoring.services.alert_dismiss",
            refusal="该预警已核实，不能重复处理", success="核实结果已保存", danger=True,
        ),
    ],
    labels=dict(Alert.Status.choices),
)  # fmt: skip

OUTCOME_TRANSITIONS = {
    Alert.Outcome.CARE_DISCOVERY: "refer_care",
    Alert.Outcome.ENTITLEMENT_CHANGE: "refer_entitlement",
}


def transition_for(*, confirmed: bool, outcome: str = "") -> str:
    """The transition a verification form or the API's ``{confirmed, outcome}`` names."""
    if not confirmed:
        return "dismiss"
    try:
        return OUTCOME_TRANSITIONS[outcome]  # type: ignore[index]
    except KeyError:
        raise ApplicationError("请选择处理去向：转入关爱帮扶或待遇调整") from None
