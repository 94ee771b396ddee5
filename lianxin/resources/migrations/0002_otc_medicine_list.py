"""The region's starting list of over-the-counter medicines for shared medicine boxes (乙类/甲类
OTC, common household remedies); the region maintains it in the admin afterwards."""

from django.db import migrations

OTC = [
    ("布洛芬缓释胶囊", "0.3g×20粒", "乙类"),
    ("对乙酰氨基酚片", "0.5g×12片", "甲类"),
    ("板蓝根颗粒", "10g×20袋", "乙类"),
    ("感冒灵颗粒", "10g×9袋", "甲类"),
    ("复方甘草片", "100片", "甲类"),
    ("蒙脱石散", "3g×10袋", "乙类"),
    ("藿香正气水", "10ml×10支", "甲类"),
    ("健胃消食片", "0.8g×32片", "乙类"),
    ("创可贴", "100片", "乙类"),
    ("碘伏消毒液", "100ml", "乙类"),
    ("维生素C片", "0.1g×100片", "乙类"),
    ("云南白药气雾剂", "85g+30g", "甲类"),
]


def seed(apps, schema_editor):
    OtcMedicine = apps.get_model("resources", "OtcMedicine")
    for name, spec, otc_class in OTC:
        OtcMedicine.objects.get_or_create(
            name=name, defaults={"specification": spec, "otc_class": otc_class}
        )


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
