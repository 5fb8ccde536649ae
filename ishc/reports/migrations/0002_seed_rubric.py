"""The default rubric of domain §8 (criteria and thresholds are editable afterwards)."""

from django.db import migrations

# (code, threshold): months for meetings, reports and fund entries (domain §8: "entries every
# month"), percentages for borrowers and repayment, people on the board (5, 7 or 9, with a chair
# and a vice-chair).
CRITERIA = [
    ("meetings", 10),
    ("size", 0),
    ("composition", 0),
    ("funds", 12),
    ("borrowers", 50),
    ("repayment", 90),
    ("areas", 0),
    ("board", 5),
    ("reports", 10),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("reports", "RubricCriterion")
    for order, (code, threshold) in enumerate(CRITERIA):
        Criterion.objects.get_or_create(code=code, defaults={"threshold": threshold, "order": order})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
