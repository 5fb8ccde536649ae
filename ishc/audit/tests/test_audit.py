from ishc.audit.models import AuditEntry
from ishc.audit.services import diff, history, record, snapshot


def test_it_records_who_what_and_the_changed_values(world):
    before = snapshot(world.A)
    world.A.name = "CLB A mới"
    world.A.save()
    entry = record(
        world.commune, "clubs.club.updated", world.A, before=before, after=snapshot(world.A)
    )
    assert entry.user_name == "commune"
    assert entry.club_id == world.A.pk
    assert entry.data["changes"] == {"name": ["CLB A", "CLB A mới"]}
    assert list(history(world.A)) == [entry]


def test_it_records_system_actions_without_a_user(world):
    entry = record(None, "clubs.club.created", world.B, after=snapshot(world.B))
    assert entry.user is None and entry.user_name == "system"
    assert entry.data["after"]["name"] == "CLB B"


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_the_log_itself_is_scoped(world):
    from ishc.accounts.scope import visible

    record(world.central, "clubs.club.updated", world.A)
    record(world.central, "clubs.club.updated", world.C)
    assert visible(world.commune, AuditEntry.objects.all()).get().club == world.A


def test_it_lists_the_log_of_the_users_area_only(client, world):
    from django.urls import reverse

    record(world.central, "clubs.club.updated", world.A)
    record(world.central, "clubs.club.updated", world.C)
    client.force_login(world.commune)
    response = client.get(reverse("audit:entries"))
    assert response.status_code == 200
    assert [e.club for e in response.context["page"]] == [world.A]
    client.force_login(world.outsider)
    assert [e.club for e in client.get(reverse("audit:entries")).context["page"]] == [world.C]
    client.force_login(world.central)
    assert len(client.get(reverse("audit:entries"), {"kind": "clubs."}).context["page"]) == 2
    client.force_login(world.nobody)
    assert client.get(reverse("audit:entries")).status_code == 403


def test_it_shows_a_units_own_entries_to_that_units_officers(world):
    # A commune's setting is recorded with its unit and no club (issue 15, part 3).
    from ishc.accounts.scope import visible
    from ishc.reports.services import set_commune_setting

    set_commune_setting(world.province, world.c1, True)
    for user, seen in [(world.province, 1), (world.commune, 1), (world.outsider, 0)]:
        assert visible(user, AuditEntry.objects.all()).count() == seen, user


def test_it_reads_the_log_as_sentences_with_form_labels(client, world, settings):
    import datetime

    from django.urls import reverse

    from ishc.clubs.services import update_club
    from ishc.reports.services import create_report, transition, update_narrative

    update_club(world.province, world.A, name="CLB A mới", cohort="1533")
    report = create_report(world.central, world.A, datetime.date(2026, 10, 1))
    report = update_narrative(
        world.central, report, difficulties="-", proposals="-", no_meeting_reason="Lũ"
    )
    for step, user in [("submit", world.central), ("approve", world.commune)]:
        report = transition(user, report, step)
    report = transition(world.province, report, "approve")
    transition(world.province, report, "lock")
    client.force_login(world.province)
    page = client.get(reverse("audit:entries"), {"kind": "reports."})
    html = page.content.decode()
    assert "Province khóa báo cáo tháng 10/2026 của CLB A mới" in html
    assert "reports.report.lock" not in html and "MonthlyReport object" not in html
    assert "Báo cáo tháng" in html  # the filter in words
    page = client.get(reverse("audit:entries"), {"kind": "clubs."})
    [club] = [e for e in page.context["page"] if e.action == "clubs.club.updated"]
    assert club.sentence == "Province sửa CLB A mới"
    assert club.changed == [
        ("Tên", "CLB A", "CLB A mới"),
        ("Chương trình/đợt", "Quyết định 1336 (2021–2025)", "Quyết định 1533 (2016–2020)"),
    ]


def test_it_lists_the_log_without_a_query_per_entry(client, world, django_assert_max_num_queries):
    from django.urls import reverse

    for i in range(30):
        record(world.central, "clubs.club.updated", world.A if i % 2 else world.B)
    client.force_login(world.province)
    with django_assert_max_num_queries(8):
        assert len(client.get(reverse("audit:entries")).context["page"]) == 30


def test_it_pages_the_log_keeping_the_kind(client, world):
    from django.urls import reverse

    for _i in range(51):
        record(world.central, "clubs.club.updated", world.A)
    client.force_login(world.province)
    html = client.get(reverse("audit:entries"), {"kind": "clubs."}).content.decode()
    assert "?kind=clubs.&amp;page=2" in html
