"""Word lists that carry sourcing and opinion, and the subjectivity lexicon we load.

The lists describe how reporting is written in English, not any one site.
"""

from __future__ import annotations

import functools
import importlib.util
import pathlib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

_REPORTING_BASES = """
say tell announce confirm write argue deny state add note explain claim report insist warn
acknowledge admit assert declare describe estimate predict tweet post testify reveal disclose
recall stress emphasize emphasise urge reply respond comment conclude find show indicate accuse
allege complain concede contend maintain mention promise propose recommend remark repeat
threaten vow caution observe point underline highlight reiterate suggest believe agree
express lament praise criticize criticise welcome dismiss reject question counter continue fear worry
doubt think expect hope
tell inform brief quote cite announce publish release detail outline signal share
blame apologise apologize defend thank plead quip joke boast retort exclaim scoff muse
""".split()

_IRREGULAR = {
    "say": ["said", "says", "saying"],
    "tell": ["told", "tells", "telling"],
    "write": ["wrote", "written", "writes", "writing"],
    "find": ["found", "finds", "finding"],
    "show": ["showed", "shown", "shows", "showing"],
    "deny": ["denied", "denies", "denying"],
    "testify": ["testified", "testifies", "testifying"],
    "reply": ["replied", "replies", "replying"],
    "admit": ["admitted", "admits", "admitting"],
    "criticize": ["criticized", "criticizes", "criticizing"],
    "plead": ["pleaded", "pled", "pleads", "pleading"],
    "quip": ["quipped", "quips", "quipping"],
}


def _inflect(base: str) -> list[str]:
    if base in _IRREGULAR:
        return [base, *_IRREGULAR[base]]
    if base.endswith("e"):
        return [base, base + "d", base + "s", base[:-1] + "ing"]
    if base.endswith("y"):
        return [base, base[:-1] + "ied", base[:-1] + "ies", base + "ing"]
    if base.endswith(("ss", "sh", "ch", "x")):
        return [base, base + "ed", base + "es", base + "ing"]
    return [base, base + "ed", base + "s", base + "ing"]


# Forms that are far more often nouns in news copy ("a social media post", "Shares fell").
NOUN_FORMS = frozenset(
    """
post posts report reports comment comments find finds show shows signal signals release releases
quote quotes detail details share shares point points question questions counter estimate
estimates promise promises state states welcome tweet tweets finding showing outline outlines
brief briefs
""".split()
)

#: Lower-case inflections of reporting verbs; matched case-sensitively so "States" is no verb.
REPORTING_VERBS: frozenset[str] = (
    frozenset(form for base in _REPORTING_BASES for form in _inflect(base)) - NOUN_FORMS
)

#: Verbs that report only with something said after them ("revealed that", "released a
#: statement", "agreed that"); with a thing after them they are what someone did ("Audi
#: revealed a new model", "Police released video", "she testified before the committee",
#: "they agreed to meet").
COMPLEMENT_VERBS: frozenset[str] = (
    frozenset(
        form
        for base in "reveal release publish post share unveil detail outline testify disclose agree".split()
        for form in _inflect(base)
    )
    - NOUN_FORMS
)

#: Things said or written that a verb of COMPLEMENT_VERBS may report: "released a statement".
UTTERANCES = frozenset(
    """
statement statements letter letters message messages remarks comments note notes memo memos
report reports findings results figures data estimate estimates forecast forecasts details
plans plan post posts tweet tweets response account testimony transcript
guidance warning warnings list survey poll
""".split()
)

#: Records that speak for themselves as a source: "a new poll shows", "the footage shows".
DOCUMENTS = frozenset(
    """
poll polls survey surveys study studies report reports data analysis analyses figures statistics
numbers records documents document filing filings footage video videos recording recordings
images photos messages texts emails tests test results research review audit census indictment
affidavit complaint lawsuit transcript minutes logs
""".split()
)

#: Phrases that attribute on their own, with the source after them.
ATTRIBUTING_PHRASES = (
    "according to",
    "in a statement",
    "in an interview",
    "in a post",
    "in a filing",
    "in a report",
    "told reporters",
    "declined to comment",
    "did not respond",
    "did not immediately respond",
    "quoted as saying",
    "in remarks",
    "in a letter",
    "in a speech",
    "called for",
    "calls for",
)

#: Heads of a subject that no reader can check: "officials say", "experts believe".
VAGUE_SOURCES = frozenset(
    """
officials official experts expert analysts analyst critics critic observers observer sources
source insiders insider people some many others authorities residents witnesses commentators
pundits economists diplomats scientists researchers reports rumours rumors supporters opponents
skeptics sceptics advocates activists investors traders aides observers someone somebody
educators teachers doctors lawyers historians scholars academics campaigners environmentalists
lawmakers legislators politicians voters parents locals farmers workers employees executives
bankers economists strategists consultants specialists professionals veterans fans users
progressives liberals conservatives leftists socialists nationalists populists
unions neighbours neighbors developers landlords tenants shopkeepers retailers shoppers commuters
motorists passengers consumers customers borrowers savers students pupils patients astronomers
challengers groups settlers protesters demonstrators villagers eyewitnesses eyewitness survivors
relatives families accounts polls surveys studies
""".split()
)

#: Words that make a subject a specific body identifiable in context.
ORGANISATION_WORDS = frozenset(
    """
ministry ministries department agency court police government commission council committee
company firm university hospital board bank spokesperson spokesman spokeswoman statement
report study survey data poll filing lawsuit complaint documents document ruling judge
prosecutors prosecutor prosecution defence defense office bureau service administration
parliament congress senate house cabinet party union association federation institute
centre center foundation team club coach league authority regulator watchdog network
newspaper magazine website platform account post paper researchers organisation organization
group unit army military navy command embassy consulate indictment affidavit airline operator
carrier insurer manufacturer maker publisher broadcaster charity school trust utility
investigators detectives inspectors regulators auditors firefighters paramedics coastguard
tribunal jury inquiry
""".split()
)

#: Titles that introduce a named person: "Foreign Minister Wang Yi".
TITLES = frozenset(
    """
president minister secretary senator representative rep sen gov governor mayor chancellor
premier king queen prince princess judge justice chief director chairman chairwoman chair
ceo cfo professor prof dr mr mrs ms sir lord general gen colonel col captain capt sergeant
inspector commissioner ambassador spokesman spokeswoman spokesperson coach manager
""".split()
)

PRONOUNS = frozenset("he she they it we i his her their".split())

HEDGES = frozenset(
    """
likely unlikely probably perhaps possibly maybe may might could would appears appear appeared
seems seem seemed signals suggests suggest arguably potentially presumably apparently
possible probable conceivably seemingly
""".split()
)

INTENSIFIERS = frozenset(
    """
very extremely deeply highly truly clearly obviously undoubtedly simply really incredibly
remarkably hugely utterly absolutely totally entirely completely genuinely surely certainly
frankly honestly sadly unfortunately fortunately thankfully shockingly astonishingly
""".split()
)

#: Verbs that state a plan: "NASA plans to use", "the scheme aims to house".
PLAN_VERBS = frozenset("plan plans planned planning aim aims aiming intend intends intending".split())

#: Adverbs that pass a claim on from nobody in particular: "reportedly", "allegedly".
HEARSAY = frozenset("reportedly allegedly supposedly purportedly rumouredly ostensibly".split())

CALL_TO_ACTION = frozenset("should must ought need needs let's let".split())

FIRST_SECOND_PERSON = frozenset("i me my mine we us our ours you your yours".split())

IMPERSONAL_VERBS = (
    "believed thought reported said expected understood seen considered viewed regarded "
    "known rumoured rumored alleged estimated feared suspected claimed presumed described "
    "tipped deemed assumed suggested speculated predicted anticipated argued"
).split()

SUPERLATIVES = frozenset(
    """
most least largest biggest highest lowest worst best first last record unprecedented only
greatest smallest fastest slowest longest shortest oldest youngest strongest weakest
""".split()
)
#: Superlatives too common to show a reader as evidence ("last year", "the first time").
ORDINAL_SUPERLATIVES = frozenset("first last only".split())

MONTHS = frozenset(
    """
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
saturday sunday yesterday today tomorrow
""".split()
)


@functools.cache
def subjectivity() -> dict[str, float]:
    """Return word -> subjectivity (0..1) from TextBlob's bundled adjective lexicon.

    The lexicon ships inside the `textblob` wheel; we read the XML file without
    importing textblob (and so NLTK), which keeps start-up fast.
    """
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = pathlib.Path(next(iter(spec.submodule_search_locations))) / "en" / "en-sentiment.xml"
    scores: dict[str, float] = {}
    for word in ElementTree.parse(path).getroot().iter("word"):
        form = (word.get("form") or "").lower()
        value = float(word.get("subjectivity") or 0.0)
        if form and " " not in form:
            scores[form] = max(scores.get(form, 0.0), value)
    return scores


@dataclass(frozen=True)
class TaggedWords:
    """Word classes read from TextBlob's bundled part-of-speech lexicon (Brill's, from the
    Brown corpus and Penn Treebank), which gives each word its most frequent tag."""

    plurals: frozenset[str]  # plural common nouns: "shipowners", "mourners"
    adjectives: frozenset[str]  # "crass", "spurious", "latest"
    nominal_reporting: frozenset[str]  # reporting words most often nouns: "claim", "reports"
    verbs: frozenset[str]  # words most often verbs: "congratulated", "issued", "spoke"


@functools.cache
def tagged_words() -> TaggedWords:
    """Return the word classes the attribution reader needs; empty if TextBlob is missing.

    A word the lexicon also knows capitalised as a proper noun ("Sanders", "Banks") is
    no common plural: at the start of a sentence it may be a name.
    """
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        return TaggedWords(frozenset(), frozenset(), frozenset(), frozenset())
    path = pathlib.Path(next(iter(spec.submodule_search_locations))) / "en" / "en-lexicon.txt"
    reporting = REPORTING_VERBS | NOUN_FORMS
    plurals, adjectives, nominal, verbs, proper = set(), set(), set(), set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, tags = line.partition(" ")
        tag = tags.partition(" ")[0]
        if word[:1].isupper():
            if tag.startswith("NNP"):
                proper.add(word.lower())
        elif tag == "NNS":
            plurals.add(word)
        elif tag.startswith("JJ"):
            adjectives.add(word)
        elif tag.startswith("VB") or tag == "MD":
            verbs.add(word)
        if tag in {"NN", "NNS"} and word in reporting:
            nominal.add(word)
    return TaggedWords(
        frozenset(plurals - proper), frozenset(adjectives), frozenset(nominal), frozenset(verbs)
    )


#: Common irregular past-tense forms: with "-ed" words, they mark narrated events.
IRREGULAR_PAST = frozenset(
    """
was were had did made took won lost fell rose left went came began became held met struck sank
sold bought paid ran hit cut put set kept brought built caught drove fled gave grew knew led
meant shot spent stood threw upheld withdrew overturned froze broke chose fought forgave hid
sent shut sat slept spoke stole swept swore taught tore understood woke wore
""".split()
)

#: Verbs that open instructions ("Drink water", "Check on neighbours"): logistics, not claims.
IMPERATIVES = frozenset(
    """
drink keep check do don't turn follow bring water wash cover call visit book read watch sign
register apply avoid stay use make take wear leave go try ask see find contact email click
remember note send get put bookmark subscribe listen join vote store pack plan choose buy close
open switch unplug charge carry drive walk rest eat cook boil stock fill fit install test save
protect dress cancel print download update mulch prioritise prioritize
""".split()
)


# One lookup per word instead of one per list: flags of the lists a word is in.
PAST, HEDGE, INTENSIFIER, PERSON, CALL, SUPERLATIVE, MONTH, REPORTING = (1 << bit for bit in range(8))
_FLAGGED_LISTS = (
    (PAST, IRREGULAR_PAST),
    (HEDGE, HEDGES),
    (INTENSIFIER, INTENSIFIERS),
    (PERSON, FIRST_SECOND_PERSON),
    (CALL, CALL_TO_ACTION),
    (SUPERLATIVE, SUPERLATIVES),
    (MONTH, MONTHS),
    (REPORTING, REPORTING_VERBS),
)


#: Adjectives TextBlob scores as subjective that in news copy describe size, order, time or
#: kind ("a new terminal", "the first time", "a small number"): they judge nothing.
DESCRIPTIVE = frozenset(
    """
new original small smaller smallest high higher highest long longer cool cold hot warm right average
active potential final single little grand full free general common total major first only main
key entire private late later latest public annual daily weekly monthly early previous own
""".split()
)


#: Judgement words of news commentary that TextBlob's adjective lexicon lacks: verdicts on
#: people and decisions ("botched", "a fiasco", "long overdue"), scored as fully subjective.
EVALUATIVE = frozenset(
    """
overrated underrated self-defeating shocker disgrace disgraceful shameful reckless baffling troubling
damning fiasco debacle shambles travesty triumph masterpiece masterclass embarrassment embarrassing
nonsense hypocrisy hypocritical cowardly pitiful dismal woeful abysmal dire squander squandered
squandering botched bungled mishandled blunder blunders gaffe stunt vanity arrogance arrogant contempt
sneering smug preening grandstanding posturing dithering chaotic shambolic inept feckless spineless
vile alarmist heavy-handed tone-deaf overdue deserved undeserved rightly wrongly mercifully
refreshingly depressingly predictably conveniently suspiciously scandalous despicable admirable
commendable laudable misguided wrongheaded ill-conceived half-baked
""".split()
)


@functools.cache
def word_table() -> dict[str, tuple[int, float]]:
    """Return lower-case word -> (list flags, subjectivity) for every word any list knows."""
    table: dict[str, tuple[int, float]] = {
        word: (0, score) for word, score in subjectivity().items() if word not in DESCRIPTIVE
    }
    table.update((word, (0, 1.0)) for word in EVALUATIVE)
    for flag, words in _FLAGGED_LISTS:
        for word in words:
            flags, score = table.get(word, (0, 0.0))
            table[word] = (flags | flag, score)
    return table
