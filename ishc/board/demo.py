"""Demo of the Steering Board: the agencies and members named in the seed article, its first
meeting (7 April 2021, chaired by the association's Standing Vice-Chair) with its conclusions,
this year's workplan with something late, resources mobilised, the library and events.

Ms Hạnh (user "board", Bộ Y tế) is linked to the Ministry of Health; user "chair" is the chair
and can turn the open conclusions into tasks."""

import datetime
import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from ishc.accounts.models import Assignment, Role, User
from ishc.core.demo import DEMO_PASSWORD, DemoContext
from ishc.core.text import fold

from . import services
from .models import Agency, BoardMember, Contribution, Document, Event, Meeting, Task

AGENCIES = [
    ("Trung ương Hội Người cao tuổi Việt Nam", "TW Hội NCT", "association"),
    ("Bộ Lao động - Thương binh và Xã hội", "Bộ LĐTBXH", "ministry"),
    ("Bộ Y tế", "", "ministry"),
    ("Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "UBTW MTTQ", "front"),
    ("Bộ Văn hóa, Thể thao và Du lịch", "Bộ VHTTDL", "ministry"),
    ("Bộ Thông tin và Truyền thông", "Bộ TTTT", "ministry"),
    ("Tổ chức HelpAge International tại Việt Nam", "HelpAge", "other"),
]

# (agency short name or name, full name, position, chair)
MEMBERS = [
    ("TW Hội NCT", "Ngô Trọng Vịnh", "Phó Chủ tịch Thường trực, Trưởng Ban Điều hành", True),
    ("TW Hội NCT", "Nguyễn Thị Thu", "Trưởng Ban Chính sách - Pháp luật, Thư ký Ban", False),
    ("Bộ LĐTBXH", "Lê Văn Khánh", "Phó Cục trưởng Cục Bảo trợ xã hội", False),
    ("Bộ Y tế", "Trần Thị Hạnh", "Phó Vụ trưởng", False),
    ("UBTW MTTQ", "Phạm Quang Minh", "Phó Trưởng Ban Dân chủ - Pháp luật", False),
    ("Bộ VHTTDL", "Đỗ Thị Lan", "Phó Vụ trưởng Vụ Gia đình", False),
    ("Bộ TTTT", "Hoàng Văn Sơn", "Phó Cục trưởng Cục Thông tin cơ sở", False),
    ("TW Hội NCT", "Vũ Minh Tuấn", "Chánh Văn phòng", False),
]

CONCLUSIONS = [
    "Các thành viên Ban Điều hành nắm vững nội dung Đề án để tham mưu, đề xuất với lãnh đạo "
    "ngành các nhiệm vụ phù hợp.",
    "Tập trung hoàn thiện kế hoạch thực hiện Đề án một cách cụ thể, chi tiết.",
    "Tiếp tục hoàn thiện, ban hành rộng rãi các tài liệu hướng dẫn.",
    "Đẩy mạnh công tác tuyên truyền về mô hình Câu lạc bộ liên thế hệ tự giúp nhau.",
    "Tích cực vận động nguồn lực từ các đơn vị, tổ chức trong nước và quốc tế để xây dựng nguồn "
    "lực ban đầu cho các câu lạc bộ.",
]

MINUTES = (
    "Ngày 07/4/2021, tại cơ quan Trung ương Hội NCT Việt Nam, Ban Điều hành Đề án nhân rộng mô "
    "hình câu lạc bộ liên thế hệ tự giúp nhau giai đoạn đến năm 2025 họp phiên đầu tiên để thảo "
    "luận kế hoạch thực hiện hoạt động và phân công nhiệm vụ các thành viên.\n\n"
    "Ban Điều hành được thành lập theo Quyết định 1336/QĐ-TTg, gồm 8 thành viên là đại diện lãnh "
    "đạo Bộ Lao động - Thương binh và Xã hội, Bộ Y tế, Ủy ban Trung ương Mặt trận Tổ quốc Việt "
    "Nam, Bộ Văn hóa, Thể thao và Du lịch, Bộ Thông tin và Truyền thông và Trung ương Hội NCT.\n\n"
    "Chỉ tiêu Đề án: ít nhất 95% tỉnh/thành phố có CLB; thêm ít nhất 3.000 CLB mới với khoảng "
    "150.000 thành viên, trong đó hơn 100.000 NCT; mỗi CLB 50–70 thành viên, 60–70% phụ nữ, "
    "60–70% NCT; ít nhất 70% CLB thực hiện đủ các hoạt động và được quản lý tốt; 100% CLB có Quỹ "
    "tăng thu nhập và Quỹ hoạt động.\n\n"
    "Các thành viên phân tích, bổ sung kế hoạch của Cơ quan thường trực, thảo luận thuận lợi, "
    "khó khăn và nêu sự cần thiết xây dựng nguồn lực ban đầu cho các CLB thông qua vận động "
    "nguồn lực trong nước và quốc tế; phối hợp chặt chẽ giữa các thành viên."
)


def _pdf(title: str) -> bytes:
    """A real one-page PDF with the title on it (ASCII: the demo needs no embedded font)."""
    text = fold(title).encode("ascii", "replace")[:90].replace(b"(", b"").replace(b")", b"")
    stream = b"BT /F1 14 Tf 50 780 Td (" + text + b") Tj ET"
    body = zlib.compress(stream)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _register_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thanh vien"
    ws.append(
        [
            "STT",
            "Họ và tên",
            "Giới tính",
            "Năm sinh",
            "Dân tộc",
            "Hoàn cảnh gia đình",
            "Ngày tham gia",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build(ctx: DemoContext) -> None:
    o = ctx.objects
    today = timezone.localdate()
    agencies = {}
    for name, short, kind in AGENCIES:
        agency = Agency.objects.filter(name=name).first() or services.save_agency(
            None, name=name, short_name=short, kind=kind
        )
        agencies[short or name] = agency

    chair_user = _chair_user(ctx)
    members = {}
    for key, full_name, position, is_chair in MEMBERS:
        member = BoardMember.objects.filter(full_name=full_name).first()
        if member is None:
            user = chair_user if is_chair else o["user_board"] if key == "Bộ Y tế" else None
            member = services.save_member(
                None,
                full_name=full_name,
                agency=agencies[key],
                position=position,
                is_chair=is_chair,
                term_start=datetime.date(2021, 3, 15),
                user=user,
            )
        members[full_name] = member

    if not Meeting.objects.filter(held_on=datetime.date(2021, 4, 7)).exists():
        _first_meeting(members, agencies)
    if not Task.objects.filter(year=today.year).exists():
        _workplan(o, agencies, today)
    if not Contribution.objects.exists():
        _contributions(o, today)
    if not Document.objects.exclude(doc_type="evidence").exists():
        _library(o)
    if not Event.objects.exists():
        _events(o, agencies, today)
    o["board_agencies"] = agencies


def _chair_user(ctx: DemoContext) -> User:
    user, created = User.objects.get_or_create(
        username="chair",
        defaults={
            "role": Role.BOARD,
            "first_name": "Ngô Trọng",
            "last_name": "Vịnh",
            "organisation": "Trung ương Hội NCT Việt Nam",
            "email": "chair@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        Assignment.objects.create(user=user)
    ctx.logins.append(("chair", str(Role(Role.BOARD).label), "Cả nước / whole country"))
    ctx.objects["user_chair"] = user
    return user


def _first_meeting(members, agencies) -> None:
    chair = members["Ngô Trọng Vịnh"]
    meeting = services.save_meeting(
        None,
        held_on=datetime.date(2021, 4, 7),
        title="Hội nghị lần thứ nhất Ban Điều hành Đề án nhân rộng mô hình CLB LTHTGN giai đoạn "
        "đến năm 2025",
        place="Cơ quan Trung ương Hội NCT Việt Nam, Hà Nội",
        chair=chair,
        participants=list(members.values()),
        agenda="1. Thảo luận kế hoạch thực hiện hoạt động của Đề án.\n"
        "2. Phân công nhiệm vụ các thành viên Ban Điều hành.",
        minutes=MINUTES,
    )
    conclusions = [services.add_conclusion(None, meeting, text=text) for text in CONCLUSIONS]
    created = timezone.make_aware(datetime.datetime(2021, 4, 7, 17, 0))
    # Two conclusions became tasks at the time and were done; the others are left for the chair
    # to turn into tasks in the demo.
    for conclusion, agency, group, deadline in (
        (conclusions[1], "TW Hội NCT", "clubs", datetime.date(2021, 6, 30)),
        (conclusions[2], "TW Hội NCT", "training", datetime.date(2021, 9, 30)),
    ):
        task = services.create_task(
            None,
            year=2021,
            title=conclusion.text,
            group=group,
            responsible=agencies[agency],
            deadline=deadline,
            conclusion=conclusion,
            created_at=created,
        )
        services.add_note(
            None,
            task,
            text="Đã hoàn thành và gửi các địa phương.",
            status="done",
            written_on=deadline,
        )


def _workplan(o, agencies, today) -> None:
    created = timezone.now() - datetime.timedelta(days=150)
    d = datetime.timedelta
    plan = [
        (
            "Ban hành hướng dẫn lồng ghép chăm sóc sức khỏe NCT vào sinh hoạt CLB",
            "training",
            "Bộ Y tế",
            ["TW Hội NCT"],
            today - d(days=20),
            "on_track",
            "Đã có dự thảo, đang lấy ý kiến Sở Y tế 5 tỉnh.",
        ),
        (
            "Tập huấn tự chăm sóc sức khỏe và sơ cấp cứu cho ban chủ nhiệm CLB",
            "training",
            "Bộ Y tế",
            [],
            today + d(days=25),
            "at_risk",
            "Chưa bố trí được kinh phí tập huấn cho 3 tỉnh miền núi.",
        ),
        (
            "Hướng dẫn Sở Y tế phối hợp triển khai Quyết định 1648/QĐ-TTg",
            "clubs",
            "Bộ Y tế",
            ["TW Hội NCT"],
            today + d(days=60),
            "not_started",
            "",
        ),
        (
            "Phóng sự truyền hình về mô hình CLB liên thế hệ tự giúp nhau",
            "communication",
            "Bộ VHTTDL",
            ["Bộ TTTT", "Bộ Y tế"],
            today - d(days=5),
            "at_risk",
            "Đã quay 2/4 địa phương.",
        ),
        (
            "Đưa tin về CLB trên hệ thống thông tin cơ sở",
            "communication",
            "Bộ TTTT",
            ["TW Hội NCT"],
            today + d(days=40),
            "on_track",
            "Đã đăng 12 tin bài.",
        ),
        (
            "Vận động doanh nghiệp hỗ trợ vốn ban đầu cho CLB mới",
            "resources",
            "UBTW MTTQ",
            ["TW Hội NCT"],
            today + d(days=45),
            "on_track",
            "",
        ),
        (
            "Hoàn thiện bộ tài liệu hướng dẫn thành lập và duy trì CLB",
            "training",
            "TW Hội NCT",
            ["HelpAge"],
            today - d(days=40),
            "done",
            "Đã phát hành tới 34 tỉnh, thành phố.",
        ),
        (
            "Hội thảo chia sẻ kinh nghiệm quốc tế về chăm sóc NCT dựa vào cộng đồng",
            "international",
            "HelpAge",
            ["TW Hội NCT"],
            today + d(days=90),
            "not_started",
            "",
        ),
        (
            "Rà soát, sắp xếp CLB theo đơn vị hành chính mới",
            "clubs",
            "TW Hội NCT",
            ["Bộ LĐTBXH"],
            today + d(days=15),
            "on_track",
            "Đã rà soát 21/34 tỉnh.",
        ),
    ]
    for title, group, agency, supporting, deadline, status, note in plan:
        task = services.create_task(
            o.get("user_central"),
            year=today.year,
            title=title,
            group=group,
            responsible=agencies[agency],
            supporting=[agencies[s] for s in supporting],
            deadline=deadline,
            created_at=created,
        )
        if note:
            services.add_note(
                o.get("user_central"),
                task,
                text=note,
                status=status,
                written_on=min(today, deadline) - d(days=3),
            )
        elif status != task.status:
            services.update_task(o.get("user_central"), task, status=status)


def _contributions(o, today) -> None:
    central = o.get("user_central")
    y = today.year
    rows = [
        (
            datetime.date(y - 2, 5, 10),
            "international_org",
            "HelpAge International (dự án VIE085)",
            "cash",
            60_000_000,
            "",
            None,
            "club",
            "loan_capital",
        ),
        (
            datetime.date(y - 1, 3, 2),
            "commune_budget",
            "UBND xã Ngọc Đường",
            "cash",
            20_000_000,
            "",
            None,
            "club",
            "loan_capital",
        ),
        (
            datetime.date(y - 1, 9, 12),
            "enterprise",
            "Công ty CP Sữa Việt Nam",
            "in_kind",
            8_500_000,
            "2 máy đo huyết áp, 1 cân sức khỏe, loa kéo",
            None,
            "club",
            "equipment",
        ),
        (
            datetime.date(y, 2, 20),
            "individual",
            "Ông Nguyễn Văn Bình (con em quê hương)",
            "cash",
            5_000_000,
            "",
            None,
            "club_b",
            "activities",
        ),
        (
            datetime.date(y, 4, 8),
            "province_budget",
            "UBND tỉnh Tuyên Quang",
            "cash",
            150_000_000,
            "",
            "province",
            None,
            "loan_capital",
        ),
        (
            datetime.date(y, 6, 1),
            "club_own",
            "Thành viên CLB góp quỹ",
            "cash",
            3_100_000,
            "",
            None,
            "club_c",
            "activities",
        ),
        (
            datetime.date(y, 7, 15),
            "domestic_org",
            "Quỹ Bảo trợ trẻ em và NCT Hà Nội",
            "cash",
            30_000_000,
            "",
            None,
            "club_d",
            "loan_capital",
        ),
        (
            datetime.date(y, 8, 30),
            "association",
            "Trung ương Hội NCT Việt Nam",
            "cash",
            200_000_000,
            "",
            None,
            None,
            "training",
        ),
        (
            datetime.date(y, 10, 5),
            "central_budget",
            "Ngân sách trung ương (Bộ Y tế)",
            "cash",
            500_000_000,
            "",
            None,
            None,
            "training",
        ),
    ]
    for when, source, name, kind, amount, items, unit_key, club_key, purpose in rows:
        services.record_contribution(
            central,
            received_on=when,
            source_type=source,
            source_name=name,
            kind=kind,
            amount=amount,
            in_kind_description=items,
            purpose=purpose,
            unit=o[unit_key] if unit_key else None,
            club=o[club_key] if club_key else None,
        )


def _library(o) -> None:
    central, province = o.get("user_central"), o.get("user_province")
    xlsx_name = "mau-so-thanh-vien.xlsx"
    docs = [
        (
            central,
            None,
            True,
            "Quyết định phê duyệt Đề án nhân rộng mô hình CLB liên thế hệ tự "
            "giúp nhau giai đoạn đến năm 2025",
            "decision",
            "Thủ tướng Chính phủ",
            "1336/QĐ-TTg",
            datetime.date(2020, 8, 31),
            "qd-1336.pdf",
        ),
        (
            central,
            None,
            True,
            "Quyết định phê duyệt Đề án nhân rộng mô hình CLB liên thế hệ tự "
            "giúp nhau giai đoạn 2025–2035",
            "decision",
            "Thủ tướng Chính phủ",
            "1648/QĐ-TTg",
            datetime.date(2025, 8, 1),
            "qd-1648.pdf",
        ),
        (
            central,
            None,
            True,
            "Hướng dẫn thành lập và duy trì hoạt động CLB liên thế hệ tự giúp nhau",
            "guidance",
            "Trung ương Hội NCT Việt Nam",
            "",
            datetime.date(2021, 9, 20),
            "huong-dan-thanh-lap-clb.pdf",
        ),
        (
            central,
            None,
            True,
            "Mẫu sổ đăng ký thành viên CLB",
            "form",
            "Trung ương Hội NCT Việt Nam",
            "",
            datetime.date(2021, 9, 20),
            xlsx_name,
        ),
        (
            central,
            None,
            False,
            "Tài liệu tập huấn quản lý Quỹ tăng thu nhập",
            "training",
            "Trung ương Hội NCT Việt Nam",
            "",
            datetime.date(2022, 3, 1),
            "tap-huan-quy.pdf",
        ),
        (
            central,
            None,
            True,
            "Ban Điều hành Đề án nhân rộng mô hình CLB liên thế hệ tự giúp nhau họp phiên đầu tiên",
            "communication",
            "Báo Người cao tuổi",
            "",
            datetime.date(2021, 4, 8),
            "bai-viet-hop-ban-dieu-hanh.pdf",
        ),
        (
            province,
            "province",
            False,
            "Kế hoạch nhân rộng CLB liên thế hệ tự giúp nhau tỉnh Tuyên Quang năm 2025",
            "guidance",
            "Hội NCT tỉnh Tuyên Quang",
            "45/KH-HNCT",
            datetime.date(2025, 2, 10),
            "ke-hoach-tinh.pdf",
        ),
    ]
    for user, unit_key, public, title, doc_type, issuer, number, issued, filename in docs:
        content = _register_template() if filename.endswith(".xlsx") else _pdf(title)
        services.create_document(
            user,
            upload=SimpleUploadedFile(filename, content),
            unit=o[unit_key] if unit_key else None,
            title=title,
            doc_type=doc_type,
            issuer=issuer,
            number=number,
            issued_on=issued,
            language="vi",
            public=public,
        )


def _events(o, agencies, today) -> None:
    central, province = o.get("user_central"), o.get("user_province")
    y = today.year
    training = Document.objects.filter(doc_type="training").first()
    article = Document.objects.filter(doc_type="communication").first()
    services.record_event(
        province,
        unit=o["province"],
        held_on=datetime.date(y, 3, 18),
        event_type="training",
        topic="Tập huấn quản lý Quỹ tăng thu nhập cho ban chủ nhiệm CLB",
        organiser=agencies["TW Hội NCT"],
        participants=62,
        women=41,
        older=38,
        materials=[training] if training else [],
    )
    services.record_event(
        province,
        unit=o["commune"],
        held_on=datetime.date(y, 5, 9),
        event_type="communication",
        topic="Truyền thông về quyền và chế độ chính sách cho NCT",
        participants=120,
        women=78,
        older=95,
    )
    services.record_event(
        central,
        unit=None,
        held_on=datetime.date(y, 6, 25),
        event_type="communication",
        topic="Tọa đàm trên truyền hình: CLB liên thế hệ và chuyển đổi số",
        organiser=agencies["Bộ TTTT"],
        participants=45,
        women=20,
        older=15,
        materials=[article] if article else [],
    )
