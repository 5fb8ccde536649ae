import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read the English messages; one test per app checks the Vietnamese ones."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
