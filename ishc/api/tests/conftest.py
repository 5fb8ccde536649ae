import pytest

from ishc.api.tokens import create_token


class Caller:
    """A partner's program holding one token."""

    def __init__(self, client, raw):
        self.client, self.raw = client, raw

    def _headers(self, extra):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw}", **extra}

    def get(self, url, **extra):
        return self.client.get(url, **self._headers(extra))

    def post(self, url, data=None, raw_body=None, **extra):
        body = raw_body if raw_body is not None else __import__("json").dumps(data or {})
        return self.client.post(url, body, content_type="application/json", **self._headers(extra))

    def put(self, url, data, **extra):
        return self.client.put(
            url,
            __import__("json").dumps(data),
            content_type="application/json",
            **self._headers(extra),
        )


@pytest.fixture
def as_(client):
    def make(user, **token_fields):
        token_fields.setdefault("name", "partner")
        _token, raw = create_token(user, **token_fields)
        return Caller(client, raw)

    return make
