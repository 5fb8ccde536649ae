"""The eight activity areas of domain §6 and their standards as minimums (editable afterwards)."""

from django.db import migrations

AREAS = [
    (1, "Tăng thu nhập, đảm bảo sinh kế", "Income generation, livelihoods"),
    (2, "Chăm sóc sức khỏe", "Health care"),
    (3, "Chăm sóc tại nhà dựa vào tình nguyện viên", "Volunteer-based home care"),
    (4, "Tự giúp nhau và hỗ trợ cộng đồng", "Self-help and community support"),
    (5, "Đảm bảo quyền và lợi ích", "Rights and entitlements"),
    (6, "Nâng cao nhận thức, học tập suốt đời", "Awareness, lifelong learning"),
    (7, "Văn hóa, văn nghệ, thăm hỏi, giao lưu", "Culture, arts, visits, exchanges"),
    (8, "Vận động nguồn lực", "Resource mobilisation"),
]

# (area, measure, minimum, period, note vi, note en)
STANDARDS = [
    (1, "economic_volunteers", 5, "standing", "Ít nhất 5 tình nguyện viên phát triển kinh tế",
     "At least 5 economic-development volunteers"),
    (2, "bp_meetings", 1, "month", "Đo huyết áp, cân nặng tại buổi sinh hoạt hằng tháng",
     "Blood pressure and weight measured at the monthly meeting"),
    (3, "home_care_volunteers", 5, "standing", "Ít nhất 5 tình nguyện viên chăm sóc tại nhà",
     "At least 5 home-care volunteers"),
    (3, "home_care_visits", 2, "week", "Khoảng 2 lần/tuần cho mỗi người cần chăm sóc",
     "About two visits a week to each person in need"),
    (4, "community_work", 1, "month", "Ít nhất 1 hoạt động cộng đồng mỗi tháng",
     "At least one community activity each month"),
    (4, "self_help", 1, "month", "Giúp ít nhất 1 người gặp khó khăn đột xuất mỗi tháng",
     "At least one person in sudden difficulty helped each month"),
    (5, "communication", 2, "year", "Ít nhất 2 buổi truyền thông mỗi năm",
     "At least two communication sessions a year"),
    (5, "entitlement", 5, "year", "Hỗ trợ ít nhất 5 người hưởng chế độ chính sách mỗi năm",
     "At least five people helped to obtain entitlements a year"),
    (5, "dialogues", 2, "year", "Ít nhất 2 buổi đối thoại với chính quyền mỗi năm",
     "At least two dialogues with local authorities a year"),
    (5, "proposals_resolved", 1, "year", "Ít nhất 1 kiến nghị được giải quyết mỗi năm",
     "At least one proposal resolved a year"),
    (6, "meetings_with_topic", 1, "month", "Một chủ đề truyền thông tại mỗi buổi sinh hoạt",
     "A topic presented at each monthly meeting"),
    (7, "exchanges", 2, "year", "Ít nhất 2 buổi giao lưu mỗi năm", "At least two exchanges a year"),
    (8, "fundraising", 1, "year", "Ghi nhận vận động nguồn lực trong năm",
     "Fundraising recorded during the year"),
]


def seed(apps, schema_editor):
    Area = apps.get_model("activities", "ActivityArea")
    Standard = apps.get_model("activities", "AreaStandard")
    areas = {}
    for number, vi, en in AREAS:
        areas[number], _created = Area.objects.get_or_create(
            number=number, defaults={"name_vi": vi, "name_en": en}
        )
    for number, measure, minimum, period, note_vi, note_en in STANDARDS:
        Standard.objects.get_or_create(
            measure=measure,
            defaults={
                "area": areas[number],
                "minimum": minimum,
                "period": period,
                "note_vi": note_vi,
                "note_en": note_en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
