from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Vietnamese unless the person chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many cheap phones
    ship set to English: a club board that has never chosen a language must still get Vietnamese.
    The switch (django.views.i18n.set_language) stores the choice in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
