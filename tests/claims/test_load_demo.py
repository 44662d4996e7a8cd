"""``manage.py load_demo``, which ``make run`` calls: demo data and an editor to sign in as."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from claims.models import Assessment, Claim, ClaimRelation
from claimsbase.permissions import EDITOR, can_use_admin, has_role
from sources.models import Source
from tests.factories import ClaimFactory
from tests.helpers import assert_status


@pytest.fixture
def development(settings):
    """The demo editor is only made in development."""
    settings.DEBUG = True


def load_demo(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def password_in(output: str) -> str:
    match = re.search(r"password:\s+(\S+)", output)
    assert match, f"no password printed in:\n{output}"
    return match.group(1)


def counts() -> tuple[int, ...]:
    return (
        Claim.objects.count(),
        Source.objects.count(),
        Assessment.objects.count(),
        ClaimRelation.objects.count(),
        get_user_model().objects.count(),
    )


def test_loads_the_demo_and_prints_how_to_sign_in_as_an_editor(db, development):
    output, _ = load_demo()

    assert Claim.objects.count() >= 15
    editor = get_user_model().objects.get(username="editor")
    assert has_role(editor, EDITOR)
    assert can_use_admin(editor)
    assert list(editor.groups.values_list("name", flat=True)) == [EDITOR]
    password = password_in(output)
    assert editor.check_password(password)
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert "username:  editor" in output

    client = Client()
    assert client.login(username="editor", password=password)
    assert_status(client.get("/admin/"), 200)


def test_running_twice_keeps_the_password_and_duplicates_nothing(db, development):
    first_output, _ = load_demo()
    before = counts()

    second_output, _ = load_demo()

    assert counts() == before
    assert "already loaded" in second_output
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password(password_in(first_output))
    assert "the one printed when the demo editor was made" in second_output
    assert "load_demo --reset-password" in second_output


def test_reset_password_sets_and_prints_a_new_one(db, development):
    first = password_in(load_demo()[0])

    second = password_in(load_demo("--reset-password")[0])

    editor = get_user_model().objects.get(username="editor")
    assert first != second
    assert editor.check_password(second) and not editor.check_password(first)


def test_the_sign_in_banner_names_the_address_served(db, development):
    output, _ = load_demo("--url", "http://127.0.0.1:8011")

    assert "claimsbase:  http://127.0.0.1:8011/" in output
    assert "admin:       http://127.0.0.1:8011/admin/" in output


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_names_the_port_it_serves_to_the_banner():
    """`make run PORT=8101` prints the address it serves, not the default port."""
    root = Path(__file__).resolve().parents[2]
    commands = subprocess.run(
        ["make", "-n", "run", "PORT=8101", "RESET_PASSWORD=1"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "load_demo --url http://127.0.0.1:8101/ --reset-password" in commands
    assert "runserver 127.0.0.1:8101" in commands
    assert "8000" not in commands


def test_no_user_loads_the_demo_alone(db, settings):
    settings.DEBUG = False  # loading the data alone is fine outside development

    output, _ = load_demo("--no-user")

    assert Claim.objects.count() >= 15
    assert not get_user_model().objects.exists()
    assert "password" not in output


def test_refuses_to_make_a_demo_editor_outside_development(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--no-user"):
        load_demo()

    assert not get_user_model().objects.exists()
    assert not Claim.objects.exists()


def test_does_not_overwrite_records_that_hold_the_demos_ids(db, development):
    """A database with other data keeps it; the demo is not forced over it."""
    claim = ClaimFactory(pk=1, statement="An editor's own claim.")

    _, errors = load_demo("--no-user")

    assert "Not loading the demo data" in errors
    claim.refresh_from_db()
    assert claim.statement == "An editor's own claim."
    assert Claim.objects.count() == 1


def test_every_demo_record_is_logged_once_as_created(db, settings):
    call_command("load_demo", "--no-user", stdout=StringIO())

    claim_history = Claim.history.all()
    assert claim_history.count() == Claim.objects.count()
    assert {(row.history_type, row.history_change_reason) for row in claim_history} == {
        ("+", "Loaded from the demo data")
    }
    assert Source.history.filter(history_type="+").count() == Source.objects.count()
