from ishc.activities.models import ActivityArea, AreaStandard, Measure


def test_it_seeds_the_eight_areas_in_both_languages(db):
    areas = list(ActivityArea.objects.all())
    assert [a.number for a in areas] == list(range(1, 9))
    assert areas[1].name_vi == "Chăm sóc sức khỏe"
    assert areas[1].name_en == "Health care"
    assert all(a.name_vi and a.name_en for a in areas)


def test_it_seeds_a_standard_for_every_measure(db):
    assert set(AreaStandard.objects.values_list("measure", flat=True)) == set(Measure.values)
    dialogues = AreaStandard.objects.get(measure=Measure.DIALOGUES)
    assert (dialogues.area.number, dialogues.minimum, dialogues.period) == (5, 2, "year")
