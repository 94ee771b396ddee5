"""The roster-comparison pipeline on small hand-built rosters (DuckDB engine, no database)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.cn import ric

from lianxin.monitoring.pipeline import (
    PipelineResult,
    RosterColumnsError,
    RosterEncodingError,
    RosterMissingError,
    RosterUnreadableError,
    RuleParams,
    run_pipeline,
)
from lianxin.monitoring.pipeline.rosters import ROSTER_COLUMNS

AS_OF = dt.date(2025, 12, 31)


def make_id(region: str, birth: str, seq: str) -> str:
    """A valid ID number: region code, birth date YYYYMMDD, 3-digit sequence, check digit."""
    body = f"{region}{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def person(region: str, birth: str, seq: str, name: str, sex: str = "男") -> dict[str, str]:
    return {
        "id_number": make_id(region, birth, seq),
        "name": name,
        "sex": sex,
        "birth_date": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
    }


# Residents used throughout; each in their own household unless stated.
WANG = person("640104", "19600315", "123", "王伟")
LI = person("640105", "19700802", "246", "李丽", "女")
ZHANG = person("640181", "19401111", "135", "张明")
ZHAO = person("640106", "19851224", "357", "赵静", "女")
MA = person("640221", "19550505", "111", "马建国")
ELDER = person("640102", "19451231", "222", "杨秀英", "女")  # turns 80 on the as-of date
YOUNGER = person("640102", "19460101", "224", "杨桂兰", "女")  # 79 on the as-of date
OLD = person("640121", "19380808", "333", "何德福")


def _x_id() -> dict[str, str]:
    for seq in range(1, 999, 2):
        candidate = make_id("640104", "19720101", f"{seq:03d}")
        if candidate.endswith("X"):
            return {**person("640104", "19720101", f"{seq:03d}", "周文"), "id_number": candidate}
    raise AssertionError("no X check digit in range")


X_PERSON = _x_id()


def write_csv(
    directory: Path, roster: str, rows: Sequence[dict[str, str]], encoding: str = "utf-8"
) -> Path:
    path = directory / f"{roster}.csv"
    columns = ROSTER_COLUMNS[roster]
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def residents(*people: dict[str, str], households: dict[str, str] | None = None) -> list[dict]:
    """Residents rows; each person's household is their own unless given in `households`."""
    households = households or {}
    return [
        {
            **p,
            "division_code": p["id_number"][:6] if p["id_number"] else "640104",
            "household_no": households.get(p["name"], "H-" + p["name"]),
        }
        for p in people
    ]


def row(p: dict[str, str], **values: str) -> dict[str, str]:
    return {"id_number": p["id_number"], "name": p["name"], "birth_date": p["birth_date"], **values}


def civil(p: dict[str, str], kind: str = "低保") -> dict[str, str]:
    return row(p, assistance_type=kind, household_no="H-" + p["name"])


def certificate(p: dict[str, str], grade: int) -> dict[str, str]:
    number = p["id_number"].upper() + "1" + str(grade)
    return row(p, disability_type="肢体", disability_grade=str(grade), certificate_no=number)


def subsidy(p: dict[str, str], kind: str) -> dict[str, str]:
    return row(p, subsidy=kind, monthly_amount="80")


def death(p: dict[str, str], date: str = "2025-03-01") -> dict[str, str]:
    return row(p, death_date=date)


def medical(p: dict[str, str], amount: str, year: str = "2025") -> dict[str, str]:
    return row(p, out_of_pocket_yuan=amount, year=year)


def run(
    tmp_path: Path,
    people: Sequence[dict[str, str]],
    params: RuleParams | None = None,
    households: dict[str, str] | None = None,
    **rosters: Sequence[dict[str, str]],
) -> tuple[set[tuple[str, str]], PipelineResult]:
    sources = tmp_path / "in"
    sources.mkdir(exist_ok=True)
    write_csv(sources, "residents", residents(*people, households=households))
    for roster, rows in rosters.items():
        write_csv(sources, roster, rows)
    result = run_pipeline(sources, AS_OF, tmp_path / "out" / "alerts.csv", params=params)
    alerts = {(a.id_number, a.rule) for a in result.iter_alerts()}
    return alerts, result


def review_rows(result: PipelineResult) -> list[dict[str, str]]:
    return list(result.iter_review())


ALL_EMPTY = {r: [] for r in ("civil_affairs", "disability", "two_subsidies", "deaths", "medical")}


def rosters(**given: Sequence[dict[str, str]]) -> dict[str, Sequence[dict[str, str]]]:
    return {**ALL_EMPTY, **given}


# ------------------------------------------------------------------ the seven rules


def test_living_subsidy_missing_fires_for_disabled_person_in_dibao_household(tmp_path):
    alerts, _ = run(
        tmp_path, [WANG], **rosters(civil_affairs=[civil(WANG)], disability=[certificate(WANG, 3)])
    )
    assert alerts == {(WANG["id_number"], "living_subsidy_missing")}


def test_living_subsidy_missing_covers_household_member_on_the_roster(tmp_path):
    alerts, _ = run(
        tmp_path,
        [WANG, LI],
        households={"王伟": "H1", "李丽": "H1"},
        **rosters(
            civil_affairs=[row(LI, assistance_type="特困", household_no="")],
            disability=[certificate(WANG, 4)],
        ),
    )
    assert alerts == {(WANG["id_number"], "living_subsidy_missing")}


def test_living_subsidy_missing_silent_when_receiving_or_only_dibao_edge(tmp_path):
    alerts, _ = run(
        tmp_path,
        [WANG, LI],
        **rosters(
            civil_affairs=[civil(WANG), civil(LI, "低保边缘")],
            disability=[certificate(WANG, 3), certificate(LI, 3)],
            two_subsidies=[subsidy(WANG, "living")],
        ),
    )
    assert alerts == set()


def test_nursing_subsidy_missing_fires_for_grade_1_and_2_only(tmp_path):
    alerts, _ = run(
        tmp_path,
        [WANG, LI, ZHAO],
        **rosters(disability=[certificate(WANG, 1), certificate(LI, 2), certificate(ZHAO, 3)]),
    )
    assert alerts == {
        (WANG["id_number"], "nursing_subsidy_missing"),
        (LI["id_number"], "nursing_subsidy_missing"),
    }


def test_nursing_subsidy_missing_silent_when_receiving_or_deceased(tmp_path):
    alerts, _ = run(
        tmp_path,
        [WANG, LI],
        **rosters(
            disability=[certificate(WANG, 1), certificate(LI, 2)],
            two_subsidies=[subsidy(WANG, "nursing")],
            deaths=[death(LI)],
        ),
    )
    assert alerts == set()


def test_living_subsidy_should_stop_fires_when_deceased_uncertified_or_not_dibao(tmp_path):
    alerts, result = run(
        tmp_path,
        [WANG, LI, ZHAO, MA],
        **rosters(
            civil_affairs=[civil(WANG), civil(LI), civil(MA)],
            disability=[certificate(WANG, 3), certificate(ZHAO, 3), certificate(MA, 3)],
            two_subsidies=[subsidy(p, "living") for p in (WANG, LI, ZHAO, MA)],
            deaths=[death(WANG, "2025-06-30")],
        ),
    )
    assert alerts == {
        (WANG["id_number"], "living_subsidy_should_stop"),
        (LI["id_number"], "living_subsidy_should_stop"),
        (ZHAO["id_number"], "living_subsidy_should_stop"),
        (WANG["id_number"], "assistance_recipient_deceased"),
    }
    details = {
        a.id_number: a.detail
        for a in result.iter_alerts()
        if a.rule == "living_subsidy_should_stop"
    }
    assert (
        details[WANG["id_number"]]
        == "领取困难残疾人生活补贴（每月 80.00 元），但已于 2025-06-30 死亡"
    )
    assert (
        details[LI["id_number"]]
        == "领取困难残疾人生活补贴（每月 80.00 元），但残疾人证名册中无此人"
    )
    assert (
        details[ZHAO["id_number"]]
        == "领取困难残疾人生活补贴（每月 80.00 元），但家庭不在低保/特困名册中"
    )


def test_nursing_subsidy_should_stop_fires_for_grade_3_or_deceased(tmp_path):
    alerts, _ = run(
        tmp_path,
        [WANG, LI, ZHAO],
        **rosters(
            disability=[certificate(WANG, 3), certificate(LI, 2), certificate(ZHAO, 1)],
            two_subsidies=[subsidy(p, "nursing") for p in (WANG, LI, ZHAO)],
            deaths=[death(ZHAO)],
        ),
    )
    assert alerts == {
        (WANG["id_number"], "nursing_subsidy_should_stop"),
        (ZHAO["id_number"], "nursing_subsidy_should_stop"),
    }


def test_assistance_recipient_deceased_fires_only_for_deaths_up_to_as_of(tmp_path):
    alerts, result = run(
        tmp_path,
        [WANG, LI, ZHAO],
        **rosters(
            civil_affairs=[civil(WANG, "低保边缘"), civil(LI)],
            deaths=[death(WANG, "2025/12/31"), death(LI, "2026-01-01"), death(ZHAO)],
        ),
    )
    assert alerts == {(WANG["id_number"], "assistance_recipient_deceased")}
    detail = next(result.iter_alerts()).detail
    assert detail == "在民政救助名册中（低保边缘），但死亡名册记录其已于 2025-12-31 死亡"


def test_large_medical_expense_threshold_and_civil_coverage(tmp_path):
    alerts, result = run(
        tmp_path,
        [WANG, LI, ZHAO, MA],
        **rosters(
            civil_affairs=[civil(MA, "低保边缘")],
            medical=[
                medical(WANG, "20000.00"),
                medical(WANG, "10000"),
                medical(LI, "29999.99"),
                medical(ZHAO, "45,000元"),
                medical(MA, "80000"),
            ],
        ),
    )
    assert alerts == {
        (WANG["id_number"], "large_medical_expense"),
        (ZHAO["id_number"], "large_medical_expense"),
    }
    details = {a.id_number: a.detail for a in result.iter_alerts()}
    assert (
        details[WANG["id_number"]] == "2025年个人自付医疗费用 30000.00 元，不在任何民政救助名册中"
    )


def test_large_medical_expense_threshold_is_configurable(tmp_path):
    params = RuleParams(large_medical_expense_yuan=Decimal("50000"))
    alerts, _ = run(
        tmp_path,
        [WANG, ZHAO],
        params=params,
        **rosters(medical=[medical(WANG, "30000"), medical(ZHAO, "50000")]),
    )
    assert alerts == {(ZHAO["id_number"], "large_medical_expense")}


def test_elderly_living_alone_at_80_not_79_and_not_with_living_member(tmp_path):
    alerts, result = run(
        tmp_path,
        [ELDER, YOUNGER, ZHANG, LI, OLD, ZHAO],
        households={"张明": "H2", "李丽": "H2", "何德福": "H3", "赵静": "H3"},
        **rosters(deaths=[death(ZHAO)]),
    )
    assert alerts == {
        (ELDER["id_number"], "elderly_living_alone"),
        (OLD["id_number"], "elderly_living_alone"),
    }
    details = {a.id_number: a.detail for a in result.iter_alerts()}
    assert (
        details[ELDER["id_number"]]
        == "2025-12-31 时年满 80 岁，户内（户号 H-杨秀英）无其他在世成员"
    )


def test_elderly_age_is_configurable(tmp_path):
    alerts, _ = run(tmp_path, [ELDER, YOUNGER, WANG], params=RuleParams(elderly_age=65))
    assert alerts == {
        (ELDER["id_number"], "elderly_living_alone"),
        (YOUNGER["id_number"], "elderly_living_alone"),
        (WANG["id_number"], "elderly_living_alone"),
    }


def test_alerts_file_is_sorted_with_contract_header(tmp_path):
    _, result = run(tmp_path, [ZHAO, ELDER, MA], **rosters(disability=[certificate(ZHAO, 1)]))
    with result.alerts_path.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "id_number,rule,detail"
    keys = [tuple(line.split(",")[:2]) for line in lines[1:]]
    assert keys == sorted(keys)
    assert len(keys) == 2
    assert result.alerts_per_rule["nursing_subsidy_missing"] == 1
    assert result.alerts_per_rule["elderly_living_alone"] == 1


# ------------------------------------------------------------------ linkage of noisy rows


def _fullwidth(value: str) -> str:
    return value.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))


def _typo(value: str) -> str:
    digit = str((int(value[9]) + 3) % 10)
    return value[:9] + digit + value[10:]


def _swap(value: str) -> str:
    for i in range(14, 3, -1):
        if value[i] != value[i + 1]:
            return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    raise AssertionError("no distinct neighbours")


@pytest.mark.parametrize(
    ("noisy", "method"),
    [
        ({"id_number": _fullwidth(WANG["id_number"])}, "exact"),
        ({"id_number": "  " + WANG["id_number"] + "\u3000"}, "exact"),
        ({"id_number": "", "birth_date": "1960年3月15日"}, "probabilistic"),
        ({"id_number": "", "name": "王 玮", "birth_date": "19600315"}, "probabilistic"),
        ({"id_number": _typo(WANG["id_number"]), "birth_date": "1960/3/15"}, "probabilistic"),
        ({"id_number": _swap(WANG["id_number"]), "birth_date": "1960.3.15"}, "probabilistic"),
        ({"id_number": "", "birth_date": "21990"}, "probabilistic"),
    ],
    ids=[
        "full-width",
        "spaces",
        "missing-id",
        "homophone",
        "one-digit-typo",
        "transposition",
        "excel-serial",
    ],
)
def test_noisy_roster_row_links_to_the_resident(tmp_path, noisy, method):
    alerts, result = run(
        tmp_path, [WANG, LI], **rosters(disability=[{**certificate(WANG, 1), **noisy}])
    )
    assert alerts == {(WANG["id_number"], "nursing_subsidy_missing")}
    stats = result.link_stats["disability"]
    assert (stats.exact, stats.probabilistic, stats.review) == (
        (1, 0, 0) if method == "exact" else (0, 1, 0)
    )


def test_lower_case_x_links_and_alert_names_id_as_written_in_residents(tmp_path):
    written = {**X_PERSON, "id_number": X_PERSON["id_number"].lower()}
    noisy = {**certificate(X_PERSON, 2), "id_number": X_PERSON["id_number"].lower()}
    alerts, result = run(tmp_path, [written], **rosters(disability=[noisy]))
    assert alerts == {(X_PERSON["id_number"][:-1] + "x", "nursing_subsidy_missing")}
    assert result.exact_matches == 1


def test_ambiguous_row_goes_to_review_never_guessed(tmp_path):
    twin = {**person("640105", "19600315", "125", "王伟")}
    alerts, result = run(
        tmp_path, [WANG, twin], **rosters(disability=[{**certificate(WANG, 1), "id_number": ""}])
    )
    assert alerts == set()
    assert result.probabilistic_matches == 0
    review = review_rows(result)
    assert len(review) == 1
    assert review[0]["file"] == "disability.csv"
    assert review[0]["row"] == "2"
    assert review[0]["name"] == "王伟"
    assert review[0]["reason"] == "身份证号缺失；有多名居民同样相符，无法确定是哪一位"


def test_homophone_twin_resolved_by_exact_name(tmp_path):
    twin = person("640105", "19600315", "125", "王玮")
    alerts, result = run(
        tmp_path, [WANG, twin], **rosters(disability=[{**certificate(twin, 1), "id_number": ""}])
    )
    assert alerts == {(twin["id_number"], "nursing_subsidy_missing")}
    assert result.probabilistic_matches == 1


def test_valid_id_with_conflicting_birth_date_is_not_trusted_blindly(tmp_path):
    # The row carries LI's valid ID but WANG's name and birth date: it is WANG's row.
    noisy = {**certificate(WANG, 1), "id_number": LI["id_number"]}
    alerts, result = run(tmp_path, [WANG, LI], **rosters(disability=[noisy]))
    assert (LI["id_number"], "nursing_subsidy_missing") not in alerts
    assert result.exact_matches == 0


def test_unknown_person_goes_to_review_with_reason(tmp_path):
    stranger = person("110101", "19900101", "555", "陈晨")
    alerts, result = run(tmp_path, [WANG], **rosters(deaths=[death(stranger)]))
    assert alerts == set()
    review = review_rows(result)
    assert [r["reason"] for r in review] == [
        "身份证号不在户籍名册中；按姓名、出生日期和身份证号未找到相近的居民"
    ]
    assert review[0]["id_number"] == stranger["id_number"]


def test_low_probability_candidate_goes_to_review(tmp_path):
    # Same birth date and surname, different given name and no ID: not the same person.
    other = {**certificate(WANG, 1), "id_number": "", "name": "王强"}
    alerts, result = run(tmp_path, [WANG], **rosters(disability=[other]))
    assert alerts == set()
    review = review_rows(result)
    assert review[0]["candidate_id_number"] == WANG["id_number"]
    assert review[0]["reason"].startswith("身份证号缺失；最相近的居民匹配概率仅为 0.")


# ------------------------------------------------------------------ files


def test_missing_rosters_skip_their_rules(tmp_path):
    alerts, result = run(tmp_path, [WANG, ELDER], disability=[certificate(WANG, 1)])
    assert alerts == {(ELDER["id_number"], "elderly_living_alone")}
    assert result.rosters_missing == ("civil_affairs", "two_subsidies", "deaths", "medical")
    assert set(result.rules_skipped) == {
        "living_subsidy_missing",
        "nursing_subsidy_missing",
        "living_subsidy_should_stop",
        "nursing_subsidy_should_stop",
        "assistance_recipient_deceased",
        "large_medical_expense",
    }
    assert result.alerts_per_rule == {"elderly_living_alone": 1}


def test_residents_roster_is_required(tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "deaths", [death(WANG)])
    with pytest.raises(RosterMissingError, match="没有户籍人口名册"):
        run_pipeline(sources, AS_OF, tmp_path / "alerts.csv")


def test_missing_column_names_the_file_and_column(tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "residents", residents(WANG))
    (sources / "disability.csv").write_text(
        "id_number,name,birth_date,disability_type\n", encoding="utf-8"
    )
    with pytest.raises(RosterColumnsError) as error:
        run_pipeline(sources, AS_OF, tmp_path / "alerts.csv")
    assert str(error.value) == (
        "文件 disability.csv（残疾人证名册）缺少必需的列：残疾等级或残疾人证号。"
        "表头在第1行，已认出的列：身份证号、姓名、出生日期、残疾类别。"
    )


def test_unreadable_workbook_is_refused(tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "residents", residents(WANG))
    (sources / "deaths.xlsx").write_bytes(b"this is not a workbook")
    with pytest.raises(RosterUnreadableError, match="deaths.xlsx 无法读取"):
        run_pipeline(sources, AS_OF, tmp_path / "alerts.csv")


def test_utf16_file_is_read(tmp_path):
    """Excel's "Unicode text" is UTF-16 with a BOM; the reader takes it."""
    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "residents", residents(WANG), encoding="utf-16")
    result = run_pipeline(sources, AS_OF, tmp_path / "alerts.csv")
    assert result.rows_per_roster == {"residents": 1}


def test_undecodable_csv_is_refused_as_wrong_encoding(tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "residents", residents(WANG))
    (sources / "deaths.csv").write_bytes(b"id_number,name,death_date\n\xff\xfe\xfa\x80,\x81\xff\n")
    with pytest.raises(RosterEncodingError, match="文件 deaths.csv：.*文字编码无法识别"):
        run_pipeline(sources, AS_OF, tmp_path / "alerts.csv")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_gbk_and_bom_csv_are_read(tmp_path, encoding):
    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "residents", residents(WANG, LI), encoding=encoding)
    write_csv(sources, "disability", [certificate(WANG, 1)], encoding=encoding)
    write_csv(sources, "two_subsidies", [], encoding=encoding)
    result = run_pipeline(sources, AS_OF, tmp_path / "out" / "alerts.csv")
    assert [(a.id_number, a.rule) for a in result.iter_alerts()] == [
        (WANG["id_number"], "nursing_subsidy_missing")
    ]


def test_xlsx_roster_with_excel_date_cells_and_chinese_headers(tmp_path):
    from openpyxl import Workbook

    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "residents", residents(WANG, LI))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["身份证号", "姓名", "出生日期", "死亡日期"])
    sheet.append(["", "王伟", dt.datetime(1960, 3, 15), dt.date(2025, 5, 1)])
    workbook.save(sources / "deaths.xlsx")
    write_csv(sources, "civil_affairs", [civil(WANG)])
    result = run_pipeline(sources, AS_OF, tmp_path / "out" / "alerts.csv")
    assert [(a.id_number, a.rule, a.detail) for a in result.iter_alerts()] == [
        (
            WANG["id_number"],
            "assistance_recipient_deceased",
            "在民政救助名册中（低保），但死亡名册记录其已于 2025-05-01 死亡",
        )
    ]
    assert result.link_stats["deaths"].probabilistic == 1


def test_two_files_for_one_roster_are_refused(tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    write_csv(sources, "residents", residents(WANG))
    write_csv(sources, "deaths", [])
    (sources / "deaths.xlsx").write_bytes(b"")
    with pytest.raises(RosterUnreadableError, match="死亡人员名册有多个文件"):
        run_pipeline(sources, AS_OF, tmp_path / "alerts.csv")
