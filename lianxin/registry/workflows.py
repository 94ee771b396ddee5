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
from lianxin.core.workflow import Transition, Workflow, all_of, transition_maker

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


SVC = "lianxin.registry.services."
ALIVE = PersonStatus.ALIVE
person = transition_maker(allowed=writes_person, object_arg="person", service=SVC + "{name}")

PERSON_WORKFLOW = Workflow(
    "registry.Person",
    transitions=[
        person("tag_add", "添加标签", ALIVE, form=forms.TagForm, success="已添加标签"),
        person("disability_set", "记录残疾信息", ALIVE, form=forms.DisabilityForm,
               success="已记录残疾信息"),
        person("member_move", "迁入另一户", ALIVE, form=forms.MemberMoveForm,
               form_kwargs=_households, success="已迁入新住户"),
        person("deceased", "标记已故", ALIVE, PersonStatus.DECEASED, form=forms.DeceasedForm,
               service=SVC + "person_mark_deceased", success="已标记为已故", danger=True),
        person("moved", "标记迁出", ALIVE, PersonStatus.MOVED, form=forms.MovedForm,
               service=SVC + "person_mark_moved", success="已标记为迁出", danger=True),
    ],
    labels=dict(PersonStatus.choices),
)  # fmt: skip

ACTIVE = "True"
household = transition_maker(
    allowed=writes_household, object_arg="household", service=SVC + "household_{name}"
)

HOUSEHOLD_WORKFLOW = Workflow(
    "registry.Household",
    field="is_active",
    labels={"True": "有效", "False": "已注销"},
    transitions=[
        household("edit", "修改住户信息", ACTIVE, form=forms.HouseholdEditForm, form_kwargs=_grids,
                  service=SVC + "household_update", success="已修改住户信息"),
        household("head_change", "变更户主", ACTIVE, form=forms.HeadChangeForm,
                  form_kwargs=_members, service=SVC + "head_change", success="已变更户主"),
        household("split", "分户", ACTIVE, form=forms.SplitForm, form_kwargs=_members,
                  success="已分户"),
        household("merge", "合户", ACTIVE, form=forms.MergeForm, form_kwargs=_households,
                  object_arg="source", success="已合户", danger=True),
        household("assistance_set", "记录救助状态", ACTIVE, form=forms.AssistanceForm,
                  service=SVC + "assistance_set", success="已记录救助状态"),
    ],
)  # fmt: skip


def _assistance_writer(user: Any, row: Any) -> bool:
    return writes_household(user, row.household)


def _tag_writer(user: Any, tag: Any) -> bool:
    return writes_person(user, tag.person)


def _ending(model_label: str, ended: str, **transition: Any) -> Workflow:
    """An assistance status or a tag: one way out of "active", with a reason (a danger)."""
    end = transition_maker(danger=True)(**transition)
    return Workflow(model_label, [end], field="state", labels={"active": "有效", "ended": ended})


ASSISTANCE_WORKFLOW = _ending(
    "registry.AssistanceStatus", "已终止", name="end", label="终止救助状态", sources="active",
    allowed=_assistance_writer, form=forms.AssistanceEndForm, service=SVC + "assistance_end",
    object_arg="assistance", success="已终止救助状态",
)  # fmt: skip
TAG_WORKFLOW = _ending(
    "registry.VulnerabilityTag", "已失效", name="remove", label="取消标签", sources="active",
    allowed=_tag_writer, form=forms.TagRemoveForm, service=SVC + "tag_remove",
    object_arg="tag", success="已取消标签",
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
