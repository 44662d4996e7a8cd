"""Suggesting the claims of a news text: span, claimant, relays, quantities, places, date.

``extract(body, knowledge, published=..., outlet=...)`` is a pure function: it
reads only the text and the names the knowledge base already holds (built
once into a ``Knowledge``), and returns suggestions an editor confirms or
corrects. Nothing is written and nothing is fetched.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from claims.extraction import speech
from claims.extraction.dates import day_near, publication_day
from claims.extraction.names import KnownName, Mention, NameIndex, normal_form, tokenize
from claims.extraction.quantities import QuantitySuggestion, find_quantities

# Nouns that name who speaks when no name is given ("officials said", "the ministry said").
# fmt: off
AGENT_NOUNS = {
    "official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson",
    "minister", "ministry", "military", "army", "forces", "command", "governor", "mayor",
    "president", "authorities", "authority", "police", "witnesses", "witness", "residents",
    "doctors", "medics", "analysts", "analyst", "experts", "diplomats", "diplomat",
    "government", "administration", "council", "group", "movement", "agency", "service",
    "office", "staff", "general", "commander", "rebels", "militants", "militia", "paramilitaries",
    "statement", "report", "observers", "monitors", "investigators", "prosecutors", "leaders",
    "leader", "leadership", "negotiators", "envoy", "ambassador", "embassy", "kremlin", "navy",
    "troops", "headquarters", "committee", "parliament", "lawmakers", "senator",
    "ministers", "chief", "head", "secretary", "mission", "workers", "journalists", "hospital",
    "people", "activists", "campaigners", "monitor", "observatory", "intelligence", "media",
    "outlet", "broadcaster", "newspaper", "channel", "bloggers", "correspondents", "tank",
    "watchdog", "institute", "body", "organisation", "organization", "coalition", "alliance",
}
# fmt: on
# fmt: off
PERSON_NOUNS = {
    "general", "official", "spokesman", "spokeswoman", "spokesperson", "minister", "governor",
    "mayor", "president", "commander", "chief", "head", "secretary", "envoy", "ambassador",
    "senator", "leader", "analyst", "diplomat", "witness",
}
# fmt: on
# fmt: off
UNNAMED_NOUNS = {
    "official", "officials", "source", "sources", "diplomat", "diplomats", "officer", "officers",
    "witness", "witnesses", "resident", "residents", "analyst", "analysts", "expert", "experts",
}
# fmt: on
# Capitalised only because they open the sentence: "Two diplomatic sources said".
SENTENCE_OPENERS = {
    "both",
    "both sides",
    "two",
    "three",
    "four",
    "five",
    "several",
    "some",
    "many",
    "other",
    "senior",
    "local",
    "western",
    "foreign",
    "most",
    "all",
    "few",
    "military",
    "government",
}
INVERTIBLE_VERBS = {
    "say",
    "add",
    "write",
    "tell",
    "declare",
    "warn",
    "insist",
    "claim",
    "state",
    "note",
    "explain",
    "confirm",
    "announce",
    "reply",
}
DOCUMENT_NOUNS = {"statement", "report", "update", "bulletin", "communique", "post", "message"}
PRONOUNS = {"he": "person", "she": "person", "it": "thing", "they": "group", "we": "group"}
# fmt: off
TITLE_WORDS = {
    "president", "prime", "minister", "general", "gen", "commander-in-chief", "commander",
    "mayor", "governor", "dr", "mr", "mrs", "ms", "secretary", "chief", "director", "senator",
    "lieutenant", "lt", "major", "maj", "colonel", "col", "sergeant", "captain", "admiral",
    "marshal", "foreign", "defence", "defense", "interior", "deputy", "vice", "head", "ambassador",
    "envoy", "king", "queen", "prince", "sheikh", "emir", "chancellor", "premier", "spokesman",
    "spokeswoman", "spokesperson", "army", "state", "of", "the", "regional", "military", "senior",
    "former", "acting", "caretaker", "top", "russian", "ukrainian", "israeli", "u.s.", "us",
    "american", "british", "french", "german", "palestinian", "lebanese", "sudanese", "iranian",
    "syrian", "chinese", "turkish", "yemeni", "egyptian", "saudi", "houthi", "kremlin",
}
# fmt: on
# fmt: off
ORGANISATION_WORDS = {
    "hospital", "university", "centre", "center", "project", "observatory", "commission",
    "network", "association", "foundation", "corporation", "airline", "tv", "radio",
    "television", "newspaper", "times", "post", "institute", "school", "clinic", "ministry",
    "agency", "service", "authority", "council", "office", "committee", "party",
    "movement", "front", "organisation", "organization", "union", "bank", "company",
    "group", "news", "tass", "press", "media", "programme", "program", "fund", "red",
}
# fmt: on
# fmt: off
MILITARY_WORDS = {"brigade", "battalion", "regiment", "division", "corps", "forces", "command",
                  "army", "navy", "staff", "guard", "militia", "force"}
# fmt: on
# fmt: off
ANAPHORS = {
    "region": {"region", "area", "district"}, "oblast": {"region"}, "province": {"region"},
    "territory": {"region", "area"},
    "area": {"region", "area", "district", "settlement", "facility"},
    "town": {"settlement"}, "city": {"settlement"}, "village": {"settlement"},
    "settlement": {"settlement"}, "capital": {"settlement"},
    "plant": {"facility"}, "site": {"facility"}, "facility": {"facility"},
    "port": {"facility", "settlement"},
    "base": {"facility"}, "enclave": {"region"}, "strip": {"region"}, "camp": {"settlement"},
}
# fmt: on
# fmt: off
LOCATIVE = {
    "in", "at", "near", "around", "across", "into", "from", "over", "for", "with", "to",
    "towards", "toward", "inside", "outside", "on", "throughout", "within", "against", "of",
    "between", "along", "through", "beyond", "off", "out",
}
# fmt: on
# fmt: off
PLACE_ADJECTIVES = {"southern", "northern", "eastern", "western", "central", "occupied",
                    "neighbouring", "neighboring", "south", "north", "east", "west", "rest", "the",
                    "entire", "whole", "all", "parts", "part"}
# fmt: on
RELAY_PRIORITY = {"told": 1, "interview": 1, "by": 2, "according": 3, "postposed": 3}


@dataclass(frozen=True)
class ActorSuggestion:
    """Who made or relayed a claim: a known actor, or a new one to create."""

    name: str
    kind: str
    known: KnownName | None
    text: str = ""
    start: int = 0
    end: int = 0
    how: str = "name"  # "name", "back-reference" or "new"

    @property
    def is_new(self) -> bool:
        return self.known is None


@dataclass
class ClaimSuggestion:
    start: int
    end: int
    text: str
    claimant: ActorSuggestion | None
    relays: list[ActorSuggestion] = field(default_factory=list)
    quantities: list[QuantitySuggestion] = field(default_factory=list)
    places: list[KnownName] = field(default_factory=list)
    asserted_on: date | None = None
    cue: str = ""

    def as_dict(self) -> dict:
        return {
            "quote": {"start": self.start, "end": self.end, "text": self.text},
            "claimant": None
            if self.claimant is None
            else {
                "name": self.claimant.name,
                "kind": self.claimant.kind,
                "new": self.claimant.is_new,
                "text": self.claimant.text,
            },
            "relays": [relay.name for relay in self.relays],
            "quantities": [quantity.as_dict() for quantity in self.quantities],
            "places": [place.name for place in self.places],
            "asserted_on": self.asserted_on.isoformat() if self.asserted_on else None,
        }


@dataclass
class Knowledge:
    """The names the knowledge base holds, indexed once for many extractions."""

    actors: NameIndex
    places: NameIndex

    @classmethod
    def build(cls, actors: Iterable[KnownName], places: Iterable[KnownName]) -> Knowledge:
        return cls(actors=NameIndex.build(actors), places=NameIndex.build(places))


@dataclass
class _Segment:
    start: int
    end: int
    cue: str
    verb_start: int
    verb_end: int
    claimant: ActorSuggestion | None
    subject_span: tuple[int, int]
    relays: list[tuple[int, ActorSuggestion]] = field(default_factory=list)
    back_reference: bool = False
    asserted_on: date | None = None


class _Reader:
    """One pass over one text: what has been named so far, and who spoke last."""

    def __init__(self, body: str, knowledge: Knowledge, published, outlet: str):
        self.body = body
        self.knowledge = knowledge
        self.published = publication_day(published)
        self.outlet = normal_form(re.sub(r"^(?:https?://)?(?:www\.)?", "", outlet or ""))
        self.outlet = re.sub(r" (?:com|org|net|co uk|co|fr|de|ru|ua|info|news)$", "", self.outlet)
        tokens = tokenize(body)
        self.actor_mentions = knowledge.actors.find(body, tokens)
        self.place_mentions = knowledge.places.find(body, tokens)
        self.actor_starts = [m.start for m in self.actor_mentions]
        self.place_starts = [m.start for m in self.place_mentions]
        self.quotes = speech.quoted_spans(body)
        self.claims: list[ClaimSuggestion] = []
        self.claim_paragraphs: list[int] = []
        self.referents: list[tuple[int, KnownName]] = []  # "the region" → the place it means

    # ----------------------------------------------------------- names in a span
    def actors_in(self, start: int, end: int) -> list[Mention]:
        low = bisect.bisect_left(self.actor_starts, start)
        high = bisect.bisect_left(self.actor_starts, end)
        return [m for m in self.actor_mentions[low:high] if m.end <= end]

    def places_in(self, start: int, end: int) -> list[Mention]:
        low = bisect.bisect_left(self.place_starts, start)
        high = bisect.bisect_left(self.place_starts, end)
        return [m for m in self.place_mentions[low:high] if m.end <= end]

    # ----------------------------------------------------------- who speaks
    def resolve_phrase(self, start: int, end: int) -> ActorSuggestion | None:
        """The actor a noun phrase names: a known name, "he", "the ministry", or a new one."""
        text = self.body[start:end]
        stripped = text.strip(" \t\n“”\"'(),.")
        if not stripped:
            return None
        offset = start + text.find(stripped)
        lowered = re.sub(
            r"^(?:and|but|while|as|however|yet|so|then|though|although|whereas)\s+",
            "",
            stripped,
            flags=re.I,
        )
        offset += len(stripped) - len(lowered)
        stripped = lowered
        words = normal_form(stripped).split()
        if not words:
            return None
        owned = re.match(
            r"(.+?)['’]s\s+(?:\w+\s+)?(?:" + "|".join(DOCUMENT_NOUNS) + r")$", stripped
        )
        if owned:
            # "The ministry's statement said": the ministry speaks.
            return self.resolve_phrase(offset, offset + owned.end(1))
        mentions = [m for m in self.actors_in(offset, offset + len(stripped))]
        unknown = _unknown_name(stripped)
        local = re.match(
            r"(?:the\s+|a\s+|an\s+|some\s+|two\s+|several\s+)?(?:[\w-]+\s+)?(?:officials?|sources?|"
            r"residents|witnesses|authorities|police|doctors|medics|rescuers|people|activists)\s+"
            r"(?:in|from|at|near|on)\s",
            stripped,
            re.IGNORECASE,
        )
        whole = [m for m in mentions if m.start <= offset and m.end >= offset + len(stripped)]
        if local and not whole:
            # "officials in Kyiv", "residents of Sudzha": unnamed people of a place, not the place.
            name = re.sub(r"^(?:the|a|an|some|two|several)\s+", "", stripped, flags=re.I)
            return ActorSuggestion(
                name, "unnamed", None, stripped, offset, offset + len(stripped), "new"
            )
        if mentions:
            head = max(mentions, key=lambda m: m.end)
            # "Kremlin spokesman Dmitry Peskov" with Peskov unknown: the new name is the head.
            if unknown and unknown[1] > head.end - offset and _looks_like_person(unknown[0]):
                return self._new_actor(
                    unknown[0], offset + unknown[1] - len(unknown[0]), offset + unknown[1]
                )
            return ActorSuggestion(
                head.record.name,
                head.record.kind,
                head.record,
                self.body[head.start : head.end],
                head.start,
                head.end,
                "name",
            )
        if len(words) <= 2 and words[-1] in PRONOUNS:
            return self.back_reference(PRONOUNS[words[-1]], offset, start_of=offset, text=stripped)
        head_noun = words[-1]
        if (
            words[0] in ("the", "its", "his", "her", "their")
            and (head_noun in AGENT_NOUNS or head_noun in DOCUMENT_NOUNS)
            and not unknown
        ):
            return self.back_reference(
                head_noun, offset, start_of=offset, text=stripped, words=words[1:]
            )
        if unknown and normal_form(unknown[0]) in AGENT_NOUNS | SENTENCE_OPENERS:
            unknown = None  # "Officials said ...", "Analysts say ...": a common noun, capitalised
        if unknown:
            name, name_end = unknown
            governed = re.search(
                r"\b([a-z][\w-]*)\s+(?:in|of|from|at|near|for|on)\s+(?:the\s+)?$",
                stripped[: name_end - len(name)],
            )
            if governed:
                # "The attacks in Kharkiv claim ...": the name only says where; the head of the
                # phrase speaks if it is someone ("the governor of Kharkiv"), else no one does.
                if governed.group(1).lower() not in AGENT_NOUNS:
                    return None
                name = re.sub(r"^(?:the|a|an)\s+", "", stripped, flags=re.I)
                return ActorSuggestion(
                    name, "unnamed", None, stripped, offset, offset + len(stripped), "new"
                )
            return self._new_actor(name, offset + name_end - len(name), offset + name_end)
        if (head_noun in AGENT_NOUNS or head_noun in ("sides", "parties")) and len(words) <= 6:
            name = re.sub(
                r"^(?:the|a|an|two|three|several|some|many|other|one)\s+", "", stripped, flags=re.I
            )
            return ActorSuggestion(
                name, "unnamed", None, stripped, offset, offset + len(stripped), "new"
            )
        return None

    def _new_actor(self, name: str, start: int, end: int) -> ActorSuggestion:
        return ActorSuggestion(
            name, _kind_guess(name), None, self.body[start:end], start, end, "new"
        )

    def back_reference(
        self, hint: str, position: int, *, start_of: int, text: str, words: list[str] | None = None
    ) -> ActorSuggestion | None:
        """Who "he", "it", "the ministry" or "the general" refers to, before ``position``."""
        wanted_person = hint == "person" or hint in PERSON_NOUNS
        previous_claimants = [
            c.claimant for c in self.claims if c.claimant and c.claimant.start < position
        ]
        if hint not in ("person", "thing", "group"):
            # "the ministry", "the general": the latest record named so.
            low = bisect.bisect_left(self.actor_starts, position)
            for mention in reversed(self.actor_mentions[max(0, low - 40) : low]):
                names = " ".join(normal_form(n) for n in mention.record.all_names)
                if hint in names.split() and all(w in names.split() for w in (words or [])[-2:-1]):
                    return ActorSuggestion(
                        mention.record.name,
                        mention.record.kind,
                        mention.record,
                        text,
                        start_of,
                        start_of + len(text),
                        "back-reference",
                    )
            if hint in UNNAMED_NOUNS:
                # "the official said", with no official named before: an unnamed source.
                name = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
                return ActorSuggestion(
                    name, "unnamed", None, text, start_of, start_of + len(text), "new"
                )
            for claimant in reversed(previous_claimants):
                if (claimant.kind == "person") == wanted_person:
                    return _as_back_reference(claimant, text, start_of)
            return None
        for claimant in reversed(previous_claimants):
            if (claimant.kind == "person") == wanted_person or (
                hint == "group" and claimant.kind != "person"
            ):
                return _as_back_reference(claimant, text, start_of)
        if wanted_person:
            low = bisect.bisect_left(self.actor_starts, position)
            for mention in reversed(self.actor_mentions[max(0, low - 20) : low]):
                if mention.record.kind == "person":
                    return ActorSuggestion(
                        mention.record.name,
                        "person",
                        mention.record,
                        text,
                        start_of,
                        start_of + len(text),
                        "back-reference",
                    )
        return None

    def subject_before(
        self, sentence_start: int, verb_start: int
    ) -> tuple[ActorSuggestion | None, tuple[int, int]]:
        """The speaker named before a verb: "Andriy Kovalenko, head of ..., told" → Kovalenko."""
        end = speech.strip_trailing_adverbs(self.body, sentence_start, verb_start)
        chunks = speech.chunk_bounds(self.body, sentence_start, end)
        if not chunks:
            return None, (verb_start, verb_start)
        last_start, last_end = chunks[-1]
        group: list[tuple[int, int]] = []
        if not self.body[last_start:last_end].strip() and len(chunks) > 1:
            # The text before the verb ends with a comma: the subject is followed by an
            # apposition or a relative clause; walk back to the noun phrase they describe.
            for chunk in reversed(chunks[:-1]):
                text = self.body[chunk[0] : chunk[1]].strip()
                if not text:
                    break
                if text.endswith(("”", '"')) or text.startswith(("“", '"')):
                    break
                group.insert(0, chunk)
                # An apposition or a relative clause starts in lower case ("head of ...",
                # "a spokesman for ...", "which denies ..."); the noun phrase it describes
                # starts with a capital ("Andriy Kovalenko", "The UN's humanitarian coordinator").
                if len(group) >= 3 or text[:1].isupper() or re.match(r"the\s+[A-Z]", text):
                    break
        else:
            group = [(last_start, last_end)]
        candidates = []
        for chunk_start, chunk_end in group:
            text = self.body[chunk_start:chunk_end]
            if text.strip().lower().startswith(speech.RELATIVE_STARTS):
                continue
            if speech.first_word(text) in speech.INTRO_WORDS - {
                "but",
                "and",
                "as",
                "while",
                "yet",
                "though",
                "although",
            } and (len(group) == 1):
                return None, (chunk_start, chunk_end)
            actor = self.resolve_phrase(chunk_start, chunk_end)
            if actor is not None:
                candidates.append((actor, (chunk_start, chunk_end)))
        if not group:
            return None, (verb_start, verb_start)
        if not candidates:
            return None, (group[0][0], group[-1][1])
        # The person in "Russia's top general, Valery Gerasimov," is the speaker; a known
        # record is a safer guess than a new one.
        people = [c for c in candidates if c[0].kind == "person"]
        known_people = [c for c in people if not c[0].is_new]
        actor, _ = (known_people or people or candidates)[-1 if people else 0]
        return actor, (group[0][0], group[-1][1])

    # ----------------------------------------------------------- reading one sentence
    def read(self) -> list[ClaimSuggestion]:
        headings = _headings(self.body)
        for sentence in speech.split_sentences(self.body):
            if sentence.paragraph in headings:
                continue
            segments = self.segments(sentence)
            if not segments:
                continuation = self.continuation(sentence)
                if continuation is not None:
                    segments = [continuation]
            for segment in segments:
                self.finish(segment, sentence)
        return self.claims

    def segments(self, sentence: speech.Sentence) -> list[_Segment]:
        body = self.body
        cues = speech.find_cues(body, sentence.start, sentence.end, self.quotes)
        segments: list[_Segment] = []
        relatives: list[_Segment] = []  # "The RSF, which denies ...": a claim inside another
        for cue in cues:
            before = body[sentence.start : cue.start]
            if cue.form.endswith("ing") or (
                re.search(r"(?:^|[\s,])(?:and|but)\s+(?:\w+ly\s+|also\s+)?$", before)
                and segments
                and not self._has_subject(before, segments[-1])
            ):
                # ", alleging that ...", "... and reiterated ...": the same speaker again.
                if not segments:
                    continue
                previous = segments[-1]
                split = _split_point(body, previous.verb_end, cue.start)
                if split is None:
                    continue
                previous.end = split
                segments.append(
                    _Segment(
                        cue.start,
                        sentence.end,
                        cue.form,
                        cue.start,
                        cue.end,
                        previous.claimant,
                        (cue.start, cue.start),
                        relays=list(previous.relays),
                        back_reference=True,
                    )
                )
                continue
            relative = re.search(r",\s*(which|who)\s+(?:\w+ly\s+|also\s+)?$", before)
            if relative:
                antecedent, span = self.subject_before(
                    sentence.start, sentence.start + relative.start() + 1
                )
                rel_start = sentence.start + relative.start(1)
                rel_end = body.find(",", cue.end, sentence.end)
                rel_end = sentence.end if rel_end == -1 else rel_end
                if antecedent is not None:
                    relatives.append(
                        _Segment(rel_start, rel_end, cue.form, cue.start, cue.end, antecedent, span)
                    )
                continue
            rejoinder = re.search(
                r",\s*(an?\s+(?:charge|claim|accusation|allegation|assertion|account|version)"
                r"\s+(?:that\s+|which\s+)?)(\S.{0,60}?)\s+$",
                before,
            )
            if rejoinder and cue.base in ("deny", "reject", "dismiss", "dispute", "confirm"):
                # "Hamas has accused Israel of ..., a charge Israel denies."
                speaker = self.resolve_phrase(
                    sentence.start + rejoinder.start(2), sentence.start + rejoinder.end(2)
                )
                if speaker is not None:
                    rel_start = sentence.start + rejoinder.start(1)
                    relatives.append(
                        _Segment(
                            rel_start,
                            sentence.end,
                            cue.form,
                            cue.start,
                            cue.end,
                            speaker,
                            (speaker.start, speaker.end),
                        )
                    )
                    if segments:
                        segments[-1].end = min(segments[-1].end, rel_start)
                    continue
            subject_start = sentence.start
            if segments:
                boundary = max(
                    body.rfind(",", segments[-1].verb_end, cue.start),
                    body.rfind("”", segments[-1].verb_end, cue.start),
                    body.rfind('"', segments[-1].verb_end, cue.start),
                )
                if boundary == -1:
                    continue  # a verb inside the reported content
                subject_start = boundary + 1
            actor, span = self.subject_before(subject_start, cue.start)
            if actor is None:
                inverted = self.subject_after(sentence, cue)
                if inverted is not None:
                    # '"This is pure terror," said Sybiha, ...': the content came first.
                    actor, span = inverted
                    if segments and segments[-1].claimant is not None:
                        if (
                            segments[-1].claimant.name != actor.name
                            and not actor.is_new
                            and actor.kind != "person"
                        ):
                            segments[-1].relays.append((RELAY_PRIORITY["postposed"], actor))
                        continue
                    segments.append(
                        _Segment(
                            sentence.start,
                            sentence.end,
                            cue.form,
                            cue.start,
                            cue.end,
                            actor,
                            span,
                            back_reference=actor.how == "back-reference",
                        )
                    )
                continue
            if self._postposed(sentence, span, cue):
                if (
                    segments
                    and segments[-1].claimant is not None
                    and (segments[-1].claimant.name != actor.name)
                ):
                    if not actor.is_new and actor.kind != "person":
                        segments[-1].relays.append((RELAY_PRIORITY["postposed"], actor))
                    continue
                segment = _Segment(
                    sentence.start,
                    sentence.end,
                    cue.form,
                    cue.start,
                    cue.end,
                    actor,
                    span,
                    back_reference=actor.how == "back-reference",
                )
                segments = [s for s in segments if s.claimant is not None]
                segments.append(segment)
                continue
            start = sentence.start
            if segments:
                previous = segments[-1]
                conjunction = re.search(
                    r"[,;]?\s*(?:but|and|while|whereas)?\s*$", body[previous.verb_end : span[0]]
                )
                previous.end = previous.verb_end + (conjunction.start() if conjunction else 0)
                start = span[0]
                while start < len(body) and (body[start].isspace() or body[start] in ",;"):
                    start += 1
                start += len(re.match(r"(?:but|and|while|whereas)?\s*", body[start:]).group())
            span = (self._description_start(start, span[0]), span[1])
            segments.append(
                _Segment(
                    start,
                    sentence.end,
                    cue.form,
                    cue.start,
                    cue.end,
                    actor,
                    span,
                    back_reference=actor.how == "back-reference",
                )
            )
        if not segments:
            segments = self.quoted_as_saying(sentence)
        self.according_to(sentence, segments)
        relatives += self.nominal_claims(sentence)
        return sorted(segments + relatives, key=lambda segment: segment.start)

    def subject_after(self, sentence: speech.Sentence, cue: speech.Cue):
        """The speaker after the verb in '"...," said Sybiha' and '..., said the official'."""
        before = self.body[sentence.start : cue.start].rstrip()
        if cue.base not in INVERTIBLE_VERBS:
            return None
        if not before.endswith((",", "”", '"')):
            return None
        end = sentence.end
        for mark in (",", ";", ".", "—", "("):
            found = self.body.find(mark, cue.end, sentence.end)
            if found != -1 and not (
                mark == "." and re.match(r"[A-Z]\.", self.body[found - 1 : found + 1])
            ):
                end = min(end, found)
        cut = re.search(
            r"\s(?:who|on|in|at|after|before|during|when|adding|citing|according)\s",
            self.body[cue.end : end],
        )
        if cut:
            end = cue.end + cut.start()
        actor = self.resolve_phrase(cue.end, end)
        if actor is None:
            return None
        return actor, (cue.end, end)

    def quoted_as_saying(self, sentence: speech.Sentence) -> list[_Segment]:
        """ "RIA quoted Gladkov as saying that ...": Gladkov speaks, RIA relays."""
        segments = []
        pattern = re.compile(
            r"(?<!was )(?<!were )(?<!been )\bquoted\s+(?!by\b)(.{1,80}?)\s+as\s+"
            r"(?:saying|telling|stating)\b"
        )
        for match in pattern.finditer(self.body, sentence.start, sentence.end):
            if speech.inside(match.start(), self.quotes):
                continue
            speaker = self.resolve_phrase(match.start(1), match.end(1))
            if speaker is None:
                continue
            relay, _ = self.subject_before(sentence.start, match.start())
            segment = _Segment(
                sentence.start,
                sentence.end,
                "quoted as saying",
                match.start(),
                match.end(),
                speaker,
                (match.start(1), match.end(1)),
            )
            if relay is not None and not relay.is_new:
                segment.relays.append((RELAY_PRIORITY["by"], relay))
            segments.append(segment)
        # "Gladkov was quoted by TASS as saying ...", "Gladkov was quoted as saying ...".
        passive = re.compile(
            r"\b(?:was|were|has been|had been)\s+quoted\s+(?:by\s+(.{1,60}?)\s+)?"
            r"as\s+(?:saying|telling|stating)\b"
        )
        for match in passive.finditer(self.body, sentence.start, sentence.end):
            if speech.inside(match.start(), self.quotes):
                continue
            speaker, span = self.subject_before(sentence.start, match.start())
            if speaker is None:
                continue
            segment = _Segment(
                sentence.start,
                sentence.end,
                "quoted as saying",
                match.start(),
                match.end(),
                speaker,
                span,
                back_reference=speaker.how == "back-reference",
            )
            if match.group(1):
                relay = self.resolve_phrase(match.start(1), match.end(1))
                if relay is not None and not relay.is_new:
                    segment.relays.append((RELAY_PRIORITY["by"], relay))
            segments.append(segment)
        return segments

    def _description_start(self, start: int, subject_start: int) -> int:
        """Where the words describing the speaker begin: "Iran's ambassador to Syria, Hossein
        Akbari, told" is all description, but "In El Fasher, ..., doctors said" opens with a place
        the claim is about."""
        chunks = [
            c
            for c in speech.chunk_bounds(self.body, start, subject_start)
            if self.body[c[0] : c[1]].strip()
        ]
        for chunk_start, chunk_end in reversed(chunks):
            text = self.body[chunk_start:chunk_end].strip()
            if (
                speech.first_word(text) in speech.INTRO_WORDS
                or text.endswith(("”", '"'))
                or (
                    speech.VERB_RE.search(text)
                    or re.search(r"\b(?:had|has|have|was|were|is|are|will)\b", text)
                )
            ):
                break
            subject_start = chunk_start
        return subject_start

    def nominal_claims(self, sentence: speech.Sentence) -> list[_Segment]:
        """ "Shoigu's claim that the city was nearly surrounded": a claim named by a noun."""
        segments = []
        pattern = re.compile(
            r"[’']s\s+(?:\w+\s+)?(?:claims?|assertions?|allegations?|statements?|"
            r"contention|insistence|suggestion|denial|accusations?|assessment|"
            r"estimates?|warnings?|announcement)\s+that\b"
        )
        for match in pattern.finditer(self.body, sentence.start, sentence.end):
            if speech.inside(match.start(), self.quotes):
                continue
            owners = [
                m
                for m in self.actors_in(max(sentence.start, match.start() - 80), match.start())
                if m.end == match.start()
            ]
            if not owners:
                continue
            owner = owners[-1]
            end = sentence.end
            for mark in (",", ";", "—", "."):
                found = self.body.find(mark, match.end(), sentence.end)
                if found != -1 and not re.match(r"[A-Z]\.", self.body[found - 1 : found + 1]):
                    end = min(end, found)
            actor = ActorSuggestion(
                owner.record.name,
                owner.record.kind,
                owner.record,
                self.body[owner.start : owner.end],
                owner.start,
                owner.end,
                "name",
            )
            segments.append(
                _Segment(
                    owner.start,
                    end,
                    "claim that",
                    match.start(),
                    match.end(),
                    actor,
                    (owner.start, owner.end),
                )
            )
        return segments

    def _has_subject(self, before: str, previous: _Segment) -> bool:
        """After "and"/"but": is a new speaker named ("..., but U.S. negotiators pushed for")?"""
        match = re.search(r"(?:and|but)\s+((?:\w+ly\s+|also\s+)?)$", before)
        return bool(
            match
            and match.group(1).strip()
            and match.group(1).strip() not in ("also",)
            and not match.group(1).strip().endswith("ly")
        )

    def _postposed(self, sentence: speech.Sentence, span: tuple[int, int], cue: speech.Cue) -> bool:
        """True for "..., X said [on Tuesday]." and '"...," X said': the content came first."""
        body = self.body
        before = body[sentence.start : span[0]].rstrip()
        if not before or not before.endswith((",", "”", '"', ":")):
            return False
        if (
            not before.endswith(("”", '"'))
            and speech.first_word(before) in speech.INTRO_WORDS
            and (before.count(",") <= 1)
        ):
            return False
        remainder_end = sentence.end
        for mark in (",", ";"):
            found = body.find(mark, cue.end, sentence.end)
            if found != -1:
                remainder_end = min(remainder_end, found)
        remainder = body[cue.end : remainder_end].strip(' .”"')
        if re.search(r"\bthat\b", remainder):
            return False
        words = remainder.split()
        if cue.base in speech.TELLING_VERBS or cue.base in ("brief",):
            while words and (
                words[0][:1].isupper()
                or words[0].lower()
                in (
                    "reporters",
                    "journalists",
                    "lawmakers",
                    "parliament",
                    "the",
                    "a",
                    "state",
                    "television",
                    "tv",
                    "radio",
                    "media",
                    "news",
                    "agency",
                    "an",
                    "interview",
                )
            ):
                if words[0][:1].isupper() and len(words) > 1 and words[1].lower() in ("that",):
                    return False
                words = words[1:]
        if cue.base in speech.PARTICLE_VERBS:
            return False  # "pushed for ...", "called for ...": the content follows
        if not words:
            return True
        return words[0].lower().strip(",.") in speech.ADVERBIAL_STARTS and len(words) <= 10

    def according_to(self, sentence: speech.Sentence, segments: list[_Segment]) -> None:
        """ "according to X": X is the relay of a claim made by someone else, or the claimant."""
        pattern = re.compile(
            r"\b(?:according to|in an interview with|cited by|quoted by|reported by|"
            r"in comments to|in remarks to|speaking to|carried by|published by|citing)\s+",
            re.IGNORECASE,
        )
        for match in pattern.finditer(self.body, sentence.start, sentence.end):
            if speech.inside(match.start(), self.quotes):
                continue
            phrase_end = sentence.end
            for mark in (",", ";", "—", "(", "."):
                found = self.body.find(mark, match.end(), sentence.end)
                if (
                    mark == "."
                    and found != -1
                    and re.match(r"[A-Z]\.", self.body[found - 1 : found + 1])
                ):
                    continue
                if found != -1:
                    phrase_end = min(phrase_end, found)
            phrase_end = self._trim_relay_phrase(match.end(), phrase_end)
            actor = self.resolve_phrase(match.end(), phrase_end)
            marker = match.group().strip().lower()
            if actor is None and marker.startswith("according") and not segments:
                # "According to Ukrainian estimates, ...": someone's figures, unnamed.
                phrase = self.body[match.end() : phrase_end].strip()
                if phrase and len(phrase.split()) <= 6:
                    actor = ActorSuggestion(
                        phrase,
                        "unnamed",
                        None,
                        phrase,
                        match.end(),
                        match.end() + len(phrase),
                        "new",
                    )
            if actor is None:
                continue
            if marker == "citing":
                if segments:
                    segment = _nearest(segments, match.start())
                    if segment.claimant is not None and not segment.claimant.is_new:
                        segment.relays.insert(0, (0, segment.claimant))
                    segment.claimant = actor
                continue
            if segments:
                segment = _nearest(segments, match.start())
                if segment.claimant is not None and segment.claimant.name == actor.name:
                    continue
                if actor.is_new and actor.kind == "unnamed":
                    continue
                spoken_to = any(
                    w in marker for w in ("interview", "comments", "remarks", "speaking")
                )
                if spoken_to and actor.kind == "person":
                    continue  # "speaking to Putin": whom he told, not who relayed it
                priority = RELAY_PRIORITY[
                    "according"
                    if marker.startswith("according")
                    else ("interview" if spoken_to else "by")
                ]
                segment.relays.append((priority, actor))
            elif marker.startswith("according"):
                segments.append(
                    _Segment(
                        sentence.start,
                        sentence.end,
                        "according to",
                        match.start(),
                        match.end(),
                        actor,
                        (match.end(), phrase_end),
                        back_reference=actor.how == "back-reference",
                    )
                )

    def _trim_relay_phrase(self, start: int, end: int) -> int:
        """ "the RIA news agency" ends the phrase; "... on Telegram" does not belong to it."""
        text = self.body[start:end]
        cut = re.search(r"\s+(?:on|in|at|that|who|which|as|after|before|during|when|over)\s", text)
        return start + cut.start() if cut else end

    def continuation(self, sentence: speech.Sentence) -> _Segment | None:
        """A sentence wholly in quotation marks, or "reportedly", continuing the last claim."""
        text = self.body[sentence.start : sentence.end].strip()
        last = self.claims[-1] if self.claims else None
        recent = last is not None and sentence.paragraph - self.claim_paragraphs[-1] <= 1
        quotation = (
            text[:1] in speech.OPEN_QUOTES
            and (
                text.rstrip(".")[-1:] in speech.CLOSE_QUOTES
                # a quotation running on into the next paragraph, its mark left open
                or not any(mark in text[1:] for mark in speech.CLOSE_QUOTES)
            )
        )
        if quotation and recent:
            return _Segment(
                sentence.start,
                sentence.end,
                "quotation",
                sentence.start,
                sentence.start,
                last.claimant,
                (sentence.start, sentence.start),
                relays=[(9, r) for r in last.relays],
                back_reference=True,
            )
        marker = re.search(r"\b(?:reportedly|allegedly|purportedly|supposedly)\b", text)
        if marker is None:
            return None
        marker_start = sentence.start + marker.start()
        subject = [
            m
            for m in self.actors_in(sentence.start, marker_start)
            if not self.body[m.end : marker_start].strip()
        ]
        if subject:
            record = subject[-1].record
            actor = ActorSuggestion(
                record.name,
                record.kind,
                record,
                self.body[subject[-1].start : subject[-1].end],
                subject[-1].start,
                subject[-1].end,
                "name",
            )
            return _Segment(
                sentence.start,
                sentence.end,
                "reportedly",
                marker_start,
                marker_start,
                actor,
                (subject[-1].start, subject[-1].end),
            )
        if recent and sentence.paragraph == self.claim_paragraphs[-1]:
            return _Segment(
                sentence.start,
                sentence.end,
                "reportedly",
                marker_start,
                marker_start,
                last.claimant,
                (sentence.start, sentence.start),
                relays=[(9, r) for r in last.relays],
                back_reference=True,
            )
        return None

    # ----------------------------------------------------------- the rest of a claim
    def finish(self, segment: _Segment, sentence: speech.Sentence) -> None:
        body = self.body
        start, end = segment.start, segment.end
        while start < end and body[start] in " ,;—–":
            start += 1
        while end > start and body[end - 1] in " ,;—–":
            end -= 1
        claimant = segment.claimant
        excluded = [segment.subject_span]
        if claimant is not None:
            excluded.append((claimant.start, claimant.end))
        previous = self.claims[-1] if self.claims else None
        # "He told reporters ...", "he wrote on X": said anew, to someone else.
        said_anew = re.search(
            r"\b(?:told|tells|telling|wrote|writes|posted|tweeted|in an interview|speaking to)\b",
            body[start:end],
        )
        if (
            previous is not None
            and not said_anew
            and claimant is not None
            and not segment.relays
            and previous.claimant is not None
            and previous.claimant.name == claimant.name
            and self.claim_paragraphs[-1] == sentence.paragraph
            and segment.cue != "claim that"
        ):
            # "Shoigu told Putin ..., in a briefing reported by TASS. Shoigu said ...": one source.
            segment.relays = [(9, relay) for relay in previous.relays]
        if segment.back_reference and claimant is not None and not segment.relays and not said_anew:
            # "He also claimed ...", right after "According to TASS, Gerasimov reported ...".
            for claim, paragraph in zip(
                reversed(self.claims), reversed(self.claim_paragraphs), strict=True
            ):
                if sentence.paragraph - paragraph > 1:
                    break
                if claim.claimant is not None and claim.claimant.name == claimant.name:
                    segment.relays = [(9, relay) for relay in claim.relays]
                    break
        relays = self.relays(segment, start, end, excluded)
        excluded += [(r.start, r.end) for r in relays]
        # The speaker's description ("The governor of the Moscow region, Andrei Vorobyov,")
        # often says where the claim is about, but its country ("Iran's ambassador to Syria",
        # "a spokesperson for Ukraine's Southern Command") does not.
        places = self.places(
            start,
            end,
            [(claimant.start, claimant.end)] if claimant else [],
            country_excluded=excluded,
        )
        if not places and claimant is not None:
            # "Syrskyi confirmed battles around Sudzha ... He noted that ...": the same speaker
            # on the same scene, in the same paragraph or the next.
            for claim, paragraph in zip(
                reversed(self.claims), reversed(self.claim_paragraphs), strict=True
            ):
                if sentence.paragraph - paragraph > 1:
                    break
                if claim.claimant is not None and claim.claimant.name == claimant.name:
                    places = list(claim.places)
                    break
        quantities = [
            q
            for q in find_quantities(body, start, end)
            if not any(s <= q.start < e for s, e in excluded)
        ]
        asserted_on = self.asserted_on(segment)
        if (
            asserted_on is None
            and segment.back_reference
            and segment.cue.endswith("ing")
            and self.claims
        ):
            asserted_on = self.claims[-1].asserted_on
        self.claims.append(
            ClaimSuggestion(
                start=start,
                end=end,
                text=body[start:end],
                claimant=claimant,
                relays=relays,
                quantities=quantities,
                places=places,
                asserted_on=asserted_on,
                cue=segment.cue,
            )
        )
        self.claim_paragraphs.append(sentence.paragraph)

    def relays(self, segment: _Segment, start: int, end: int, excluded) -> list[ActorSuggestion]:
        found = list(segment.relays)
        for match in re.finditer(r"\b(?:told|telling|tells|briefed)\s+", self.body[start:end]):
            object_start = start + match.end()
            mentions = [
                m
                for m in self.actors_in(object_start, min(end, object_start + 60))
                if not self.body[object_start : m.start].strip(" ")
                or re.fullmatch(
                    r"\s*(?:the|state|news|agency|\s)*", self.body[object_start : m.start]
                )
            ]
            if mentions and mentions[0].record.kind != "person":
                record = mentions[0].record
                found.append(
                    (
                        RELAY_PRIORITY["told"],
                        ActorSuggestion(
                            record.name,
                            record.kind,
                            record,
                            self.body[mentions[0].start : mentions[0].end],
                            mentions[0].start,
                            mentions[0].end,
                            "name",
                        ),
                    )
                )
        ordered = []
        seen = {segment.claimant.name} if segment.claimant else set()
        for _, actor in sorted(found, key=lambda item: item[0]):
            if actor.name in seen or self._is_outlet(actor):
                continue
            seen.add(actor.name)
            ordered.append(actor)
        return ordered

    def _is_outlet(self, actor: ActorSuggestion) -> bool:
        if not self.outlet:
            return False
        names = actor.known.all_names if actor.known else (actor.name,)
        for name in names:
            normal = normal_form(name)
            if normal and (
                normal == self.outlet or normal.replace(" ", "") == self.outlet.replace(" ", "")
            ):
                return True
        return False

    def places(self, start: int, end: int, excluded, country_excluded=()) -> list[KnownName]:
        """Places named in the claim or referred to ("the region"), not its speaker's."""
        body = self.body
        found: list[tuple[int, KnownName]] = []
        actor_spans = {(m.start, m.end) for m in self.actor_mentions}
        mentions = self.places_in(start, end)
        for index, mention in enumerate(mentions):
            if any(s <= mention.start < e for s, e in excluded):
                continue
            record = mention.record
            if record.kind == "country" and any(
                s <= mention.start < e for s, e in country_excluded
            ):
                continue
            is_actor_too = (mention.start, mention.end) in actor_spans or any(
                a.start <= mention.start < a.end
                for a in self.actors_in(max(0, mention.start - 60), mention.end)
            )
            if record.kind == "country" or is_actor_too:
                following = body[mention.end : mention.end + 40]
                if (
                    re.match(r"[’']s\b", following)
                    and index + 1 < len(mentions)
                    and (mentions[index + 1].start - mention.end < 30)
                ):
                    continue  # "Russia's Kursk region": the region, not the country
                if not _after_locative(body, mention.start):
                    continue  # "Ukraine does not trust Russia": a party, not a place
            found.append((mention.start, record))
        for match in re.finditer(
            r"\b(?:the|that)\s+(" + "|".join(ANAPHORS) + r")\b",
            body[start:end],
            re.IGNORECASE,
        ):
            position = start + match.start()
            if any(s <= position < e for s, e in excluded):
                continue
            if re.match(r"\s+of\s+[A-Z]", body[start + match.end() : start + match.end() + 6]):
                continue  # "the town of Shebekino" names the place itself
            kinds = ANAPHORS[match.group(1).lower()]
            low = bisect.bisect_left(self.place_starts, position)
            # The latest place named or already referred to ("the settlement ... in the area").
            candidates = [(m.start, m.record) for m in self.place_mentions[max(0, low - 30) : low]]
            candidates += [(p, r) for p, r in self.referents if p < position]
            for _, record in sorted(candidates, key=lambda item: item[0], reverse=True):
                if record.kind in kinds:
                    found.append((position, record))
                    self.referents.append((position, record))
                    break
        places: list[KnownName] = []
        for _, record in sorted(found, key=lambda item: item[0]):
            if record not in places:
                places.append(record)
        return places

    def asserted_on(self, segment: _Segment) -> date | None:
        if self.published is None or segment.verb_end == segment.verb_start:
            return None
        body = self.body
        position = segment.verb_end
        if speech.VERB_FORMS.get(segment.cue) in speech.TELLING_VERBS:
            skipped = re.match(
                r"\s+(?:(?:[A-Z][\w.’'-]*|the|reporters|journalists|lawmakers|state|"
                r"television|news|agency)\s+){1,5}",
                body[position : position + 80],
            )
            if skipped:
                day = day_near(body, position + skipped.end(), self.published)
                if day:
                    return day
        spaces = len(body[position:]) - len(body[position:].lstrip(" "))
        day = day_near(body, position + spaces, self.published)
        if day:
            return day
        day = day_near(body, segment.verb_start, self.published, before=True)
        if day:
            return day
        # "In a televised speech on Tuesday, Qassem vowed ...": the occasion gives the day.
        occasion = re.match(
            r"\s*(?:In|During)\s+(?:a|an|his|her|its|their)\s+[\w\s-]{0,30}?"
            r"(?:speech|statement|address|interview|post|briefing|message|conference|video)\b"
            r"([^,]{0,40}),",
            body[segment.start : segment.verb_start],
        )
        if occasion:
            for match in re.finditer(r"\bon\s", occasion.group(1)):
                day = day_near(
                    body, segment.start + occasion.start(1) + match.start(), self.published
                )
                if day:
                    return day
        return None


def _headings(body: str) -> set[int]:
    """Paragraphs that are a headline, a byline or a caption's credit, not running text:
    short lines without a final full stop ("Russia says it took Kupiansk")."""
    headings = set()
    lines = body.split("\n")
    for index, line in enumerate(lines[:-1]):  # the text's last line is its end, not a heading
        text = line.strip()
        if text and not re.search(r"[.!?:;\"”’')\]]$", text) and len(text.split()) <= 20:
            headings.add(index)
    return headings


def _after_locative(body: str, position: int) -> bool:
    words = re.findall(r"[A-Za-z’'-]+", body[max(0, position - 40) : position])
    while words and words[-1].lower() in PLACE_ADJECTIVES:
        words.pop()
    return bool(words) and words[-1].lower() in LOCATIVE


def _nearest(segments: list[_Segment], position: int) -> _Segment:
    for segment in segments:
        if segment.start <= position < segment.end:
            return segment
    return segments[0]


def _split_point(body: str, after: int, before: int) -> int | None:
    """Where one claim ends and the next begins: the comma or "and"/"but" before a verb."""
    text = body[after:before]
    match = re.search(r"(?:,\s*(?:and|but)?|\s(?:and|but))\s+(?:\w+ly\s+|also\s+)?$", text)
    if match is None:
        return None
    return after + match.start()


def _as_back_reference(claimant: ActorSuggestion, text: str, start: int) -> ActorSuggestion:
    return ActorSuggestion(
        claimant.name,
        claimant.kind,
        claimant.known,
        text,
        start,
        start + len(text),
        "back-reference",
    )


def _unknown_name(phrase: str) -> tuple[str, int] | None:
    """The last run of capitalised words in a phrase, without titles: ("Dmitry Peskov", end)."""
    best = None
    # "Dmitry Peskov", "Abdel Fattah al-Burhan", "Syrian Observatory for Human Rights".
    for match in re.finditer(
        r"(?:[A-Z][\w’'.-]*|(?:al|el|bin|ibn|abu)-[A-Z][\w’'-]*)"
        r"(?:\s+(?:[A-Z][\w’'.-]*|al-[A-Z][\w’'-]*|"
        r"(?:bin|ibn|de|van|von|der|la|al|el|of|for|the|and|on)(?=\s+[A-Z])))*",
        phrase,
    ):
        words = match.group().split()
        # "Russian senator Andrei Klishas" is Andrei Klishas, but the "Syrian Observatory for
        # Human Rights" keeps its adjective: titles are dropped before a person's name only.
        is_organisation = any(
            w.lower() in ORGANISATION_WORDS | MILITARY_WORDS | {"observatory", "rights"}
            for w in words
        )
        while words and (
            (
                not is_organisation
                and re.sub(r"[’']s$", "", words[0]).strip(".,").lower() in TITLE_WORDS
            )
            or words[0].lower() in ("the", "a", "an")
        ):
            words = words[1:]
        if words and re.search(r"[’']s$", words[-1]):
            continue  # "Ukraine's": a possessive describing someone else
        if not words or words[0].lower() in ("in", "on", "according", "of", "for", "and"):
            continue
        name = " ".join(words)
        best = (name, match.start() + match.group().rfind(words[-1]) + len(words[-1]))
    return best


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and not any(
        w.lower() in ORGANISATION_WORDS | MILITARY_WORDS for w in words
    )


def _kind_guess(name: str) -> str:
    words = {w.lower().strip(".,") for w in name.split()}
    if words & MILITARY_WORDS:
        return "military_unit"
    if words & {
        "ministry",
        "government",
        "administration",
        "authority",
        "council",
        "office",
        "kremlin",
    }:
        return "government"
    if words & ORGANISATION_WORDS or name.isupper():
        return "organisation"
    if name[:1].islower():
        return "unnamed"
    if len(words) >= 2 or re.search(SURNAME_ENDINGS, name):
        return "person"
    return "organisation"


# "Budanov", "Shmyhal", "Lazzarini": a lone capitalised word that reads like a surname.
SURNAME_ENDINGS = (
    r"(?:ov|ova|ev|eva|in|ina|enko|sky|skyi|skiy|ski|uk|yuk|ian|yan|ich|vich|adze|shvili|ini|"
    r"elli|ez|es|son|sen|berg|man|stein|oglu|zadeh|i)$"
)


def extract(
    body: str, knowledge: Knowledge, *, published=None, outlet: str = ""
) -> list[ClaimSuggestion]:
    """The claims a text attributes to someone, with what each asserts, in text order."""
    return _Reader(body, knowledge, published, outlet).read()
