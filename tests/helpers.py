"""Assertions that explain themselves when they fail."""

from __future__ import annotations


def assert_status(response, expected: int) -> None:
    """Assert the status code, and show the body or the form errors if it is wrong."""
    if response.status_code == expected:
        return
    detail = getattr(response, "data", None)
    if detail is None and getattr(response, "context", None):
        forms = [value for value in response.context.flatten().values() if hasattr(value, "errors")]
        detail = [form.errors for form in forms if getattr(form, "errors", None)]
    if detail is None:
        detail = response.content[:2000].decode(errors="replace")
    raise AssertionError(f"expected HTTP {expected}, got {response.status_code}: {detail}")


def ids(response) -> list[int]:
    """The ids of the results of an API list response, in order."""
    data = response.json()
    results = data["results"] if isinstance(data, dict) and "results" in data else data
    return [row["id"] for row in results]
