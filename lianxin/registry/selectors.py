"""Reads of the registry for views, API, exports and other apps (hotline, care, monitoring)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from lianxin.areas.models import Division, Grid, Level
from lianxin.core import audit, idnumber, phone
from lianxin.core.idnumber import MaskTier
from lianxin.core.models import AuditEvent
from lianxin.core.querysets import filter_given
from lianxin.core.roles import NO_PII_ROLES, Role
from lianxin.core.scoping import get_for_user_or_404, prefix_q, scope_of

from .models import (
    AssistanceStatus,
    Disability,
    DuplicateCandidate,
    DuplicateStatus,
    Household,
    ImportJob,
    Membership,
    Person,
    VulnerabilityTag,
)


def household_get_for_user(*, user: Any, pk: int) -> Household:
    """One household the user may see; 404 for missing and not-yours alike."""
    return get_for_user_or_404(
        Household.objects.select_related("division", "grid", "building", "head"), user, pk=pk
    )


def person_get_for_user(*, user: Any, pk: int) -> Person:
    return get_for_user_or_404(
        Person.objects.select_related("division", "grid", "building"), user, pk=pk
    )


def person_find(*, user: Any, id_number: str = "", phone_number: str = "") -> QuerySet[Person]:
    """Persons the user may see, found by a full ID number or phone number (keyed hash, exact)."""
    qs = Person.objects.for_user(user).current()
    if id_number:
        return qs.filter(id_hash=idnumber.search_hash(id_number))
    if phone_number:
        try:
            normalised = phone.normalise(phone_number)
        except phone.PhoneError:
            return qs.none()
        return qs.filter(phone_hash=idnumber.search_hash(normalised))
    return qs.none()


def person_find_any_area(*, id_number: str = "", phone_number: str = "") -> Person | None:
    """The person with this exact ID or phone number anywhere, for linking a hotline caller or a
    roster row to the registry. Never shown to the caller of this function's user as such:
    callers display only what the user's own scope allows."""
    qs = Person.objects.current()
    if id_number:
        return qs.filter(id_hash=idnumber.search_hash(id_number)).first()
    if phone_number:
        try:
            normalised = phone.normalise(phone_number)
        except phone.PhoneError:
            return None
        return qs.filter(phone_hash=idnumber.search_hash(normalised)).first()
    return None


def current_household_of(person: Person) -> Household | None:
    membership = (
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .select_related("household")
        .first()
    )
    return membership.household if membership else None


def active_disability_of(person: Person) -> Disability | None:
    """The person's valid disability certificate (the most severe grade first), or None."""
    return Disability.objects.filter(person=person, is_active=True).order_by("grade", "-pk").first()


def household_members(household: Household) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(household=household, ended_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    )


def id_mask_tier(*, user: Any, person: Person) -> MaskTier:
    """How much of this person's ID number the user sees (SECURITY.md PII-01): first 6 + last 4
    for the grid worker of the person's grid and staff of the person's own community; first 1 +
    last 1 for other staff; nothing for partners and volunteers."""
    scope = scope_of(user)
    if not scope.grants or scope.roles <= NO_PII_ROLES:
        return MaskTier.NONE
    if person.grid_id is not None and person.grid_id in scope.grid_ids():
        return MaskTier.CASE_WORKER
    if any(
        g.role == Role.COMMUNITY_STAFF and g.area_code == person.area_code for g in scope.grants
    ):
        return MaskTier.CASE_WORKER
    return MaskTier.STAFF


def masked_id_number(*, user: Any, person: Person) -> str:
    return idnumber.mask(person.id_number or "", id_mask_tier(user=user, person=person))


def masked_phone(*, user: Any, person: Person) -> str:
    if id_mask_tier(user=user, person=person) is MaskTier.NONE:
        return "（不可见）"
    return phone.mask(person.phone or "")


def household_history(*, household: Household) -> QuerySet[AuditEvent]:
    """The household's history: every audited change of it, its members, their tags,
    disability and assistance (services record them with the household as target)."""
    return (
        AuditEvent.objects.filter(target_type=Household._meta.label, target_id=str(household.pk))
        .exclude(action__startswith="view.")
        .select_related("actor")
        .order_by("-id")
    )


ACTION_LABELS = {
    "registry.household.register": "登记住户",
    "registry.household.import": "导入住户",
    "registry.household.import_update": "导入更新住户",
    "registry.household.demo": "演示数据",
    "registry.household.head_change": "变更户主",
    "registry.household.split": "分户",
    "registry.household.merge": "合户",
    "registry.household.update": "修改住户信息",
    "registry.member.add": "添加成员",
    "registry.member.import": "导入成员",
    "registry.member.move_in": "成员迁入",
    "registry.member.move_out": "成员迁出",
    "registry.member.remove": "移出成员",
    "registry.person.update": "修改居民信息",
    "registry.person.import_update": "导入更新居民",
    "registry.person.deceased": "标记已故",
    "registry.person.moved": "标记迁出",
    "registry.person.merge": "合并重复居民",
    "registry.person.reveal_id": "查看完整身份证号",
    "registry.tag.add": "添加标签",
    "registry.tag.remove": "取消标签",
    "registry.disability.set": "记录残疾信息",
    "registry.assistance.set": "记录救助状态",
    "registry.assistance.end": "终止救助状态",
}
_CHANGE_LABELS = {
    "person_name": "居民", "members": "成员", "address": "地址", "grid": "网格", "relationship": "关系",
    "from": "原", "to": "新", "tag": "标签", "evidence": "依据", "reason": "原因", "type": "类型",
    "grade": "等级", "on": "日期", "destination": "迁往", "started_on": "起始", "file": "文件",
    "source": "来源", "changes": "变更", "kept_name": "保留", "ended": "终止",
}  # fmt: skip


_FIELD_LABELS = {
    "name": "姓名", "ethnicity": "民族", "phone": "联系电话", "address": "地址", "building_id": "楼栋",
    "grid": "网格", "relationship": "关系",
}  # fmt: skip


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value)
    if isinstance(value, dict):
        parts = []
        for field, change in value.items():
            label = _FIELD_LABELS.get(field, "")
            if not label:
                continue
            if isinstance(change, list) and len(change) == 2:
                old, new = ("已修改", "") if change == ["***", "***"] else change
                parts.append(f"{label}：{old or '空'}→{new or '空'}" if new else f"{label}已修改")
            else:
                parts.append(f"{label}：{change}")
        return "，".join(parts)
    return str(value)


def describe_event(event: AuditEvent) -> dict[str, str]:
    """A history line in Chinese: what was done and the readable parts of the change."""
    parts = []
    changes = audit.unsealed(event)
    for key, value in changes.items():
        if key not in _CHANGE_LABELS or value in ("", [], None, {}):
            continue
        if key in ("address", "grid") and "changes" in changes:
            continue  # shown with the before → after of "changes"
        parts.append(f"{_CHANGE_LABELS[key]}：{_shown(value)}")
    return {
        "label": ACTION_LABELS.get(event.action, "其他变更"),
        "summary": "；".join(parts)[:300],
    }


def person_history(*, person: Person) -> QuerySet[AuditEvent]:
    """Changes naming this person: events targeted at him, and household events about him."""
    return (
        AuditEvent.objects.filter(
            Q(target_type=Person._meta.label, target_id=str(person.pk))
            | Q(target_type=Household._meta.label, changes__person=person.pk)
        )
        .exclude(action__startswith="view.")
        .select_related("actor")
        .order_by("-id")
    )


# --- lists ----------------------------------------------------------------------------------


def _looks_like_id(text: str) -> bool:
    normalised = idnumber.normalise(text)
    return len(normalised) in (15, 18) and normalised[:-1].isdigit()


_ID_TAIL = re.compile(r"^\d{3,6}[Xx]?$")
#: Searching by the last digits of an ID decrypts the numbers of the user's area: only where the
#: area is small enough (a grid worker's grids, a community), else the full number is needed.
ID_TAIL_SCAN_LIMIT = 5000


def _looks_like_id_tail(text: str) -> bool:
    return bool(_ID_TAIL.match(text)) and len(text) >= 4


def persons_by_id_tail(*, user: Any, tail: str) -> list[int]:
    """Ids of the living persons of the user's area whose ID number ends with ``tail`` (e.g. the
    last four digits the resident reads out). Empty when the area is too large to scan."""
    tail = tail.upper()
    candidates = Person.objects.for_user(user).filter(status="alive").exclude(id_number="")
    if candidates.count() > ID_TAIL_SCAN_LIMIT:
        return []
    return [
        pk
        for pk, number in candidates.values_list("pk", "id_number")
        if (number or "").upper().endswith(tail)
    ]


def mask_name(name: str) -> str:
    """马德福 → 马*福, 王丽 → 王*: enough to recognise a household on a phone in the street."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def household_label(household: Household) -> str:
    """The household as a phone worker recognises it: the head's masked name and the address."""
    head = mask_name(household.head.name) if household.head_id and household.head else "户主待定"
    return f"{head} · {household.address or household.number}"


def household_list(
    *, user: Any, area_code: str = "", grid_id: int | None = None, tag: str = "", search: str = ""
) -> QuerySet[Household]:
    """Active households the user may see, newest first; filters by division subtree, grid and
    an active tag of a member; search by a full ID number (keyed hash), a name (prefix) or the
    household number. Filters through members resolve to household ids with index-backed
    subqueries (tags by (tag, valid_to, area_code); persons by id_hash or name)."""
    qs = Household.objects.for_user(user).filter(is_active=True)
    qs = filter_given(qs, area_code__startswith=area_code, grid_id=grid_id)
    if tag:
        tagged = VulnerabilityTag.objects.for_user(user).filter(tag=tag, valid_to__isnull=True)
        if area_code:
            tagged = tagged.filter(area_code__startswith=area_code)
        qs = qs.filter(
            pk__in=Membership.objects.filter(
                ended_on__isnull=True, person_id__in=tagged.values("person_id")
            ).values("household_id")
        )
    search = search.strip()
    if search:
        if _looks_like_id(search):
            household_ids = list(
                Membership.objects.filter(
                    ended_on__isnull=True, person__id_hash=idnumber.search_hash(search)
                ).values_list("household_id", flat=True)[:10]
            )
            qs = qs.filter(Q(pk__in=household_ids) | Q(number=search))
        elif _looks_like_id_tail(search):
            persons = persons_by_id_tail(user=user, tail=search)
            qs = qs.filter(
                Q(
                    pk__in=Membership.objects.filter(
                        ended_on__isnull=True, person_id__in=persons
                    ).values("household_id")
                )
                | Q(number=search)
                | Q(number__endswith=f"-{search}")
            )
        else:
            named = Person.objects.for_user(user).filter(name__startswith=search)
            qs = qs.filter(
                Q(
                    pk__in=Membership.objects.filter(
                        ended_on__isnull=True, person_id__in=named.values("pk")
                    ).values("household_id")
                )
                | Q(number=search)
                | Q(number__endswith=f"-{search}")
                | Q(address__contains=search)
            )
    return qs.select_related("division", "grid", "head").order_by("-id")


def person_list(
    *, user: Any, search: str = "", area_code: str = "", grid_id: int | None = None
) -> QuerySet[Person]:
    qs = Person.objects.for_user(user).current()
    qs = filter_given(qs, area_code__startswith=area_code, grid_id=grid_id)
    search = search.strip()
    if search:
        if _looks_like_id(search):
            qs = qs.filter(id_hash=idnumber.search_hash(search))
        else:
            qs = qs.filter(name__startswith=search)
    return qs.select_related("division", "grid").order_by("-id")


def active_tags_of(persons: list[Person]) -> dict[int, list[VulnerabilityTag]]:
    out: dict[int, list[VulnerabilityTag]] = {}
    ids = [p.pk for p in persons]
    for tag in VulnerabilityTag.objects.filter(person_id__in=ids, valid_to__isnull=True).order_by(
        "tag"
    ):
        out.setdefault(tag.person_id, []).append(tag)
    return out


def household_tags(households: list[Household]) -> dict[int, list[str]]:
    """Active tags of the current members of each household (for list pages)."""
    out: dict[int, list[str]] = {}
    rows = (
        VulnerabilityTag.objects.filter(
            valid_to__isnull=True,
            person__memberships__household__in=[h.pk for h in households],
            person__memberships__ended_on__isnull=True,
        )
        .values_list("person__memberships__household_id", "tag")
        .distinct()
    )
    for household_id, tag in rows:
        out.setdefault(household_id, [])
        if tag not in out[household_id]:
            out[household_id].append(tag)
    return out


def household_detail(*, household: Household) -> dict[str, Any]:
    members = list(household_members(household))
    persons = [m.person for m in members]
    ids = [p.pk for p in persons]
    return {
        "members": members,
        "tags": active_tags_of(persons),
        "disabilities": {
            d.person_id: d for d in Disability.objects.filter(person_id__in=ids, is_active=True)
        },
        "assistance": list(household.assistance.order_by("-started_on")),
        "former_members": list(
            Membership.objects.filter(household=household, ended_on__isnull=False)
            .select_related("person")
            .order_by("-ended_on")[:50]
        ),
    }


def key_persons(
    *, user: Any, tag: str = "", grid_id: int | None = None, area_code: str = ""
) -> QuerySet[Person]:
    """The key-person ledger (重点人员台账): living persons with an active tag."""
    tags = VulnerabilityTag.objects.filter(person=OuterRef("pk"), valid_to__isnull=True)
    if tag:
        tags = tags.filter(tag=tag)
    qs = Person.objects.for_user(user).current().filter(status="alive").filter(Exists(tags))
    qs = filter_given(qs, grid_id=grid_id, area_code__startswith=area_code)
    return qs.select_related("division", "grid").order_by("area_code", "grid_id", "id")


def key_persons_by_grid(*, user: Any) -> QuerySet[Any]:
    return (
        VulnerabilityTag.objects.for_user(user)
        .filter(valid_to__isnull=True, person__status="alive", person__merged_into__isnull=True)
        .values("person__division__short_name", "person__grid_id", "person__grid__name")
        .annotate(persons=Count("person", distinct=True), tags=Count("id"))
        .order_by("person__division__short_name", "person__grid__name")
    )


def duplicate_queue(*, user: Any) -> QuerySet[DuplicateCandidate]:
    return (
        DuplicateCandidate.objects.for_user(user)
        .filter(status=DuplicateStatus.OPEN)
        .select_related("person", "other", "person__division", "other__division")
        .order_by("-id")
    )


def duplicate_get_for_user(*, user: Any, pk: int) -> DuplicateCandidate:
    return get_for_user_or_404(
        DuplicateCandidate.objects.select_related("person", "other"), user, pk=pk
    )


def tag_get_for_user(*, user: Any, pk: int) -> VulnerabilityTag:
    return get_for_user_or_404(VulnerabilityTag.objects.select_related("person"), user, pk=pk)


def assistance_get_for_user(*, user: Any, pk: int) -> AssistanceStatus:
    return get_for_user_or_404(AssistanceStatus.objects.select_related("household"), user, pk=pk)


def import_job_get_for_user(*, user: Any, pk: int) -> ImportJob:
    return get_for_user_or_404(ImportJob.objects.all(), user, pk=pk)


def import_jobs_of(*, user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.for_user(user).order_by("-id")


def my_figures(*, user: Any) -> dict[str, int]:
    """For the home panel: households, key persons and open duplicates in the user's scope."""
    return {
        "households": Household.objects.for_user(user).filter(is_active=True).count(),
        "key_persons": key_persons(user=user).count(),
        "duplicates": DuplicateCandidate.objects.for_user(user)
        .filter(status=DuplicateStatus.OPEN)
        .count(),
    }


def villages_for_user(*, user: Any) -> QuerySet[Division]:
    """Communities and villages the user may register households in."""
    scope = scope_of(user)
    q = prefix_q("code", scope.area_prefixes())
    grid_divisions = list(
        Grid.objects.filter(pk__in=list(scope.grid_ids())).values_list("division_id", flat=True)
    )
    if grid_divisions:
        q |= Q(code__in=grid_divisions)
    return Division.objects.filter(q, level=Level.VILLAGE).order_by("code")


def grids_for_user(*, user: Any, division_code: str = "") -> QuerySet[Grid]:
    scope = scope_of(user)
    q = prefix_q("area_code", scope.area_prefixes())
    if scope.grid_ids():
        q |= Q(pk__in=list(scope.grid_ids()))
    qs = Grid.objects.filter(q, is_active=True).select_related("division")
    if division_code:
        qs = qs.filter(division_id=division_code)
    return qs.order_by("area_code", "name")


def write_residents_roster(*, area_code: str, target: Path) -> int:
    """The registry's persons living in the area as the pipeline's `residents` roster; streamed.
    The file holds decrypted ID numbers: it lives in a private temporary directory for the
    length of one run and is deleted with it."""
    household_no = Membership.objects.filter(person=OuterRef("pk"), ended_on__isnull=True).values(
        "household__number"
    )[:1]
    rows = (
        Person.objects.filter(area_code__startswith=area_code, merged_into__isnull=True)
        .annotate(household_no=Subquery(household_no))
        .values_list("id_number", "name", "sex", "birth_date", "division_id", "household_no")
        .order_by("pk")
    )
    count = 0
    with target.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(["id_number", "name", "sex", "birth_date", "division_code", "household_no"])
        for number, name, sex, birth, division, household in rows.iterator(chunk_size=5000):
            writer.writerow(
                [
                    number or "",
                    name,
                    {"M": "男", "F": "女"}.get(sex, ""),
                    birth.isoformat() if birth else "",
                    division,
                    household or "",
                ]
            )
            count += 1
    return count


_TAIL = re.compile(r"^\d{3,5}[\dXx]?$")


def person_search_for_matching(
    *, user: Any, area_code: str, query: str, limit: int = 20
) -> tuple[list[Person], str]:
    """Residents of an area the user may see, found by what a clerk has in front of him: a
    name, the last digits of the ID number and an address fragment ("李秀英 0021", "9号楼"),
    in any combination. The ID tail is checked against the decrypted number of the persons
    found by name or address, so it needs one of them (a hint says so)."""
    qs = Person.objects.for_user(user).current().filter(area_code__startswith=area_code)
    terms = [t for t in re.split(r"[\s,，、]+", query.strip()) if t]
    tails = [t.upper() for t in terms if _TAIL.match(t)]
    words = [t for t in terms if not _TAIL.match(t)]
    if len(terms) == 1 and _looks_like_id(terms[0]):
        return list(qs.filter(id_hash=idnumber.search_hash(terms[0]))[:limit]), ""
    if not words:
        return [], "请同时输入姓名或地址，再用身份证号后几位筛选" if tails else ""
    for word in words:
        qs = qs.filter(
            Q(name__startswith=word)
            | Q(address__contains=word)
            | Q(name_pinyin__startswith=word.lower())
        )
    found = list(
        qs.select_related("division").order_by("name", "id")[: limit * 10 if tails else limit]
    )
    if tails:
        found = [p for p in found if any((p.id_number or "").upper().endswith(t) for t in tails)][
            :limit
        ]
    return found, ""


def active_assistance(*, area_code: str, household_ids: Any = None, on: Any = None) -> Any:
    """(household_id, household area_code, assistance_type) of every assistance status in force
    on ``on`` (default: all not ended) for the active households of the area; for other apps
    (resources issues love cards by tier from it). Streams; no scoping: callers check the
    actor's right to the area."""
    qs = AssistanceStatus.objects.filter(
        household__is_active=True, household__area_code__startswith=area_code
    )
    if household_ids is not None:
        qs = qs.filter(household_id__in=list(household_ids))
    if on is not None:
        qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)
    else:
        qs = qs.filter(ended_on__isnull=True)
    return qs.values_list("household_id", "household__area_code", "assistance_type").iterator(
        chunk_size=5000
    )


def last_ended_assistance(*, household_ids: Any) -> dict[int, tuple[str, Any]]:
    """The most recently ended assistance status of each household: {id: (type, ended_on)}."""
    out: dict[int, tuple[str, Any]] = {}
    rows = (
        AssistanceStatus.objects.filter(
            household_id__in=list(household_ids), ended_on__isnull=False
        )
        .order_by("household_id", "ended_on")
        .values_list("household_id", "assistance_type", "ended_on")
    )
    for household_id, kind, ended_on in rows:
        out[household_id] = (kind, ended_on)
    return out
