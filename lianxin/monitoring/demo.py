"""Demo: departments' rosters for 兴庆区 built from the demo registry (with the noise departments
really send: a lower-case x, a missing ID number, a date typed another way), uploaded as the
county's civil-affairs officer, and one comparison run, so that grid_worker_a has alerts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.accounts.models import User
from lianxin.areas.models import Division
from lianxin.core.democontext import DemoContext

from . import services
from .models import Run

COUNTY = "640104"
AS_OF = dt.date(2026, 11, 1)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def load(ctx: DemoContext) -> None:
    # The comparison reads the residents every app's demo adds (the sunshine factory's employees),
    # so it runs last; otherwise a first run and a second would differ.
    ctx.after_all(_load)


def _load(ctx: DemoContext) -> None:
    from lianxin.registry.models import AssistanceStatus, Disability, Person

    if Run.objects.filter(area_id=COUNTY, as_of=AS_OF).exists():
        ctx.say("大数据比对：演示比对已存在")
        return
    officer = User.objects.filter(username="county_staff_a").first()
    persons = list(
        Person.objects.filter(area_code__startswith=COUNTY, merged_into__isnull=True)
        .exclude(id_number="")
        .order_by("pk")[:400]
    )
    if officer is None or len(persons) < 10:
        ctx.say("大数据比对：兴庆区演示居民不足，跳过")
        return
    rng = random.Random(ctx.seed)
    disabled = {
        d.person_id: d for d in Disability.objects.filter(person__in=persons, is_active=True)
    }
    assisted = {
        a.household_id: a.assistance_type
        for a in AssistanceStatus.objects.filter(
            ended_on__isnull=True, household__area_code__startswith=COUNTY
        )
    }
    from lianxin.registry.selectors import current_household_of

    civil, disability, subsidies, deaths = [], [], [], []
    for person in persons:
        household = current_household_of(person)
        kind = assisted.get(household.pk) if household else None
        number = person.id_number
        typed = number.lower() if rng.random() < 0.2 else number
        if kind in ("低保", "特困", "低保边缘"):
            civil.append(
                [
                    typed,
                    person.name,
                    f"{person.birth_date:%Y/%-m/%-d}" if person.birth_date else "",
                    kind,
                    household.number if household else "",
                ]
            )
        if person.pk in disabled:
            d = disabled[person.pk]
            disability.append(
                [
                    "" if rng.random() < 0.1 else typed,
                    person.name,
                    f"{person.birth_date:%Y%m%d}" if person.birth_date else "",
                    d.disability_type,
                    str(d.grade),
                    number + "41",
                ]
            )
            if rng.random() < 0.5:  # half of them already receive the subsidy they are due
                subsidies.append(
                    [
                        number,
                        person.name,
                        person.birth_date.isoformat() if person.birth_date else "",
                        "nursing" if d.grade <= 2 else "living",
                        "80",
                    ]
                )
    for person in [
        p for p in persons if (home := current_household_of(p)) and assisted.get(home.pk)
    ][:2]:
        deaths.append(
            [
                person.id_number,
                person.name,
                person.birth_date.isoformat() if person.birth_date else "",
                "2026-10-08",
            ]
        )
    area = Division.objects.get(code=COUNTY)
    files = {
        "civil_affairs": (["身份证号", "姓名", "出生日期", "救助类型", "户号"], civil),
        "disability": (
            ["身份证号", "姓名", "出生日期", "残疾类别", "残疾等级", "残疾人证号"],
            disability,
        ),
        "two_subsidies": (
            ["id_number", "name", "birth_date", "subsidy", "monthly_amount"],
            subsidies,
        ),
        "deaths": (["身份证号", "姓名", "出生日期", "死亡日期"], deaths),
    }
    for kind, (header, rows) in files.items():
        from .pipeline.rosters import ROSTER_TITLES

        upload = SimpleUploadedFile(
            f"兴庆区{ROSTER_TITLES[kind]}.csv", _csv(header, rows), content_type="text/csv"
        )
        services.roster_upload(actor=officer, area=area, kind=kind, uploaded=upload)
    run = Run(area=area, as_of=AS_OF, created_by=officer)
    run.save()
    run = services.run_execute(run_id=run.pk)
    ctx.say(
        f"大数据比对：兴庆区名册 {sum(len(r) for _, r in files.values())} 行，预警 {run.alerts_new} 条，待核对 {run.review_rows} 行"
    )
