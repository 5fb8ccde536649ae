"""One money field everywhere: "300.000" and "300000" are 300,000 ₫, "300,5" is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from ishc.activities.models import ActivityRecord
from ishc.core.forms import MoneyField, parse_money


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("300.000", 300_000),
        ("300000", 300_000),
        ("2.500.000", 2_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("300.000 ₫", 300_000),
    ],
)
def test_it_reads_money_as_people_type_it(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", ["300,5", "1.5", "-3", "abc", "1.50.000", "0"])
def test_it_refuses_what_is_not_a_whole_amount(typed):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        parse_money(typed)
    assert (
        "dong" in str(refused.value)
        or "more than zero" in str(refused.value)
        or ("negative" in str(refused.value))
    )


def test_it_renders_money_as_text_with_the_number_pad():
    html = MoneyField(label="x").widget.render("amount", "300.000")
    assert (
        'type="text"' in html
        and 'inputmode="numeric"' in html
        and "number" not in html.split("inputmode")[0]
    )


@pytest.mark.django_db
def test_it_saves_an_activity_record_amount_typed_the_vietnamese_way(client, world):
    client.force_login(world.club)
    url = reverse("activities:record_new", args=[world.A.pk, "fundraising"])
    page = client.get(url).content.decode()
    assert 'type="number"' not in page.split('name="value_vnd"')[0].rsplit("<input", 1)[-1]
    data = {"on": "2026-03-02", "title": "Quyên góp", "participants": 6}
    assert client.post(url, {**data, "value_vnd": "300.000"}).status_code == 302
    assert client.post(url, {**data, "value_vnd": "2.500.000"}).status_code == 302
    assert sorted(ActivityRecord.objects.values_list("value_vnd", flat=True)) == [
        300_000,
        2_500_000,
    ]
    client.cookies["django_language"] = "vi"
    refused = client.post(url, {**data, "value_vnd": "300,5"})
    assert refused.status_code == 200
    assert ActivityRecord.objects.count() == 2
    assert "1.500.000" in refused.content.decode()
