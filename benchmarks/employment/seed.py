"""Seeded generator for the employment benchmarks: N seekers (verified, of the villages of 银川),
M posts of ~M/10 employers, one season with 60 firms visited, 6 willing, matches and
placements. Rows are bulk-inserted (the services' per-row checks are not what is measured).
Idempotent per size: a marker employer holds the size seeded."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

BENCH_CODE = "BENCH-EMP"


def seed(*, seekers: int, posts: int, seed_value: int = 19) -> dict[str, Any]:
    from django.utils import timezone

    from lianxin.accounts.models import Assignment, User
    from lianxin.areas.models import Division, Level
    from lianxin.core.roles import Role
    from lianxin.directory.models import Organisation, OrgKind
    from lianxin.employment.matching import SKILLS, TYPES
    from lianxin.employment.models import (
        Employer,
        JobSeeker,
        Match,
        OutreachVisit,
        Placement,
        Post,
        Route,
        Season,
    )  # fmt: skip

    rng = random.Random(seed_value)
    city = Division.objects.get(code="6401")
    user, _ = User.objects.get_or_create(
        username="bench_emp_city", defaults={"display_name": "基准"}
    )
    Assignment.objects.get_or_create(
        user=user, role=Role.CITY_STAFF, area=city, grid=None, organisation=None
    )
    marker = Organisation.objects.filter(code=f"{BENCH_CODE}-marker").first()
    season = Season.objects.filter(name="基准援助月").first()
    if marker and marker.name == f"{seekers}x{posts}" and season:
        return {"user": user, "season": season}
    with transaction.atomic():
        Placement.objects.all().delete()
        Match.objects.all().delete()
        OutreachVisit.objects.all().delete()
        Post.objects.all().delete()
        JobSeeker.objects.all().delete()
        Employer.objects.all().delete()
        Season.objects.all().delete()
        Organisation.objects.filter(code__startswith=BENCH_CODE).delete()
        villages = list(
            Division.objects.filter(level=Level.VILLAGE, code__startswith="6401").values_list(
                "code", flat=True
            )
        )
        counties = list(Division.objects.filter(level=Level.COUNTY, code__startswith="6401"))
        today = timezone.localdate()
        season = Season.objects.create(name="基准援助月", area=city, starts_on=today, ends_on=today)
        orgs = Organisation.objects.bulk_create(
            Organisation(code=f"{BENCH_CODE}-{i}", name=f"基准企业{i}", kind=OrgKind.ENTERPRISE,
                         level=Level.COUNTY, area=counties[i % len(counties)], area_code=counties[i % len(counties)].code)
            for i in range(max(60, posts // 10))
        )  # fmt: skip
        employers = Employer.objects.bulk_create(
            Employer(organisation=o, area_code=o.area_code, staff_count=rng.randint(20, 2000),
                     latitude=38.4 + rng.random() * 0.2, longitude=106.1 + rng.random() * 0.3)
            for o in orgs
        )  # fmt: skip
        OutreachVisit.objects.bulk_create(
            OutreachVisit(employer=e, season=season, visited_on=today, willing=i < 6, area_code=e.area_code)
            for i, e in enumerate(employers[:60])
        )  # fmt: skip
        post_rows = []
        for i in range(posts):
            e = employers[i % len(employers)]
            post_rows.append(Post(
                employer=e, season=season if i < 23 else None, title=f"岗位{i}", route=rng.choice(Route.values),
                skills=rng.sample(SKILLS, rng.randint(0, 3)), headcount=1 if i < 23 else rng.randint(1, 5),
                monthly_pay_fen=rng.randint(18, 45) * 10_000, daily_minutes=rng.choice([180, 210, 240, 360, 480]),
                social_insurance=rng.random() < 0.7, accessible=rng.random() < 0.5,
                suitable_types=rng.sample(TYPES, rng.randint(1, 4)), suitable_grades=sorted(rng.sample([1, 2, 3, 4], rng.randint(1, 4))),
                latitude=e.latitude, longitude=e.longitude, area_code=e.area_code,
            ))  # fmt: skip
        post_objs = Post.objects.bulk_create(post_rows, batch_size=2000)
        seeker_rows = []
        for i in range(seekers):
            v = rng.choice(villages)
            seeker_rows.append(JobSeeker(
                name=f"基准{i}", division_id=v, area_code=v, source="federation", status="verified",
                disability_type=rng.choice(TYPES), disability_grade=rng.randint(1, 4),
                skills=rng.sample(SKILLS, rng.randint(0, 4)), expected_pay_fen=rng.randint(15, 40) * 10_000,
                max_daily_minutes=rng.choice([180, 210, 240, 300, 480]), max_commute_km=rng.choice([3, 5, 10, 20]),
                latitude=38.4 + rng.random() * 0.2, longitude=106.1 + rng.random() * 0.3,
                needs_accessible=rng.random() < 0.2, preferred_posts="不限",
            ))  # fmt: skip
        seeker_objs = JobSeeker.objects.bulk_create(seeker_rows, batch_size=2000)
        Match.objects.bulk_create(
            Match(seeker=s, post=post_objs[i % 23], season=season, area_code=s.area_code, score=80)
            for i, s in enumerate(seeker_objs[:9])
        )  # fmt: skip
        for s in seeker_objs[:5]:
            s.status = "placed"
        Placement.objects.bulk_create(
            Placement(seeker=s, route=Route.FIRM, employer=post_objs[i].employer, post=post_objs[i], season=season,
                      started_on=today, monthly_pay_fen=300_000, daily_minutes=240, area_code=s.area_code)
            for i, s in enumerate(seeker_objs[:5])
        )  # fmt: skip
        JobSeeker.objects.filter(pk__in=[s.pk for s in seeker_objs[:5]]).update(status="placed")
        Organisation.objects.create(code=f"{BENCH_CODE}-marker", name=f"{seekers}x{posts}", kind=OrgKind.ENTERPRISE,
                                    level=Level.CITY, area=city)  # fmt: skip
    return {"user": user, "season": season}
