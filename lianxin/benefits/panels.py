"""Home page panels: community staff see their applications; departments their queues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxin.core.workpanels import Panel

from .models import Application, Entitlement, PaymentRun, StopProposal


def frontline_panel(user: Any) -> list[Panel]:
    apps = Application.objects.for_user(user)
    return [
        Panel(
            "待遇申请",
            figures=[
                ("待提交", apps.filter(status="draft").count()),
                ("办理中", apps.filter(status__in=["submitted", "reviewed"]).count()),
            ],
            links=[
                ("代办申请", reverse("benefits:application_new")),
                ("全部申请", reverse("benefits:application_index")),
            ],
        )
    ]


def department_panel(user: Any) -> list[Panel]:
    return [
        Panel(
            "救助待遇",
            figures=[
                (
                    "待审核/审批申请",
                    Application.objects.for_user(user)
                    .filter(status__in=["submitted", "reviewed"])
                    .count(),
                ),
                (
                    "待审批停发",
                    StopProposal.objects.for_user(user).filter(status="proposed").count(),
                ),
                (
                    "待审批花名册",
                    PaymentRun.objects.for_user(user).filter(status="prepared").count(),
                ),
                (
                    "30天内到期复核",
                    Entitlement.objects.for_user(user)
                    .filter(
                        status="active",
                        reverify_due_on__lte=timezone.localdate() + dt.timedelta(days=30),
                    )
                    .count(),
                ),
            ],
            links=[
                ("待遇申请", reverse("benefits:application_index")),
                ("发放与台账", reverse("benefits:run_index")),
            ],
        )
    ]
