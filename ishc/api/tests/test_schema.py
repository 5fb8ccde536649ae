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


def test_it_serves_a_valid_openapi_3_1_schema_with_summaries_and_typed_responses(client):
    import schemathesis

    raw = client.get("/api/v1/openapi.json").json()
    assert raw["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(raw).validate()  # the OpenAPI 3.1 meta-schema
    operations = [op for path in raw["paths"].values() for op in path.values()]
    assert len(operations) >= 18
    for op in operations:
        assert op.get("summary"), op["operationId"]
        ok = [s for s in op["responses"] if s.startswith("2")]
        assert ok and all("schema" in op["responses"][s]["content"]["application/json"] for s in ok)
        problems = op["responses"]["422"]["content"]["application/problem+json"]["schema"]
        assert problems == {"$ref": "#/components/schemas/Problem"}
        assert op.get("security"), op["operationId"]
