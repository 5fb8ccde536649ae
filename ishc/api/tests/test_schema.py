def test_it_serves_the_openapi_schema(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert r.json()["openapi"].startswith("3.")
    assert r.json()["info"]["version"] == "1"


def test_it_serves_the_docs_without_a_cdn(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/ninja/" in html
    assert "cdn." not in html and "unpkg" not in html
