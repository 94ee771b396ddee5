"""Precision, recall and F1 of an alerts.csv against truth.csv, per rule and overall.

python benchmarks/monitoring/score.py ALERTS.csv TRUTH.csv
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class Score:
    rule: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(
        path, schema_overrides={"id_number": pl.Utf8}, columns=["id_number", "rule"]
    )
    return frame.unique()


def score(alerts: Path, truth: Path) -> list[Score]:
    """Scores per rule (sorted) followed by the overall score (rule 'overall')."""
    found, wanted = _pairs(alerts), _pairs(truth)
    hits = found.join(wanted, on=["id_number", "rule"], how="inner")
    rules = sorted(set(found["rule"].to_list()) | set(wanted["rule"].to_list()))
    scores = []
    for rule in rules:
        tp = hits.filter(pl.col("rule") == rule).height
        fp = found.filter(pl.col("rule") == rule).height - tp
        fn = wanted.filter(pl.col("rule") == rule).height - tp
        scores.append(Score(rule, tp, fp, fn))
    tp, fp = hits.height, found.height - hits.height
    scores.append(Score("overall", tp, fp, wanted.height - tp))
    return scores


def format_scores(scores: list[Score]) -> str:
    lines = [f"{'rule':32} {'TP':>7} {'FP':>6} {'FN':>6} {'precision':>9} {'recall':>7} {'F1':>7}"]
    for s in scores:
        lines.append(
            f"{s.rule:32} {s.true_positives:7d} {s.false_positives:6d} {s.false_negatives:6d} "
            f"{s.precision:9.4f} {s.recall:7.4f} {s.f1:7.4f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("alerts", type=Path)
    parser.add_argument("truth", type=Path)
    args = parser.parse_args()
    print(format_scores(score(args.alerts, args.truth)))


if __name__ == "__main__":
    main()
