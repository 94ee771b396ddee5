"""Routes of roster comparison (monitoring)."""

from __future__ import annotations

import datetime as dt

from tests.access.registry import RouteSpec, on_b


def _b_run(w):
    from lianxin.monitoring.models import Run

    run, _ = Run.objects.get_or_create(
        area=w.b.county, as_of=dt.date(2026, 11, 1), defaults={"status": "done"}
    )
    return run


def _b_roster(w):
    from lianxin.monitoring.models import RosterImport

    item, _ = RosterImport.objects.get_or_create(
        kind="deaths",
        area=w.b.county,
        original_name="中宁县死亡名册.csv",
        defaults={"stored_path": "/nonexistent", "file_sha256": "0" * 64, "headers": ["身份证号"]},
    )
    return {"pk": item.pk}


def _b_alert(w):
    from lianxin.core import idnumber
    from lianxin.monitoring.models import Alert
    from lianxin.monitoring.tests.factories import make_id, resident
    from lianxin.registry.models import Person

    birth = dt.date(1940, 1, 1)
    number = make_id(w.b.county.code, birth, 901)
    person = Person.objects.filter(id_hash=idnumber.search_hash(number)).first() or resident(
        site=w.b, name="刘庄村居民", birth=birth, seq=901
    )
    alert, _ = Alert.objects.get_or_create(
        run=_b_run(w),
        person=person,
        rule="elderly_living_alone",
        evidence_hash="e" * 64,
        defaults={"detail": "刘庄村居民 独居", "area_code": person.area_code, "grid": person.grid},
    )
    return {"pk": alert.pk}


def _b_review(w):
    from lianxin.monitoring.models import ReviewItem

    item, _ = ReviewItem.objects.get_or_create(
        run=_b_run(w),
        area_code=w.b.county.code,
        source="deaths",
        row_number=2,
        defaults={"name": "刘庄村某人", "reason": "无法确定"},
    )
    return {"pk": item.pk}


ROUTES: dict[str, RouteSpec] = {
    "monitoring:index": RouteSpec(),
    "monitoring:roster_upload": RouteSpec(),
    "monitoring:roster_detail": on_b(
        _b_roster, methods=("get", "post"), roles=("county_staff", "city_staff", "township_staff")
    ),
    "monitoring:run_list": RouteSpec(leak_marker=lambda w: (_b_run(w), "中宁县")[1]),
    "monitoring:run_detail": on_b(
        lambda w: {"pk": _b_run(w).pk}, roles=("county_staff", "city_staff", "township_staff")
    ),
    "monitoring:alert_list": RouteSpec(leak_marker=lambda w: (_b_alert(w), "刘庄村居民")[1]),
    "monitoring:alert_detail": on_b(
        _b_alert, methods=("get", "post"), roles=("grid_worker", "community_staff", "county_staff")
    ),
    "monitoring:review_list": RouteSpec(leak_marker=lambda w: (_b_review(w), "刘庄村某人")[1]),
    "monitoring:review_match": on_b(
        _b_review, roles=("county_staff", "city_staff", "township_staff")
    ),
    "monitoring:roster_template": RouteSpec(
        kwargs=lambda w: {"kind": "deaths"}, notes="a blank template: nothing of any area"
    ),
    "monitoring:column_names": RouteSpec(
        notes="the dictionary of column names is the same for every area (no personal data)"
    ),
    "monitoring:review_resolve": on_b(
        _b_review, methods=("post",), roles=("county_staff", "city_staff", "township_staff")
    ),
    "monitoring:rule_settings": RouteSpec(),
    "api:monitoring_run_list": RouteSpec(
        leak_marker=lambda w: (_b_run(w), '"area_code":"640521"')[1]
    ),
    "api:monitoring_run_detail": on_b(
        lambda w: {"pk": _b_run(w).pk}, roles=("county_staff", "city_staff", "township_staff")
    ),
    "api:monitoring_alert_list": RouteSpec(leak_marker=lambda w: (_b_alert(w), "刘庄村居民")[1]),
    "api:monitoring_alert_detail": on_b(
        _b_alert, roles=("grid_worker", "community_staff", "county_staff")
    ),
    "api:monitoring_alert_verify": on_b(
        _b_alert,
        {"confirmed": False, "note": "越权"},
        roles=("grid_worker", "community_staff", "county_staff"),
    ),
}
