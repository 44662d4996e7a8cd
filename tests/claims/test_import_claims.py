"""``manage.py import_claims``: a JSON Lines file in batches, every bad line named."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim
from tests.claims.test_bulk import BODY, _row
from tests.factories import ActorFactory, OutletFactory, PlaceFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return {
        "gerasimov": ActorFactory(name="Valery Gerasimov"),
        "tass": OutletFactory(name="TASS"),
        "source": SourceFactory(body=BODY),
        "kursk": PlaceFactory(name="Kursk Oblast"),
        "topic": TopicFactory(name="Kursk incursion"),
    }


def _file(tmp_path, lines: list) -> str:
    path = tmp_path / "claims.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return str(path)


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_claims", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_claims", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_file_is_imported_and_a_second_run_skips_it(world, editor, tmp_path):
    path = _file(tmp_path, [_row(world, n) for n in range(5)])

    out, _ = _run(path, "--batch-size", "2", "--source-system", "kb", "--as", editor.username)
    again, _ = _run(path, "--batch-size", "2", "--source-system", "kb")

    assert out.strip() == "5 claims written, 0 skipped (already present), 0 lines refused."
    assert again.strip() == "0 claims written, 5 skipped (already present), 0 lines refused."
    assert Claim.objects.count() == 5
    assert {row.history_user for row in Claim.history.all()} == {editor}


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "line 2: not JSON: Expecting property name enclosed in double quotes"),
        ("[" * 100_000, "line 2: JSON nested deeper than 100 levels."),
        ({"statement": 12}, "line 2: statement: Not a valid string."),
        ("claimant", 'line 2: claimant: Invalid pk "0" - object does not exist.'),
        ("source", 'line 2: appearances.0.source: Invalid pk "0" - object does not exist.'),
        ("quote", "line 2: appearances.0.exact: This text does not occur in the source's body."),
        ("unit", "line 2: quantities.0.unit: “parsecs x” is not a unit claimsbase knows."),
    ],
)
def test_a_bad_line_is_named_and_its_batch_is_not_written(world, tmp_path, bad, message):
    row = _row(world, 1)
    if bad == "claimant":
        bad = {**row, "claimant": 0}
    elif bad == "source":
        bad = {**row, "appearances": [{"source": 0}]}
    elif bad == "quote":
        bad = {**row, "appearances": [{"source": world["source"].pk, "exact": "48 villages"}]}
    elif bad == "unit":
        bad = {**row, "quantities": [{"value": 1, "unit": "parsecs x", "counted": "x"}]}
    elif isinstance(bad, dict):
        bad = {**row, **bad}
    path = _file(tmp_path, [_row(world, 0), bad, _row(world, 2), _row(world, 3)])

    out, err = _refused(path, "--batch-size", "3")

    assert message in err
    assert "line 2" in err and "line 1" not in err and "line 3" not in err
    # The batch holding line 2 is not written; the next batch (line 4) is.
    assert out.strip() == "1 claims written, 0 skipped (already present), 1 lines refused."
    assert list(Claim.objects.values_list("external_id", flat=True)) == ["row-3"]


def test_every_bad_line_of_a_batch_is_named(world, tmp_path):
    lines = [_row(world, 0), "[1, 2", {**_row(world, 2), "claimant": 0}, "", _row(world, 4)]
    path = _file(tmp_path, lines)

    _, err = _refused(path)

    assert err.splitlines() == [
        "line 2: not JSON: Expecting ',' delimiter (column 6).",
        'line 3: claimant: Invalid pk "0" - object does not exist. (external id row-2)',
    ]
    assert Claim.objects.count() == 0


def test_an_unknown_importer_or_a_missing_file_stops_before_anything(world, viewer, tmp_path):
    path = _file(tmp_path, [_row(world, 0)])

    with pytest.raises(CommandError, match="There is no user 'nobody-here'"):
        _run(path, "--as", "nobody-here")
    with pytest.raises(CommandError, match="importing needs the editor role"):
        _run(path, "--as", viewer.username)
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "missing.jsonl"))
    assert Claim.objects.count() == 0
