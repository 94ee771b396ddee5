"""Seeded generator of a household file with N persons (.xlsx, the import contract's columns).

    .venv/bin/python benchmarks/registry/generate.py --persons 100000 --out var/bench/households-100k.xlsx

Households of 1–6 persons in real Ningxia villages (read from the divisions CSV), valid ID
numbers, phones, some hardship tags and disabilities; full-width digits and lower-case x on a
few rows so that the normalisers are exercised. Written with a write-only workbook."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from stdnum.cn import ric  # noqa: E402

HEADERS = [
    "户编号", "区划代码", "网格", "详细地址", "姓名", "身份证号", "与户主关系", "性别",
    "出生日期", "民族", "联系电话", "残疾类别", "残疾等级", "困难类型",
]  # fmt: skip
SURNAMES = "王张李刘陈杨赵周吴徐孙马丁海金纳穆冶虎拜田"
GIVEN = [
    "建国",
    "志强",
    "秀兰",
    "桂花",
    "丽",
    "芳",
    "玉梅",
    "海军",
    "永福",
    "德明",
    "小军",
    "小雨",
    "欣怡",
    "子涵",
    "伟",
    "静",
    "敏",
    "涛",
    "鹏",
    "梅",
]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def check_digit(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")  # stdnum expects a placeholder check digit


def villages() -> list[str]:
    path = ROOT / "lianxin" / "areas" / "data" / "ningxia_divisions.csv"
    with path.open(encoding="utf-8") as fh:
        return [r["code"] for r in csv.DictReader(fh) if r["level"] == "village"]


def rows(persons: int, seed: int):
    rng = random.Random(seed)
    codes = villages()
    used: set[str] = set()
    made = 0
    household = 0
    while made < persons:
        household += 1
        village = codes[rng.randrange(len(codes))]
        size = min(persons - made, rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]))
        number = f"B{seed}-{household:07d}"
        grid = f"第{'一二三'[rng.randrange(3)]}网格"
        address = f"{rng.randint(1, 40)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 30)}室"
        surname = rng.choice(SURNAMES)
        for i in range(size):
            relationship = (
                "户主"
                if i == 0
                else ("配偶" if i == 1 else rng.choice(["子女", "儿子", "女儿", "孙子女", "父母"]))
            )
            age = rng.randint(30, 85) if i < 2 else rng.randint(1, 40)
            birth = dt.date(2026 - age, rng.randint(1, 12), rng.randint(1, 28))
            sex = rng.choice("MF")
            while True:
                seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
                body = f"{village[:6]}{birth:%Y%m%d}{seq:03d}"
                number_id = body + check_digit(body)
                if number_id not in used:
                    used.add(number_id)
                    break
            id_cell = number_id
            if made % 97 == 0:
                id_cell = number_id.translate(FULLWIDTH)
            elif number_id.endswith("X") and made % 2:
                id_cell = number_id.lower()
            disability_type, grade = ("", "")
            if rng.random() < 0.06:
                disability_type, grade = (
                    rng.choice(["肢体", "视力", "听力", "智力", "精神"]),
                    rng.choice(["1", "二级", "3", "4"]),
                )
            tags = "低保" if rng.random() < 0.04 else ("高龄独居" if age > 80 and size == 1 else "")
            yield [
                number, village, grid, address, surname + rng.choice(GIVEN) if i != 1 else rng.choice(SURNAMES) + rng.choice(GIVEN),
                id_cell, relationship, "男" if sex == "M" else "女", birth.isoformat() if made % 3 else f"{birth.year}年{birth.month}月{birth.day}日",
                "回族" if surname in "马丁海金纳穆冶虎拜" else "汉族",
                f"13{rng.randint(0, 999999999):09d}" if rng.random() < 0.8 else "", disability_type, grade, tags,
            ]  # fmt: skip
            made += 1


def write(path: Path, persons: int, seed: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("住户信息")
    ws.append([f"基准测试住户信息台账（{persons}人）"])
    ws.append([])
    ws.append(HEADERS)
    for row in rows(persons, seed):
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "households-100k.xlsx")
    args = parser.parse_args()
    started = time.monotonic()
    write(args.out, args.persons, args.seed)
    print(
        f"{args.out}: {args.persons} persons, {args.out.stat().st_size / 1048576:.1f} MB, {time.monotonic() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
