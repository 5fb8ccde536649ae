from ishc.core.demo import DEMO_PASSWORD, DemoContext

from .models import Assignment, Role, User


def build(ctx: DemoContext) -> None:
    """One user per role, assigned to the demo's units."""
    o = ctx.objects
    people = [
        ("admin", Role.ADMIN, "Quản", "Trị", None, None, ""),
        ("central", Role.CENTRAL, "Nguyễn Văn", "Trung", None, None, "Trung ương Hội NCT Việt Nam"),
        ("board", Role.BOARD, "Trần Thị", "Hạnh", None, None, "Bộ Y tế"),
        (
            "province",
            Role.PROVINCE,
            "Lê Thị",
            "Phương",
            o["province"],
            None,
            "Hội NCT tỉnh Tuyên Quang",
        ),
        ("commune", Role.COMMUNE, "Hoàng Văn", "Xuân", o["commune"], None, "Hội NCT xã"),
        ("club", Role.CLUB, "Phạm Thị", "Hoa", None, o["club"], ""),
        ("viewer", Role.VIEWER, "Đỗ Minh", "Vân", o["province"], None, "HelpAge International"),
    ]
    for username, role, first, last, unit, club, org in people:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "organisation": org,
                "email": f"{username}@example.org",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            Assignment.objects.create(user=user, unit=unit, club=club)
        area = str(club or unit or "Cả nước / whole country")
        ctx.logins.append((username, str(Role(role).label), area))
        o[f"user_{username}"] = user
