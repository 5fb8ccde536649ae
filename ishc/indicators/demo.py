"""Demo targets: the demo province's own plan, so that its dashboard shows provincial targets
next to the national ones."""

import datetime

from ishc.core.demo import DemoContext

from .models import Phase, Programme, Target


def build(ctx: DemoContext) -> None:
    province = ctx.objects["province"]
    plan, _ = Programme.objects.get_or_create(
        code=f"KH-{province.code:02d}-2030",
        defaults={
            "name": f"Kế hoạch nhân rộng CLB LTHTGN {province.name} 2026–2030",
            "name_en": f"ISHC replication plan, {province.name}, 2026–2030",
            "decision": "KH/UBND",
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2030, 12, 31),
            "unit": province,
        },
    )
    phase, _ = Phase.objects.get_or_create(
        programme=plan,
        name="2026–2030",
        defaults={"starts_on": plan.starts_on, "ends_on": plan.ends_on},
    )
    national = Programme.objects.get(code="1648")
    rows = [
        (plan, phase, None, "clubs_new", "at_least", 120, None, "120 CLB mới đến năm 2030"),
        (plan, phase, None, "communes_covered", "at_least", 85, None, "85 % xã có CLB"),
        (national, None, 2026, "clubs_new", "at_least", 25, None, "Chỉ tiêu năm 2026 của tỉnh"),
        (national, None, 2026, "members_women", "band", 60, 70, ""),
    ]
    for programme, ph, year, indicator, comparison, value, high, note in rows:
        Target.objects.get_or_create(
            programme=programme,
            phase=ph,
            year=year,
            indicator=indicator,
            unit=province,
            defaults={
                "comparison": comparison,
                "value": value,
                "value_high": high,
                "note": note,
            },
        )
