"""Area-scoped rows (ARCHITECTURE.md "Area-scoped rows").

A row that belongs to an area carries the division code in ``area_code`` (codes nest by prefix,
so a subtree is one ``startswith``; ADR 0002). Where the code comes from is declared once, on the
model, as ``area_source``: the name of the foreign key whose target has an ``area_code``
(``"household"``, ``"person"``, ``"division"``…). The base class fills the code on save, and
:func:`area_refresh` is the one place that rewrites the codes of every row below a parent when
the parent moves (member move, household move, grid change, split, merge), in the caller's
transaction::

    class VulnerabilityTag(AreaScoped, BaseModel):
        area_source = "person"
        person = models.ForeignKey(Person, ...)

    # in the service that moves a person:
    person.division = new_village
    person.save(update_fields=["division", "area_code"])
    area_refresh(person)          # tags, disability, duplicates … follow the person

Rows whose area is their own (an alert raised for an area, a batch of a township) leave
``area_source`` empty and set ``area_code`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from django.apps import apps
from django.db import models


class AreaScoped(models.Model):
    area_code = models.CharField("区划代码", max_length=12, editable=False)

    area_source: ClassVar[str] = ""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.area_source:
            parent = self.area_parent()
            if parent is not None:
                self.area_code = parent.area_code
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "area_code"}
        super().save(*args, **kwargs)

    def area_parent(self) -> Any:
        return getattr(self, self.area_source) if self.area_source else None


def area_scoped_models() -> list[type[AreaScoped]]:
    return [m for m in apps.get_models() if issubclass(m, AreaScoped)]


def _children(model: type[models.Model]) -> Iterator[tuple[type[AreaScoped], str]]:
    """Models whose ``area_source`` points at ``model`` (or one of its parents)."""
    for child in area_scoped_models():
        if not child.area_source:
            continue
        target = child._meta.get_field(child.area_source).related_model
        if isinstance(target, type) and issubclass(model, target):
            yield child, child.area_source


def area_refresh(parent: models.Model, *, area_code: str | None = None) -> int:
    """Give every area-scoped row below ``parent`` (children, grandchildren…) the parent's area
    code. Returns the number of rows rewritten. Runs a bounded number of UPDATE statements (one
    per model below the parent), never loads the rows."""
    code = area_code if area_code is not None else parent.area_code  # type: ignore[attr-defined]
    total = 0
    frontier: list[tuple[type[models.Model], models.QuerySet[Any]]] = [
        (type(parent), type(parent)._default_manager.filter(pk=parent.pk))
    ]
    seen: set[tuple[type[models.Model], str]] = set()
    while frontier:
        model, rows = frontier.pop()
        for child, fk in _children(model):
            if (child, fk) in seen:
                continue
            seen.add((child, fk))
            below = child._default_manager.filter(**{f"{fk}__in": rows.values("pk")})
            total += below.exclude(area_code=code).update(area_code=code)
            frontier.append((child, below))
    return total
