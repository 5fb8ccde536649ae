from ishc.core.breadcrumbs import trail


def test_it_turns_steps_into_crumbs():
    assert trail(("Báo cáo tháng", "/reports/"), ("CLB A", None)) == [
        {"label": "Báo cáo tháng", "url": "/reports/"},
        {"label": "CLB A", "url": None},
    ]
