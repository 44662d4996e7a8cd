"""The OpenAPI schema, the local docs, tokens, errors outside any endpoint, and ClaimReview."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from knox.models import AuthToken
from pyld import jsonld

from claims.models import Claim
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning into a failure.
    target = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--format",
        "openapi-json",
        "--file",
        str(target),
    )
    schema = json.loads(target.read_text())
    assert "/api/v1/claims/{id}/assessments/" in schema["paths"]
    claim_list = schema["paths"]["/api/v1/claims/"]["get"]
    names = {p["name"] for p in claim_list["parameters"]}
    assert {"status", "place", "q", "as_of", "cursor", "page_size", "ordering"} <= names
    assert "412" in schema["paths"]["/api/v1/claims/{id}/"]["patch"]["responses"]


def test_schema_and_docs_are_served_without_a_cdn(client):
    assert_status(client.get("/api/schema/"), 200)
    docs = client.get("/api/docs/")
    assert_status(docs, 200)
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_claim_is_a_json_404(client):
    response = client.get("/api/v1/claims/999999999/")
    assert_status(response, 404)
    assert set(response.json()) == {"status", "code", "detail", "errors"}


def test_method_not_allowed_is_a_json_405(editor_client):
    response = editor_client.put("/api/v1/claims/", {}, content_type="application/json")
    assert_status(response, 405)
    assert response.json()["status"] == 405


def test_reading_is_documented_as_open_and_writing_as_signed_in(client):
    schema = client.get("/api/schema/?format=json").json()
    claims = schema["paths"]["/api/v1/claims/"]
    assert {} in claims["get"]["security"]
    assert {} not in claims["post"]["security"]
    assert "412" in claims["post"]["responses"] and "412" not in claims["get"]["responses"]


def test_the_etag_a_detail_answers_with_and_the_if_match_it_takes_are_documented(client):
    schema = client.get("/api/schema/?format=json").json()
    claim = schema["paths"]["/api/v1/claims/{id}/"]
    assert "ETag" in claim["get"]["responses"]["200"]["headers"]
    assert "ETag" in claim["patch"]["responses"]["200"]["headers"]
    assert "If-Match" in {parameter["name"] for parameter in claim["patch"]["parameters"]}


def test_every_edit_and_delete_documents_the_required_if_match_and_its_428(client):
    """So that a client generated from the schema, or a fuzzer, knows to send it."""
    schema = client.get("/api/schema/?format=json").json()
    edits = [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("put", "patch", "delete") and not path.startswith("/api/v1/tokens/")
    ]
    assert len(edits) >= 20  # every record endpoint's put, patch and delete
    for path, method, operation in edits:
        (if_match,) = [p for p in operation["parameters"] if p["name"] == "If-Match"]
        assert (if_match["in"], if_match["required"]) == ("header", True), (path, method)
        assert "*" not in if_match["schema"]["pattern"], (path, method)
        assert "428" in operation["responses"], (path, method)
        assert operation["responses"]["428"] == {
            "$ref": "#/components/responses/PreconditionRequired"
        }, (path, method)
    required = schema["components"]["responses"]["PreconditionRequired"]
    assert required["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert required["content"]["application/json"]["example"]["code"] == "precondition_required"
    claims = schema["paths"]["/api/v1/claims/"]
    assert "428" not in claims["post"]["responses"] and "428" not in claims["get"]["responses"]


# --- CSRF: a signed-in browser session must send the token; a script's token never ----


def test_session_write_without_csrf_token_is_a_json_403(editor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    response = browser.post("/api/v1/topics/", {"name": "Kursk"}, content_type="application/json")
    assert_status(response, 403)
    assert response["Content-Type"] == "application/json"
    assert "CSRF" in response.json()["detail"]


def test_unknown_api_path_answers_json_even_without_csrf_token(editor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    response = browser.delete("/api/v1/actors/0.5/")
    assert_status(response, 404)
    assert response.json()["code"] == "not_found"


def test_token_request_needs_no_csrf_token_even_with_a_session_cookie(editor, viewer):
    token = AuthToken.objects.create(user=editor)[1]
    script = Client(enforce_csrf_checks=True, headers={"Authorization": f"Token {token}"})
    script.force_login(viewer)  # a stale browser session cookie comes along
    response = script.post("/api/v1/topics/", {"name": "Kursk"}, content_type="application/json")
    assert_status(response, 201)


def test_token_sign_in_list_and_revoke(viewer):
    viewer.set_password("correct horse battery")
    viewer.save()
    basic = Client()
    response = basic.post(
        "/api/v1/tokens/",
        headers={"Authorization": "Basic " + _b64(f"{viewer.username}:correct horse battery")},
    )
    assert_status(response, 201)
    token, key = response.json()["token"], response.json()["token_key"]
    # Only a hash is stored.
    assert not AuthToken.objects.filter(digest=token).exists()
    assert token not in {t.digest for t in AuthToken.objects.all()}

    script = Client(headers={"Authorization": f"Token {token}"})
    assert_status(script.get("/api/v1/claims/"), 200)
    assert [t["token_key"] for t in script.get("/api/v1/tokens/").json()] == [key]
    assert_status(script.delete(f"/api/v1/tokens/{key}/"), 204)
    assert_status(script.get("/api/v1/claims/"), 401)


def test_wrong_password_gets_no_token(viewer):
    response = Client().post(
        "/api/v1/tokens/", headers={"Authorization": "Basic " + _b64(f"{viewer.username}:nope")}
    )
    assert_status(response, 401)


def test_anonymous_requests_are_throttled(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100/minute"},
    }
    assert [client.get("/api/v1/topics/").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/topics/").json()["code"] == "throttled"


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


# --- ClaimReview of the worked example ---------------------------------------

GOOGLE_REQUIRED = {"claimReviewed", "reviewRating", "url", "author"}


def test_claimreview_of_the_seed_parses_as_json_ld(seed, client):
    response = client.get("/api/v1/claims/claimreview/")
    assert_status(response, 200)
    assert response["Content-Type"].startswith("application/ld+json")
    document = response.json()
    reviews = document["@graph"]
    assert len(reviews) == Claim.objects.active().count() > 0
    for review in reviews:
        assert set(review) >= GOOGLE_REQUIRED
        assert review["@type"] == "ClaimReview"
        assert review["url"].startswith("http://testserver/claims/")
        assert review["author"] == {"@type": "Organization", "name": "claimsbase"}
        assert review["reviewRating"]["@type"] == "Rating"
        assert review["reviewRating"]["alternateName"]
        assert review["datePublished"]
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["@type"] in {"Person", "Organization"} and claim["author"]["name"]
        assert claim["datePublished"]  # every seed claim has the day it was asserted
        assert all(a["@type"] == "CreativeWork" and a["headline"] for a in claim["appearance"])
        assert claim["firstAppearance"] == claim["appearance"][0]
    # Expanding with the schema.org context offline: swap in a minimal inline context.
    offline = {**document, "@context": {"@vocab": "https://schema.org/"}}
    expanded = jsonld.expand(offline)
    assert {node["@type"][0] for node in expanded} == {"https://schema.org/ClaimReview"}
    schema_org = "https://schema.org/"
    for node in expanded:
        assert {f"{schema_org}{name}" for name in GOOGLE_REQUIRED} <= set(node)
        [rating] = node[f"{schema_org}reviewRating"]
        assert rating[f"{schema_org}alternateName"][0]["@value"]
        [item] = node[f"{schema_org}itemReviewed"]
        assert {f"{schema_org}author", f"{schema_org}appearance"} <= set(item)


def test_claimreview_of_one_seed_claim(seed, client):
    claim = Claim.objects.active().filter(statement__icontains="24 settlements").first()
    assert claim is not None
    response = client.get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert_status(response, 200)
    review = response.json()
    assert review["@context"] == "https://schema.org"
    assert review["claimReviewed"] == claim.statement
    assert "Gerasimov" in review["itemReviewed"]["author"]["name"]
    offline = {**review, "@context": {"@vocab": "https://schema.org/"}}
    assert jsonld.expand(offline)[0]["@type"] == ["https://schema.org/ClaimReview"]


def test_csv_of_the_seed(seed, client):
    response = client.get("/api/v1/claims/csv/?q=Gerasimov")
    assert_status(response, 200)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0])[:5] == ["id", "statement", "claimant_id", "claimant", "status"]
    regained = next(row for row in rows if "24 settlements" in row["statement"])
    assert regained["claimant"] == "Valery Gerasimov"


# --- a schema written for script authors ---------------------------------------


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _project_docstrings() -> set[str]:
    """The first line of the docstring of every class, function and method of the project,
    as written for the people who change the code."""
    import importlib
    import inspect
    import pkgutil

    docs: set[str] = set()

    def add(doc: str | None) -> None:
        if doc:
            first = inspect.cleandoc(doc).splitlines()[0].strip()
            if len(first) >= 12:
                docs.add(first)

    for package_name in ("claimsbase", "claims", "sources"):
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations." in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, member in inspect.getmembers(module):
                if getattr(member, "__module__", None) != module.__name__:
                    continue
                add(getattr(member, "__doc__", None) if inspect.isfunction(member) else None)
                if inspect.isclass(member):
                    add(member.__dict__.get("__doc__"))
                    for attribute in member.__dict__.values():
                        if inspect.isfunction(attribute):
                            add(attribute.__doc__)
    return docs


def _descriptions(schema: dict):
    for name, operation in _operations(schema):
        yield name, operation.get("description", "")
        for code, response in operation.get("responses", {}).items():
            yield f"{name} {code}", response.get("description", "")
    for kind, components in schema["components"].items():
        for name, component in components.items():
            yield f"{kind}/{name}", component.get("description", "")
            for field, field_schema in component.get("properties", {}).items():
                yield f"{kind}/{name}.{field}", field_schema.get("description", "")


def test_every_operation_has_a_summary_and_a_description_for_script_authors():
    schema = _schema()
    missing = [
        name
        for name, operation in _operations(schema)
        if not operation.get("summary") or not operation.get("description")
    ]
    assert missing == []
    summaries = [operation["summary"] for _, operation in _operations(schema)]
    assert len(summaries) == len(set(summaries)), "two operations share a summary"
    # Each description says who may call it.
    assert all("**Who:**" in operation["description"] for _, operation in _operations(schema))


def test_no_description_comes_from_a_docstring():
    docstrings = _project_docstrings()
    assert "Reads through the model's read paths; every write through a service." in docstrings
    leaked = [
        (where, description[:60])
        for where, description in _descriptions(_schema())
        if description
        and any(
            description.startswith(doc) or (len(description) >= 40 and doc[:40] == description[:40])
            for doc in docstrings
        )
    ]
    assert leaked == []


def test_each_error_status_is_one_shared_response_in_the_error_shape():
    schema = _schema()
    responses = schema["components"]["responses"]
    expected = {
        "400": "BadRequest",
        "401": "Unauthorized",
        "403": "Forbidden",
        "404": "NotFound",
        "409": "Conflict",
        "412": "PreconditionFailed",
        "429": "TooManyRequests",
    }
    assert set(expected.values()) <= set(responses)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"status", "code", "detail", "errors", "existing_id"}
    for name in expected.values():
        content = responses[name]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        assert set(content["example"]) == {"status", "code", "detail", "errors"}
    claim_edit = schema["paths"]["/api/v1/claims/{id}/"]["patch"]["responses"]
    for code, name in expected.items():
        assert claim_edit[code] == {"$ref": f"#/components/responses/{name}"}
    claim_read = schema["paths"]["/api/v1/claims/{id}/"]["get"]["responses"]
    assert "412" not in claim_read and claim_read["404"]["$ref"].endswith("/NotFound")


def test_a_new_error_status_is_one_entry(monkeypatch):
    from claimsbase import viewsets

    monkeypatch.setitem(viewsets.WRITE_ERRORS, "428", "Send If-Match with the ETag you read.")
    schema = _schema()
    assert "PreconditionRequired" in schema["components"]["responses"]
    patch = schema["paths"]["/api/v1/actors/{id}/"]["patch"]["responses"]
    assert patch["428"] == {"$ref": "#/components/responses/PreconditionRequired"}


def test_exports_are_described_with_their_media_types():
    paths = _schema()["paths"]

    def media_types(path: str) -> set[str]:
        return set(paths[path]["get"]["responses"]["200"]["content"])

    assert media_types("/api/v1/claims/csv/") == {"text/csv"}
    assert media_types("/api/v1/claims/quantities/csv/") == {"text/csv"}
    assert media_types("/api/v1/claims/xlsx/") == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    }
    assert media_types("/api/v1/claims/claimreview/") == {"application/ld+json"}
    assert media_types("/api/v1/claims/{id}/claimreview/") == {"application/ld+json"}
    review = paths["/api/v1/claims/{id}/claimreview/"]["get"]["responses"]["200"]
    [example] = review["content"]["application/ld+json"]["examples"].values()
    assert example["value"]["@type"] == "ClaimReview"
    csv_description = paths["/api/v1/claims/csv/"]["get"]["description"]
    assert "byte-order mark" in csv_description and "`source_urls`" in csv_description


def test_claims_have_request_and_response_examples():
    paths = _schema()["paths"]
    create = paths["/api/v1/claims/"]["post"]
    [request_example] = create["requestBody"]["content"]["application/json"]["examples"].values()
    assert request_example["value"]["quantities"][1]["unit"] == "square kilometers"
    listed = paths["/api/v1/claims/"]["get"]["responses"]["200"]["content"]["application/json"]
    [response_example] = listed["examples"].values()
    page = response_example["value"]
    assert page["next"].startswith("https://claims.example.org/api/v1/claims/?cursor=")
    assert page["results"][0]["status"] == {
        "code": "disputed",
        "label": "Disputed",
    }


def test_operations_are_grouped_by_resource():
    tags = {tag for _, operation in _operations(_schema()) for tag in operation["tags"]}
    assert {"claims", "actors", "places", "sources", "outlets", "tokens"} <= tags


# --- the API root ------------------------------------------------------------------

RESOURCES = [
    "claims",
    "actors",
    "places",
    "topics",
    "relations",
    "assessments",
    "evidence",
    "outlets",
    "sources",
    "tokens",
]


def test_api_root_lists_every_resource_and_the_schema_and_docs(viewer_client):
    response = viewer_client.get("/api/v1/")
    assert_status(response, 200)
    links = response.json()
    assert list(links) == [*RESOURCES, "schema", "docs"]
    assert links["claims"] == "http://testserver/api/v1/claims/"
    assert links["schema"] == "http://testserver/api/schema/"
    assert links["docs"] == "http://testserver/api/docs/"
    for url in links.values():
        assert_status(viewer_client.get(url), 200)
    # Every list the schema documents is listed.
    documented = {
        path.split("/")[3]
        for path in _schema()["paths"]
        if path.startswith("/api/v1/") and path.count("/") == 4
    }
    assert documented == set(RESOURCES)


def test_api_root_follows_the_read_open_switch(client, read_closed):
    response = client.get("/api/v1/")
    assert_status(response, 401)
    assert set(response.json()) == {"status", "code", "detail", "errors"}
