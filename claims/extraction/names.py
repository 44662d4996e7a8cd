"""Finding the knowledge base's actors and places in a text, by any of their names.

Names arrive spelt many ways: "Syrskyi", "Syrsky", "Syrskyy"; "Zelenskiy" and
"Zelensky"; "Ukraine’s" with a typographic apostrophe; "Kharkiv and Sumy
oblasts". The index is built once from every name and alias, then a text is
scanned token by token, looking phrases up in dictionaries. Nothing compares
each known name with each span of text, so the cost of a scan grows with the
text, not with the size of the knowledge base.

Three keys per name, tried in order:

- the *normal* form: ASCII (Unidecode), lower case, possessive "'s" and
  punctuation removed;
- the *skeleton*: the normal form with the letters that transliterations
  disagree on folded together (y/i, kh/h, doubled letters...), so
  "Syrskyi" and "Syrsky" share one key;
- for a single capitalised word that matched neither, RapidFuzz's ratio
  against the skeletons that start with the same two letters.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from unidecode import unidecode

# The longest alias, in words, that the scan looks for.
MAX_NAME_WORDS = 8
# RapidFuzz ratio (0-100) a lone word must reach against a known skeleton.
FUZZY_CUTOFF = 80

# Words naming a kind of region: "Kharkiv Oblast" is also found as "Kharkiv
# oblasts" (in "Sumy and Kharkiv oblasts") and, when nothing else is called so,
# as plain "Kharkiv".
# fmt: off
REGION_WORDS = {
    "oblast", "oblasts", "region", "regions", "province", "provinces", "state", "states",
    "governorate", "governorates", "district", "districts", "raion", "krai", "county",
}
# fmt: on
# fmt: off
PLURAL_REGION_WORDS = {
    "oblasts": "oblast", "regions": "region", "provinces": "province", "states": "state",
    "governorates": "governorate", "districts": "district",
}
# fmt: on
LEADING_ARTICLES = ("the ", "a ", "an ")

TOKEN_RE = re.compile(r"[^\W_]+(?:[’'\-.][^\W_]+)*\.?|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class KnownName:
    """An actor or a place as the knowledge base knows it."""

    name: str
    kind: str = ""
    aliases: tuple[str, ...] = ()
    parent: str = ""
    key: object = None  # the record's primary key when it comes from the database

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Mention:
    """A known record found in the text at [start, end)."""

    start: int
    end: int
    record: KnownName
    how: str  # "exact", "skeleton" or "fuzzy"


@lru_cache(maxsize=65536)
def normal_form(text: str) -> str:
    """ASCII, lower case, no possessive, words separated by single spaces."""
    text = text.replace("’", "'").replace("‘", "'")
    if not text.isascii():
        text = unidecode(text)
    text = _POSSESSIVE.sub("", text.lower())
    return _NOT_ALPHANUMERIC.sub(" ", text).strip()


_POSSESSIVE = re.compile(r"'s\b")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def without_article(text: str) -> str:
    for article in LEADING_ARTICLES:
        if text.startswith(article):
            return text[len(article) :]
    return text


_LETTERS = re.compile(r"shch|sch|kh|zh|ts|ck|ph|ou|x|y|j|w")
_LETTER_KEYS = {
    "shch": "sh",
    "sch": "sh",
    "kh": "h",
    "zh": "z",
    "ts": "c",
    "ck": "k",
    "ph": "f",
    "ou": "u",
    "x": "ks",
    "y": "i",
    "j": "i",
    "w": "v",
}
_DOUBLED = re.compile(r"(.)\1+")
_ENDING = re.compile(r"(?<=[a-z])(ie|e)\b")


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """A key that transliteration variants of one name share (Syrskyi, Syrsky → sirski)."""
    key = without_article(normal_form(text))
    key = _LETTERS.sub(lambda match: _LETTER_KEYS[match.group()], key)
    key = _DOUBLED.sub(r"\1", key)
    return _ENDING.sub(lambda match: "i" if match.group(1) == "ie" else "", key)


def name_variants(name: str) -> set[str]:
    """The normal forms under which ``name`` is indexed (with and without "the")."""
    normal = normal_form(name)
    if not normal:
        return set()
    return {normal, without_article(normal)}


@dataclass
class NameIndex:
    """Every known name of one family of records (actors, or places), ready to scan a text."""

    records: list[KnownName] = field(default_factory=list)
    exact: dict[str, list[KnownName]] = field(default_factory=lambda: defaultdict(list))
    skeletons: dict[str, list[KnownName]] = field(default_factory=lambda: defaultdict(list))
    # Keys used only when no record has them as a name: "kharkiv" for Kharkiv Oblast.
    weak: dict[str, list[KnownName]] = field(default_factory=lambda: defaultdict(list))
    _buckets: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # The most words a name starting with this word has: most words of a text start none,
    # and are passed over with one lookup.
    _longest: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, records: Iterable[KnownName]) -> NameIndex:
        index = cls()
        for record in records:
            index.add(record)
        for key in index.skeletons:
            if " " not in key and len(key) >= 4:
                index._buckets[key[:2]].append(key)
            first, _, _ = key.partition(" ")
            index._longest[first] = max(index._longest.get(first, 0), key.count(" ") + 1)
        for key in index.exact:
            first, _, _ = key.partition(" ")
            index._longest[first] = max(index._longest.get(first, 0), key.count(" ") + 1)
        return index

    def add(self, record: KnownName) -> None:
        self.records.append(record)
        for name in record.all_names:
            for variant in name_variants(name):
                _append_once(self.exact[variant], record)
                _append_once(self.skeletons[skeleton(variant)], record)
                words = variant.split()
                if len(words) > 1 and words[-1] in REGION_WORDS:
                    _append_once(self.weak[" ".join(words[:-1])], record)
        # A person is named again by surname alone ("Syrskyi emphasized").
        words = normal_form(record.name).split()
        if record.kind == "person" and len(words) > 1 and len(words[-1]) > 2:
            _append_once(self.weak[words[-1]], record)

    def lookup(self, phrase: str) -> list[KnownName]:
        """Records known by ``phrase`` (any spelling), best key first; [] if none."""
        normal = normal_form(phrase)
        if not normal:
            return []
        for key in (normal, without_article(normal)):
            if key in self.exact:
                return self.exact[key]
        found = self.skeletons.get(skeleton(normal))
        if found:
            return found
        return self.weak.get(without_article(normal), [])

    def find(self, text: str, tokens: list[tuple[int, int]] | None = None) -> list[Mention]:
        """Every mention of a known record in ``text``, longest match first, not overlapping."""
        tokens = tokens if tokens is not None else tokenize(text)
        words = token_words(text, tokens)
        mentions: list[Mention] = []
        seen: set[str] = set()
        position = 0
        while position < len(tokens):
            match = self._match_at(text, tokens, words, position, seen)
            if match is None:
                position += 1
                continue
            mention, length = match
            mentions.append(mention)
            seen.add(mention.record.name)
            position += length
        return mentions

    def _match_at(self, text, tokens, words, position, seen=frozenset()):
        word = words[position]
        if not word:
            return None
        # (A token may hold several words: "U.S." is "u s".)
        longest = max(
            self._longest.get(word.partition(" ")[0], 0),
            self._longest.get(skeleton(word).partition(" ")[0], 0),
        )
        # A possessive "'s" inside a name takes a token but no word: allow for two.
        longest = min(MAX_NAME_WORDS, longest + 2) if longest else 1
        for length in range(min(longest, len(tokens) - position), 0, -1):
            window = words[position : position + length]
            if None in window or not window[-1]:
                continue
            phrase_words = [w for w in window if w]
            phrase = " ".join(phrase_words)
            start, end = tokens[position][0], tokens[position + length - 1][1]
            for key, how in ((phrase, "exact"), (skeleton(phrase), "skeleton")):
                table = self.exact if how == "exact" else self.skeletons
                found = table.get(key)
                if found:
                    return Mention(start, end, found[0], how), length
            # "Sumy and Kharkiv oblasts", "Kharkiv Oblast" known as a name: region words.
            if length == 1 or (length == 2 and words[position + 1] in REGION_WORDS):
                found = self._region_match(words, position, length, seen)
                if found:
                    return Mention(start, end, found, "exact"), length
        return self._fuzzy_at(text, tokens, words, position)

    def _region_match(self, words, position, length, seen):
        first = words[position]
        if length == 2:
            singular = PLURAL_REGION_WORDS.get(words[position + 1], words[position + 1])
            found = self.exact.get(f"{first} {singular}")
            if found:
                return found[0]
        following = words[position + 1 : position + 4]
        for word in following:
            if word in PLURAL_REGION_WORDS:
                found = self.exact.get(f"{first} {PLURAL_REGION_WORDS[word]}")
                if found:
                    return found[0]
        if length == 1 and first in self.weak:
            candidates = self.weak[first]
            # Of several people with this surname, the one the text named in full.
            return next((c for c in candidates if c.name in seen), candidates[0])
        return None

    def _fuzzy_at(self, text, tokens, words, position):
        start, end = tokens[position]
        original = text[start:end]
        if not original[:1].isupper() or len(words[position] or "") < 5:
            return None
        key = skeleton(words[position])
        candidates = self._buckets.get(key[:2])
        if not candidates:
            return None
        best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is None:
            return None
        if key.startswith(best[0]) or best[0].startswith(key):
            return None  # "Russian" is not "Russia", nor "Israeli" "Israel": words formed from it
        return Mention(start, end, self.skeletons[best[0]][0], "fuzzy"), 1


def _append_once(bucket: list[KnownName], record: KnownName) -> None:
    # A record's names are added one after another, so a repeat can only be the last entry.
    if not bucket or bucket[-1] is not record:
        bucket.append(record)


def token_words(text: str, tokens: list[tuple[int, int]]) -> list[str | None]:
    """The normal form of each token: "" for a possessive "'s", None for punctuation,
    which no name spans."""
    words: list[str | None] = []
    for start, end in tokens:
        token = text[start:end]
        if token in ("’s", "'s"):
            words.append("")
        else:
            words.append(normal_form(token) or None)
    return words


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word or punctuation mark; "U.S." and "al-Burhan" stay whole."""
    spans = []
    for match in TOKEN_RE.finditer(text):
        start, end = match.span()
        token = match.group()
        # A sentence's final period is punctuation, not part of the last word,
        # unless the word is an abbreviation written with periods (U.S.).
        if token.endswith(".") and len(token) > 1 and token.count(".") == 1:
            spans.append((start, end - 1))
            spans.append((end - 1, end))
            continue
        if token.endswith(("’s", "'s")) and len(token) > 2:
            spans.append((start, end - 2))
            spans.append((end - 2, end))
            continue
        spans.append((start, end))
    return spans
