"""Find the words that carry sourcing and opinion in a sentence.

`read_cues` is the one place that knows how reporting is phrased: the model
turns its counts into features, and the API shows its spans to the reader.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from classifiers import lexicon

Span = tuple[int, int]

EVALUATIVE_SUBJECTIVITY = 0.6  # TextBlob scores at or above this mark judgements ("appalling")
_UNKNOWN_WORD = (0, 0.0)

_WORD_CHARS = re.compile(r"[a-z]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,.]*%?")
_BETWEEN_SUBJECT_AND_VERB = frozenset(
    "also later previously earlier then still never often has have had was were is are will would did"
    " does been being".split()
)
_VAGUE_SUBJECT = re.compile(
    r"\s*(?:(?:some|many|several|most|a\s+few|few|other|numerous|various)\s+(?:\w+\s+){0,2}?"
    r"(?:" + "|".join(sorted(lexicon.VAGUE_SOURCES)) + r")\b"
    # "People who know him say", "Officials in Washington believe": nobody in particular.
    r"|(?:people|those|sources|officials|insiders|someone|somebody|others)(?=\s+(?:who|close\s+to"
    r"|familiar\s+with|in|at|near|inside|within|across)\s))",
    re.IGNORECASE,
)
# "A referendum is a vote ...", "Brisk walking means ...": a definition, common knowledge.
_DEFINITION = re.compile(
    r"\s*(?:[\w'’\-]+\s+){1,6}?(?:means|refers\s+to|is\s+when|is\s+where"
    r"|is\s+defined\s+as|is\s+(?:an?|the)\s+(?:term|word|name)\s+for)\s",
    re.IGNORECASE,
)
_INVERTING_VERBS = frozenset(
    "said says added adds wrote writes explained explains asked asks continued told insisted insists"
    " argued argues noted notes warned warns recalled recalls concluded concludes".split()
)
_ATTRIBUTING_PHRASE = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in lexicon.ATTRIBUTING_PHRASES) + r")\b", re.IGNORECASE
)
_IMPERSONAL_VERB = "(?:" + "|".join(lexicon.IMPERSONAL_VERBS) + ")"
_AGENTLESS_PASSIVE = re.compile(
    r"\b(?:(?:is|are|was|were|been|being|be)\s+(?:widely\s+|generally\s+|largely\s+|also\s+|now\s+|long\s+)?"
    r"|,\s*(?:widely\s+|long\s+)?)" + _IMPERSONAL_VERB + r"\s+(?:to|as|that|by\s+(?:many|some|most))\b"
    r"|\b" + _IMPERSONAL_VERB + r"\s+to\s+(?:be|have)\b"
    r"|\b(?:widely\s+|well\s+|long\s+)?(?:known|seen|regarded|viewed|considered)\s+(?:for|as)\b",
    re.IGNORECASE,
)
_IMPERSONAL = re.compile(
    r"\bit\s+(?:is|was|has\s+been|had\s+been|is\s+being)\s+(?:widely\s+|generally\s+)?"
    r"(?:" + "|".join(lexicon.IMPERSONAL_VERBS) + r")\b"
    r"|\b(?:there\s+(?:are|were|have\s+been)\s+(?:reports|claims|suggestions|rumou?rs|fears))\b"
    r"|\b(?:some\s+(?:have|say|said|believe|argue|suggest)|many\s+(?:believe|say|fear|think))\b",
    re.IGNORECASE,
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
    re.IGNORECASE,
)
_PRESENT_PERFECT = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?[a-z]+(?:ed|en)\b")
_SCHEDULE = re.compile(
    r"\b(?:is|are|was|were)\s+(?:scheduled|due|set|expected)\s+to\s+(?:begin|start|open|close|resume|take\s+place|meet|run)\b"
    r"|\b(?:opens|closes|runs|starts|begins|resumes|meets|open\s+(?:at|from|on|to)|will\s+be\s+held|takes\s+place)\b"
    r"|\b(?:is|are)\s+(?:planned|scheduled|due)\s+(?:for|on|in)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|shall|is\s+to|are\s+to|is\s+due\s+to|are\s+due\s+to)\b", re.I)
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(r"\b(?:percent|per\s+cent|million|billion|trillion|dozens?|hundreds?)\b", re.I)
_QUOTE_OPEN = '“"«'
_QUOTE_CLOSE = '”"»'
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|«[^»]*»?")
# "reports that ..." and a closing "..., Politico reports." use the verb, not the noun.
_THAT_AFTER = re.compile(r" that ")
_SENTENCE_END = re.compile(r"[.!?]?[”\"’]?\s*$")
_SHORT_CLAUSE_BEFORE = re.compile(r",\s*(?:[\w'’.\-]+\s+){1,4}$")
_DETERMINERS = frozenset("a an the its his her their our my your this that these those new latest".split())


_CONVICTION_VERBS = frozenset("believe believes believed believing trust trusts trusted".split())
_COMPARATIVES = frozenset("more less most least".split())
_APPEAR = frozenset("appear appears appeared".split())


def _hedges(tokens: list[str], lowered: list[str], index: int) -> bool:
    """Tell a hedge from its look-alikes: the month May, "more likely than", "appear in court"."""
    if index and tokens[index][0].isupper():
        return False
    if index and lowered[index] in {"likely", "unlikely"} and lowered[index - 1] in _COMPARATIVES:
        return False
    if lowered[index] in _APPEAR:
        return index + 1 < len(lowered) and lowered[index + 1] in {"to", "that", "set", "likely", "unlikely"}
    return True


_BE = frozenset("is are was were be been being".split())
_ADVERBS = frozenset("first later also then now not never still already just since".split())


def _is_passive(tokens: list[str], index: int) -> bool:
    """Whether the verb at `index` follows a form of "be", perhaps with an adverb between."""
    before = [token.lower() for token in tokens[max(0, index - 2) : index]]
    return bool(before) and (
        before[-1] in _BE
        or (len(before) == 2 and before[0] in _BE and (before[1] in _ADVERBS or before[1].endswith("ly")))
    )


def _noun_form_is_verb(text: str, tokens: list[str], index: int, match: re.Match[str]) -> bool:
    """Tell the verb in "the ministry reports that" or "..., Politico reports." from the noun."""
    if index == 0 or tokens[index - 1].lower() in _DETERMINERS:
        return False
    if _THAT_AFTER.match(text, match.end()):
        return True
    return (
        _SENTENCE_END.match(text, match.end()) is not None
        and _SHORT_CLAUSE_BEFORE.search(text, 0, match.start()) is not None
    )


_QUOTE_THEN_WORD = re.compile(r"[”\"]\s*,?\s*\w")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’\-]{2,}(?:\([^)]*\))?\s*[—–-]\s")
_CLAUSE_BREAK = re.compile(r"[,;:“”\"()—–]|\b(?:that|and|but|while|as|which|who|whom|whose)\b", re.IGNORECASE)


# Each costly pattern runs only when the sentence holds one of the words it needs.
_PASSIVE_TRIGGERS = frozenset(lexicon.IMPERSONAL_VERBS) | {
    "known",
    "seen",
    "regarded",
    "viewed",
    "considered",
}
_IMPERSONAL_TRIGGERS = frozenset({"it", "there", "some", "many"})
_ANONYMOUS_TRIGGERS = frozenset(
    "anonymity named identified familiar close briefed authorised authorized anonymously".split()
)
_PREDICTION_TRIGGERS = frozenset(
    "likely probably surely certainly undoubtedly bound poised seen tell spell mean prove define shape"
    " determine decide test key crucial critical".split()
)
_SCHEDULE_TRIGGERS = frozenset(
    "scheduled due set expected opens closes runs starts begins resumes meets open held takes".split()
)
_DEFINITION_TRIGGERS = frozenset("means refers when where defined term word name".split())
_FUTURE_TRIGGERS = frozenset("will shall is are".split())
_PRESENT_PERFECT_TRIGGERS = frozenset({"has", "have"})
_NUMBER_TRIGGERS = frozenset("percent per million billion trillion dozen dozens hundred hundreds".split())
_PHRASE_TRIGGERS = frozenset(
    "according statement interview post filing report reporters comment respond quoted remarks letter"
    " speech called calls".split()
)


def _spans(
    pattern: re.Pattern[str], text: str, vocabulary: frozenset[str], triggers: frozenset[str]
) -> list[Span]:
    if vocabulary.isdisjoint(triggers):
        return []
    return [m.span() for m in pattern.finditer(text)]


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


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


_ASIDE_BEFORE_VERB = re.compile(r",\s*(?:who|which|whose)\b[^,;:.“”\"]*,\s*$")


def _subject_before(text: str, verb_start: int) -> Span | None:
    """Return the noun phrase right before a reporting verb ("the ministry" in "the ministry said")."""
    aside = _ASIDE_BEFORE_VERB.search(text, max(0, verb_start - 160), verb_start)
    if aside:  # "Keiko Tanaka, who has studied the site for a decade, said"
        verb_start = aside.start()
    window_start = max(0, verb_start - 80)
    window = text[window_start:verb_start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window_start += breaks[-1].end()
        window = text[window_start:verb_start]
    words = _words(window)
    if not words:
        return None
    words = words[-6:]
    for index in range(len(words) - 1, -1, -1):
        if words[index].group() in lexicon.REPORTING_VERBS:  # a subject holds no reporting verb
            words = words[index + 1 :]
            break
    while words and (
        words[-1].group().lower() in _BETWEEN_SUBJECT_AND_VERB or words[-1].group().endswith("ly")
    ):
        words.pop()
    if not words:
        return None
    return window_start + words[0].start(), window_start + words[-1].end()


def _subject_after(text: str, verb_end: int) -> Span | None:
    """Return the phrase after a verb or "according to" ("said the ministry", "according to X")."""
    window = text[verb_end : verb_end + 90]
    stop = re.search(r"[,;:.“”\"()—–]|\bthat\b|\bon\b|\bin\b|\bwho\b", window)
    if stop:
        window = window[: stop.start()]
    words = _words(window)[:7]
    if not words:
        return None
    return verb_end + words[0].start(), verb_end + words[-1].end()


def _names_an_affiliation(tokens: list[str], lowered: list[str]) -> bool:
    """Whether people are tied to a named body: "researchers at Stanford", "staff of the Treasury"."""
    for index in range(1, len(tokens) - 1):
        if lowered[index] not in _AFFILIATION:
            continue
        named = tokens[index + 2 :] if lowered[index + 1] == "the" else tokens[index + 1 :]
        if named and named[0][0].isupper():
            return True
    return False


def _source_kind(phrase: str, at_sentence_start: bool) -> str:
    tokens = [w.group() for w in _WORD.finditer(phrase)]
    lowered = [_CONTRACTION.sub("", t.lower()).strip("'’") for t in tokens]
    if not tokens:
        return ""
    if lowered[0] in _NOBODY or any(t in lexicon.FIRST_SECOND_PERSON for t in lowered):
        return ""  # "Nobody believes", "Let us hope", "I think": no source, or the writer
    if len(tokens) <= 2 and lowered[-1] in lexicon.PRONOUNS:
        return "pronoun"
    if _names_an_affiliation(tokens, lowered):
        return "organisation"
    head_is_vague = lowered[-1] in lexicon.VAGUE_SOURCES
    if head_is_vague or (
        any(t in lexicon.VAGUE_SOURCES for t in lowered)
        and not any(t in lexicon.ORGANISATION_WORDS and t not in lexicon.VAGUE_SOURCES for t in lowered)
    ):
        proper = [
            t
            for i, t in enumerate(tokens)
            if t[0].isupper()
            and not (i == 0 and at_sentence_start)
            and lowered[i] not in lexicon.VAGUE_SOURCES
        ]
        return "named" if len(proper) >= 2 else "vague"
    if any(t in lexicon.ORGANISATION_WORDS for t in lowered):
        return "organisation"
    capitalised = [t for t in tokens if t[0].isupper()]
    if capitalised and (
        len(capitalised) >= 2 or not at_sentence_start or lowered[0] in lexicon.TITLES or len(tokens) <= 3
    ):
        return "named"
    return ""


_CONTRACTION = re.compile(r"['’](?:ll|re|ve|d|m|s)$")
#: What follows "according to" when it means "in line with", not "as reported by".
_NOT_CITED = frozenset(
    "plan plans schedule script origin region size age type taste need needs season height weight"
    " tradition custom design expectations doctrine doctrines rank merit ability".split()
)
_AFFILIATION = frozenset("at from of with".split())
_NOBODY = frozenset("no nobody none neither one whatever".split())
_CHECKABLE = frozenset({"named", "organisation", "pronoun"})
_VERB_FORMS = lexicon.REPORTING_VERBS | lexicon.NOUN_FORMS
_KIND_RANK = {"named": 4, "organisation": 3, "pronoun": 2, "vague": 1, "": 0}


def _find_attribution(
    text: str,
    words: list[re.Match[str]],
    tokens: list[str],
    passive: list[Span],
    vocabulary: frozenset[str],
) -> tuple[list[Span], Span | None, str]:
    """Find reporting verbs and the best source among their subjects; passives name nobody.

    `words` are the words outside quotations, and `tokens` their text: a "said" inside
    a quote is the speaker's.
    """
    verbs: list[Span] = []
    best: tuple[int, Span | None, str] = (0, None, "")
    phrases = _ATTRIBUTING_PHRASE.finditer(text) if not vocabulary.isdisjoint(_PHRASE_TRIGGERS) else ()
    for match in phrases:
        subject = None
        if match.group().lower() == "according to":
            subject = _subject_after(text, match.end())
            if subject is None or _words(text[subject[0] : subject[1]])[-1].group().lower() in _NOT_CITED:
                continue  # "varies according to region", "according to plan": nobody is cited
        else:
            subject = _subject_before(text, match.start())
        verbs.append(match.span())
        best = _better(best, text, subject)
    for index in [i for i, token in enumerate(tokens) if token in _VERB_FORMS]:
        match, word = words[index], tokens[index]
        start = match.start()
        verb = word in lexicon.REPORTING_VERBS or _noun_form_is_verb(text, tokens, index, match)
        # "believes in freedom" states a conviction; it reports nothing anyone said.
        if word in _CONVICTION_VERBS and index + 1 < len(tokens) and tokens[index + 1] == "in":
            verb = False
        if verb and _is_passive(tokens, index):
            # "The song was released in 1985": its subject is what was said, not who said it;
            # only "... was criticised by the Commission" names a source.
            if index + 1 < len(tokens) and tokens[index + 1] == "by":
                verbs.append(match.span())
                best = _better(best, text, _subject_after(text, words[index + 1].end()))
            continue
        if not verb or any(s <= start < e for s, e in (*verbs, *passive)):
            continue
        verbs.append(match.span())
        best = _better(best, text, _subject_before(text, match.start()))
        before = text[max(0, match.start() - 3) : match.start()]
        if word in _INVERTING_VERBS and re.search(r"[,”\"]\s*$", before):
            best = _better(best, text, _subject_after(text, match.end()))
    return sorted(verbs), best[1], best[2]


def _better(
    best: tuple[int, Span | None, str], text: str, subject: Span | None
) -> tuple[int, Span | None, str]:
    if subject is None:
        return best
    kind = _source_kind(text[subject[0] : subject[1]], subject[0] == 0)
    rank = _KIND_RANK[kind]
    return (rank, subject, kind) if rank > best[0] else best


def _quote_state(text: str) -> tuple[int, bool]:
    """Return the number of quote marks and whether a quotation is left open at the end."""
    curly_open, curly_close = text.count("“"), text.count("”")
    straight = text.count('"')
    return curly_open + curly_close + straight, curly_open > curly_close or straight % 2 == 1


_SCARE_QUOTE_WORDS = 4  # a quoted phrase this short marks a term, not a speaker's words


def _quotations(text: str) -> tuple[int, int]:
    """Count quoted passages long enough to be speech, and short scare-quoted terms."""
    speech = scare = 0
    for match in _QUOTED.finditer(text):
        if len(_WORD.findall(match.group())) > _SCARE_QUOTE_WORDS:
            speech += 1
        else:
            scare += 1
    return speech, scare


def _trimmed(text: str, span: Span) -> Span:
    """Drop the punctuation and spaces a pattern needed for context from a span's edges."""
    start, end = span
    while start < end and not text[start].isalnum():
        start += 1
    return start, end


def _unquoted(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _vocabulary(text: str) -> frozenset[str]:
    return frozenset(_WORD_CHARS.findall(text.lower()))


_READINGS: dict[str, tuple[bool, str]] = {}
_READINGS_LOCK = threading.Lock()
MAX_READINGS = 4096  # sentences whose attribution is remembered for the sentence after them


def forget_readings() -> None:
    """Drop every remembered reading (benchmarks start cold)."""
    _READINGS.clear()


def _remember(text: str, reading: tuple[bool, str]) -> None:
    with _READINGS_LOCK:  # the development server answers from several threads
        if len(_READINGS) >= MAX_READINGS:
            del _READINGS[next(iter(_READINGS))]
        _READINGS[text] = reading


def _context_reading(context: str) -> tuple[bool, str]:
    """Return whether the sentence before attributes, and to what kind of source.

    In an article the sentence before was read a moment ago, so its reading is
    usually remembered rather than read again.
    """
    if not context:
        return False, ""
    reading = _READINGS.get(context)
    if reading is None:
        _read_attribution(context)
        reading = _READINGS[context]
    return reading


@dataclass(frozen=True, slots=True)
class _Attribution:
    outside: str  # the text with quotations blanked out
    words: list[re.Match[str]]  # the words of `outside`
    tokens: list[str]  # their text
    vocabulary: frozenset[str]
    passive: list[Span]
    verbs: list[Span]
    source: Span | None
    source_kind: str
    vague_subject: re.Match[str] | None  # "Some analysts", "People who know him"


def _read_attribution(text: str) -> _Attribution:
    """Find who a sentence names as its source, and remember it for the sentence after."""
    outside = _unquoted(text)
    vocabulary = _vocabulary(text)
    passive = [
        _trimmed(text, span) for span in _spans(_AGENTLESS_PASSIVE, outside, vocabulary, _PASSIVE_TRIGGERS)
    ]
    passive += _spans(_IMPERSONAL, outside, vocabulary, _IMPERSONAL_TRIGGERS)
    words = _words(outside)
    tokens = [word.group() for word in words]
    if not vocabulary.isdisjoint(lexicon.HEARSAY):
        passive += [m.span() for m, t in zip(words, tokens, strict=True) if t.lower() in lexicon.HEARSAY]
    verbs, source, source_kind = _find_attribution(text, words, tokens, passive, vocabulary)
    vague_subject = _VAGUE_SUBJECT.match(text)
    if verbs and not source_kind and vague_subject:
        source, source_kind = _trimmed(text, vague_subject.span()), "vague"
    _remember(text, (bool(verbs), source_kind))
    return _Attribution(
        outside, words, tokens, vocabulary, passive, verbs, source, source_kind, vague_subject
    )


def read_cues(text: str, context: str = "") -> Cues:
    """Read the sourcing and opinion cues of `text`, given the sentence before it."""
    attribution = _read_attribution(text)
    outside, words = attribution.outside, attribution.words
    vocabulary, passive = attribution.vocabulary, attribution.passive
    verbs, source, source_kind = attribution.verbs, attribution.source, attribution.source_kind
    vague_subject = attribution.vague_subject
    anonymous = _spans(_ANONYMOUS, text, vocabulary, _ANONYMOUS_TRIGGERS)
    vague = list(anonymous)
    if vague_subject:
        vague.append(_trimmed(text, vague_subject.span()))
    if source_kind == "vague" and source is not None:
        vague.append(source)
    table = lexicon.word_table()
    tokens = attribution.tokens
    lowered = [token.lower().strip("'’") for token in tokens]
    known = [(index, table[lower]) for index, lower in enumerate(lowered) if lower in table]
    proper = sum(1 for token in tokens[1:] if token[0].isupper())
    capitalised = proper + bool(tokens and tokens[0][0].isupper())
    past = any(flags & lexicon.PAST for _, (flags, _) in known) or any(
        lower.endswith("ed") and not table.get(lower, _UNKNOWN_WORD)[0] & lexicon.REPORTING
        for lower in lowered
    )
    opinion: list[Span] = []
    facts: list[Span] = []
    subjectivity_sum = subjectivity_max = 0.0
    hedges = intensifiers = person = calls = superlatives = months = 0
    for index, (flags, score) in known:
        subjectivity_sum += score
        if score > subjectivity_max:
            subjectivity_max = score
        span = words[index].span()
        if flags & lexicon.HEDGE:
            if _hedges(tokens, lowered, index):
                hedges += 1
                opinion.append(span)
        elif flags & lexicon.INTENSIFIER:
            intensifiers += 1
            opinion.append(span)
        elif score >= EVALUATIVE_SUBJECTIVITY and not flags & lexicon.SUPERLATIVE:
            opinion.append(span)
        if flags & lexicon.PERSON and (tokens[index] == "I" or not tokens[index].isupper()):
            person += 1  # "US" and "WE" in capitals are a country and an acronym
        if flags & lexicon.CALL:
            calls += 1
        if flags & lexicon.SUPERLATIVE:
            superlatives += 1
            facts.append(span)
        if flags & lexicon.MONTH:
            months += 1
    predictions = _spans(_PREDICTION, outside, vocabulary, _PREDICTION_TRIGGERS)
    opinion.extend(predictions)
    # "he suggested" reports what someone said: with a checkable source, hedges and
    # judgement words are the source's, as labels.md counts them.
    if source_kind in _CHECKABLE:
        hedges = intensifiers = 0
        subjectivity_sum = subjectivity_max = 0.0
        predictions, opinion = [], []
    numbers = [m.span() for m in _DIGIT.finditer(outside)]
    numbers += _spans(_NUMBER_WORD, outside, vocabulary, _NUMBER_TRIGGERS)
    facts.extend(numbers)
    quote_marks, open_quote = _quote_state(text)
    speech, scare = _quotations(text)
    context_marks, context_open = _quote_state(context)
    context_attributes, context_kind = _context_reading(context)
    stripped = text.strip()
    word_count = max(len(words), 1)
    counts = {
        # A reporting verb attributes only when it has a subject a reader can check.
        "reporting_with_source": float(len(verbs)) * (source_kind in _CHECKABLE),
        "reporting_without_source": float(len(verbs)) * (source_kind not in _CHECKABLE),
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
        "context_attributed": float(context_attributes and context_kind in _CHECKABLE),
        "context_vague": float(context_kind == "vague"),
        "hedges": float(hedges),
        "predictions": float(len(predictions)),
        "intensifiers": float(intensifiers),
        "subjectivity_mean": subjectivity_sum / word_count,
        "subjectivity_max": subjectivity_max,
        "first_second_person": float(person),
        "call_to_action": float(calls),
        "question": float(stripped.endswith("?")),
        "exclamation": float("!" in outside),
        "numbers": float(len(numbers)),
        "superlatives": float(superlatives),
        "dates": float(months),
        "no_final_punctuation": float(not stripped.endswith((".", "?", "!", "”", '"', ":", "’"))),
        "dateline": float(bool(_DATELINE.match(stripped))),
        "title_case": capitalised / word_count,
        "past_tense": float(past),
        "proper_nouns": proper / word_count,
        "schedule": float(len(_spans(_SCHEDULE, outside, vocabulary, _SCHEDULE_TRIGGERS))),
        "future": float(len(_spans(_FUTURE, outside, vocabulary, _FUTURE_TRIGGERS))),
        "present_perfect": float(
            len(_spans(_PRESENT_PERFECT, outside, vocabulary, _PRESENT_PERFECT_TRIGGERS))
        ),
        "definition": float(
            not vocabulary.isdisjoint(_DEFINITION_TRIGGERS) and bool(_DEFINITION.match(outside))
        ),
        "first_word_lower_verb": float(bool(words) and words[0].group().lower() in lexicon.IMPERATIVES),
    }
    return Cues(
        attribution=verbs,
        source=source if source_kind in {"named", "organisation"} else None,
        source_kind=source_kind,
        vague=sorted(set(vague)),
        passive=sorted(passive),
        opinion=sorted(set(opinion)),
        facts=sorted(set(facts)),
        counts=counts,
    )


FEATURE_NAMES: tuple[str, ...] = tuple(read_cues("He said it.").counts)
