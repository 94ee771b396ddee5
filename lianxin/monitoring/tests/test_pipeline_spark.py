"""The Spark engine gives exactly the DuckDB engine's alerts, reviews and pair scores."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from lianxin.monitoring.pipeline import PipelineResult, run_pipeline
from lianxin.monitoring.pipeline.engines import get_spark_session, spark_available

pytestmark = pytest.mark.spark

AVAILABLE, REASON = spark_available()
GENERATOR = Path(__file__).resolve().parents[3] / "benchmarks" / "monitoring" / "generate.py"
AS_OF = dt.date(2025, 12, 31)


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("monitoring_generate", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _run(engine: str, spark: Any, sources: Path, out: Path) -> PipelineResult:
    """The pipeline on ``engine`` over ``sources``: alerts.csv and scores.csv in ``out``."""
    return run_pipeline(
        sources,
        AS_OF,
        out / "alerts.csv",
        engine=engine,
        spark_session=spark if engine == "spark" else None,
        scores_out=out / "scores.csv",
    )


@pytest.fixture(scope="session")
def spark() -> Any:
    if not AVAILABLE:
        pytest.skip(f"Spark 引擎不可用：{REASON}")
    return get_spark_session(cores=2)


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory: pytest.TempPathFactory, spark: Any) -> dict[str, PipelineResult]:
    """One small generated world (noisy rosters), compared on both engines once."""
    sources = tmp_path_factory.mktemp("sources")
    _load_generator().generate(800, sources, seed=11, as_of=AS_OF)
    results = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path_factory.mktemp(engine)
        results[engine] = _run(engine, spark, sources, out)
    return results


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_spark_raises_exactly_the_duckdb_alerts(both_engines):
    duck, spark = both_engines["duckdb"], both_engines["spark"]
    duck_alerts = list(duck.iter_alerts())
    assert len(duck_alerts) >= 10
    assert len({a.rule for a in duck_alerts}) >= 3
    assert list(spark.iter_alerts()) == duck_alerts
    assert spark.alerts_per_rule == duck.alerts_per_rule
    assert spark.link_stats == duck.link_stats


def test_spark_puts_the_same_rows_up_for_review(both_engines):
    duck = list(both_engines["duckdb"].iter_review())
    assert len(duck) > 0
    assert list(both_engines["spark"].iter_review()) == duck


def test_both_engines_score_every_candidate_pair_the_same(both_engines):
    duck = _rows(both_engines["duckdb"].alerts_path.parent / "scores.csv")
    spark = _rows(both_engines["spark"].alerts_path.parent / "scores.csv")
    key = ("file", "row", "resident_id_number")
    assert [tuple(r[k] for k in key) for r in spark] == [tuple(r[k] for k in key) for r in duck]
    for left, right in zip(duck, spark, strict=True):
        assert float(right["match_weight"]) == pytest.approx(float(left["match_weight"]), abs=1e-9)
        assert float(right["match_probability"]) == pytest.approx(
            float(left["match_probability"]), abs=1e-12
        )


def test_chinese_name_comparisons_agree_between_engines(tmp_path, spark):
    """Homophones (伟/玮), stray spaces and full-width spaces score alike on both engines."""
    sources = tmp_path / "in"
    sources.mkdir()
    residents = [
        ("640104196003151232", "王伟", "男", "1960-03-15", "640104", "H1"),
        ("640105196003151259", "王玮", "男", "1960-03-15", "640105", "H2"),
        ("640106196003151263", "曾丽", "女", "1960-03-15", "640106", "H3"),
    ]
    deaths = [
        ("", "王 伟", "1960年3月15日", "2025-01-01"),
        ("", "王\u3000玮", "19600315", "2025-01-01"),
        ("", "增丽", "1960/3/15", "2025-01-01"),
    ]
    with (sources / "residents.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_number", "name", "sex", "birth_date", "division_code", "household_no"])
        writer.writerows(residents)
    with (sources / "deaths.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_number", "name", "birth_date", "death_date"])
        writer.writerows(deaths)
    scores = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / engine
        _run(engine, spark, sources, out)
        scores[engine] = [
            (r["row"], r["resident_id_number"], round(float(r["match_weight"]), 9))
            for r in _rows(out / "scores.csv")
        ]
    exact_name, homophone = 11.521744716, 7.614854121
    assert scores["duckdb"] == [
        ("2", "640104196003151232", exact_name),
        ("2", "640105196003151259", homophone),
        ("3", "640104196003151232", homophone),
        ("3", "640105196003151259", exact_name),
        ("4", "640106196003151263", homophone),
    ]
    assert scores["spark"] == scores["duckdb"]
