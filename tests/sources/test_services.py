"""Ingesting sources, anchoring excerpts, and re-anchoring them after a body correction."""

from __future__ import annotations

import pytest

from sources.models import Excerpt, Source
from sources.services import excerpt_create, excerpt_reanchor, source_ingest, source_update
from tests.factories import OutletFactory, SourceFactory
from tests.helpers import refused

QUOTE = "regained control of 24 settlements"
BODY = (
    "Gerasimov told Putin that the army had regained control of 24 settlements. "
    "Syrskyi said fighting continued around Sudzha."
)


def _quoted(text: str, excerpt: Excerpt) -> str:
    return text[excerpt.start : excerpt.end]


def test_source_ingest_normalises_and_records_citations(db, editor):
    tass = source_ingest(outlet=OutletFactory(name="TASS"), title="TASS report")
    article = source_ingest(
        outlet=OutletFactory(),
        title="Gerasimov reports",
        url="http://www.novinite.com/articles/1/?utm_source=feed",
        body=BODY,
        cites=[tass],
    )
    assert article.normalized_url == "https://novinite.com/articles/1"
    assert len(article.content_hash) == 64
    assert list(article.cites.all()) == [tass]
    assert list(tass.cited_by.all()) == [article]
    assert article.history.earliest().history_change_reason == "Ingested"


def test_source_ingest_refuses_an_invalid_url_and_writes_nothing(db):
    with refused(Source, "Enter a valid URL.", field="url"):
        source_ingest(outlet=OutletFactory(), title="Bad", url="not a url")


# --- excerpt_create --------------------------------------------------------


def test_excerpt_create_finds_a_quote_that_occurs_once(db):
    source = SourceFactory(body=BODY)
    excerpt = excerpt_create(source=source, exact=QUOTE)
    assert (excerpt.start, excerpt.end) == (BODY.index(QUOTE), BODY.index(QUOTE) + len(QUOTE))
    assert excerpt.prefix == BODY[excerpt.start - 32 : excerpt.start]
    assert excerpt.suffix == BODY[excerpt.end : excerpt.end + 32]


def test_excerpt_create_refuses_a_quote_not_in_the_body(db):
    source = SourceFactory(body=BODY)
    with refused(Excerpt, "This text does not occur in the source's body.", field="exact"):
        excerpt_create(source=source, exact="regained control of 25 settlements")


def test_excerpt_create_refuses_a_quote_that_occurs_twice_without_start(db):
    source = SourceFactory(body="The line holds, he said. The line holds, she said.")
    with refused(
        Excerpt,
        "This text occurs more than once in the source; give its start offset.",
        field="exact",
    ):
        excerpt_create(source=source, exact="The line holds")


def test_excerpt_create_with_start_picks_that_occurrence(db):
    body = "The line holds, he said. The line holds, she said."
    source = SourceFactory(body=body)
    excerpt = excerpt_create(source=source, exact="The line holds", start=25)
    assert (excerpt.start, excerpt.suffix) == (25, ", she said.")


def test_excerpt_create_refuses_a_start_where_the_quote_is_not(db):
    source = SourceFactory(body=BODY)
    with refused(Excerpt, "This text is not at these offsets in the source's body.", field="exact"):
        excerpt_create(source=source, exact=QUOTE, start=0)


def test_excerpt_create_matches_a_quote_typed_with_other_quotes_dashes_and_spaces(db):
    body = (
        "The ministry said \u201cthe enemy\u2019s losses\u201d \u2014 over\u00a0200 \u2014 "
        "were confirmed."
    )
    source = SourceFactory(body=body)
    excerpt = excerpt_create(
        source=source, exact='"the enemy\'s losses" - over\n 200 -  were confirmed'
    )
    assert excerpt.exact == body[excerpt.start : excerpt.end]
    assert excerpt.exact == body[body.index("\u201c") : -1]  # the article's own characters


def test_excerpt_create_still_refuses_other_words_after_folding(db):
    source = SourceFactory(body="The ministry said \u201cthe enemy\u2019s losses\u201d were high.")
    with refused(Excerpt, "This text does not occur in the source's body.", field="exact"):
        excerpt_create(source=source, exact="the enemy's gains")


# --- re-anchoring after a body correction ------------------------------------


@pytest.fixture
def anchored(db):
    source = SourceFactory(body=BODY)
    return excerpt_create(source=source, exact=QUOTE)


def _correct(excerpt: Excerpt, body: str) -> Excerpt:
    source_update(source=excerpt.source, body=body)
    excerpt.refresh_from_db()
    return excerpt


def test_text_inserted_before_the_quote_shifts_the_excerpt(anchored):
    body = "MOSCOW, March 12. " + BODY
    excerpt = _correct(anchored, body)
    assert excerpt.anchor == Excerpt.Anchor.ANCHORED
    assert excerpt.start == BODY.index(QUOTE) + len("MOSCOW, March 12. ")
    assert _quoted(body, excerpt) == QUOTE
    assert excerpt.history.first().history_change_reason == "Re-anchored after a body correction"


def test_a_moved_quote_is_found_where_it_went(anchored):
    first, second = BODY.split(". ", 1)
    body = f"{second} {first}."
    excerpt = _correct(anchored, body)
    assert excerpt.anchor == Excerpt.Anchor.ANCHORED
    assert _quoted(body, excerpt) == QUOTE
    assert excerpt.start == body.index(QUOTE)


def test_the_context_decides_between_two_copies_of_a_quote(db):
    gerasimov = "Gerasimov told the president: the line holds."
    syrskyi = "Syrskyi replied on television: the line holds."
    source = SourceFactory(body=f"{gerasimov} {syrskyi}")
    quote = "the line holds"
    excerpt = excerpt_create(source=source, exact=quote, start=len(gerasimov) + 1 + 31)
    assert source.body[excerpt.start - 9 : excerpt.start] == "evision: "

    # The two sentences swap places: the nearest copy is now Gerasimov's.
    body = f"{syrskyi} {gerasimov}"
    excerpt = _correct(excerpt, body)
    assert excerpt.anchor == Excerpt.Anchor.ANCHORED
    assert excerpt.start == syrskyi.index(quote)
    assert body[: excerpt.end] == syrskyi[:-1]


def test_removed_words_mark_the_excerpt_lost(anchored):
    body = BODY.replace(QUOTE, "taken back 24 settlements")
    excerpt = _correct(anchored, body)
    assert excerpt.anchor == Excerpt.Anchor.LOST
    assert excerpt.is_lost
    assert excerpt.history.first().history_change_reason == (
        "Quote no longer found in the corrected body"
    )


def test_deleting_the_quoted_sentence_never_moves_to_the_same_words_said_by_another(db):
    gerasimov = "Gerasimov told the president: the line holds."
    syrskyi = "Syrskyi replied on television: the line holds."
    source = SourceFactory(body=f"{gerasimov} {syrskyi}")
    excerpt = excerpt_create(source=source, exact="the line holds", start=len(gerasimov) + 32)

    excerpt = _correct(excerpt, gerasimov)
    assert excerpt.anchor == Excerpt.Anchor.LOST


def test_a_lost_excerpt_is_found_again_when_its_words_return(anchored):
    lost = _correct(anchored, BODY.replace(QUOTE, "taken back 24 settlements"))
    assert lost.is_lost
    found = _correct(lost, "Update: " + BODY)
    assert found.anchor == Excerpt.Anchor.ANCHORED
    assert _quoted(found.source.body, found) == QUOTE


def test_two_equally_good_places_are_not_guessed(db):
    """Without the old body, a quote whose context matches two places twice is lost."""
    source = SourceFactory(body="He said: the line holds. And")
    excerpt = excerpt_create(source=source, exact="the line holds")
    source.body = "He said: the line holds. And He said: the line holds. And"
    source.save()
    excerpt.source = source
    assert excerpt_reanchor(excerpt=excerpt).is_lost


def test_an_edit_that_keeps_the_body_leaves_excerpts_alone(anchored):
    version = anchored.version
    source_update(source=anchored.source, title="New title")
    anchored.refresh_from_db()
    assert anchored.version == version


def test_a_body_correction_that_duplicates_another_source_changes_nothing(anchored):
    other = SourceFactory()
    with refused(Source, "A source with the same text is already recorded.", field="body"):
        source_update(source=anchored.source, body=other.body)
    anchored.refresh_from_db()
    assert anchored.source.body == BODY
    assert (anchored.start, anchored.anchor) == (BODY.index(QUOTE), Excerpt.Anchor.ANCHORED)
