"""Member codes for the members already registered, their names in NFC with single spaces, and
the index the member list's "current member" test needs.

A unique field with a random default cannot be added in one step (the default would be computed
once for every row), so the code is added empty, filled row by row, then made unique.
"""

import re
import secrets
import unicodedata

from django.db import migrations, models

import ishc.clubs.models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SPACES = re.compile(r"\s+")


def fold(value):
    value = unicodedata.normalize("NFD", value or "")
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    value = value.replace("đ", "d").replace("Đ", "D")
    return SPACES.sub(" ", value).strip().lower()


def fill(apps, schema_editor):
    Member = apps.get_model("clubs", "Member")
    used = set()
    batch = []
    for member in Member.objects.only("pk", "full_name", "search_name").iterator(chunk_size=2000):
        code = None
        while code is None or code in used:
            code = "TV" + "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        member.code = code
        member.full_name = SPACES.sub(" ", unicodedata.normalize("NFC", member.full_name)).strip()
        member.search_name = fold(member.full_name)
        batch.append(member)
        if len(batch) == 2000:
            Member.objects.bulk_update(batch, ["code", "full_name", "search_name"])
            batch = []
    Member.objects.bulk_update(batch, ["code", "full_name", "search_name"])


class Migration(migrations.Migration):
    dependencies = [("clubs", "0003_club_indexes_covered_by_composites")]

    operations = [
        migrations.AddField(
            model_name="member",
            name="code",
            field=models.CharField(max_length=12, null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="code",
            field=models.CharField(
                default=ishc.clubs.models.new_member_code,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="member code",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="member",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="periods",
                to="clubs.member",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["member", "club", "joined_on"], name="membership_member_club"
            ),
        ),
    ]
