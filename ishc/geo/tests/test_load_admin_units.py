import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ishc.geo.loader import DATA_DIR
from ishc.geo.models import Level, Scheme, Succession, Unit
from ishc.geo.resolver import Resolution, province_2025, resolve, resolve_legacy_code


def _load(data_dir=DATA_DIR) -> dict:
    out = StringIO()
    call_command("load_admin_units", data_dir=data_dir, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "the command prints one JSON line"
    return json.loads(lines[0])


def _unit(scheme, level, code) -> Unit:
    return Unit.objects.get(scheme=scheme, level=level, code=code)


@pytest.mark.django_db
def test_it_loads_the_official_counts_and_is_idempotent():
    first = _load()
    assert first["units"] == {
        "2025": {"province": 34, "commune": 3321},
        "legacy": {"province": 63, "district": 696, "commune": 10051},
    }
    assert first["succession_pairs"] == 10565
    assert first["special_zones"] == 5
    assert first["legacy_communes_without_successor"] == 28
    assert first["ethnic_groups"] == 55
    assert first["created"] > 0

    second = _load()
    assert (second["created"], second["updated"], second["deleted"]) == (0, 0, 0)
    assert second["units"] == first["units"]


@pytest.mark.django_db
def test_it_resolves_legacy_units_without_guessing():
    _load()
    ha_giang = _unit(Scheme.LEGACY, Level.PROVINCE, 2)
    assert ha_giang.name == "Tỉnh Hà Giang"
    assert province_2025(ha_giang).name == "Tỉnh Tuyên Quang"

    quang_trung = _unit(Scheme.LEGACY, Level.COMMUNE, 688)
    assert quang_trung.name == "Phường Quang Trung"
    split = resolve(quang_trung)
    assert split.status == Resolution.CHOOSE
    assert {u.name for u in split.candidates} == {"Phường Hà Giang 1", "Phường Hà Giang 2"}
    assert split.unit is None

    con_dao = resolve(_unit(Scheme.LEGACY, Level.DISTRICT, 755))
    assert con_dao.status == Resolution.RESOLVED
    assert con_dao.unit.name == "Đặc khu Côn Đảo"

    truc_bach = resolve(_unit(Scheme.LEGACY, Level.COMMUNE, 4))
    assert truc_bach.status == Resolution.RESOLVED
    assert truc_bach.unit.name == "Phường Ba Đình"
    assert truc_bach.unit.scheme == Scheme.CURRENT

    orphan = (
        Unit.objects.filter(scheme=Scheme.LEGACY, level=Level.COMMUNE)
        .exclude(code__in=Succession.objects.values("old_code"))
        .first()
    )
    assert resolve(orphan).status == Resolution.CONFIRM
    assert resolve_legacy_code(999_999).status == Resolution.CONFIRM


@pytest.mark.django_db
def test_it_keys_units_by_scheme_as_well_as_code():
    _load()
    assert _unit(Scheme.LEGACY, Level.COMMUNE, 4).name == "Phường Trúc Bạch"
    assert _unit(Scheme.CURRENT, Level.COMMUNE, 4).name == "Phường Ba Đình"


@pytest.mark.django_db
def test_it_searches_without_diacritics():
    _load()
    names = set(
        Unit.objects.filter(level=Level.PROVINCE).search("ha giang").values_list("name", flat=True)
    )
    assert names == {"Tỉnh Hà Giang"}
    assert Unit.objects.communes().search("PHUONG ba dinh").filter(name="Phường Ba Đình").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "damage, message",
    [
        (
            lambda p: p.write_text("code,name\n1,Hà Nội\n", encoding="utf-8"),
            "missing columns division_type",
        ),
        (
            lambda p: p.write_text(
                "".join(p.read_text(encoding="utf-8").splitlines(True)[:200]), encoding="utf-8"
            ),
            "expected 3321",
        ),
        (lambda p: p.write_bytes(b"\xff\xfe" + p.read_bytes()), "not UTF-8"),
        (lambda p: p.unlink(), "file not found"),
    ],
)
def test_it_refuses_a_damaged_file_and_keeps_the_previous_data(tmp_path, damage, message):
    _load()
    before = Unit.objects.count(), Succession.objects.count()
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    damage(data / "communes_2025.csv")
    with pytest.raises(CommandError) as err:
        _load(data)
    assert message in str(err.value)
    assert "Nothing was changed" in str(err.value)
    assert (Unit.objects.count(), Succession.objects.count()) == before


@pytest.mark.django_db
def test_it_refuses_a_succession_to_an_unknown_commune(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "commune_succession_2025.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("\n1,97,0\n", "\n1,9999999,0\n"), encoding="utf-8"
    )
    with pytest.raises(CommandError) as err:
        _load(data)
    assert (
        "commune_succession_2025.csv line 2: code_2025 9999999 is not a known 2025 commune"
        in str(err.value)
    )
    assert Unit.objects.count() == 0
