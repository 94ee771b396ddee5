"""Routes of the resident registry: pages under /registry/ and the API under /api/v1/."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from lianxin.core import idnumber
from lianxin.core.roles import Role
from lianxin.registry import services
from lianxin.registry.models import DuplicateCandidate, ImportJob
from lianxin.registry.services import MemberInput
from tests.access.registry import RouteSpec, on_b, once_per_world, pk_of

STAFF = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF)


def _id(birth: dt.date, seq: int, region: str = "640521") -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + idnumber.check_digit(body)


@once_per_world
def _b(w: Any) -> SimpleNamespace:
    """Registry objects of site B (刘庄村), made once per test world."""
    household = services.household_register(
        actor=None,
        division=w.b.village,
        grid=w.b.grid,
        number="B-REG-0001",
        address="刘庄村三组",
        members=[
            MemberInput(
                name="乙王梅", id_number=_id(dt.date(1980, 4, 5), 222), relationship="户主"
            ),
            MemberInput(
                name="乙李强", id_number=_id(dt.date(1978, 6, 7), 111), relationship="配偶"
            ),
        ],
    )
    person = household.head
    tag = services.tag_add(actor=None, person=person, tag="残疾", evidence="残疾人证")
    twin = services.household_register(
        actor=None,
        division=w.b.village,
        grid=w.b.grid,
        number="B-REG-0002",
        members=[
            MemberInput(name="乙王玫", id_number=_id(dt.date(1980, 4, 5), 224), relationship="户主")
        ],
    )
    duplicate = DuplicateCandidate.objects.get(person=person, other=twin.head)
    job = ImportJob.objects.create(
        file_name="乙刘庄村导入.xlsx",
        area_code=w.b.village.code,
        status="checked",
        message="检查通过（试导入，未写入）",
        report={
            "summary": [["结果", "检查通过"]],
            "errors": [],
            "error_count": 0,
            "has_changes": True,
            "counts": {},
        },
    )
    assistance = services.assistance_set(
        actor=None, household=household, assistance_type="低保", started_on=dt.date(2025, 1, 1)
    )
    return SimpleNamespace(
        household=household,
        person=person,
        tag=tag,
        duplicate=duplicate,
        job=job,
        assistance=assistance,
    )


_pk = pk_of(_b)


def _member(w):
    return {"name": "甲新成员", "id_number": _id(dt.date(2001, 1, 1), 333), "relationship": "子女"}


ROUTES: dict[str, RouteSpec] = {
    "registry:household_list": RouteSpec(
        leak_marker=lambda w: _b(w).person.name,
        roles=(Role.GRID_WORKER, *STAFF),
        notes="others: 403 (a leader is sent to his households)",
    ),
    "registry:household_register": RouteSpec(
        notes="form for grid workers and area staff; others 403"
    ),
    "registry:household_export": RouteSpec(notes="scoped like the list; audited"),
    "registry:household_detail": on_b(_pk("household")),
    "registry:member_add": on_b(_pk("household"), _member, methods=("get", "post")),
    "registry:assistance_add": on_b(
        _pk("household"), {"assistance_type": "低保", "started_on": "2026-01-01"}
    ),
    "registry:household_edit": on_b(_pk("household"), {"address": "甲改地址"}),
    "registry:head_change": on_b(
        _pk("household"),
        lambda w: {
            "new_head": _b(w).household.memberships.exclude(person=_b(w).person).first().person_id,
            "old_head_relationship": "配偶",
        },
    ),
    "registry:household_split": on_b(
        _pk("household"),
        lambda w: {
            "persons": [
                m.person_id for m in _b(w).household.memberships.exclude(person=_b(w).person)
            ],
            "new_head": _b(w).household.memberships.exclude(person=_b(w).person).first().person_id,
        },
    ),
    "registry:household_merge": on_b(_pk("household"), {"target": "B-REG-0002"}),
    "registry:assistance_end": on_b(_pk("assistance"), {"on": "2026-11-01", "reason": "收入超标"}),
    "registry:person_edit": on_b(_pk("person"), {"name": "甲改名"}, methods=("get", "post")),
    "registry:member_move": on_b(
        _pk("person"), {"to_household": "B-REG-0002", "relationship": "配偶"}
    ),
    "registry:person_detail": on_b(_pk("person")),
    "registry:person_reveal": on_b(_pk("person"), {"reason": "核实"}),
    "registry:tag_add": on_b(_pk("person"), {"tag": "重病", "evidence": "x"}),
    "registry:person_deceased": on_b(_pk("person"), {"on": "2026-01-01", "evidence": "死亡证明"}),
    "registry:person_moved": on_b(_pk("person"), {"on": "2026-01-01", "destination": "银川"}),
    "registry:disability_set": on_b(_pk("person"), {"disability_type": "视力", "grade": "1"}),
    "registry:tag_remove": on_b(_pk("tag"), {"reason": "x"}),
    "registry:key_person_ledger": RouteSpec(leak_marker=lambda w: _b(w).person.name),
    "registry:key_person_export": RouteSpec(notes="scoped like the ledger; audited"),
    "registry:duplicate_list": RouteSpec(leak_marker=lambda w: _b(w).duplicate.other.name),
    "registry:duplicate_resolve": on_b(_pk("duplicate"), {"action": "dismiss"}),
    "registry:import_upload": RouteSpec(leak_marker=lambda w: _b(w).job.file_name, roles=STAFF),
    "registry:import_template": RouteSpec(notes="the empty template: no data"),
    "registry:import_detail": on_b(_pk("job")),
    "registry:import_status": on_b(_pk("job")),
    "registry:import_confirm": on_b(_pk("job"), methods=("post",)),
    "registry:import_report": on_b(_pk("job")),
    "api:household_list": RouteSpec(
        leak_marker=lambda w: _b(w).household.number,
        methods=("get", "post"),
        post_data=lambda w: {"division_code": w.b.village.code, "members": []},
    ),
    "api:household_detail": on_b(_pk("household")),
    "api:household_member_add": on_b(_pk("household"), _member),
    "api:household_assistance_set": on_b(
        _pk("household"), {"assistance_type": "低保", "started_on": "2026-01-01"}
    ),
    "api:person_list": RouteSpec(leak_marker=lambda w: _b(w).person.name),
    "api:person_detail": on_b(_pk("person")),
    "api:person_tag_add": on_b(_pk("person"), {"tag": "重病", "evidence": "x"}),
    "api:person_mark_deceased": on_b(_pk("person"), {"on": "2026-01-01", "evidence": "x"}),
}
