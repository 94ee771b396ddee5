"""Demo residents: the households of DOMAIN.md's real cases with fixed household numbers (the
care team relies on them), and a seeded generator of realistic synthetic households anywhere in
Ningxia (`lianxin demo --households N`). Idempotent: numbers are deterministic and existing
households are left alone. Synthetic households are bulk-inserted (a few seconds for 300)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lianxin.areas.models import Division, Grid, Level
from lianxin.areas.selectors import DATA_DIR
from lianxin.core import audit, idnumber
from lianxin.core.democontext import DemoContext

from . import services
from .models import (
    AssistanceStatus,
    Disability,
    Household,
    HouseholdType,
    Membership,
    Person,
    PersonStatus,
    VulnerabilityTag,
)
from .services import MemberInput, certificate_number, name_pinyin

TODAY = dt.date(2026, 11, 22)


@dataclass(frozen=True)
class CaseMember:
    name: str
    birth: dt.date
    sex: str
    relationship: str
    ethnicity: str = "汉族"
    tags: tuple[tuple[str, str], ...] = ()  # (tag, evidence)
    disability: tuple[str, int] | None = None
    status: str = PersonStatus.ALIVE
    status_note: str = ""


@dataclass(frozen=True)
class Case:
    number: str
    village: str
    address: str
    members: tuple[CaseMember, ...]
    assistance: tuple[str, ...] = ()
    note: str = ""


# fmt: off
CASES: tuple[Case, ...] = (
    Case(
        "640104001007-001", "640104001007", "安秀社区3号楼2单元101",
        (
            CaseMember("马德福", dt.date(1952, 3, 12), "M", "户主", "回族"),
            CaseMember("李秀兰", dt.date(1954, 8, 20), "F", "配偶", "回族"),
            CaseMember("马小军", dt.date(2013, 5, 6), "M", "孙子女", "回族", tags=(("困境儿童", "父亲病故，母亲离家，由年过七旬的祖父母抚养"), ("事实无人抚养儿童", "父亲死亡、母亲离家失联"))),
            CaseMember("马建军", dt.date(1982, 1, 15), "M", "儿子", "回族", status=PersonStatus.DECEASED, status_note="2022年病故"),
            CaseMember("王丽", dt.date(1986, 9, 9), "F", "儿媳", "汉族", status=PersonStatus.MOVED, status_note="离家，去向不明"),
        ),
        note="13岁男孩由祖父母抚养；父亲去世，母亲离家",
    ),
    Case(
        "640521103208-001", "640521103208", "刘庄村二组15号",
        (
            CaseMember("王梅", dt.date(1979, 10, 3), "F", "户主", disability=("肢体", 2), tags=(("支出型困难", "残疾致就业困难，临时救助4140元"),)),
            CaseMember("刘志强", dt.date(2004, 6, 18), "M", "儿子"),
        ),
        assistance=("支出型困难",),
        note="残疾妇女，临时救助并安排公益性岗位",
    ),
    Case(
        "640502108214-001", "640502108214", "姚滩村四组8号",
        (
            CaseMember("张建国", dt.date(1958, 12, 1), "M", "户主", tags=(("重病", "慢性阻塞性肺病，冬季无取暖设施"),)),
            CaseMember("赵桂花", dt.date(1961, 2, 14), "F", "配偶"),
        ),
        assistance=("低保",),
        note="冬季无取暖（煤改电由爱心企业免费安装）",
    ),
    Case(
        "640221100001-001", "640221100001", "古城社区平安巷6号",
        (
            CaseMember("陈福", dt.date(1956, 7, 7), "M", "户主", disability=("视力", 1), tags=(("高龄独居", "独居盲人，需无障碍改造"),)),
        ),
        assistance=("特困",),
        note="盲人，无障碍改造",
    ),
    Case(
        "640402002006-001", "640402002006", "警民路社区12号楼1单元402",
        (
            CaseMember("杨海", dt.date(1978, 4, 21), "M", "户主", "回族"),
            CaseMember("周丽", dt.date(1983, 11, 2), "F", "配偶", "回族", disability=("智力", 2)),
            CaseMember("杨小花", dt.date(2015, 9, 1), "F", "女儿", "回族", tags=(("事实无人抚养儿童", "经认定为事实无人抚养儿童，每月1200元"),)),
        ),
        assistance=("低保",),
        note="妻子智力残疾，女儿为事实无人抚养儿童，已安排廉租房",
    ),
    Case(
        "640106002001-001", "640106002001", "金家巷社区（租住危房）",
        (
            CaseMember("杜林", dt.date(1975, 6, 30), "M", "户主"),
            CaseMember("刘芳", dt.date(1979, 3, 8), "F", "配偶", tags=(("支出型困难", "租住危房十年，无取暖"),)),
            CaseMember("杜小雨", dt.date(2011, 12, 12), "F", "女儿", tags=(("困境儿童", "居住危房，学习条件差"),)),
        ),
        note="妻女租住危房十年、无取暖；公租房绿色通道",
    ),
)
# fmt: on

HUI_SURNAMES = ["马", "杨", "丁", "海", "金", "纳", "穆", "冶", "虎", "拜", "田", "李", "撒", "黑"]
HAN_SURNAMES = [
    "王",
    "张",
    "李",
    "刘",
    "陈",
    "杨",
    "赵",
    "周",
    "吴",
    "徐",
    "孙",
    "朱",
    "高",
    "何",
    "郭",
    "罗",
    "梁",
    "宋",
    "郑",
    "韩",
    "冯",
    "于",
    "董",
    "许",
]
MALE_NAMES = [
    "建国",
    "志强",
    "文华",
    "海军",
    "永福",
    "德明",
    "国栋",
    "学军",
    "宏伟",
    "有才",
    "玉龙",
    "忠",
    "伟",
    "斌",
    "军",
    "涛",
    "鹏",
    "浩然",
    "子轩",
    "宇航",
    "俊杰",
    "明",
    "小龙",
    "振华",
    "福林",
]
FEMALE_NAMES = [
    "秀兰",
    "桂花",
    "丽",
    "芳",
    "玉梅",
    "淑珍",
    "海燕",
    "红梅",
    "静",
    "敏",
    "娟",
    "霞",
    "梅",
    "婷",
    "欣怡",
    "雨涵",
    "思琪",
    "小雨",
    "佳怡",
    "子涵",
    "雪",
    "兰花",
    "凤英",
    "玉兰",
]
DISABILITY_TYPES = [
    ("肢体", 40),
    ("视力", 14),
    ("听力", 20),
    ("言语", 2),
    ("智力", 8),
    ("精神", 8),
    ("多重", 8),
]


def load(ctx: DemoContext) -> None:
    made = cases_load()
    ctx.say(f"居民：真实案例住户 新增 {made} 户（共 {len(CASES)} 户）")
    created, persons = synthetic_load(count=ctx.households, seed=ctx.seed)
    ctx.say(
        f"居民：合成住户 新增 {created} 户 {persons} 人；共 {Household.objects.count()} 户 {Person.objects.count()} 人"
    )
    ctx.extras["registry_cases"] = {c.number: c.note for c in CASES}


def _village(code: str) -> Division | None:
    division = Division.objects.filter(code=code).first()
    if division is None:
        division = (
            Division.objects.filter(code__startswith=code[:9], level=Level.VILLAGE)
            .order_by("code")
            .first()
        )
    return division


def _case_id(region: str, birth: dt.date, sex: str, salt: int) -> str:
    """Deterministic ID numbers of the case persons (sequence 9xx keeps them apart)."""
    for n in range(salt, salt + 50):
        seq = 900 + (n % 50) * 2 + (1 if sex == "M" else 0)
        body = f"{region}{birth:%Y%m%d}{seq:03d}"
        number = body + idnumber.check_digit(body)
        if not Person.objects.filter(id_hash=idnumber.search_hash(number)).exists():
            return number
    raise RuntimeError("no free case ID number")  # pragma: no cover


def cases_load() -> int:
    """The real cases of DOMAIN.md, each in the first grid of its community."""
    made = 0
    for i, case in enumerate(CASES):
        if Household.objects.filter(number=case.number).exists():
            continue
        village = _village(case.village)
        if village is None:
            continue
        grid = Grid.objects.filter(division=village).order_by("name").first()
        with transaction.atomic():
            ids = {
                m.name: _case_id(case.village[:6], m.birth, m.sex, i * 7 + j)
                for j, m in enumerate(case.members)
            }
            household = services.household_register(
                actor=None,
                division=village,
                grid=grid,
                number=case.number,
                address=case.address,
                members=[
                    MemberInput(
                        name=m.name,
                        id_number=ids[m.name],
                        relationship=m.relationship,
                        ethnicity=m.ethnicity,
                    )
                    for m in case.members
                ],
                started_on=dt.date(2015, 1, 1),
            )
            for m in case.members:
                person = Person.objects.get(id_hash=idnumber.search_hash(ids[m.name]))
                if m.disability:
                    services.disability_set(
                        actor=None,
                        person=person,
                        disability_type=m.disability[0],
                        grade=m.disability[1],
                        issued_on=dt.date(2018, 6, 1),
                    )
                for tag, evidence in m.tags:
                    services.tag_add(
                        actor=None, person=person, tag=tag, evidence=evidence, source="入户调查"
                    )
                if m.status == PersonStatus.DECEASED:
                    services.person_mark_deceased(
                        actor=None, person=person, on=dt.date(2022, 3, 1), evidence=m.status_note
                    )
                elif m.status == PersonStatus.MOVED:
                    services.person_mark_moved(
                        actor=None, person=person, on=dt.date(2023, 5, 1), destination=m.status_note
                    )
            for kind in case.assistance:
                services.assistance_set(
                    actor=None,
                    household=household,
                    assistance_type=kind,
                    started_on=dt.date(2024, 1, 1),
                    source="民政部门",
                )
        made += 1
    return made


# --- synthetic households -------------------------------------------------------------------


def _county_codes() -> tuple[list[str], list[str]]:
    current = list(Division.objects.filter(level=Level.COUNTY).values_list("code", flat=True))
    with (DATA_DIR / "historical_codes.csv").open(encoding="utf-8") as fh:
        historical = [row["code"] for row in csv.DictReader(fh) if len(row["code"]) == 6]
    return current, historical


def _name(rng: random.Random, hui: bool, sex: str, surname: str | None = None) -> str:
    surname = surname or rng.choice(HUI_SURNAMES if hui else HAN_SURNAMES)
    return surname + rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)


def _birth(rng: random.Random, age_low: int, age_high: int) -> dt.date:
    age = rng.randint(age_low, age_high)
    return dt.date(TODAY.year - age, rng.randint(1, 12), rng.randint(1, 28))


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(["139", "138", "137", "135", "151", "158", "187", "189", "177", "199"])
        + f"{rng.randint(0, 99999999):08d}"
    )


def _household_shape(rng: random.Random) -> list[tuple[str, int, int, str]]:
    """(relationship, min age, max age, sex or '') of each member; plausible Ningxia shapes."""
    roll = rng.random()
    if roll < 0.10:
        return [("户主", 70, 92, "")]
    if roll < 0.22:
        return [("户主", 62, 85, "M"), ("配偶", 60, 83, "F")]
    if roll < 0.35:
        return [("户主", 25, 60, "")]
    if roll < 0.75:
        kids = rng.choice([1, 1, 2, 2, 3])
        return [("户主", 28, 52, "M"), ("配偶", 26, 50, "F")] + [
            (rng.choice(["儿子", "女儿"]), 0, 22, "") for _ in range(kids)
        ]
    return [
        ("户主", 45, 68, "M"),
        ("配偶", 43, 66, "F"),
        ("儿子", 22, 40, "M"),
        ("儿媳", 21, 38, "F"),
    ] + [("孙子女", 0, 14, "") for _ in range(rng.choice([1, 2]))]


def _avoid_stored_ids(persons: list[Person], used_ids: set[str], seed: int) -> None:
    """Give another sequence number (same region, birth date and sex) to a new person whose ID
    number is already stored — by a household of another seed or a case household (#15)."""
    for start in range(0, len(persons), 500):
        chunk = persons[start : start + 500]
        taken = set(
            Person.objects.filter(id_hash__in=[p.id_hash for p in chunk]).values_list(
                "id_hash", flat=True
            )
        )
        for person in chunk:
            if person.id_hash not in taken:
                continue
            rng = random.Random(f"lianxin-demo-redraw:{seed}:{person.id_number}")
            while True:
                seq = rng.randrange(0, 450) * 2 + (1 if person.sex == "M" else 0)
                body = f"{person.id_number[:14]}{seq:03d}"
                number = body + idnumber.check_digit(body)
                digest = idnumber.search_hash(number)
                if number not in used_ids and not Person.objects.filter(id_hash=digest).exists():
                    break
            used_ids.add(number)
            person.id_number, person.id_hash = number, digest


def synthetic_load(*, count: int, seed: int) -> tuple[int, int]:
    """``count`` synthetic households: half in the demo communities' grids, half spread over
    other villages of Ningxia; ~6% of persons disabled; 低保 ~5%, 特困 ~1%, 低保边缘 ~2%,
    支出型困难 ~1% of households; valid ID numbers with real (some historical) county codes."""
    if count <= 0:
        return 0, 0
    rng = random.Random(seed)
    demo_grids = list(
        Grid.objects.filter(name__startswith="第")
        .select_related("division")
        .order_by("area_code", "name")[:40]
    )
    villages = list(
        Division.objects.filter(level=Level.VILLAGE).order_by("code").values_list("code", "name")
    )
    current, historical = _county_codes()
    plans = []
    for index in range(count):
        if demo_grids and index % 2 == 0:
            grid = demo_grids[rng.randrange(len(demo_grids))]
            village_code, village_name = grid.division_id, grid.division.name
        else:
            grid = None
            village_code, village_name = villages[rng.randrange(len(villages))]
        number = f"{village_code}-S{seed % 10000:04d}{index:05d}"
        plans.append((number, village_code, village_name, grid, rng.random()))
    existing: set[str] = set()
    numbers = [p[0] for p in plans]
    for start in range(0, len(numbers), 500):
        existing.update(
            Household.objects.filter(number__in=numbers[start : start + 500]).values_list(
                "number", flat=True
            )
        )
    households: list[Household] = []
    members: list[tuple[int, Person, str]] = []
    disabilities: list[tuple[int, str, int]] = []
    tags: list[tuple[int, str, str]] = []
    assistance: list[tuple[int, str]] = []
    used_ids: set[str] = set()
    now = timezone.now()
    for number, village_code, village_name, grid, _r in plans:
        if number in existing:
            continue
        # each household draws from its own generator, seeded by the seed and its number: what
        # it holds does not depend on --households nor on the households already there (#15)
        hrng = random.Random(f"lianxin-demo:{seed}:{number}")
        hui = hrng.random() < (0.55 if village_code.startswith(("6403", "6404", "6405")) else 0.3)
        rural = village_name.endswith(("村委会", "村"))
        h_index = len(households)
        building = f"{hrng.randint(1, 30)}号楼{hrng.randint(1, 4)}单元{hrng.randint(1, 6)}0{hrng.randint(1, 4)}"
        address = f"{hrng.randint(1, 9)}组{hrng.randint(1, 80)}号" if rural else building
        households.append(
            Household(
                number=number,
                division_id=village_code,
                area_code=village_code,
                grid=grid,
                address=address,
                household_type=HouseholdType.RURAL if rural else HouseholdType.URBAN,
                created_at=now,
            )
        )
        surname = hrng.choice(HUI_SURNAMES if hui else HAN_SURNAMES)
        shape = _household_shape(hrng)
        head_sex = shape[0][3] or hrng.choice("MF")
        persons_here = []
        for relationship, low, high, sex in shape:
            sex = (
                {
                    "户主": head_sex,
                    "配偶": "F" if head_sex == "M" else "M",
                    "儿子": "M",
                    "女儿": "F",
                    "儿媳": "F",
                }.get(relationship)
                or sex
                or hrng.choice("MF")
            )
            birth = _birth(hrng, low, high)
            region = (
                hrng.choice(historical)
                if historical and hrng.random() < 0.08
                else (village_code[:6] if hrng.random() < 0.8 else hrng.choice(current))
            )
            while True:
                seq = hrng.randrange(0, 450) * 2 + (1 if sex == "M" else 0)
                body = f"{region}{birth:%Y%m%d}{seq:03d}"
                id_number = body + idnumber.check_digit(body)
                if id_number not in used_ids:
                    used_ids.add(id_number)
                    break
            own_surname = surname if relationship not in ("配偶", "儿媳") else None
            name = _name(hrng, hui, sex, own_surname)
            phone_number = (
                _phone(hrng) if (TODAY.year - birth.year) >= 16 and hrng.random() < 0.85 else ""
            )
            person = Person(
                id_number=id_number,
                id_hash=idnumber.search_hash(id_number),
                name=name,
                name_pinyin=name_pinyin(name),
                sex=sex,
                birth_date=birth,
                ethnicity="回族"
                if hui
                else hrng.choice(["汉族"] * 20 + ["满族", "蒙古族", "东乡族"]),
                phone=phone_number,
                phone_hash=idnumber.search_hash(phone_number) if phone_number else "",
                registered_area_code=region,
                division_id=village_code,
                area_code=village_code,
                grid=grid,
                address=address,
                created_at=now,
            )
            members.append((h_index, person, relationship))
            persons_here.append((person, relationship, birth))
            age = TODAY.year - birth.year
            if hrng.random() < 0.06:
                kind = hrng.choices(
                    [k for k, _ in DISABILITY_TYPES], [w for _, w in DISABILITY_TYPES]
                )[0]
                disabilities.append(
                    (len(members) - 1, kind, hrng.choices([1, 2, 3, 4], [12, 25, 30, 33])[0])
                )
            if age < 18 and len(shape) > 2 and hrng.random() < 0.05:
                tags.append((len(members) - 1, "留守儿童", "父母均外出务工"))
        if len(shape) == 1 and TODAY.year - persons_here[0][2].year >= 75:
            tags.append((len(members) - 1, "高龄独居", "独居老人，网格员每周走访"))
        if (
            len(shape) == 2
            and shape[0][0] == "户主"
            and shape[1][0] == "配偶"
            and TODAY.year - persons_here[0][2].year >= 65
        ):
            tags.append((len(members) - 2, "空巢老人", "子女在外地"))
        roll = hrng.random()
        kind = (
            "低保"
            if roll < 0.05
            else "特困"
            if roll < 0.06
            else "低保边缘"
            if roll < 0.08
            else "支出型困难"
            if roll < 0.09
            else ""
        )
        if kind:
            assistance.append((h_index, kind))
            tags.append((len(members) - len(shape), kind, "民政部门认定"))
    _avoid_stored_ids([p for _h, p, _r in members], used_ids, seed)
    if not households:
        return 0, 0
    with transaction.atomic():
        Household.objects.bulk_create(households, batch_size=500)
        persons = [p for _h, p, _r in members]
        Person.objects.bulk_create(persons, batch_size=500)
        started = dt.date(2020, 1, 1)
        Membership.objects.bulk_create(
            [
                Membership(
                    household=households[h],
                    person=p,
                    relationship=r,
                    started_on=started,
                    area_code=households[h].area_code,
                )
                for h, p, r in members
            ],
            batch_size=500,
        )
        for h, p, r in members:
            if r == "户主":
                households[h].head = p
        Household.objects.bulk_update(households, ["head"], batch_size=500)
        Disability.objects.bulk_create(
            [
                Disability(
                    person=persons[i],
                    disability_type=kind,
                    grade=grade,
                    certificate_number=certificate_number(persons[i].id_number, kind, grade),
                    issued_on=dt.date(2019, 5, 1),
                    area_code=persons[i].area_code,
                )
                for i, kind, grade in disabilities
            ],
            batch_size=500,
        )
        tag_rows = [
            VulnerabilityTag(
                person=persons[i],
                tag=tag,
                evidence=evidence,
                source="演示数据",
                valid_from=dt.date(2024, 1, 1),
                area_code=persons[i].area_code,
            )
            for i, tag, evidence in tags
        ] + [
            VulnerabilityTag(
                person=persons[i],
                tag="残疾",
                evidence=f"{kind}残疾{grade}级",
                source="残疾人证",
                valid_from=dt.date(2019, 5, 1),
                area_code=persons[i].area_code,
            )
            for i, kind, grade in disabilities
        ]
        seen: set[tuple[int, str]] = set()
        unique_tags = []
        for row in tag_rows:
            key = (row.person.pk, row.tag)
            if key not in seen:
                seen.add(key)
                unique_tags.append(row)
        VulnerabilityTag.objects.bulk_create(unique_tags, batch_size=500)
        AssistanceStatus.objects.bulk_create(
            [
                AssistanceStatus(
                    household=households[h],
                    assistance_type=kind,
                    started_on=dt.date(2024, 1, 1),
                    source="演示数据",
                    area_code=households[h].area_code,
                )
                for h, kind in assistance
            ],
            batch_size=500,
        )
        audit.record_many(
            {
                "actor": None,
                "action": "registry.household.demo",
                "target": h,
                "changes": {"seed": seed},
            }
            for h in households
        )
    return len(households), len(members)
