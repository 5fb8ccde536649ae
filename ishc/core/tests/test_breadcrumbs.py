from ishc.core.breadcrumbs import unit_crumbs


def test_it_walks_from_the_country_to_the_club(world):
    crumbs = unit_crumbs(club=world.A, url_name="audit:entries", tail="Hội viên")
    assert [c["label"] for c in crumbs] == [
        "Cả nước",
        "Tỉnh Tuyên Quang",
        "Xã Ngọc Đường",
        "CLB A",
        "Hội viên",
    ]
    assert crumbs[1]["url"] == f"/audit/?unit={world.P.pk}"
    assert crumbs[-1]["url"] is None


def test_it_stops_at_a_unit(world):
    assert [c["label"] for c in unit_crumbs(unit=world.P)] == ["Cả nước", "Tỉnh Tuyên Quang"]
    assert [c["label"] for c in unit_crumbs(unit=world.c3)] == [
        "Cả nước",
        "Thành phố Hà Nội",
        "Phường Ba Đình",
    ]
