"""The duty list (职责清单) the hotline keeps: reads, writes (versioned and audited) and the
compiled list the router asks first.

Every save writes a ``DutyEntryRevision``; the list's version is the newest revision's id, so
the router recompiles exactly when an administrator changed something. While the table is
empty the router uses the shipped seed file (``routing/data/duties.toml``);
``duty_list_seed`` loads it into the table."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.directory.models import DeptType

from .routing.duties import DutyList, default_duties, read_seed, rule_from_mapping
from .routing_models import DutyEntry, DutyEntryRevision, DutyLevel, Institution

EDIT_FIELDS = (
    "matter",
    "dept_type",
    "level",
    "institution",
    "keywords",
    "context",
    "unless",
    "priority",
    "basis",
    "examples",
    "is_active",
)


# --- permissions ---------------------------------------------------------------------------


def can_view(user: Any) -> bool:
    return scope_of(user).has_role(Role.HOTLINE_AGENT, Role.LEADER)


def can_manage(user: Any) -> bool:
    """Hotline administrators: agents holding the ``manage_dutylist`` permission."""
    return scope_of(user).has_role(Role.HOTLINE_AGENT) and user.has_perm("hotline.manage_dutylist")


def _require_manage(actor: Any) -> None:
    if not can_manage(actor):
        raise AccessDenied("只有热线管理员可以维护职责清单")


# --- reads ---------------------------------------------------------------------------------


def entry_list(*, search: str = "", dept_type: str = "", active: str = "") -> QuerySet[DutyEntry]:
    qs = DutyEntry.objects.all()
    if search:
        term = search.strip()
        qs = qs.filter(
            Q(matter__contains=term) | Q(keywords__contains=term) | Q(examples__contains=term)
        )
    if dept_type:
        qs = qs.filter(dept_type=dept_type)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("number", "pk")


def list_version() -> int:
    return DutyEntryRevision.objects.aggregate(v=Max("id"))["v"] or 0


_compiled: dict[int, DutyList] = {}


def compiled() -> DutyList:
    """The active entries compiled for the router (cached per list version); the seed file
    while the table is empty."""
    version = list_version()
    if version == 0:
        return default_duties()
    cached = _compiled.get(version)
    if cached is None:
        rules = []
        for entry in DutyEntry.objects.filter(is_active=True).order_by("number", "pk"):
            try:
                rules.append(rule_from_mapping(entry.as_rule_data()))
            except ValueError:
                continue  # a broken entry never stops routing; the form refuses new ones
        cached = DutyList(rules, version=version)
        _compiled.clear()
        _compiled[version] = cached
    return cached


# --- writes --------------------------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["matter"] = str(data.get("matter") or "").strip()[:200]
    if not out["matter"]:
        raise ApplicationError("请填写事项名称")
    out["dept_type"] = str(data.get("dept_type") or "")
    if out["dept_type"] not in DeptType.values:
        raise ApplicationError("请选择主责部门类型")
    out["level"] = str(data.get("level") or DutyLevel.COUNTY)
    if out["level"] not in DutyLevel.values:
        raise ApplicationError("办理层级不正确")
    out["institution"] = str(data.get("institution") or "")
    if out["institution"] not in Institution.values:
        raise ApplicationError("例外情形类型不正确")
    for name in ("keywords", "context", "unless"):
        out[name] = " ".join(str(data.get(name) or "").replace("，", " ").replace(",", " ").split())
    if not out["keywords"]:
        raise ApplicationError("请至少填写一个关键词")
    if any(len(k.replace("+", "")) < 2 for k in out["keywords"].split()):
        raise ApplicationError("关键词至少两个字，避免误判")
    try:
        out["priority"] = int(data.get("priority") or 50)
    except (TypeError, ValueError) as exc:
        raise ApplicationError("优先级应为0至100的整数") from exc
    if not 0 <= out["priority"] <= 100:
        raise ApplicationError("优先级应为0至100的整数")
    out["basis"] = str(data.get("basis") or "").strip()
    out["examples"] = "\n".join(
        line.strip() for line in str(data.get("examples") or "").splitlines() if line.strip()
    )
    active = data.get("is_active", True)
    out["is_active"] = active not in (False, "", "0", "false", None)
    return out


def _changed() -> None:
    """Routing uses the new list at once in this process, and after commit in the others."""
    from .selectors import reset_router

    reset_router()
    transaction.on_commit(reset_router)


def _revision(entry: DutyEntry, actor: Any, note: str) -> DutyEntryRevision:
    _changed()
    return DutyEntryRevision.objects.create(
        entry=entry,
        version=entry.version,
        data=entry.as_rule_data(),
        is_active=entry.is_active,
        note=note[:200],
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.get_username())
        if getattr(actor, "pk", None)
        else "系统",
        at=timezone.now(),
    )


def _next_code(dept_type: str) -> str:
    base = dept_type.replace("_", "-")
    n = DutyEntry.objects.filter(code__startswith=f"{base}-").count() + 1
    while DutyEntry.objects.filter(code=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def entry_create(*, actor: Any, data: dict[str, Any], note: str = "") -> DutyEntry:
    """Add a matter to the list (a new version of the list)."""
    _require_manage(actor)
    fields = _clean(data)
    number = (DutyEntry.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    entry = DutyEntry.objects.create(
        code=_next_code(fields["dept_type"]),
        number=number,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    _revision(entry, actor, note or "新增条目")
    audit.record(actor=actor, action="hotline.duty.create", target=entry, changes=fields)
    return entry


@transaction.atomic
def entry_update(*, actor: Any, entry: DutyEntry, data: dict[str, Any], note: str) -> DutyEntry:
    """Change an entry: its version goes up, the old state stays in the revisions."""
    _require_manage(actor)
    if not (note or "").strip():
        raise ApplicationError("请填写修改说明（为什么改）")
    fields = _clean(data)
    entry = DutyEntry.objects.select_for_update().get(pk=entry.pk)
    before = {name: getattr(entry, name) for name in EDIT_FIELDS}
    for name, value in fields.items():
        setattr(entry, name, value)
    changes = audit.diff(entry, before, EDIT_FIELDS)
    if not changes:
        raise ApplicationError("内容没有变化")
    entry.version += 1
    entry.updated_by = actor
    entry.save()
    _revision(entry, actor, note.strip())
    audit.record(actor=actor, action="hotline.duty.update", target=entry, changes=changes)
    return entry


@transaction.atomic
def duty_list_seed(*, actor: Any = None) -> int:
    """Load the shipped seed file into an empty table; returns the entries added."""
    if DutyEntry.objects.exists():
        return 0
    added = 0
    for number, data in enumerate(read_seed(), start=1):
        rule_from_mapping(data, number)  # validates
        examples = data.get("examples") or []
        entry = DutyEntry.objects.create(
            code=data["code"],
            number=number,
            matter=data["matter"],
            dept_type=data["dept_type"],
            level=data.get("level") or "county",
            institution=data.get("institution") or "",
            keywords=data["keywords"],
            context=data.get("context") or "",
            unless=data.get("unless") or "",
            priority=int(data.get("priority") or 50),
            basis=data.get("basis") or "",
            examples="\n".join(examples),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _revision(entry, actor, "初始职责清单")
        added += 1
    audit.record(
        actor=actor if getattr(actor, "pk", None) else None,
        action="hotline.duty.seed",
        target_repr=f"职责清单初始导入 {added} 条",
    )
    return added


def try_rules(text: str) -> list[dict[str, Any]]:
    """The entries that fire on a text, the deciding one first (the list page's tester)."""
    duties = compiled()
    return [
        {"rule": m.rule, "hits": m.hits, "deciding": i == 0}
        for i, m in enumerate(duties.matches("".join(text.split())))
    ]
