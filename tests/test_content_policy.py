"""The Content-Security-Policy: on every response, nothing inline allowed, and nothing inline
written, in the templates or in what the pages render.

The browser tests (tests/browser/) check the other half: a real browser reports no violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Actor, Claim, Place, Topic
from sources.models import Outlet, Source
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# What a strict policy refuses when it is written into HTML: a <script> without src (JSON
# data blocks are not scripts and stay allowed), a <style> block, a style="" attribute, an
# event handler attribute (onclick=""), and a javascript: URL.
INLINE = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>"
    r"|<style\b"
    r"|\sstyle\s*="
    r"|\son[a-z]+\s*="
    r"|javascript:",
    re.IGNORECASE,
)


def _policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_strict(response) -> dict[str, list[str]]:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    return policy


def _assert_nothing_inline(response) -> None:
    html = response.content.decode()
    found = sorted({match.group(0).strip() for match in INLINE.finditer(html)})
    assert not found, f"{response.request['PATH_INFO']} writes inline {found}"


@pytest.fixture
def analyst_pages(seed, analyst_client):
    claim = Claim.objects.active().filter(relations_out__isnull=False).first()
    other = Claim.objects.active().exclude(pk=claim.pk).first()
    return [
        reverse("home"),
        reverse("claims:claim_list") + "?status=disputed",
        claim.get_absolute_url(),
        reverse("claims:claim_compare") + f"?a={claim.pk}&b={other.pk}",
        Actor.objects.filter(claims_made__isnull=False).first().get_absolute_url(),
        Place.objects.filter(parent__isnull=True).first().get_absolute_url(),
        Topic.objects.first().get_absolute_url(),
        reverse("sources:source_list"),
        Source.objects.first().get_absolute_url(),
        reverse("sources:outlet_list"),
        Outlet.objects.first().get_absolute_url(),
    ]


def test_every_page_has_the_strict_policy_and_writes_nothing_inline(analyst_pages, analyst_client):
    for url in analyst_pages:
        response = analyst_client.get(url)
        assert_status(response, 200)
        _assert_strict(response)
        _assert_nothing_inline(response)


def test_the_signed_out_pages_and_errors_have_the_policy(client):
    for url, code in [(reverse("login"), 200), ("/claims/999999999/", 404)]:
        response = client.get(url)
        assert_status(response, code)
        _assert_strict(response)
        _assert_nothing_inline(response)


def test_api_answers_and_errors_have_the_policy(client, editor_client):
    for response, code in [
        (client.get("/api/v1/claims/"), 200),
        (client.get("/api/v1/nothing-here/"), 404),
        (client.post("/api/v1/topics/", {}, content_type="application/json"), 401),
        (editor_client.post("/api/v1/topics/", {}, content_type="application/json"), 400),
        (client.get("/api/schema/"), 200),
    ]:
        assert_status(response, code)
        _assert_strict(response)


def test_the_api_answers_json_and_never_the_browsable_html(client):
    response = client.get("/api/v1/claims/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert_status(response, 200)
    assert response["Content-Type"] == "application/json"


def test_admin_pages_have_the_policy(seed, editor_client):
    claim = Claim.objects.active().first()
    for url in [
        reverse("admin:login"),
        reverse("admin:index"),
        reverse("admin:claims_claim_changelist"),
        reverse("admin:claims_claim_change", args=[claim.pk]),
        reverse("admin:claims_claim_add"),
        reverse("admin:sources_source_changelist"),
    ]:
        response = editor_client.get(url)
        assert_status(response, 302 if url == reverse("admin:login") else 200)
        _assert_strict(response)
        if response.status_code == 200:
            _assert_nothing_inline(response)


def test_the_admin_history_pages_are_under_the_strict_policy(seed, editor_client):
    claim = Claim.objects.active().first()
    assessment = claim.assessments.first()
    for url in (
        reverse("admin:claims_claim_history", args=[claim.pk]),
        reverse("admin:claims_assessment_history", args=[assessment.pk]),
    ):
        response = editor_client.get(url)
        assert_status(response, 200)
        assert "style-src-attr" not in _assert_strict(response)
        _assert_nothing_inline(response)


def test_the_api_docs_load_their_script_as_a_file(client):
    page = client.get(reverse("api_docs"))
    assert_status(page, 200)
    policy = _assert_strict(page)
    assert policy["img-src"] == ["'self'", "data:"]  # Swagger UI's icons
    _assert_nothing_inline(page)
    [script_url] = re.findall(r'<script src="([^"]*\?[^"]*script[^"]*)"', page.content.decode())
    script = client.get(script_url.replace("&amp;", "&"))
    assert_status(script, 200)
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_a_share_bar_is_drawn_without_a_style_attribute(seed, client):
    actor = Actor.objects.get(name="Valery Gerasimov")
    html = client.get(actor.get_absolute_url()).content.decode()
    bar = r'<svg class="share-bar"[^>]*>\s*<rect class="status-[a-z-]+"\s+width="(\d+)"'
    assert [int(width) for width in re.findall(bar, html)] == [33, 67]


def test_the_templates_write_nothing_inline():
    found = {
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in TEMPLATES.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    }
    assert not found, sorted(found)


def test_the_pattern_finds_what_the_policy_refuses():
    refused = [
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        "<style>p{}</style>",
        '<p style="color: red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ]
    allowed = [
        '<script src="/static/js/claimsbase.js" defer></script>',
        '<script type="application/json" id="data">{}</script>',
        '<input autocomplete="off" aria-controls="x">',
        '<link rel="stylesheet" href="/static/css/claimsbase.css">',
    ]
    assert all(INLINE.search(html) for html in refused)
    assert not any(INLINE.search(html) for html in allowed)


def test_every_response_has_the_policy_also_without_a_session(client):
    """Even a request refused before any view runs (CSRF) carries it."""
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert_status(response, 403)
    _assert_strict(response)
