"""Find the words that carry sourcing and opinion in a sentence.

`read_cues` is the one place that turns a sentence into evidence: the model turns
its counts into features, and the API shows its spans to the reader. Who the
sentence names as its source comes from `classifiers.attribution`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from classifiers import lexicon
from classifiers.attribution import CHECKABLE, Attribution, read_attribution, source_name
from classifiers.text import WORD, Span, continued_quote, spans, trimmed

__all__ = ["FEATURE_NAMES", "Cues", "Span", "read_cues", "read_cues_in_order"]

EVALUATIVE_SUBJECTIVITY = 0.6  # TextBlob scores at or above this mark judgements ("appalling")
_UNKNOWN_WORD = (0, 0.0)
# Patterns of lower-case words without re.IGNORECASE run on `Attribution.lowered`.
# "A referendum is a vote ...", "Brisk walking means ...": a definition, common knowledge.
_DEFINITION = re.compile(
    r"\s*(?:[\w'’\-]+\s+){1,6}?(?:means|refers\s+to|is\s+when|is\s+where"
    r"|is\s+defined\s+as|is\s+(?:an?|the)\s+(?:term|word|name)\s+for)\s",
)
_ANONYMOUS = re.compile(
    r"\b(?:on\s+(?:the\s+)?condition\s+of\s+anonymity|(?:asked|declined)\s+not\s+to\s+be\s+"
    r"(?:named|identified)|(?:people|sources?|persons?|those)\s+(?:familiar|close|briefed)\s+"
    r"(?:with|to|on)|not\s+authori[sz]ed\s+to\s+speak|speaking\s+anonymously)\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(?:will\s+(?:likely|probably|surely|certainly|undoubtedly)|is\s+(?:bound|poised|likely)\s+to"
    r"|remains\s+to\s+be\s+seen|only\s+time\s+will\s+tell|could\s+(?:well\s+)?(?:spell|mean|prove)"
    r"|will\s+(?:define|shape|determine|decide|prove|test|be\s+(?:key|crucial|critical)))\b",
)
_PRESENT_PERFECT = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?[a-z]+(?:ed|en)\b")
#: Words that make "plan" or "aim" after them a noun: "there are no plans to close".
_NOUN_OPENERS = ("the", "a", "no", "any", "its", "his", "her", "their", "our", "of", "with", "new")
_SCHEDULE = re.compile(
    r"\b(?:is|are|was|were)\s+(?:scheduled|due|set|expected)\s+to\s+(?:begin|start|open|close|resume|take\s+place|meet|run)\b"
    r"|\b(?:opens|closes|runs|starts|begins|resumes|meets|open\s+(?:at|from|on|to)|will\s+be\s+held|takes\s+place)\b"
    r"|\b(?:is|are)\s+(?:planned|scheduled|due)\s+(?:for|on|in)\b"
    # A plan stated as a fact: "NASA plans to use", "Artemis aims to put", "the club intends to".
    r"|\b"
    + "".join(rf"(?<!\b{word}\s)" for word in _NOUN_OPENERS)
    + r"(?:"
    + "|".join(sorted(lexicon.PLAN_VERBS))
    + r")\s+to\s+(?!be\b)[a-z]+",
)
_FUTURE = re.compile(r"\b(?:will|shall|is\s+to|are\s+to|is\s+due\s+to|are\s+due\s+to)\b")
_DIGIT = re.compile(r"\d")
_FIGURE = re.compile(r"[$£€]?\d+(?:[.,]\d+)*%?")
_NUMBER_WORD = re.compile(r"\b(?:percent|per\s+cent|million|billion|trillion|dozens?|hundreds?)\b")
_QUOTE_OPEN = '“"«'
_SCARE_QUOTE_WORDS = 4  # a quoted phrase this short marks a term, not a speaker's words
_QUOTE_THEN_WORD = re.compile(r"[”\"]\s*,?\s*\w")
# A live blog's time stamp: "9:05 a.m.", "Updated at 4:32 p.m.", "14.20 GMT".
_TIMESTAMP = re.compile(
    r"\s*(?:updated\s+(?:at\s+)?)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?\s?m\.?)?\s*(?:[A-Z]{2,4})?\.?\s*$",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’\-]{2,}(?:\([^)]*\))?\s*[—–-]\s")
_COMPARATIVES = frozenset("more less most least".split())
_APPEAR = frozenset("appear appears appeared".split())

# Each costly pattern runs only when the sentence holds one of the words it needs.
_ANONYMOUS_TRIGGERS = frozenset(
    "anonymity named identified familiar close briefed authorised authorized anonymously".split()
)
_PREDICTION_TRIGGERS = frozenset(
    "likely probably surely certainly undoubtedly bound poised seen tell spell mean prove define shape"
    " determine decide test key crucial critical".split()
)
_SCHEDULE_TRIGGERS = (
    frozenset(
        "scheduled due set expected opens closes runs starts begins resumes meets open held takes".split()
    )
    | lexicon.PLAN_VERBS
)
_DEFINITION_TRIGGERS = frozenset("means refers when where defined term word name".split())
_FUTURE_TRIGGERS = frozenset("will shall is are".split())
_PRESENT_PERFECT_TRIGGERS = frozenset({"has", "have"})
_NUMBER_TRIGGERS = frozenset("percent per million billion trillion dozen dozens hundred hundreds".split())


#: The cue features, in the order of the model's columns; `Cues.counts` holds each of them.
FEATURE_NAMES: tuple[str, ...] = (
    "reporting_with_source",
    "reporting_without_source",
    "according_to",
    "source_named",
    "source_organisation",
    "source_pronoun",
    "source_vague",
    "anonymous",
    "vague_subject",
    "agentless_passive",
    "quote_marks",
    "scare_quotes",
    "starts_with_quote",
    "quote_then_speaker",
    "open_quote",
    "context_open_quote",
    "context_quotes",
    "context_colon",
    "context_attributed",
    "context_vague",
    "hedges",
    "predictions",
    "intensifiers",
    "subjectivity_mean",
    "subjectivity_max",
    "first_second_person",
    "call_to_action",
    "question",
    "exclamation",
    "numbers",
    "superlatives",
    "dates",
    "no_final_punctuation",
    "dateline",
    "timestamp",
    "title_case",
    "past_tense",
    "proper_nouns",
    "schedule",
    "future",
    "present_perfect",
    "definition",
    "first_word_lower_verb",
    "judgement_in_past_report",
    "judgement_in_present",
    "first_person_past",
)


@dataclass(frozen=True, slots=True)
class Cues:
    """The spans that carry each reading of a sentence, and the source it names."""

    attribution: list[Span] = field(default_factory=list)
    source: Span | None = None
    source_kind: str = ""  # "named", "organisation", "pronoun", "vague" or ""
    vague: list[Span] = field(default_factory=list)
    passive: list[Span] = field(default_factory=list)
    opinion: list[Span] = field(default_factory=list)
    facts: list[Span] = field(default_factory=list)
    counts: dict[str, float] = field(default_factory=dict)


def _hedges(tokens: list[str], lowered: list[str], index: int) -> bool:
    """Tell a hedge from its look-alikes: the month May, "more likely than", "appear in court"."""
    if index and tokens[index][0].isupper():
        return False
    if index and lowered[index] in {"likely", "unlikely"} and lowered[index - 1] in _COMPARATIVES:
        return False
    if lowered[index] in _APPEAR:
        return index + 1 < len(lowered) and lowered[index + 1] in {"to", "that", "set", "likely", "unlikely"}
    return True


def _quote_state(text: str) -> tuple[int, bool]:
    """Return the number of quote marks and whether a quotation is left open at the end."""
    marks = text.count("“") + text.count("”") + text.count('"')
    if not marks:
        return 0, False
    rest = text[continued_quote(text) :]
    return marks, rest.count("“") > rest.count("”") or rest.count('"') % 2 == 1


def _quotations(text: str, quoted: list[Span]) -> tuple[int, int]:
    """Count quoted passages long enough to be speech, and short scare-quoted terms."""
    speech = scare = 0
    for start, end in quoted:
        if len(WORD.findall(text, start, end)) > _SCARE_QUOTE_WORDS:
            speech += 1
        else:
            scare += 1
    return speech, scare


@dataclass(slots=True)
class _WordReading:
    """What the words outside quotations say on their own, before any source is weighed."""

    opinion: list[Span] = field(default_factory=list)
    facts: list[Span] = field(default_factory=list)
    hedges: int = 0
    intensifiers: int = 0
    person: int = 0
    calls: int = 0
    superlatives: int = 0
    months: int = 0
    subjectivity_sum: float = 0.0
    subjectivity_max: float = 0.0
    past: bool = False
    capitalised: int = 0
    proper: int = 0  # capitalised words after the first


def _present_perfect(outside: str, vocabulary: frozenset[str]) -> int:
    """Count "has fluctuated"-style characterisations; "has said" is a report, not one."""
    found = spans(_PRESENT_PERFECT, outside, vocabulary, _PRESENT_PERFECT_TRIGGERS)
    participles = (outside[start:end].rsplit(None, 1)[-1] for start, end in found)
    return sum(1 for participle in participles if participle not in lexicon.REPORTING_VERBS)


def _read_words(attribution: Attribution) -> _WordReading:
    """Look every word up once in the lexicon and tally what it marks."""
    table = lexicon.word_table()
    words, tokens = attribution.words, attribution.tokens
    lowered = [token.lower().strip("'’") for token in tokens]
    known = [(index, table[lower]) for index, lower in enumerate(lowered) if lower in table]
    reading = _WordReading()
    reading.proper = sum(1 for token in tokens[1:] if token[0].isupper())
    reading.capitalised = reading.proper + bool(tokens and tokens[0][0].isupper())
    reading.past = any(flags & lexicon.PAST for _, (flags, _) in known) or any(
        lower.endswith("ed") and not table.get(lower, _UNKNOWN_WORD)[0] & lexicon.REPORTING
        for lower in lowered
    )
    for index, (flags, score) in known:
        reading.subjectivity_sum += score
        reading.subjectivity_max = max(reading.subjectivity_max, score)
        span = words[index].span()
        if flags & lexicon.HEDGE:
            if _hedges(tokens, lowered, index):
                reading.hedges += 1
                reading.opinion.append(span)
        elif flags & lexicon.INTENSIFIER:
            reading.intensifiers += 1
            reading.opinion.append(span)
        elif score >= EVALUATIVE_SUBJECTIVITY and not flags & lexicon.SUPERLATIVE:
            reading.opinion.append(span)
        if flags & lexicon.PERSON and (tokens[index] == "I" or not tokens[index].isupper()):
            reading.person += 1  # "US" and "WE" in capitals are a country and an acronym
        if flags & lexicon.CALL:
            reading.calls += 1
            reading.opinion.append(span)
        if flags & lexicon.SUPERLATIVE:
            reading.superlatives += 1
            if lowered[index] not in lexicon.ORDINAL_SUPERLATIVES:
                reading.facts.append(span)
        if flags & lexicon.MONTH:
            reading.months += 1
    return reading


def read_cues_in_order(pairs: Iterable[Sequence[Any]]) -> list[Cues]:
    """Read the cues of each `(text, context)` pair of an article, in order.

    A sentence's context is usually the sentence just read, whose attribution is
    then passed on rather than read a second time.
    """
    found: list[Cues] = []
    previous_text: str | None = None
    previous: Attribution | None = None
    for pair in pairs:
        text, context = pair[0], pair[1]
        attribution = read_attribution(text)
        before = previous if context == previous_text else None
        found.append(_read(text, context, attribution, before))
        previous_text, previous = text, attribution
    return found


def read_cues(text: str, context: str = "") -> Cues:
    """Read the sourcing and opinion cues of `text`, given the sentence before it."""
    return _read(text, context, read_attribution(text), None)


def _context_reading(context: str, attribution: Attribution | None) -> tuple[bool, str]:
    """Return whether the sentence before attributes, and to what kind of source."""
    if not context:
        return False, ""
    if attribution is None:
        attribution = read_attribution(context)
    return bool(attribution.verbs), attribution.source_kind


def _read(text: str, context: str, attribution: Attribution, context_attribution: Attribution | None) -> Cues:
    outside, lowered, words = attribution.outside, attribution.lowered, attribution.words
    vocabulary, passive = attribution.vocabulary, attribution.passive
    verbs, source, source_kind = attribution.verbs, attribution.source, attribution.source_kind
    vague_subject = attribution.vague_subject
    context_attributes, context_kind = _context_reading(context, context_attribution)
    if source_kind == "pronoun" and context_kind == "vague":
        source_kind = "vague"  # "an insider told the outlet. ... the insider added": still anonymous
    anonymous = spans(_ANONYMOUS, text, vocabulary, _ANONYMOUS_TRIGGERS)
    vague = list(anonymous)
    if vague_subject:
        vague.append(trimmed(text, vague_subject.span()))
    if source_kind == "vague" and source is not None:
        vague.append(source)
    reading = _read_words(attribution)
    opinion, facts = reading.opinion, reading.facts
    hedges, intensifiers, calls = reading.hedges, reading.intensifiers, reading.calls
    subjectivity_sum, subjectivity_max = reading.subjectivity_sum, reading.subjectivity_max
    predictions = spans(_PREDICTION, lowered, vocabulary, _PREDICTION_TRIGGERS)
    opinion.extend(predictions)
    # "he suggested" reports what someone said: with a checkable source, hedges, calls
    # and judgement words are the source's, as labels.md counts them.
    if source_kind in CHECKABLE:
        hedges = intensifiers = calls = 0
        subjectivity_sum = subjectivity_max = 0.0
        predictions, opinion = [], []
    number_words = spans(_NUMBER_WORD, lowered, vocabulary, _NUMBER_TRIGGERS)
    # The model counts digits, as it was trained to; a reader is shown whole figures.
    digits = len(_DIGIT.findall(outside))
    if digits:
        facts += [m.span() for m in _FIGURE.finditer(outside)]
    facts += number_words
    quote_marks, open_quote = _quote_state(text)
    speech, scare = _quotations(text, attribution.quoted)
    context_marks, context_open = _quote_state(context)
    stripped = text.strip()
    word_count = max(len(words), 1)
    counts = {
        # A reporting verb attributes only when it has a subject a reader can check. Whether
        # there is one counts, not how many: a second verb is no weaker a source.
        "reporting_with_source": float(bool(verbs) and source_kind in CHECKABLE),
        "reporting_without_source": float(bool(verbs) and source_kind not in CHECKABLE),
        "according_to": float(any(text[start:end].lower() == "according to" for start, end in verbs)),
        "source_named": float(source_kind == "named"),
        "source_organisation": float(source_kind == "organisation"),
        "source_pronoun": float(source_kind == "pronoun"),
        "source_vague": float(source_kind == "vague"),
        "anonymous": float(bool(anonymous)),
        "vague_subject": float(bool(vague_subject)),
        "agentless_passive": float(len(passive)),
        "quote_marks": float(speech),
        "scare_quotes": float(scare),
        "starts_with_quote": float(stripped[:1] in _QUOTE_OPEN),
        "quote_then_speaker": float(bool(verbs and quote_marks and _QUOTE_THEN_WORD.search(text))),
        "open_quote": float(open_quote),
        "context_open_quote": float(context_open),
        "context_quotes": float(context_marks > 0),
        "context_colon": float(context.rstrip().endswith(":")),
        "context_attributed": float(context_attributes and context_kind in CHECKABLE),
        "context_vague": float(context_kind == "vague"),
        "hedges": float(hedges),
        "predictions": float(len(predictions)),
        "intensifiers": float(intensifiers),
        "subjectivity_mean": subjectivity_sum / word_count,
        "subjectivity_max": subjectivity_max,
        "first_second_person": float(reading.person),
        "call_to_action": float(calls),
        "question": float(stripped.endswith("?")),
        "exclamation": float("!" in outside),
        "numbers": float(digits + len(number_words)),
        "superlatives": float(reading.superlatives),
        "dates": float(reading.months),
        "no_final_punctuation": float(not stripped.endswith((".", "?", "!", "”", '"', ":", "’"))),
        "dateline": float(bool(_DATELINE.match(stripped))),
        "timestamp": float(bool(_TIMESTAMP.match(stripped))),
        "title_case": reading.capitalised / word_count,
        "past_tense": float(reading.past),
        "proper_nouns": reading.proper / word_count,
        "schedule": float(len(spans(_SCHEDULE, lowered, vocabulary, _SCHEDULE_TRIGGERS))),
        "future": float(len(spans(_FUTURE, lowered, vocabulary, _FUTURE_TRIGGERS))),
        "present_perfect": float(_present_perfect(outside, vocabulary)),
        "definition": float(
            not vocabulary.isdisjoint(_DEFINITION_TRIGGERS) and bool(_DEFINITION.match(lowered))
        ),
        "first_word_lower_verb": float(bool(words) and words[0].group().lower() in lexicon.IMPERATIVES),
        # A linear model weighs each cue alone; these pairs tell a vivid word in a report of
        # past events, or an "I" telling a story, from a judgement or a view held now.
        "judgement_in_past_report": subjectivity_max * reading.past,
        "judgement_in_present": subjectivity_max * (not reading.past),
        "first_person_past": float(reading.person) * reading.past,
    }
    return Cues(
        attribution=verbs,
        source=source_name(text, source) if source and source_kind in {"named", "organisation"} else None,
        source_kind=source_kind,
        vague=sorted(set(vague)),
        passive=sorted(passive),
        opinion=sorted(set(opinion)),
        facts=sorted(set(facts)),
        counts=counts,
    )
