"""Field and index factories for the domain models: the shapes every app declares again and
again.

Most references between domain rows are protected foreign keys (a row that others point at is
never deleted under them), and most references to a user record who did something and need no
reverse accessor (``related_name="+"``). The factories return exactly the field (or index) that
the long form would, so swapping one for the other changes no migration; a change of any
argument here changes the schema of every app (``makemigrations --check`` tells)::

    household = fk(Household, "住户")                       # required, related_name "+"
    person = fk(Person, "享受对象", null=True)              # optional (null and blank)
    season = fk(Season, "就业援助月", "posts", null=True)   # with a reverse accessor
    decided_by = user_fk("审批人")                          # optional user, null and blank
    filed_by = user_fk("经办人", blank=False)               # null but required in forms
    indexes = [area_index("partner_area_idx", status="varchar_pattern_ops")]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from django.conf import settings
from django.db import models

_M = TypeVar("_M", bound=models.Model)

OnDelete = Callable[..., Any]


@overload
def fk(
    to: type[_M],
    verbose_name: str,
    related_name: str | None = ...,
    *,
    null: Literal[False] = ...,
    blank: bool | None = ...,
    on_delete: OnDelete = ...,
    **options: Any,
) -> models.ForeignKey[_M, _M]: ...


@overload
def fk(
    to: type[_M],
    verbose_name: str,
    related_name: str | None = ...,
    *,
    null: Literal[True],
    blank: bool | None = ...,
    on_delete: OnDelete = ...,
    **options: Any,
) -> models.ForeignKey[_M | None, _M | None]: ...


@overload
def fk(
    to: str,
    verbose_name: str,
    related_name: str | None = ...,
    *,
    null: bool = ...,
    blank: bool | None = ...,
    on_delete: OnDelete = ...,
    **options: Any,
) -> models.ForeignKey[Any, Any]: ...


def fk(
    to: type[models.Model] | str,
    verbose_name: str,
    related_name: str | None = "+",
    *,
    null: bool = False,
    blank: bool | None = None,
    on_delete: OnDelete = models.PROTECT,
    **options: Any,
) -> models.ForeignKey[Any, Any]:
    """A foreign key, protected by default; ``blank`` follows ``null`` unless given."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=null,
        blank=null if blank is None else blank,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def one_to_one(
    to: type[models.Model] | str, verbose_name: str, related_name: str | None = "+", **options: Any
) -> models.OneToOneField[Any, Any]:
    """A one-to-one key, protected unless ``on_delete`` says otherwise; ``null=True`` makes it
    optional (null and blank). Typed loosely: the few one-to-one keys do without the precise
    types that ``fk`` gives."""
    options.setdefault("on_delete", models.PROTECT)
    options.setdefault("blank", options.get("null", False))
    return models.OneToOneField(to, verbose_name=verbose_name, related_name=related_name, **options)


def user_fk(
    verbose_name: str, *, null: bool = True, blank: bool | None = None, **options: Any
) -> models.ForeignKey[Any, Any]:
    """The user who did something (filed, reviewed, approved…): protected, no reverse accessor,
    optional (null and blank) unless told otherwise."""
    return fk(settings.AUTH_USER_MODEL, verbose_name, null=null, blank=blank, **options)


def area_index(name: str, **then: str) -> models.Index:
    """An index led by ``area_code`` for subtree lookups (a subtree is ``LIKE '6401%'``, ADR
    0002): the code with ``varchar_pattern_ops``, then the columns ``then`` names, each with its
    operator class: ``area_index("partner_area_idx", status="varchar_pattern_ops")``."""
    return models.Index(
        fields=["area_code", *then],
        name=name,
        opclasses=["varchar_pattern_ops", *then.values()],
    )


class AppendOnlyError(Exception):
    """A change or a deletion of a row of an append-only table (audit log, ledgers)."""


class AppendOnly(models.Model):
    """A table whose rows are written once and never changed or deleted: saving a stored row
    raises ``append_only_error(edit_refused)``, deleting one ``append_only_error(delete_refused)``
    (the Chinese messages users see). A row is stored once it has its automatic key, or, where
    the code assigns the key, once it has been saved or loaded. No fields: no schema change."""

    append_only_error: type[Exception] = AppendOnlyError
    edit_refused = "只能追加，不能修改"
    delete_refused = "只能追加，不能删除"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._is_stored():
            raise self.append_only_error(self.edit_refused)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise self.append_only_error(self.delete_refused)

    def _is_stored(self) -> bool:
        if isinstance(self._meta.pk, models.AutoField):  # also the Big/Small AutoFields
            return self.pk is not None
        return not self._state.adding


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """The queryset of an ``AppendOnly`` table: ``update`` and ``delete`` raise ``AppendOnlyError``
    with ``edit_refused`` and ``delete_refused``."""

    edit_refused = "只能追加，不能修改"
    delete_refused = "只能追加，不能删除"

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(self.edit_refused)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(self.delete_refused)
