"""Wikidata ids on actors and places: edited in the admin, checked, unique, exported as sameAs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from claims.models import Actor, Place
from tests.factories import ActorFactory, PlaceFactory
from tests.sources.test_admin import admin_form_data, admin_status, admin_url, form_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "factory"), [(Actor, ActorFactory), (Place, PlaceFactory)])
def test_an_editor_sets_a_wikidata_id_in_the_admin(editor_client, model, factory):
    record = factory()
    url = admin_url(model, "change", record.pk)
    data = admin_form_data(editor_client.get(url))
    data["wikidata_id"] = "Q312825"
    admin_status(editor_client.post(url, data), 302)
    record.refresh_from_db()
    assert record.wikidata_id == "Q312825"
    assert record.wikidata_url == "https://www.wikidata.org/wiki/Q312825"


@pytest.mark.parametrize(("model", "factory"), [(Actor, ActorFactory), (Place, PlaceFactory)])
def test_a_wikidata_id_is_checked_and_unique(editor_client, model, factory):
    factory(wikidata_id="Q42")
    record = factory()
    url = admin_url(model, "change", record.pk)
    data = admin_form_data(editor_client.get(url))
    data["wikidata_id"] = "wd:Q42"
    response = editor_client.post(url, data)
    assert "A Wikidata id is Q followed by digits, e.g. Q42." in str(form_errors(response))
    data["wikidata_id"] = "Q42"
    response = editor_client.post(url, data)
    assert f"Another {model._meta.model_name} has this Wikidata id." in str(form_errors(response))


def test_records_without_a_wikidata_id_do_not_collide():
    ActorFactory(wikidata_id="")
    actor = ActorFactory.build(name="Another actor", wikidata_id="")
    actor.full_clean()  # no ValidationError: the id is unique only when present
    with pytest.raises(ValidationError):
        ActorFactory.build(name="Third", wikidata_id="Q0").full_clean()
