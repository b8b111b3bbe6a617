"""Find who a sentence names as its source: a reporting verb and its subject, a quote's
speaker, "according to", or only a vague group or an agentless passive.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers import lexicon
from classifiers.text import (
    WORD,
    Span,
    lower_in_place,
    quotations,
    spans,
    trimmed,
    unquoted,
    vocabulary_of,
    word_matches,
)

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
_INVERTING_VERBS = frozenset(
    "said says added adds wrote writes explained explains asked asks continued told insisted insists"
    " argued argues noted notes warned warns recalled recalls concluded concludes reported reports".split()
)
_ATTRIBUTING_PHRASE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(p) for p in lexicon.ATTRIBUTING_PHRASES)
    # "took to Instagram to share", "has taken to social media": a post on a named account.
    + r"|(?:took|taken|takes|taking)\s+to\s+(?:(?:his|her|their|its)\s+)?(?:social\s+media|twitter|x"
    r"|instagram|facebook|tiktok|threads|truth\s+social|youtube|linkedin|weibo)"
    # "called it a disgrace", "called the plan a mistake": a verdict someone gave.
    r"|called\s+(?:it|him|her|them|this|that|the\s+[\w'’\-]+)\s+(?:an?|the)"
    r")\b",
    re.IGNORECASE,
)
#: A view told as someone's, with no verb: "In her view, ...", "in the opinion of the court".
_VIEW_NOUNS = r"(?:view|opinion|estimation|assessment|judge?ment|words)"
_HELD_VIEW = re.compile(
    r"\b[Ii]n\s+(?:(?P<pronoun>his|her|their|its)"
    r"|(?P<name>(?:the\s+)?[A-Z][\w.&\-]*(?:\s+[A-Z][\w.&\-]*){0,3})['’]s?)"
    r"\s+(?:own\s+)?" + _VIEW_NOUNS + r"\b"
    r"|\b[Ii]n\s+the\s+" + _VIEW_NOUNS + r"\s+of\b",
)
_IMPERSONAL_VERB = "(?:" + "|".join(lexicon.IMPERSONAL_VERBS) + ")"
# Patterns without re.IGNORECASE run on lower-cased text (`lower_in_place`).
_AGENTLESS_PASSIVE = re.compile(
    r"\b(?:is|are|was|were|been|being|be)\s+(?:widely\s+|generally\s+|largely\s+|also\s+|now\s+|long\s+)?"
    + _IMPERSONAL_VERB
    + r"\s+(?:to|as|that|by\s+(?:many|some|most))\b"
    # "The call, believed to be the first": a participle; "X, who ..., suggested that" is a verb.
    r"|,\s*(?:widely\s+|long\s+)?" + _IMPERSONAL_VERB + r"\s+(?:to|as|by\s+(?:many|some|most))\b"
    r"|\b" + _IMPERSONAL_VERB + r"\s+to\s+(?:be|have)\b"
    r"|\b(?:widely\s+|well\s+|long\s+)?(?:known|seen|regarded|viewed|considered)\s+(?:for|as)\b",
)
_IMPERSONAL = re.compile(
    r"\bit\s+(?:is|was|has\s+been|had\s+been|is\s+being)\s+(?:widely\s+|generally\s+)?"
    r"(?:" + "|".join(lexicon.IMPERSONAL_VERBS) + r")\b"
    r"|\b(?:there\s+(?:are|were|have\s+been)\s+(?:reports|claims|suggestions|rumou?rs|fears))\b"
    r"|\b(?:some\s+(?:have|say|said|believe|argue|suggest)|many\s+(?:believe|say|fear|think))\b",
)
# "reports that ..." and a closing "..., Politico reports." use the verb, not the noun.
_THAT_AFTER = re.compile(r" that ")
_SENTENCE_END = re.compile(r"[.!?]?[”\"’]?\s*$")
_SHORT_CLAUSE_BEFORE = re.compile(r",\s*(?:[\w'’.\-]+\s+){1,4}$")
_SPACE = re.compile(r"\s")
_NAME_TO_SENTENCE_END = re.compile(
    r"\s+(?:the\s+)?[A-Z][\w.&'’\-]*(?:\s+[A-Z][\w.&'’\-]*){0,3}[.!?]?[”\"’]?\s*$"
)
_DETERMINERS = frozenset("a an the its his her their our my your this that these those new latest".split())
_CONTINUE = frozenset("continue continues continued continuing".split())
_CONVICTION_VERBS = frozenset("believe believes believed believing trust trusts trusted".split())
_BE = frozenset("is are was were be been being".split())
_ADVERBS = frozenset("first later also then now not never still already just since".split())
_CLAUSE_BREAK = re.compile(
    r"[,;:“”\"()\[\]—–]|\b(?:that|and|but|while|as|which|who|whom|whose|although|though|because|if|when"
    r"|whereas|unless|since|once|until|why|how|where)\b",
)
_ASIDE_BEFORE_VERB = re.compile(r",\s*(?:who|which|whose)\b[^,;:.“”\"]*,\s*$")
_CONTRACTION = re.compile(r"['’](?:ll|re|ve|d|m|s)$")
#: What follows "according to" when it means "in line with", not "as reported by".
_NOT_CITED = frozenset(
    "plan plans schedule script origin region size age type taste need needs season height weight"
    " tradition custom design expectations doctrine doctrines rank merit ability".split()
)
_AFFILIATION = frozenset("at from of with".split())
_PARTICIPLE_LINKS = frozenset("by at for of from".split())  # "reports received by Amnesty"
_POSSESSIVES = frozenset("its his her their".split())
_TAGGED = lexicon.tagged_words()  # loaded with the module, not on a reader's request
_NOUN_PHRASE_OPENERS = frozenset("a an the his her its their our my your this these those".split())
#: Words that make a plural a group the story has already named: "the companies said".
_DEFINITE = frozenset("the these those both all its his her their our".split())
_INDEFINITE = frozenset("a an one another".split())
#: People an indefinite subject leaves unnamed, whatever body they belong to.
_INDIVIDUALS = frozenset(
    "official aide adviser advisor source insider diplomat witness resident person staffer employee"
    " officer analyst expert executive lawyer member".split()
)
_QUANTIFIERS = frozenset("some many several few most other numerous various".split())
_NOBODY = frozenset("no nobody none neither one whatever".split())
#: Source kinds a reader can check: a name, a named body, or a pronoun pointing back to one.
CHECKABLE = frozenset({"named", "organisation", "pronoun"})
_VERB_FORMS = lexicon.REPORTING_VERBS | lexicon.NOUN_FORMS
_KIND_RANK = {"named": 4, "organisation": 3, "pronoun": 2, "vague": 1, "": 0}

# Each costly pattern runs only when the sentence holds one of the words it needs.
_PASSIVE_TRIGGERS = frozenset(lexicon.IMPERSONAL_VERBS) | {
    "known",
    "seen",
    "regarded",
    "viewed",
    "considered",
}
_IMPERSONAL_TRIGGERS = frozenset({"it", "there", "some", "many"})
_PHRASE_TRIGGERS = frozenset(
    "according statement interview post filing report reporters comment respond quoted remarks letter"
    " speech called calls took taken takes taking".split()
)
_VIEW_TRIGGERS = frozenset("view opinion estimation assessment judgment judgement words".split())
#: Participles that make a group the sample of a named poll: "economists polled by Reuters".
_POLLED = frozenset("polled surveyed interviewed questioned canvassed consulted".split())
#: Nouns after "reports" that show it is the verb: "CBS News reports the man was ...".
_CLAUSE_OPENERS = frozenset("the a an that this these his her their its for on".split())
_SIDE_CLAUSE_OPENERS = frozenset("which whom".split())
_COMPLEMENT_WINDOW = 4  # words after a complement verb in which what was said must start
#: Words before "to" that make the reporting verb after it a plan, not a report: "is expected to
#: announce", "plans to publish"; "declined to say", "went on to say" still report.
_PLANNED = lexicon.PLAN_VERBS | frozenset(
    "expected set due scheduled going poised about likely unlikely want wants wanted hope hopes hoped"
    " intended".split()
)
_REPORTS = frozenset("report reports reported reporting".split())


def _is_passive(tokens: list[str], index: int) -> bool:
    """Whether the verb at `index` follows a form of "be", perhaps with an adverb between
    ("were expecting" is no passive)."""
    if tokens[index].endswith("ing"):
        return False
    before = [token.lower() for token in tokens[max(0, index - 2) : index]]
    return bool(before) and (
        before[-1] in _BE
        or (len(before) == 2 and before[0] in _BE and (before[1] in _ADVERBS or before[1].endswith("ly")))
    )


#: How far before "show" or "find" a record may stand and still be its subject.
_RECORD_SUBJECT_WORDS = 6


def _noun_form_is_verb(text: str, tokens: list[str], index: int, match: re.Match[str]) -> bool:
    """Tell the verb in "the ministry reports that", "..., Politico reports." or "..., reports NPR."
    from the noun."""
    before = tokens[index - 1].lower() if index else ""
    if not before or before in _DETERMINERS or before.endswith(("'s", "’s")):
        return False  # "the report", "Biden's promise that ..."
    if _THAT_AFTER.match(text, match.end()):
        return True
    subject = (token.lower() for token in tokens[max(0, index - _RECORD_SUBJECT_WORDS) : index])
    if tokens[index] in {"show", "shows", "finds", "find"} and any(t in lexicon.DOCUMENTS for t in subject):
        return True  # "A new poll shows", "Data from the Census Bureau show"
    following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
    if tokens[index] == "reports" and tokens[index - 1][0].isupper() and following in _CLAUSE_OPENERS:
        return True  # "CBS DFW reports the man ...", "As Emily Feng reports for NPR"
    if _ends_with_comma(text, match.start()) and _NAME_TO_SENTENCE_END.match(text, match.end()):
        return True  # "..., reports NPR."
    return (
        _SENTENCE_END.match(text, match.end()) is not None
        and _SHORT_CLAUSE_BEFORE.search(text, 0, match.start()) is not None
    )


def _subject_before(text: str, verb_start: int) -> Span | None:
    """Return the noun phrase right before a reporting verb ("the ministry" in "the ministry said")."""
    aside = _ASIDE_BEFORE_VERB.search(text, max(0, verb_start - 160), verb_start)
    if aside:  # "Keiko Tanaka, who has studied the site for a decade, said"
        verb_start = aside.start()
    window_start = max(0, verb_start - 80)
    window = text[window_start:verb_start]
    breaks = list(_CLAUSE_BREAK.finditer(lower_in_place(window)))
    if (
        len(breaks) >= 2
        and breaks[-1].group() == breaks[-2].group() == ","
        and not window[breaks[-1].end() :].strip()
    ):
        # "The union representing them, the National Dock Union, said": the appositive names it.
        window_start, window = window_start + breaks[-2].end(), window[breaks[-2].end() : breaks[-1].start()]
    elif breaks:
        window_start += breaks[-1].end()
        window = text[window_start:verb_start]
    words = word_matches(window)
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


def _clause_subject(text: str, clause_end: int, clause: Span) -> Span:
    """Narrow `clause`, read as the subject of a participle after a comma, to the words
    before its verb: in "In November, Xi congratulated Trump, highlighting ..." Xi reports.
    """
    window_start = max(0, clause_end - 120)
    window = text[window_start:clause_end]
    breaks = list(_CLAUSE_BREAK.finditer(lower_in_place(window)))
    if breaks:
        window_start, window = window_start + breaks[-1].end(), window[breaks[-1].end() :]
    words = word_matches(window)
    verb = next((i for i, word in enumerate(words[1:], 1) if word.group().lower() in _TAGGED.verbs), None)
    if verb is None or verb > 5:
        return clause
    subject = window_start + words[0].start(), window_start + words[verb - 1].end()
    return subject if clause[0] <= subject[0] and subject[1] <= clause[1] else clause


def _subject_after(text: str, verb_end: int) -> Span | None:
    """Return the phrase after a verb or "according to" ("said the ministry", "according to X")."""
    window = text[verb_end : verb_end + 90]
    stop = re.search(r"[,;:.“”\"()—–]|\bthat\b|\bon\b|\bin\b|\bwho\b", window)
    if stop:
        window = window[: stop.start()]
    words = word_matches(window)[:7]
    if not words:
        return None
    return verb_end + words[0].start(), verb_end + words[-1].end()


def _names_an_affiliation(tokens: list[str], lowered: list[str]) -> bool:
    """Whether people or records are tied to a named body: "researchers at Stanford", "staff of
    the Treasury", "reports received by Amnesty" (but "sources cited by DigiTimes" stay anonymous).
    """
    for index in range(1, len(tokens) - 1):
        by_record = lowered[index] == "by" and (
            lowered[index - 1] in _POLLED or any(t in lexicon.DOCUMENTS for t in lowered[:index])
        )
        if lowered[index] not in _AFFILIATION and not by_record:
            continue
        named = tokens[index + 2 :] if lowered[index + 1] == "the" else tokens[index + 1 :]
        if named and named[0][0].isupper():
            return True
    return False


def _source_kind(phrase: str, at_sentence_start: bool) -> str:
    """Say what a subject phrase is: "named", "organisation", "pronoun", "vague" or "" (none).

    A capitalised first word proves nothing at the start of a sentence, so it counts
    as a name there only with a title, another capital, or a short phrase.
    """
    tokens = [w.group() for w in WORD.finditer(phrase)]
    lowered = [_CONTRACTION.sub("", t.lower()).strip("'’") for t in tokens]
    if not tokens:
        return ""
    if lowered[0] in _INDEFINITE and not (len(lowered) > 1 and lowered[1] == "of"):
        if any(t.startswith("spokes") for t in lowered):
            return "organisation"  # "a spokeswoman for the airline": a named body on the record
        record = any(t in lexicon.DOCUMENTS for t in lowered)  # "a new study reports"
        if lowered[-1] in _INDIVIDUALS or not (record or any(t[0].isupper() for t in tokens[1:])):
            return "vague"  # "A White House official said", "one user quipped": anonymous individuals
    if lowered[0] in _NOBODY or any(t in lexicon.FIRST_SECOND_PERSON for t in lowered):
        return ""  # "Nobody believes", "Let us hope", "I think": no source, or the writer
    if len(tokens) <= 2 and lowered[-1] in lexicon.PRONOUNS:
        return "pronoun"
    if len(tokens) == 2 and lowered[0] == "the" and lowered[1].removesuffix("s") in _INDIVIDUALS:
        return "pronoun"  # "the insider added", "the expert warned": the person just quoted
    if len(tokens) <= 3 and lowered[0] in _POSSESSIVES:
        return "pronoun"  # "its makers said", "her lawyer said": a back-reference
    vague_words = [t in lexicon.VAGUE_SOURCES for t in lowered]
    if lowered[0] in _QUANTIFIERS and any(vague_words):
        return "vague"  # "Some shopkeepers on Park Road"
    names = [
        i
        for i, t in enumerate(tokens)
        if t[0].isupper() and lowered[i] not in lexicon.MONTHS and not (i == 0 and at_sentence_start)
    ]
    if _names_an_affiliation(tokens, lowered) or any(lowered[i] in lexicon.ORGANISATION_WORDS for i in names):
        return "organisation"  # "researchers at Stanford", "the Office for Students"
    if vague_words[-1] or (
        any(vague_words)
        and not any(t in lexicon.ORGANISATION_WORDS and t not in lexicon.VAGUE_SOURCES for t in lowered)
    ):
        if lowered[0] == "the" and len(tokens) <= 3:
            return "organisation"  # "the researchers said": the ones the story has named
        return "named" if sum(not vague_words[i] for i in names) >= 2 else "vague"
    if any(t in lexicon.ORGANISATION_WORDS or t in lexicon.DOCUMENTS for t in lowered):
        return "organisation"  # "the ministry", "a new poll", "surveillance video"
    bare_plural = len(tokens) <= 2 and lowered[0] not in _DEFINITE and lowered[-1] in _TAGGED.plurals
    if bare_plural and not names:
        return "vague"  # "Shipowners said", "Local fishermen say": a group, nobody in particular
    if names or (at_sentence_start and tokens[0][0].isupper() and lowered[0] not in lexicon.MONTHS):
        if len(names) >= 2 or not at_sentence_start or lowered[0] in lexicon.TITLES or len(tokens) <= 3:
            return "named"
    return ""


#: Words no name holds: "It allows him to", "enough to take on China without", "China could".
_NOT_IN_A_NAME = frozenset(
    """
it this that these those there here could would should will shall may might can must to not
enough without if when while because allows allow allowed lets let make makes made
""".split()
)


def source_name(text: str, span: Span) -> Span | None:
    """Return `span` when it reads as the name of a source a reader can look up: a person, an
    organisation or office, an outlet or a document. Fragments of clauses give None."""
    words = word_matches(text[span[0] : span[1]])
    if not words or len(words) > 8:
        return None
    lowered = [word.group().lower().strip("'’") for word in words]
    if any(word in _NOT_IN_A_NAME for word in lowered):
        return None
    for index in range(1, len(lowered) - 1):
        word, following = lowered[index], lowered[index + 1]
        if (
            word in _TAGGED.verbs
            and word not in lexicon.ORGANISATION_WORDS
            and following not in _PARTICIPLE_LINKS
        ):
            return None  # a verb inside ("Trump allows China"), but "reports received by Amnesty"
    capitalised = any(word.group()[0].isupper() for word in words)
    named_body = any(word in lexicon.ORGANISATION_WORDS or word in lexicon.DOCUMENTS for word in lowered)
    return span if capitalised or named_body else None


def _last_word(text: str, span: Span) -> str:
    return word_matches(text[span[0] : span[1]])[-1].group().lower()


def _phrase_subjects(text: str, vocabulary: frozenset[str]) -> Iterator[tuple[Span, Span | None]]:
    """Yield each attributing phrase ("according to", "in a statement", "in her view") with its
    subject."""
    if not vocabulary.isdisjoint(_VIEW_TRIGGERS):
        for match in _HELD_VIEW.finditer(text):
            holder = match.lastgroup
            yield match.span(), match.span(holder) if holder else _subject_after(text, match.end())
    if vocabulary.isdisjoint(_PHRASE_TRIGGERS):
        return
    for match in _ATTRIBUTING_PHRASE.finditer(text):
        if match.group().lower() != "according to":
            yield match.span(), _subject_before(text, match.start())
            continue
        subject = _subject_after(text, match.end())
        if subject is not None and _last_word(text, subject) not in _NOT_CITED:
            yield match.span(), subject  # not "varies according to region", "according to plan"


def _opens_noun_phrase(word: str) -> bool:
    """Whether `word` can stand before a noun but not before a verb: "the", "Biden's", "spurious"."""
    lower = word.lower()
    if lower in _NOUN_PHRASE_OPENERS or lower.endswith(("'s", "’s")):
        return True
    return lower in _TAGGED.adjectives and lower not in _QUANTIFIERS  # "many claim" is a verb


def _reports(text: str, tokens: list[str], index: int, match: re.Match[str]) -> bool:
    """Whether the word at `index` reports what someone said, here in this sentence."""
    word = tokens[index]
    following = tokens[index + 1] if index + 1 < len(tokens) else ""
    if (word in _CONVICTION_VERBS and following == "in") or (word in _CONTINUE and following == "to"):
        return False  # "believes in freedom", "will continue to borrow": nothing anyone said
    if word in _TAGGED.nominal_reporting and index and _opens_noun_phrase(tokens[index - 1]):
        return False  # "the claim", "Biden's crass promise", "spurious claims": nouns, not verbs
    if following == "by" and index + 2 < len(tokens) and tokens[index + 2].endswith("ing"):
        return False  # "responded by scoring twice": what someone did
    if index >= 2 and tokens[index - 1] == "to" and tokens[index - 2].lower() in _PLANNED:
        return False  # "is expected to announce a new chief": a plan, nothing said yet
    if word in _REPORTS and following == "to" and not _says_something(text, tokens, index, match):
        return False  # "the deputy reported to her directly": whom she works for
    if word in lexicon.COMPLEMENT_VERBS and not _says_something(text, tokens, index, match):
        return False  # "Audi revealed a new model", "she testified before the committee"
    if _in_side_clause(text, match.start()):
        return False  # "the lander, which Bezos announced in May, ...": the main claim is the writer's
    return word in lexicon.REPORTING_VERBS or _noun_form_is_verb(text, tokens, index, match)


def _in_side_clause(text: str, verb_start: int) -> bool:
    """Whether a verb stands in a relative clause ("the lander, which Bezos announced in May"):
    it sources that clause, not the sentence."""
    window_start = max(0, verb_start - 100)
    breaks = list(_CLAUSE_BREAK.finditer(lower_in_place(text[window_start:verb_start])))
    return bool(breaks) and breaks[-1].group() in _SIDE_CLAUSE_OPENERS


def _says_something(text: str, tokens: list[str], index: int, match: re.Match[str]) -> bool:
    """Whether what follows a complement verb is something said: "that", a quotation, a colon
    or an utterance ("released a statement"), rather than a thing ("released a new phone")."""
    after = text[match.end() : match.end() + 3].lstrip()
    if after[:1] in {":", "“", '"', "‘"}:
        return True
    following = [token.lower() for token in tokens[index + 1 : index + 1 + _COMPLEMENT_WINDOW]]
    return any(
        word in {"that", "how", "what", "why", "whether"} or word in lexicon.UTTERANCES for word in following
    )


class _SpanIndex:
    """Answers "does any span hold this position?" in log time, where `any(...)` over all of
    them made a sentence with thousands of reporting verbs quadratic."""

    def __init__(self, spans: list[Span]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def covers(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and self.reach[index] > position


def _ends_with_comma(text: str, end: int) -> bool:
    """Whether `text[:end]` ends in a comma and then only whitespace (`,\\s*$`), found by looking
    back from `end`: a search from 0 made every reporting verb scan the whole sentence."""
    index = end
    while index > 0 and _SPACE.match(text, index - 1):
        index -= 1
    return index > 0 and text[index - 1] == ","


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
    for span, subject in _phrase_subjects(text, vocabulary):
        verbs.append(span)
        best = _better(best, text, subject)
    # Spans appended below are single words, which never hold a later word's start.
    taken = _SpanIndex([*verbs, *passive])
    for index in [i for i, token in enumerate(tokens) if token in _VERB_FORMS]:
        match = words[index]
        if not _reports(text, tokens, index, match):
            continue
        if _is_passive(tokens, index):
            # "The song was released in 1985": its subject is what was said, not who said it;
            # only "... was criticised by the Commission" names a source.
            if index + 1 < len(tokens) and tokens[index + 1] == "by":
                verbs.append(match.span())
                best = _better(best, text, _subject_after(text, words[index + 1].end()))
            continue
        if taken.covers(match.start()):
            continue
        verbs.append(match.span())
        subject = _subject_before(text, match.start())
        if subject and tokens[index].endswith("ing") and _ends_with_comma(text, match.start()):
            subject = _clause_subject(text, text.rindex(",", 0, match.start()), subject)
        best = _better(best, text, subject)
        before = text[max(0, match.start() - 3) : match.start()]
        if tokens[index] in _INVERTING_VERBS and re.search(r"[,”\"]\s*$", before):
            best = _better(best, text, _subject_after(text, match.end()))
    return sorted(verbs), best[1], best[2]


def _better(
    best: tuple[int, Span | None, str], text: str, subject: Span | None
) -> tuple[int, Span | None, str]:
    """Keep whichever subject names its source most checkably."""
    if subject is None:
        return best
    kind = _source_kind(text[subject[0] : subject[1]], subject[0] == 0)
    rank = _KIND_RANK[kind]
    return (rank, subject, kind) if rank > best[0] else best


@dataclass(frozen=True, slots=True)
class Attribution:
    """How a sentence is sourced, with the word-level reading `read_cues` builds on."""

    quoted: list[Span]  # the quotations, quote marks included
    outside: str  # the text with quotations blanked out
    lowered: str  # `outside` lower-cased, for the patterns written in lower case
    words: list[re.Match[str]]  # the words of `outside`
    tokens: list[str]  # their text
    vocabulary: frozenset[str]
    passive: list[Span]
    verbs: list[Span]
    source: Span | None
    source_kind: str
    vague_subject: re.Match[str] | None  # "Some analysts", "People who know him"


def read_attribution(text: str) -> Attribution:
    """Find who a sentence names as its source."""
    quoted = quotations(text)
    outside = unquoted(text, quoted)
    lowered = lower_in_place(outside)
    vocabulary = vocabulary_of(text)
    passive = [
        trimmed(text, span) for span in spans(_AGENTLESS_PASSIVE, lowered, vocabulary, _PASSIVE_TRIGGERS)
    ]
    passive += spans(_IMPERSONAL, lowered, vocabulary, _IMPERSONAL_TRIGGERS)
    words = word_matches(outside)
    tokens = [word.group() for word in words]
    if not vocabulary.isdisjoint(lexicon.HEARSAY):
        passive += [m.span() for m, t in zip(words, tokens, strict=True) if t.lower() in lexicon.HEARSAY]
    verbs, source, source_kind = _find_attribution(text, words, tokens, passive, vocabulary)
    vague_subject = _VAGUE_SUBJECT.match(text)
    if verbs and not source_kind and vague_subject:
        source, source_kind = trimmed(text, vague_subject.span()), "vague"
    return Attribution(
        quoted,
        outside,
        lowered,
        words,
        tokens,
        vocabulary,
        passive,
        verbs,
        source,
        source_kind,
        vague_subject,
    )
