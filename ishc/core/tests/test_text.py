import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ishc.core.text import by_vietnamese_name, vi_sort_key


def _sorted(names):
    return sorted(names, key=vi_sort_key)


def test_it_sorts_names_in_vietnamese_alphabetical_order_not_by_code_point():
    names = ["Vũ Văn An", "Đặng Thị Lý", "Hoàng Văn Nam", "Hà Thị Mai", "Dương Văn Bình", "Giang A"]
    assert _sorted(names) == [
        "Dương Văn Bình",
        "Đặng Thị Lý",
        "Giang A",
        "Hà Thị Mai",
        "Hoàng Văn Nam",
        "Vũ Văn An",
    ]


def test_it_orders_the_letters_with_marks_after_their_base_letter():
    assert _sorted(["Ưng", "Ân", "Ơn", "Ông", "Ăn", "Êm", "An", "Em", "On", "Ung"]) == [
        "An",
        "Ăn",
        "Ân",
        "Em",
        "Êm",
        "On",
        "Ông",
        "Ơn",
        "Ung",
        "Ưng",
    ]


def test_it_breaks_ties_by_tone_in_dictionary_order():
    assert _sorted(["Má", "Mạ", "Mà", "Mã", "Ma", "Mả"]) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]


def test_it_puts_a_shorter_word_first_and_ignores_case_and_spaces():
    assert _sorted(["Hàa", "hà  Anh"]) == ["hà  Anh", "Hàa"]
    assert vi_sort_key("NGUYỄN  thị hoa") == vi_sort_key("Nguyễn Thị Hoa")


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậ ĐĂ", max_size=12))
def test_it_gives_the_same_key_whatever_the_unicode_normalisation(text):
    assert vi_sort_key(unicodedata.normalize("NFD", text)) == vi_sort_key(
        unicodedata.normalize("NFC", text)
    )


def test_it_sorts_objects_by_their_name():
    class P:
        def __init__(self, full_name):
            self.full_name = full_name

    people = [P("Hoàng B"), P("Hà A")]
    assert [p.full_name for p in by_vietnamese_name(people)] == ["Hà A", "Hoàng B"]
