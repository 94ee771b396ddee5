"""Seeded generator of Ningxia residents, the six department rosters, and the true alerts.

    python benchmarks/monitoring/generate.py --n 1000000 --out var/bench/1m [--seed 7] [--xlsx]

Everything is vectorised (numpy + polars): 7.2 million residents take well under a
minute. Roster rows carry the noise of contracts/monitoring.md: missing IDs, one wrong
digit, two digits swapped, full-width digits, lower-case x, surrounding spaces,
homophone characters and stray spaces in names, dates in five forms and Excel serials.
`truth.csv` lists the alerts the clean data calls for (computed here, independently of
the pipeline's SQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
DIVISIONS = ROOT / "lianxin" / "areas" / "data" / "ningxia_divisions.csv"
HISTORICAL_COUNTIES = ("640102", "640103", "640111", "640121", "640221", "640321")
OUTSIDE_REGIONS = ("110101", "120103", "610102", "620102", "150102", "410105")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤章柳"
)
MALE_CHARS = "伟明军华杰刚平建勇涛斌辉文强峰海波鹏飞龙磊超东亮林国志春成俊宏武福贵玉忠德祥学宁兵新金荣浩宇轩博晨哲"
FEMALE_CHARS = "丽静英芳红玲燕霞敏娟艳梅兰莉琴秀桂凤萍雪慧婷娜琳倩颖洁文佳欣怡月云晶丹瑶璐悦蕾"
# Characters a clerk may type for one another (same toneless pinyin).
HOMOPHONES = {
    "伟": "玮", "玮": "伟", "明": "铭", "铭": "明", "丽": "莉", "莉": "丽", "静": "靖",
    "军": "君", "华": "桦", "英": "瑛", "芳": "方", "峰": "锋", "杰": "洁", "洁": "杰",
    "红": "虹", "刚": "钢", "平": "萍", "萍": "平", "玲": "铃", "建": "健", "勇": "永",
    "涛": "滔", "斌": "彬", "辉": "晖", "燕": "艳", "艳": "燕", "霞": "侠", "文": "雯",
    "敏": "闽", "强": "蔷", "张": "章", "章": "张", "刘": "柳", "柳": "刘", "徐": "许",
    "许": "徐", "江": "姜", "姜": "江", "王": "汪", "李": "黎", "黎": "李", "杨": "阳",
}  # fmt: skip
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.array(list("10X98765432"))
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
EXCEL_EPOCH = np.datetime64("1899-12-30")
DISABILITY_TYPES = ("肢体", "视力", "听力", "言语", "智力", "精神", "多重")
ROSTERS = ("residents", "civil_affairs", "disability", "two_subsidies", "deaths", "medical")


@dataclass(frozen=True)
class Generated:
    residents: int
    rows: dict[str, int]
    truth: int
    seconds: float


def county_codes() -> list[str]:
    frame = pl.read_csv(DIVISIONS, schema_overrides={"code": pl.Utf8, "parent_code": pl.Utf8})
    return frame.filter(pl.col("level") == "county")["code"].to_list()


def check_chars(digits17: np.ndarray) -> np.ndarray:
    """GB 11643 check characters for an (n, 17) array of digits."""
    return CHECK_CHARS[(digits17 @ ID_WEIGHTS) % 11]


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def make_ids(region: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """18-character ID numbers from int region codes, datetime64[D] births, int sequences."""
    days = birth.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    ymd_int = year * 10000 + month * 100 + day
    digits = np.concatenate([_digits(region, 6), _digits(ymd_int, 8), _digits(seq, 3)], axis=1)
    body = (
        pl.Series(region).cast(pl.Utf8)
        + pl.Series(ymd_int).cast(pl.Utf8)
        + pl.Series(seq).cast(pl.Utf8).str.zfill(3)
    )
    return (body + pl.Series(check_chars(digits))).to_numpy()


def _text(values: np.ndarray) -> np.ndarray:
    """Numbers or datetime64[D] as strings, fast (polars casts, not numpy's astype(str))."""
    return pl.Series(values).cast(pl.Utf8).to_numpy()


def _ends_with_x(ids: np.ndarray) -> np.ndarray:
    return pl.Series(ids, dtype=pl.Utf8).str.ends_with("X").to_numpy()


def _pick(
    rng: np.random.Generator, pool: str, size: int, weights: np.ndarray | None = None
) -> np.ndarray:
    return np.array(list(pool))[rng.choice(len(pool), size=size, p=weights)]


def _surname_weights() -> np.ndarray:
    ranks = np.arange(1, len(SURNAMES) + 1, dtype=float)
    weights = 1.0 / ranks**0.9
    weights[SURNAMES.index("马")] *= 4  # 马 is among the commonest surnames in Ningxia (Hui)
    return weights / weights.sum()


def _format_dates(rng: np.random.Generator, dates: np.ndarray) -> np.ndarray:
    """Dates in the five forms departments type, plus Excel serial numbers."""
    d = dates.astype("datetime64[D]")
    iso = _text(d)
    frame = pl.DataFrame({"iso": iso})
    y = frame["iso"].str.slice(0, 4)
    m = frame["iso"].str.slice(5, 2).cast(pl.Int32).cast(pl.Utf8)
    day = frame["iso"].str.slice(8, 2).cast(pl.Int32).cast(pl.Utf8)
    forms = [
        frame["iso"],
        y + "/" + m + "/" + day,
        y + "." + m + "." + day,
        frame["iso"].str.replace_all("-", ""),
        y + "年" + m + "月" + day + "日",
        pl.Series(_text((d - EXCEL_EPOCH).astype(np.int64))),
    ]
    choice = rng.choice(len(forms), size=len(d), p=[0.4, 0.15, 0.1, 0.15, 0.1, 0.1])
    out = np.empty(len(d), dtype=object)
    for i, form in enumerate(forms):
        mask = choice == i
        out[mask] = form.to_numpy()[mask]
    return out


# Share of roster rows whose ID number is typed with each kind of noise (cumulative bands).
ID_MISSING, ID_TYPO, ID_SWAP, ID_FULLWIDTH, ID_SPACES = 0.008, 0.005, 0.002, 0.004, 0.006
ID_LOWER_X = 0.2  # of the IDs ending in X


def _noisy_ids(rng: np.random.Generator, ids: np.ndarray) -> np.ndarray:
    """Missing, one wrong digit, two digits swapped, full-width digits, surrounding
    spaces (rates above), and a lower-case x for some IDs ending in X."""
    out = ids.astype(object).copy()
    u = rng.random(len(ids))
    b1 = ID_MISSING
    b2 = b1 + ID_TYPO
    b3 = b2 + ID_SWAP
    b4 = b3 + ID_FULLWIDTH
    b5 = b4 + ID_SPACES
    lower = _ends_with_x(ids) & (rng.random(len(ids)) < ID_LOWER_X)
    for i in np.nonzero(lower)[0]:
        out[i] = out[i][:-1] + "x"
    for i in np.nonzero(u < b1)[0]:
        out[i] = ""
    for i in np.nonzero((u >= b1) & (u < b2))[0]:
        s = out[i]
        pos = int(rng.integers(0, 17))
        digit = str((int(s[pos]) + int(rng.integers(1, 10))) % 10)
        out[i] = s[:pos] + digit + s[pos + 1 :]
    for i in np.nonzero((u >= b2) & (u < b3))[0]:
        s = out[i]
        for pos in rng.permutation(16):
            if s[pos] != s[pos + 1]:
                out[i] = s[:pos] + s[pos + 1] + s[pos] + s[pos + 2 :]
                break
    for i in np.nonzero((u >= b3) & (u < b4))[0]:
        out[i] = out[i].upper().translate(FULLWIDTH)
    for i in np.nonzero((u >= b4) & (u < b5))[0]:
        out[i] = " " + out[i] + ("  " if i % 2 else "\u3000")
    return out


def _noisy_names(rng: np.random.Generator, names: np.ndarray) -> np.ndarray:
    """Homophone character 3% (where the name has one), stray space 2%."""
    out = names.astype(object).copy()
    u = rng.random(len(names))
    for i in np.nonzero(u < 0.03)[0]:
        s = out[i]
        spots = [k for k, ch in enumerate(s) if ch in HOMOPHONES]
        if spots:
            k = spots[int(rng.integers(0, len(spots)))]
            out[i] = s[:k] + HOMOPHONES[s[k]] + s[k + 1 :]
    for i in np.nonzero((u >= 0.03) & (u < 0.05))[0]:
        s = out[i]
        k = 1 if len(s) > 1 else 0
        out[i] = s[:k] + (" " if i % 3 else "\u3000") + s[k:]
    return out


def generate(
    n: int,
    out_dir: Path,
    *,
    seed: int = 7,
    as_of: dt.date = dt.date(2025, 12, 31),
    xlsx: bool = False,
    noise: bool = True,
) -> Generated:
    """Write residents + six rosters + truth.csv for `n` residents into `out_dir`."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_of64 = np.datetime64(as_of.isoformat())

    # Households of 1–6 people.
    sizes = rng.choice(np.arange(1, 7), size=n // 2 + 10, p=[0.2, 0.27, 0.22, 0.17, 0.09, 0.05])
    ends = np.cumsum(sizes)
    households = int(np.searchsorted(ends, n) + 1)
    sizes = sizes[:households]
    sizes[-1] -= ends[households - 1] - n
    household = np.repeat(np.arange(households), sizes)
    size_of = sizes[household]
    counties = county_codes()
    county_of_household = rng.integers(0, len(counties), households)
    county_int = np.array([int(c) for c in counties], dtype=np.int64)
    household_no = pl.Series(county_int[county_of_household]).cast(pl.Utf8) + pl.Series(
        np.arange(households)
    ).cast(pl.Utf8).str.zfill(8)

    # Ages: singles are often elderly.
    band = rng.choice(4, size=n, p=[0.22, 0.58, 0.16, 0.04])
    single = size_of == 1
    band[single] = rng.choice(4, size=int(single.sum()), p=[0.0, 0.55, 0.25, 0.20])
    low = np.array([0, 18, 60, 80])[band]
    high = np.array([18, 60, 80, 101])[band]
    age_days = (rng.uniform(low, high) * 365.25).astype(np.int64)
    birth = as_of64 - age_days
    male = rng.random(n) < 0.5

    # Region of first registration: the household's county, sometimes another or a historical code.
    region = county_int[county_of_household][household]
    other = rng.random(n) < 0.1
    pool = np.array([int(c) for c in (*counties, *HISTORICAL_COUNTIES)], dtype=np.int64)
    region[other] = pool[rng.integers(0, len(pool), int(other.sum()))]
    seq = rng.integers(0, 500, n) * 2 + male.astype(np.int64)
    while True:
        key = (region * 100_000 + birth.astype(np.int64)) * 1000 + seq
        _, first = np.unique(key, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        seq[dup] = rng.integers(0, 500, int(dup.sum())) * 2 + male[dup].astype(np.int64)
    ids = make_ids(region, birth, seq)

    surname = _pick(rng, SURNAMES, n, _surname_weights())
    given1 = np.where(male, _pick(rng, MALE_CHARS, n), _pick(rng, FEMALE_CHARS, n))
    given2 = np.where(male, _pick(rng, MALE_CHARS, n), _pick(rng, FEMALE_CHARS, n))
    two = rng.random(n) < 0.7
    names = (
        pl.Series(surname) + pl.Series(given1) + pl.Series(np.where(two, given2, ""))
    ).to_numpy()

    resident_ids = ids.astype(object).copy()
    lower_x = _ends_with_x(ids) & (rng.random(n) < 0.05) & noise
    for i in np.nonzero(lower_x)[0]:
        resident_ids[i] = resident_ids[i][:-1] + "x"
    residents = pl.DataFrame(
        {
            "id_number": resident_ids,
            "name": names,
            "sex": np.where(male, "男", "女"),
            "birth_date": _text(birth),
            "division_code": _text(county_int[county_of_household][household]),
            "household_no": household_no.to_numpy()[household],
        }
    )

    age_years = age_days / 365.25
    # Deaths in the last two years, more likely when old.
    death_p = np.clip(0.002 + (age_years > 60) * 0.01 + (age_years > 80) * 0.04, 0, 1)
    dead = rng.random(n) < death_p
    death_date = as_of64 - rng.integers(1, 730, n)

    # Civil affairs: whole households; 低保 70%, 特困 10% (small households), 低保边缘 20%.
    has_elder = np.zeros(households, dtype=bool)
    np.logical_or.at(has_elder, household, age_years >= 70)
    hh_p = 0.05 + has_elder * 0.06
    assisted = rng.random(households) < hh_p
    kind = rng.choice(3, size=households, p=[0.7, 0.1, 0.2])
    kind[(kind == 1) & (sizes > 2)] = 0
    type_names = np.array(["低保", "特困", "低保边缘"])
    on_civil = assisted[household] & ~(dead & (rng.random(n) < 0.7))
    hh_type = type_names[kind][household]

    # Disability certificates, grade 1–4.
    disabled = rng.random(n) < (0.045 + (age_years > 60) * 0.06 + assisted[household] * 0.05)
    grade = rng.choice(np.arange(1, 5), size=n, p=[0.15, 0.25, 0.3, 0.3])
    dtype_idx = rng.integers(0, len(DISABILITY_TYPES), n)
    listed_cert = disabled & ~(dead & (rng.random(n) < 0.5))

    # Two subsidies: mostly right, with the errors the rules are meant to find.
    hh_assisted_truth = assisted & (kind < 2)
    person_assisted_hh = hh_assisted_truth[household]
    entitled_living = disabled & person_assisted_hh
    u = rng.random(n)
    living = (entitled_living & ~dead & (u < 0.92)) | (entitled_living & dead & (u < 0.4))
    living |= disabled & ~person_assisted_hh & (rng.random(n) < 0.01)
    living |= ~disabled & (rng.random(n) < 0.0003)
    severe = disabled & (grade <= 2)
    u = rng.random(n)
    nursing = (severe & ~dead & (u < 0.92)) | (severe & dead & (u < 0.4))
    nursing |= disabled & (grade > 2) & (rng.random(n) < 0.01)

    # Medical out-of-pocket costs last year; some people have two rows.
    in_medical = rng.random(n) < 0.05 + (age_years > 60) * 0.05
    amount = np.round(np.exp(rng.normal(8.3, 1.2, n)), 2)
    split = in_medical & (rng.random(n) < 0.1)

    def frame_for(mask: np.ndarray, **columns: object) -> pl.DataFrame:
        idx = np.nonzero(mask)[0]
        data = {"_person": idx}
        for key, value in columns.items():
            data[key] = value[idx] if isinstance(value, np.ndarray) else np.full(len(idx), value)
        return pl.DataFrame(data)

    civil = frame_for(
        on_civil, assistance_type=hh_type, household_no=household_no.to_numpy()[household]
    )
    disability = frame_for(
        listed_cert,
        disability_type=np.array(DISABILITY_TYPES)[dtype_idx],
        disability_grade=grade.astype(str),
        certificate_no=(
            pl.Series(ids, dtype=pl.Utf8)
            + pl.Series((dtype_idx + 1).astype(str))
            + pl.Series(grade.astype(str))
        ).to_numpy(),
    )
    subsidies = pl.concat(
        [
            frame_for(living, subsidy="living", monthly_amount="80"),
            frame_for(nursing, subsidy="nursing", monthly_amount="100"),
        ]
    )
    deaths = frame_for(
        dead, death_date=_format_dates(rng, death_date) if noise else death_date.astype(str)
    )
    year = str(as_of.year)
    whole = frame_for(in_medical & ~split, out_of_pocket_yuan=amount.astype(str), year=year)
    half = np.round(amount / 2, 2)
    first = frame_for(split, out_of_pocket_yuan=half.astype(str), year=year)
    second = frame_for(split, out_of_pocket_yuan=np.round(amount - half, 2).astype(str), year=year)
    medical = pl.concat([whole, first, second])

    # Truth, from the clean data.
    truth = _truth(
        n=n,
        ids=resident_ids,
        as_of=as_of64,
        birth=birth,
        household=household,
        dead=dead,
        listed_cert=listed_cert,
        grade=grade,
        civil=civil,
        household_no=household_no.to_numpy()[household],
        living=living,
        nursing=nursing,
        medical=medical,
    )

    rows: dict[str, int] = {"residents": n}
    residents.write_csv(out_dir / "residents.csv")
    rosters = {
        "civil_affairs": civil,
        "disability": disability,
        "two_subsidies": subsidies,
        "deaths": deaths,
        "medical": medical,
    }
    for name, frame in rosters.items():
        frame = _with_outsiders(rng, frame, ids, names, birth)
        person = frame["_person"].to_numpy()
        inside = person >= 0
        clean_ids = np.where(
            inside, ids[np.clip(person, 0, None)], frame["_outsider_id"].to_numpy()
        )
        clean_names = np.where(
            inside, names[np.clip(person, 0, None)], frame["_outsider_name"].to_numpy()
        )
        clean_birth = np.where(
            inside, birth[np.clip(person, 0, None)], frame["_outsider_birth"].to_numpy()
        )
        if noise:
            id_col, name_col = _noisy_ids(rng, clean_ids), _noisy_names(rng, clean_names)
            birth_col = _format_dates(rng, clean_birth)
        else:
            id_col, name_col, birth_col = clean_ids, clean_names, clean_birth.astype(str)
        head = pl.DataFrame({"id_number": id_col, "name": name_col, "birth_date": birth_col})
        body = frame.drop(["_person", "_outsider_id", "_outsider_name", "_outsider_birth"])
        out = pl.concat([head, body], how="horizontal")
        out = out.sample(fraction=1.0, shuffle=True, seed=seed)
        out.write_csv(out_dir / f"{name}.csv")
        rows[name] = out.height
        if xlsx:
            _write_xlsx(out, out_dir / f"{name}.xlsx")
    if xlsx:
        _write_xlsx(residents, out_dir / "residents.xlsx")
    truth.write_csv(out_dir / "truth.csv")
    return Generated(
        residents=n, rows=rows, truth=truth.height, seconds=time.perf_counter() - started
    )


def _with_outsiders(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    ids: np.ndarray,
    names: np.ndarray,
    birth: np.ndarray,
) -> pl.DataFrame:
    """Add 0.5% rows for people registered outside Ningxia (valid IDs, not residents)."""
    k = max(1, frame.height // 200) if frame.height else 0
    base = frame.with_columns(
        pl.lit(None, dtype=pl.Utf8).alias("_outsider_id"),
        pl.lit(None, dtype=pl.Utf8).alias("_outsider_name"),
        pl.lit(None, dtype=pl.Date).alias("_outsider_birth"),
    )
    if k == 0:
        return base
    donors = frame.sample(n=k, with_replacement=True, seed=int(rng.integers(0, 2**31)))
    region = np.array([int(r) for r in OUTSIDE_REGIONS])[rng.integers(0, len(OUTSIDE_REGIONS), k)]
    born = np.datetime64("1950-01-01") + rng.integers(0, 25000, k)
    seq = rng.integers(0, 1000, k)
    outsider_ids = make_ids(region, born, seq)
    surnames = _pick(rng, SURNAMES, k)
    given = _pick(rng, MALE_CHARS + FEMALE_CHARS, k)
    extra = donors.with_columns(
        pl.lit(-1, dtype=pl.Int64).alias("_person"),
        pl.Series("_outsider_id", outsider_ids.astype(str)),
        pl.Series("_outsider_name", (pl.Series(surnames) + pl.Series(given)).to_numpy()),
        pl.Series("_outsider_birth", born.astype("datetime64[D]")).cast(pl.Date),
    )
    base = base.with_columns(pl.col("_person").cast(pl.Int64))
    return pl.concat([base, extra.select(base.columns)])


def _truth(
    *,
    n: int,
    ids: np.ndarray,
    as_of: np.datetime64,
    birth: np.ndarray,
    household: np.ndarray,
    dead: np.ndarray,
    listed_cert: np.ndarray,
    grade: np.ndarray,
    civil: pl.DataFrame,
    household_no: np.ndarray,
    living: np.ndarray,
    nursing: np.ndarray,
    medical: pl.DataFrame,
) -> pl.DataFrame:
    """The alerts the contract's rules raise on the clean data (independent of the SQL)."""
    alive = ~dead
    on_civil = np.zeros(n, dtype=bool)
    on_civil[civil["_person"].to_numpy()] = True
    assisted_numbers = set(
        civil.filter(pl.col("assistance_type").is_in(["低保", "特困"]))["household_no"].to_list()
    )
    any_numbers = set(civil["household_no"].to_list())
    hh_series = pl.Series(household_no)
    assisted_hh = hh_series.is_in(list(assisted_numbers)).to_numpy()
    covered = on_civil | hh_series.is_in(list(any_numbers)).to_numpy()
    cert = listed_cert
    severe = cert & (grade <= 2)
    med = (
        medical.with_columns(pl.col("out_of_pocket_yuan").cast(pl.Float64))
        .group_by("_person", "year")
        .agg(pl.col("out_of_pocket_yuan").sum().round(2))
        .group_by("_person")
        .agg(pl.col("out_of_pocket_yuan").max())
    )
    big = np.zeros(n, dtype=bool)
    rich = med.filter(pl.col("out_of_pocket_yuan") >= 30000)["_person"].to_numpy()
    big[rich] = True
    alive_members = np.bincount(household, weights=alive.astype(float))
    as_of_date = dt.date.fromisoformat(str(as_of))
    try:
        cutoff = as_of_date.replace(year=as_of_date.year - 80)
    except ValueError:
        cutoff = as_of_date.replace(year=as_of_date.year - 80, day=28)
    elderly = birth <= np.datetime64(cutoff.isoformat())
    rules = {
        "living_subsidy_missing": alive & cert & assisted_hh & ~living,
        "nursing_subsidy_missing": alive & severe & ~nursing,
        "living_subsidy_should_stop": living & (dead | ~cert | ~assisted_hh),
        "nursing_subsidy_should_stop": nursing & (dead | ~severe),
        "assistance_recipient_deceased": on_civil & dead,
        "large_medical_expense": alive & big & ~covered,
        "elderly_living_alone": alive & elderly & (alive_members[household] == 1),
    }
    parts = [
        pl.DataFrame(
            {
                "id_number": pl.Series(ids[mask], dtype=pl.Utf8),
                "rule": np.full(int(mask.sum()), rule),
            }
        )
        for rule, mask in rules.items()
    ]
    return pl.concat(parts).sort("id_number", "rule")


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--xlsx", action="store_true", help="also write .xlsx (small n only)")
    args = parser.parse_args()
    result = generate(args.n, args.out, seed=args.seed, as_of=args.as_of, xlsx=args.xlsx)
    print(
        f"{result.residents} residents, rows {result.rows}, {result.truth} true alerts, {result.seconds:.1f}s"
    )


if __name__ == "__main__":
    main()
