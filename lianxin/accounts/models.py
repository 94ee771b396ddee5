"""Users and their assignments (user × role × area × organisation): the one source of scoping."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from lianxin.areas.models import Division, Grid
from lianxin.core.model_mixins import fk
from lianxin.core.models import BaseModel
from lianxin.core.roles import Role
from lianxin.directory.models import Organisation


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Assignment(BaseModel):
    """A user holds a role over a division subtree (and a grid for grid workers, an organisation
    for department, unit and partner staff). Only active assignments grant access."""

    user = fk(User, "用户", "assignments", on_delete=models.CASCADE)
    role = models.CharField("角色", max_length=30, choices=Role)
    area = fk(Division, "区域")
    grid = fk(Grid, "网格", null=True)
    organisation = fk(Organisation, "单位", null=True)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area", "grid", "organisation"], name="assignment_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.GRID_WORKER) | models.Q(grid__isnull=False),
                name="assignment_grid_worker_has_grid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area}"
