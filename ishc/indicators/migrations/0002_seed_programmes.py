"""National programmes, their phases and their national targets, so that every installation
has them (domain §1). Provincial plans are entered by officers."""

import datetime

from django.db import migrations

D = datetime.date

PROGRAMMES = [
    # code, Vietnamese name, English name, decision, signed, start, end, phases
    (
        "1533",
        "Đề án nhân rộng mô hình CLB LTHTGN giai đoạn 2016–2020",
        "Replication of ISHCs, 2016–2020",
        "1533/QĐ-TTg",
        D(2016, 8, 2),
        D(2016, 1, 1),
        D(2020, 12, 31),
        [("2016–2020", D(2016, 1, 1), D(2020, 12, 31))],
    ),
    (
        "1336",
        "Đề án nhân rộng mô hình CLB LTHTGN đến năm 2025",
        "Replication of ISHCs to 2025",
        "1336/QĐ-TTg",
        D(2020, 8, 31),
        D(2021, 1, 1),
        D(2025, 12, 31),
        [("2021–2025", D(2021, 1, 1), D(2025, 12, 31))],
    ),
    (
        "1648",
        "Đề án nhân rộng mô hình CLB LTHTGN đến năm 2035",
        "Replication of ISHCs to 2035",
        "1648/QĐ-TTg",
        D(2025, 8, 1),
        D(2025, 1, 1),
        D(2035, 12, 31),
        [
            ("2025–2030", D(2025, 1, 1), D(2030, 12, 31)),
            ("2031–2035", D(2031, 1, 1), D(2035, 12, 31)),
        ],
    ),
    (
        "NS-2030",
        "Chiến lược quốc gia về người cao tuổi đến năm 2030",
        "National strategy on older persons to 2030",
        "",
        None,
        D(2021, 1, 1),
        D(2030, 12, 31),
        [],
    ),
]

# programme, phase name (None = whole programme), year, indicator, comparison, value, high, note
TARGETS = [
    ("1533", "2016–2020", None, "clubs_new", "at_least", 3200, None, "Khoảng 3.200 CLB mới"),
    ("1336", "2021–2025", None, "provinces_covered", "at_least", 95, None,
     "≥ 95 % tỉnh, thành phố có CLB"),
    ("1336", "2021–2025", None, "clubs_new", "at_least", 3000, None, "≥ 3.000 CLB mới"),
    ("1336", "2021–2025", None, "members_new_clubs", "at_least", 150000, None,
     "Khoảng 150.000 hội viên trong các CLB mới"),
    ("1336", "2021–2025", None, "older_new_clubs", "at_least", 100000, None,
     "Trên 100.000 hội viên là người cao tuổi"),
    ("1336", "2021–2025", None, "clubs_maintained", "at_least", 100, None,
     "100 % CLB giai đoạn 2016–2020 và CLB mới được duy trì"),
    ("1336", "2021–2025", None, "clubs_size_band", "at_least", 100, None,
     "Mỗi CLB có 50–70 hội viên"),
    ("1336", "2021–2025", None, "members_women", "band", 60, 70, "60–70 % là phụ nữ"),
    ("1336", "2021–2025", None, "members_older", "band", 60, 70, "60–70 % là người cao tuổi"),
    ("1336", "2021–2025", None, "members_younger", "band", 30, 40, "30–40 % là người trẻ hơn"),
    ("1336", "2021–2025", None, "clubs_well_managed", "at_least", 70, None,
     "≥ 70 % CLB thực hiện đầy đủ các hoạt động và quản lý tốt"),
    ("1336", "2021–2025", None, "members_borrowed", "at_least", 50, None,
     "≥ 50 % hội viên được vay vốn phát triển sản xuất, kinh doanh"),
    ("1336", "2021–2025", None, "clubs_both_funds", "at_least", 100, None,
     "100 % CLB có Quỹ tăng thu nhập và Quỹ hoạt động"),
    ("1648", "2025–2030", None, "clubs_new", "at_least", 6000, None,
     "Thành lập mới ít nhất 6.000 CLB giai đoạn 2025–2030"),
    ("1648", None, None, "clubs_new", "at_least", 12000, None,
     "Ít nhất 12.000 CLB mới đến năm 2035"),
    ("1648", "2025–2030", None, "clubs_maintained", "at_least", 100, None,
     "100 % CLB đã thành lập và CLB mới duy trì hoạt động có chất lượng"),
    ("1648", "2031–2035", None, "clubs_maintained", "at_least", 100, None,
     "100 % CLB đã thành lập và CLB mới duy trì hoạt động có chất lượng"),
    ("NS-2030", None, 2030, "communes_covered", "at_least", 80, None,
     "CLB hoặc hình thức tương đương ở ≥ 80 % xã, phường"),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("indicators", "Programme")
    Phase = apps.get_model("indicators", "Phase")
    Target = apps.get_model("indicators", "Target")
    phases = {}
    programmes = {}
    for code, name, name_en, decision, signed, start, end, phase_rows in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                decision=decision,
                signed_on=signed,
                starts_on=start,
                ends_on=end,
            ),
        )
        programmes[code] = programme
        for phase_name, p_start, p_end in phase_rows:
            phases[(code, phase_name)], _ = Phase.objects.get_or_create(
                programme=programme,
                name=phase_name,
                defaults=dict(starts_on=p_start, ends_on=p_end),
            )
    for code, phase_name, year, indicator, comparison, value, high, note in TARGETS:
        Target.objects.get_or_create(
            programme=programmes[code],
            phase=phases.get((code, phase_name)),
            year=year,
            indicator=indicator,
            unit=None,
            defaults=dict(comparison=comparison, value=value, value_high=high, note=note),
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
