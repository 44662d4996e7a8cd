"""Sentences, quotations and verbs of saying: where a text attributes an assertion.

A news text mixes the outlet's own narration ("Russian forces have
intensified operations") with what others assert ("Gerasimov reported that
...", "... , the ministry said", "according to TASS"). Only the second kind is a
claim. These functions find the cues of attribution with rules of English
reported speech, not with a trained model:

- a verb of saying with an agent as its subject, before its content ("X said
  that ...", "X confirmed ongoing battles") or after it ("... , X said");
- "according to X";
- "reportedly" / "allegedly" (the assertion is someone's, not the outlet's);
- a sentence that is wholly a quotation, continuing the last speaker's words.

One claim per verb of saying, as analysts record them: "Rubio acknowledged
X and reiterated Y" is two claims, and so is "Trump welcomed X, expressing
hope that Y"; a verb inside the reported content ("... said one of the men
told interrogators ...") is part of the same claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Verbs of saying and of stating a position, as [base, 3rd person, past, -ing].
# fmt: off
_IRREGULAR = {
    "say": ["say", "says", "said", "saying"],
    "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "writing"],
    "deny": ["deny", "denies", "denied", "denying"],
    "admit": ["admit", "admits", "admitted", "admitting"],
    "testify": ["testify", "testifies", "testified", "testifying"],
    "reply": ["reply", "replies", "replied", "replying"],
    "signal": ["signal", "signals", "signalled", "signaling", "signaled", "signalling"],
}
# fmt: on
# fmt: off
_REGULAR = (  # noqa: SIM905 (a word list reads better as text)
    "claim report state confirm add warn announce insist accuse estimate post note "
    "emphasize emphasise stress acknowledge reiterate allege express underscore indicate "
    "vow pledge urge welcome blame argue assert suggest predict promise threaten condemn "
    "dismiss reject describe declare explain maintain highlight propose demand tweet "
    "reveal disclose recall concede contend mention repeat brief inform appeal underline "
    "caution remark affirm reaffirm assure voice clarify specify counter retort conclude "
    "assess forecast believe"
).split()
# fmt: on
VERB_FORMS: dict[str, str] = {}  # form → base
for _base, _forms in _IRREGULAR.items():
    for _form in _forms:
        VERB_FORMS[_form] = _base
for _base in _REGULAR:
    if _base.endswith("e"):
        _forms = [_base, _base + "s", _base + "d", _base[:-1] + "ing"]
    elif _base.endswith(("ss", "sh", "ch", "x")):
        _forms = [_base, _base + "es", _base + "ed", _base + "ing"]
    else:
        _forms = [_base, _base + "s", _base + "ed", _base + "ing"]
    for _form in _forms:
        VERB_FORMS.setdefault(_form, _base)
# "called for", "pushed for", "ruled out": verbs that state a position only with their particle.
# fmt: off
PARTICLE_VERBS = {
    "call": ("for", "on", "it", "the", "a", "an", "them", "him", "her", "this", "that", "“", '"'),
    "push": ("for",),
    "rule": ("out",),
    "point": ("out", "to"),
}
# fmt: on
for _base in PARTICLE_VERBS:
    for _form in (_base, _base + "s", _base + "ed", _base + "ing"):
        VERB_FORMS[_form] = _base
VERB_FORMS["ruled"] = "rule"
VERB_FORMS["ruling"] = "rule"
VERB_FORMS["rules"] = "rule"
# Verbs whose object is the person or outlet told ("told Reuters", "briefed reporters").
TELLING_VERBS = {"tell", "brief", "inform", "testify"}
VERB_RE = re.compile(
    r"\b(" + "|".join(sorted(VERB_FORMS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)

NEGATIONS = re.compile(
    r"\b(?:not|n't|never|no|declined\s+to|refused\s+to|failed\s+to|yet\s+to|without)\s+"
    r"(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
PASSIVE = re.compile(r"\b(?:was|were|been|be|is|are|being)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
MODAL = re.compile(
    r"\b(?:will|would|could|should|may|might|can|must|to|shall)\s+(?:\w+\s+)?$", re.IGNORECASE
)
DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|its|his|her|their|our|these|those|this|that|such|new|earlier|latest|"
    r"previous|first|similar|unverified|false|repeated|official|any|no|whose|of)|['’]s)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
IMMEDIATE_DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|its|his|her|their|our|these|those|this|that|such|new|earlier|latest|"
    r"previous|similar|unverified|false|repeated|official|any|no|whose|media|press)|['’]s)\s+$",
    re.IGNORECASE,
)
# fmt: off
ADVERBS = {
    "also", "separately", "reportedly", "repeatedly", "later", "earlier", "then", "previously",
    "again", "publicly", "officially", "further", "himself", "herself", "itself", "themselves",
    "has", "have", "had", "already", "recently", "since", "subsequently", "initially", "first",
    "flatly", "strongly", "firmly", "quickly", "swiftly", "immediately", "explicitly", "openly",
    "privately", "formally", "angrily", "once", "now", "still", "yet", "last", "alone", "too",
}
# fmt: on
# fmt: off
INTRO_WORDS = {
    "in", "on", "at", "following", "after", "before", "earlier", "later", "initially", "meanwhile",
    "however", "as", "while", "during", "over", "since", "speaking", "asked", "separately",
    "also", "but", "and", "yet", "still", "last", "this", "from", "with", "amid", "despite",
    "according", "by", "when", "under", "for", "to", "until", "within", "throughout", "addressing",
    "writing", "responding", "if", "although", "though", "because", "instead",
}
# fmt: on
# What may follow a verb of saying that closes its sentence ("..., X said on Tuesday, in a
# statement"), as opposed to the content it introduces ("X said its fighters had ...").
# fmt: off
ADVERBIAL_STARTS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday",
    "today", "late", "early", "earlier", "later", "via", "citing", "adding", "without", "in", "on",
    "at", "overnight", "tonight", "repeatedly", "separately", "again", "publicly", "after",
    "before", "during", "as", "while", "when", "according", "last", "this", "referring",
    "speaking", "quoting", "told",
}
# fmt: on
RELATIVE_STARTS = (
    "which ",
    "who ",
    "whose ",
    "whom ",
    "speaking ",
    "citing ",
    "according ",
    "where ",
)

# "MOSCOW, March 11 (Reuters) - ", "DEIR AL-BALAH, Gaza Strip (AP) — ", "KYIV (AFP) - ": the
# place and day a report was filed from, not part of any claim.
DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Z .'’/-]{1,40}(?:,\s*[A-Z][\w .]{1,30})?\s*(?:\([\w .-]{1,30}\))?\s*[-—–]+\s+"
    r"|^\s*[A-Z][A-Z .'’/-]{1,40}(?:,\s*[A-Z][\w .]{1,30})?\s*\([\w .-]{1,30}\)\s*"
)
OPEN_QUOTES = '“"«„'
CLOSE_QUOTES = '”"»“'
# fmt: off
ABBREVIATIONS = {
    "u.s", "u.n", "u.k", "e.u", "dr", "mr", "mrs", "ms", "gen", "lt", "col", "sgt", "capt", "maj",
    "rep", "sen", "gov", "st", "mt", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "jr", "sr", "inc", "co", "corp", "vs", "e.g", "i.e",
    "approx", "adm", "cmdr", "prof", "rev", "ret", "pres", "u.a.e", "d.c",
}
# fmt: on


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Cue:
    """A verb of saying at [start, end) in the body, with its base form."""

    start: int
    end: int
    base: str
    form: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; a quotation running over several sentences stays in one."""
    sentences: list[Sentence] = []
    paragraph_start = 0
    for paragraph_index, paragraph in enumerate(text.split("\n")):
        offset = paragraph_start
        paragraph_start += len(paragraph) + 1
        dateline = DATELINE_RE.match(paragraph)
        start = dateline.end() if dateline else 0
        pieces = []
        for match in re.finditer(r"[.!?]+[”\"’')\]]*(?=\s+[“\"‘'(\[]?[A-Z0-9])", paragraph):
            word = re.search(r"(\S+?)[.!?]+[”\"’')\]]*$", paragraph[start : match.end()])
            token = (word.group(1) if word else "").lstrip('“"(').lower()
            if match.group().startswith(".") and (
                token in ABBREVIATIONS
                or re.fullmatch(r"[a-z]", token)
                or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token)
            ):
                continue
            pieces.append((start, match.end()))
            start = match.end()
            while start < len(paragraph) and paragraph[start].isspace():
                start += 1
        if start < len(paragraph.rstrip()):
            pieces.append((start, len(paragraph.rstrip())))
        merged: list[tuple[int, int]] = []
        for piece in pieces:
            if merged and _quote_open(paragraph[merged[-1][0] : merged[-1][1]]):
                merged[-1] = (merged[-1][0], piece[1])
            else:
                merged.append(piece)
        for piece_start, piece_end in merged:
            if paragraph[piece_start:piece_end].strip():
                sentences.append(
                    Sentence(offset + piece_start, offset + piece_end, paragraph_index)
                )
    return sentences


def _quote_open(text: str) -> bool:
    """True when a quotation opened in ``text`` is not closed by its end."""
    curly_open = text.count("“") + text.count("«")
    curly_close = text.count("”") + text.count("»")
    if curly_open > curly_close:
        return True
    return text.count('"') % 2 == 1


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every quotation (the marks included), paragraph by paragraph."""
    spans = []
    opened: int | None = None
    for position, char in enumerate(text):
        if char == "\n":
            opened = None
        elif char == '"':
            if opened is None:
                opened = position
            else:
                spans.append((opened, position + 1))
                opened = None
        elif char in "“«":
            opened = position
        elif char in "”»" and opened is not None:
            spans.append((opened, position + 1))
            opened = None
    return spans


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in spans)


def find_cues(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> list[Cue]:
    """The verbs of saying in text[start:end] that can introduce a claim."""
    cues = []
    for match in VERB_RE.finditer(text, start, end):
        if inside(match.start(), quotes):
            continue
        form = match.group(1)
        lower = form.lower()
        base = VERB_FORMS[lower]
        before = text[max(start, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 12].lower()
        if form[0].isupper():
            continue  # "the United States", "Says ..." in a headline: not a reported verb
        if before.endswith(("so-", "so‑")):
            continue  # "the so-called special military operation"
        if re.match(r"\s+by\b", after):
            continue  # "reported by TASS" is a relay, not a claim's verb
        if NEGATIONS.search(before) or PASSIVE.search(before):
            continue
        if (
            base in PARTICLE_VERBS
            and not re.match(
                r"\s+(?:" + "|".join(re.escape(p) for p in PARTICLE_VERBS[base]) + r")\b", after
            )
            and not re.match(r"\s+[“\"]", after)
        ):
            continue
        is_base_form = lower == base and not lower.endswith("ed")
        is_third_person = lower.endswith("s") and lower != base and lower not in ("says",)
        if lower.endswith("ing"):
            # Only a participle adjunct: ", alleging that ...", ", telling lawmakers ...".
            if not re.search(r",\s*(?:and\s+)?$", before):
                continue
        elif is_base_form:
            # "Ukrainian officials insist", "analysts say": present tense after a plural agent.
            if MODAL.search(before) or not re.search(
                # "officials insist", "they say", "officials in Kyiv say"
                r"(?:\w{2,}s|they|we|\))\s+(?:(?:in|from|at|of|near)\s+[A-Z][\w’'-]*\s+)?"
                r"(?:\w+ly\s+)?$",
                before,
                re.IGNORECASE,
            ):
                continue
            if DETERMINER.search(before):
                continue
        elif is_third_person and IMMEDIATE_DETERMINER.search(before):
            continue  # "Russia's claims of territorial gains": a noun
        if lower.endswith("ed") and re.search(
            r"\b(?:the|a|an|its|his|her|their)\s+$", before, re.I
        ):
            continue  # "the reported attack", "an alleged strike"
        cues.append(Cue(match.start(), match.end(), base, lower))
    return cues


def chunk_bounds(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-delimited pieces of text[start:end], outside quotations (offsets in text)."""
    bounds = []
    chunk_start = start
    depth = 0
    straight_quote_open = False
    for position in range(start, end):
        char = text[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char in ",;:—–" and depth == 0:
            bounds.append((chunk_start, position))
            chunk_start = position + 1
        elif char == "”" or (char == '"' and straight_quote_open):
            # A closing quotation mark ends a piece: '"...," X said'.
            bounds.append((chunk_start, position + 1))
            chunk_start = position + 1
        if char == '"':
            straight_quote_open = not straight_quote_open
    bounds.append((chunk_start, end))
    return bounds


def first_word(text: str) -> str:
    match = re.match(r"\s*[“\"(]?([A-Za-z’'-]+)", text)
    return match.group(1).lower() if match else ""


def strip_trailing_adverbs(text: str, start: int, end: int) -> int:
    """Where the subject ends before a verb: "Gerasimov also", "Peskov on Monday" → the name."""
    from claims.extraction.dates import DAY_EXPRESSION

    while True:
        segment = text[start:end].rstrip()
        trimmed_end = start + len(segment)
        day = None
        for match in DAY_EXPRESSION.finditer(segment[-40:]):
            if match.end() == len(segment[-40:]) and match.group().strip():
                day = match
        if day is not None:
            end = trimmed_end - (len(segment[-40:]) - day.start())
            continue
        word = re.search(r"(\w+)$", segment)
        if word and word.group(1).lower() in ADVERBS:
            end = start + word.start()
            continue
        return trimmed_end
