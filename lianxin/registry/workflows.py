"""The registry's actions, declared once (core.workflow): who may take each, on which state, with
which form, through which service. Pages (views.py) and the API (api.py) dispatch from here and
templates show a form exactly when the service would accept it.

- ``PERSON_WORKFLOW`` — a resident in the register (在册): tags, disability, moving to another
  household, and the two ways of leaving the register (已故, 已迁出).
- ``HOUSEHOLD_WORKFLOW`` — an active household: corrections, head change, split, merge,
  assistance status. Its "state" is ``is_active`` (a merged household is closed).
- ``ASSISTANCE_WORKFLOW``, ``TAG_WORKFLOW`` — ending an assistance status or a tag.
- ``DUPLICATE_WORKFLOW`` — the duplicate review queue: merge or dismiss an open candidate.
- ``IMPORT_WORKFLOW`` — confirming a checked household file (its own services module).

Predicates mirror the services' own checks (``services._require_place`` /
``_require_household``); ``tests/test_workflows.py`` runs every service as every role and
asserts the declaration agrees with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Transition, Workflow, all_of

from . import forms, selectors
from .models import DuplicateStatus, Household, ImportStatus, PersonStatus
from .services import WRITER_ROLES


def is_writer(user: Any, obj: Any) -> bool:
    """The user holds a role that may change residents' records."""
    return scope_of(user).has_role(*WRITER_ROLES)


def _covers(user: Any, division_code: str, grid_id: int | None) -> bool:
    scope = scope_of(user)
    if any(division_code.startswith(p) for p in scope.area_prefixes()):
        return True
    return grid_id is not None and grid_id in scope.grid_ids()


def writes_person(user: Any, person: Any) -> bool:
    """A writer of the person's community or grid (services._require_place)."""
    return is_writer(user, person) and _covers(user, person.division_id, person.grid_id)


def writes_household(user: Any, household: Any) -> bool:
    """A writer who can see the household (services._require_household). Remembered on the
    user object for the request (a page asks it once per action)."""
    if not is_writer(user, household):
        return False
    key = (household.pk, household.area_code, household.grid_id)
    seen: dict[Any, bool] = user.__dict__.setdefault("_registry_visible_households", {})
    if key not in seen:
        seen[key] = Household.objects.for_user(user).filter(pk=household.pk).exists()
    return seen[key]


def _households(user: Any, obj: Any) -> Mapping[str, Any]:
    return {"households": selectors.household_list(user=user)}


def _members(user: Any, household: Any) -> Mapping[str, Any]:
    members = selectors.household_members(household)
    return {"members": [m for m in members if m.person_id != household.head_id]}


def _all_members(user: Any, household: Any) -> Mapping[str, Any]:
    return {"members": list(selectors.household_members(household))}


def _grids(user: Any, household: Any) -> Mapping[str, Any]:
    return {"grids": selectors.grids_for_user(user=user, division_code=household.division_id)}


ALIVE = (PersonStatus.ALIVE,)

PERSON_WORKFLOW = Workflow(
    "registry.Person",
    transitions=[
        Transition(
            "tag_add", "添加标签", sources=ALIVE, allowed=writes_person, form=forms.TagForm,
            service="lianxin.registry.services.tag_add", object_arg="person",
            success="已添加标签",
        ),
        Transition(
            "disability_set", "记录残疾信息", sources=ALIVE, allowed=writes_person,
            form=forms.DisabilityForm, service="lianxin.registry.services.disability_set",
            object_arg="person", success="已记录残疾信息",
        ),
        Transition(
            "member_move", "迁入另一户", sources=ALIVE, allowed=writes_person,
            form=forms.MemberMoveForm, form_kwargs=_households,
            service="lianxin.registry.services.member_move", object_arg="person",
            success="已迁入新住户",
        ),
        Transition(
            "deceased", "标记已故", sources=ALIVE, target=PersonStatus.DECEASED,
            allowed=writes_person, form=forms.DeceasedForm,
            service="lianxin.registry.services.person_mark_deceased", object_arg="person",
            success="已标记为已故", danger=True,
        ),
        Transition(
            "moved", "标记迁出", sources=ALIVE, target=PersonStatus.MOVED,
            allowed=writes_person, form=forms.MovedForm,
            service="lianxin.registry.services.person_mark_moved", object_arg="person",
            success="已标记为迁出", danger=True,
        ),
    ],
    labels=dict(PersonStatus.choices),
)  # fmt: skip

ACTIVE = ("True",)

HOUSEHOLD_WORKFLOW = Workflow(
    "registry.Household",
    field="is_active",
    labels={"True": "有效", "False": "已注销"},
    transitions=[
        Transition(
            "edit", "修改住户信息", sources=ACTIVE, allowed=writes_household,
            form=forms.HouseholdEditForm, form_kwargs=_grids,
            service="lianxin.registry.services.household_update", object_arg="household",
            success="已修改住户信息",
        ),
        Transition(
            "head_change", "变更户主", sources=ACTIVE, allowed=writes_household,
            form=forms.HeadChangeForm, form_kwargs=_members,
            service="lianxin.registry.services.head_change", object_arg="household",
            success="已变更户主",
        ),
        Transition(
            "split", "分户", sources=ACTIVE, allowed=writes_household,
            form=forms.SplitForm, form_kwargs=_members,
            service="lianxin.registry.services.household_split", object_arg="household",
            success="已分户",
        ),
        Transition(
            "merge", "合户", sources=ACTIVE, allowed=writes_household,
            form=forms.MergeForm, form_kwargs=_households,
            service="lianxin.registry.services.household_merge", object_arg="source",
            success="已合户", danger=True,
        ),
        Transition(
            "assistance_set", "记录救助状态", sources=ACTIVE, allowed=writes_household,
            form=forms.AssistanceForm, service="lianxin.registry.services.assistance_set",
            object_arg="household", success="已记录救助状态",
        ),
    ],
)  # fmt: skip


def _assistance_writer(user: Any, row: Any) -> bool:
    return writes_household(user, row.household)


ASSISTANCE_WORKFLOW = Workflow(
    "registry.AssistanceStatus",
    field="state",
    labels={"active": "有效", "ended": "已终止"},
    transitions=[
        Transition(
            "end", "终止救助状态", sources=("active",), allowed=_assistance_writer,
            form=forms.AssistanceEndForm, service="lianxin.registry.services.assistance_end",
            object_arg="assistance", success="已终止救助状态", danger=True,
        ),
    ],
)  # fmt: skip


def _tag_writer(user: Any, tag: Any) -> bool:
    return writes_person(user, tag.person)


TAG_WORKFLOW = Workflow(
    "registry.VulnerabilityTag",
    field="state",
    labels={"active": "有效", "ended": "已失效"},
    transitions=[
        Transition(
            "remove", "取消标签", sources=("active",), allowed=_tag_writer,
            form=forms.TagRemoveForm, service="lianxin.registry.services.tag_remove",
            object_arg="tag", success="已取消标签", danger=True,
        ),
    ],
)  # fmt: skip


def _both_sides(user: Any, candidate: Any) -> bool:
    """duplicate_merge checks the writer's place for both persons; dismiss for the first."""
    return writes_person(user, candidate.person) and writes_person(user, candidate.other)


def _first_side(user: Any, candidate: Any) -> bool:
    return writes_person(user, candidate.person)


DUPLICATE_WORKFLOW = Workflow(
    "registry.DuplicateCandidate",
    transitions=[
        Transition(
            "merge", "合并", sources=(DuplicateStatus.OPEN,), target=DuplicateStatus.MERGED,
            allowed=_both_sides, form=forms.DuplicateMergeForm,
            form_kwargs=lambda user, candidate: {"candidate": candidate},
            service="lianxin.registry.services.duplicate_merge", object_arg="candidate",
            success="已合并重复居民", danger=True,
        ),
        Transition(
            "dismiss", "不是同一人", sources=(DuplicateStatus.OPEN,),
            target=DuplicateStatus.DISMISSED, allowed=_first_side,
            form=forms.DuplicateDismissForm, service="lianxin.registry.services.duplicate_dismiss",
            object_arg="candidate", success="已确认为不同的人",
        ),
    ],
    labels=dict(DuplicateStatus.choices),
)  # fmt: skip


def _job_ready(user: Any, job: Any) -> bool:
    """A checked file without errors and with changes (the import's own rule)."""
    report = job.report or {}
    return not report.get("error_count") and bool(report.get("has_changes"))


def _import_staff(user: Any, job: Any) -> bool:
    from lianxin.core.roles import AREA_STAFF_ROLES

    return scope_of(user).has_role(*AREA_STAFF_ROLES)


IMPORT_WORKFLOW = Workflow(
    "registry.ImportJob",
    transitions=[
        Transition(
            "confirm", "确认导入", sources=(ImportStatus.CHECKED,),
            target=ImportStatus.IMPORTING, allowed=all_of(_import_staff, _job_ready),
            service="lianxin.registry.household_import.jobs.import_job_confirm",
            object_arg="job", success="已确认导入，正在后台写入",
        ),
    ],
    labels=dict(ImportStatus.choices),
)  # fmt: skip

WORKFLOWS = (
    PERSON_WORKFLOW,
    HOUSEHOLD_WORKFLOW,
    ASSISTANCE_WORKFLOW,
    TAG_WORKFLOW,
    DUPLICATE_WORKFLOW,
    IMPORT_WORKFLOW,
)
