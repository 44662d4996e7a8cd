"""The shared assertion helper explains its failures."""

import pytest
from rest_framework.test import APIClient

from tests.helpers import assert_status


def test_assert_status_shows_the_form_errors_of_a_page(client, db):
    response = client.get("/claims/?status=nonsense")

    with pytest.raises(AssertionError, match="nonsense is not one of the available choices"):
        assert_status(response, 201)


def test_assert_status_shows_the_body_of_an_api_response(db):
    response = APIClient().get("/api/v1/claims/?status=nonsense")

    with pytest.raises(AssertionError, match="nonsense"):
        assert_status(response, 200)
