"""Load the vendored GB/T 2260 divisions of Ningxia (lianxin/areas/data, WTFPL)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "ningxia_divisions.csv"
LEVELS = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}
SUFFIXES = ("社区居民委员会", "居民委员会", "村民委员会", "社区居委会", "居委会", "村委会")


def short_name(name):
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("社区") or suffix.startswith("居"):
                return stem if stem.endswith("社区") else f"{stem}社区"
            return stem if stem.endswith("村") else f"{stem}村"
    return name


def load(apps, schema_editor):
    Division = apps.get_model("areas", "Division")
    existing = set(Division.objects.values_list("code", flat=True))
    with DATA.open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: len(r["code"]))
    Division.objects.bulk_create(
        [
            Division(code=r["code"], name=r["name"], short_name=short_name(r["name"]), level=LEVELS[len(r["code"])], parent_id=r["parent_code"] or None)
            for r in rows
            if r["code"] not in existing
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
