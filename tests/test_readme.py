"""The README's API examples work verbatim against the running site with the demo data.

The shell blocks of the README's API section are taken from the README itself
and run with bash and curl against a live server, with only the address and
the demo editor's password filled in, as a reader of the README would.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.helpers import make_role_groups

README = Path(__file__).resolve().parents[1] / "README.md"
PASSWORD = "a long readme test password"

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def shell_block(after_heading: str, starting: str) -> str:
    """The first ```sh block under ``after_heading`` whose text starts with ``starting``."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(after_heading) :]
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        if block.startswith(starting):
            return block
    raise AssertionError(f"no shell block starting {starting!r} under {after_heading!r}")


@pytest.fixture
def seed_committed(transactional_db):
    """What `make run` serves: the demo data and the demo editor, committed for a live server."""
    from django.contrib.auth import get_user_model

    from claimsbase.permissions import EDITOR, role_grant

    make_role_groups()
    call_command("load_demo", "--no-user", stdout=io.StringIO())
    role_grant(
        user=get_user_model().objects.create_user(username="editor", password=PASSWORD),
        role=EDITOR,
    )


def json_documents(output: str) -> list:
    """The JSON answers curl printed one after another (without newlines between them)."""
    decoder, documents, position = json.JSONDecoder(), [], 0
    while position < len(output):
        if output[position].isspace():
            position += 1
            continue
        document, position = decoder.raw_decode(output, position)
        documents.append(document)
    return documents


def run(block: str, live_server) -> str:
    script = block.replace("http://127.0.0.1:8000", live_server.url).replace(
        "<the password make run printed>", PASSWORD
    )
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_natural_key_get_or_create_example_works_verbatim(live_server, seed_committed):
    output = run(shell_block("### Writing: natural keys", "API="), live_server)

    answers = json_documents(output)
    found, conflict, created, by_url = answers
    assert found["results"][0]["name"] == "Valery Gerasimov"  # found by an alias, any case
    assert (conflict["status"], conflict["existing_id"]) == (409, found["results"][0]["id"])
    assert created["url"] == "https://www.example.org/a?id=7"
    assert [source["id"] for source in by_url["results"]] == [created["id"]]


def test_the_token_example_signs_in_as_the_demo_editor(live_server, seed_committed):
    block = shell_block("Sign in once with your password to get a token", "curl -u")

    answer = json.loads(run(block, live_server))

    assert answer["token"] and answer["token_key"] == answer["token"][:15]
