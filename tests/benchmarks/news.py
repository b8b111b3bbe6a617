"""The yardstick: the shipped model on real news sentences labelled by labels.md.

    python -m tests.benchmarks.news [--bench DIR] [--model FILE] [--json]

Reads `../shared/bench/news-dev/labels.jsonl` and the pages of
`../shared/bench/extraction/` at run time (never copied into the project) and
prints two readings of the same sentences:

- **classifier alone**: each agreed gold sentence, with the sentence before it as
  context, straight into the model (read as a paragraph: the gold has no block kinds);
- **end to end**: each page's raw HTML through `analyze`, our sentences matched to
  the gold ones by their words; a gold sentence we lost (not extracted, or split so
  that no sentence of ours holds most of its words) counts as wrong.

For both: per-label precision, recall and F1, macro-F1, the confusion matrix, flag
precision and recall (opinion or unattributed, either one), the calibration error,
and, at the extension's default display threshold, the precision of the flags a
reader is shown and how many an article shows.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import functools
import gzip
import json
import os
import pathlib
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from classifiers.evaluate import format_scores, score
from classifiers.features import ModelInput
from classifiers.labels import FLAGGED, OPINION, UNATTRIBUTED
from classifiers.model import BUNDLED_MODEL, Model, load_model
from classifiers.predict import classify
from server.analysis import Limits, analyze

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BENCH = pathlib.Path(os.environ.get("SOURCECHECK_BENCH", ROOT.parent / "shared" / "bench"))
LOST = "(lost)"  # what end to end "predicts" for a gold sentence it did not keep whole
_TOKEN = re.compile(r"\w+")
_DEFAULT_MIN_SCORE = re.compile(r"minScore:\s*([0-9.]+)")
LIMITS = Limits(max_elements=200_000, max_text_chars=400_000, time_limit_seconds=120, context_chars=32)


def default_min_score() -> float:
    """Read the extension's default display threshold, so the two never disagree."""
    messages = (ROOT / "extension" / "messages.js").read_text(encoding="utf-8")
    match = _DEFAULT_MIN_SCORE.search(messages)
    if match is None:
        raise ValueError("extension/messages.js sets no default minScore")
    return float(match.group(1))


@dataclasses.dataclass(frozen=True)
class GoldSentence:
    index: int
    start: int
    end: int
    text: str
    context: str
    label: str | None  # None: disputed, or not article prose
    disputed: bool


@dataclasses.dataclass(frozen=True)
class GoldPage:
    id: str
    url: str
    html: str
    body: str
    sentences: tuple[GoldSentence, ...]


def load_pages(bench: pathlib.Path = DEFAULT_BENCH) -> list[GoldPage]:
    """Read the labelled sentences of news-dev and the pages they come from."""
    truth = json.loads((bench / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    by_page: dict[str, list[dict[str, Any]]] = {}
    with (bench / "news-dev" / "labels.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            by_page.setdefault(record["page"], []).append(record)
    pages = []
    for page_id, records in sorted(by_page.items()):
        body = truth[page_id]["articleBody"]
        html = gzip.decompress((bench / "extraction" / "html" / f"{page_id}.html.gz").read_bytes())
        sentences, previous = [], ""
        for record in sorted(records, key=lambda r: r["i"]):
            text = body[record["start"] : record["end"]]
            sentences.append(
                GoldSentence(
                    record["i"],
                    record["start"],
                    record["end"],
                    text,
                    previous,
                    record.get("label"),
                    "disputed" in record,
                )
            )
            previous = text
        pages.append(
            GoldPage(
                page_id,
                truth[page_id].get("url") or "",
                html.decode("utf-8", "replace"),
                body,
                tuple(sentences),
            )
        )
    return pages


@dataclasses.dataclass(frozen=True)
class Judged:
    """Gold labels beside what we predicted, with our confidence, and what a reader is shown."""

    truth: list[str]
    predicted: list[str]
    confidence: list[float]
    shown_right: int
    shown_wrong: int
    shown_per_page: list[int]
    flag_scores: list[float]  # P(opinion) + P(unattributed) of each gold sentence, 0 when lost


def _flag_scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    flagged = [p in FLAGGED for p in predicted]
    should = [t in FLAGGED for t in truth]
    hits = sum(f and s for f, s in zip(flagged, should, strict=True))
    return {
        "precision": round(hits / max(sum(flagged), 1), 4),
        "recall": round(hits / max(sum(should), 1), 4),
    }


def precision_at_recall(truth: Sequence[str], flag_scores: Sequence[float], recall: float) -> float:
    """Rank every sentence by how sure the model is that it is a flag; return the precision of
    the shortest head of that ranking that holds `recall` of the gold flags."""
    wanted = recall * sum(label in FLAGGED for label in truth)
    hits = 0
    ranked = sorted(zip(flag_scores, truth, strict=True), key=lambda pair: -pair[0])
    for taken, (_, label) in enumerate(ranked, start=1):
        hits += label in FLAGGED
        if hits >= wanted:
            return round(hits / taken, 4)
    return 0.0


def report(judged: Judged) -> dict[str, Any]:
    """Turn judged sentences into the figures the benchmark prints and the floors hold."""
    scores = score(judged.truth, judged.predicted, judged.confidence)
    shown = judged.shown_right + judged.shown_wrong
    scores["flags"] = _flag_scores(judged.truth, judged.predicted)
    scores["flags"]["precision_at_recall_070"] = precision_at_recall(judged.truth, judged.flag_scores, 0.70)
    scores["shown"] = {
        "precision": round(judged.shown_right / max(shown, 1), 4),
        "count": shown,
        "per_article_median": statistics.median(judged.shown_per_page) if judged.shown_per_page else 0,
        "per_article_mean": round(statistics.fmean(judged.shown_per_page), 2) if judged.shown_per_page else 0,
    }
    scores["lost"] = judged.predicted.count(LOST)
    return scores


_POLICY_JS = ROOT / "extension" / "policy.js"
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_CLOSED = re.compile(r"[.!?…][\"'”’»)\]]*$")
_BYLINE_START = re.compile(r"^(?:By|BY|Written by|Words by|Reporting by)\s+(?=[^\W\d_])")
_NAME_JOINERS = frozenset("and with in for of the at de van von".split())


@functools.cache
def _policy() -> dict[str, Any]:
    """Read the extension's display policy (extension/policy.js), so the two never disagree."""
    source = _POLICY_JS.read_text(encoding="utf-8")
    numbers = {name: int(value) for name, value in re.findall(r"const (\w+) = (\d+);", source)}
    kinds = re.search(r"NEVER_SHOWN_KINDS = new Set\(\[([^\]]*)\]\)", source)
    needed = {"MIN_WORDS", "MIN_WORDS_UNPUNCTUATED", "MAX_BYLINE_WORDS", "BYLINE_SLACK_CHARS"}
    if kinds is None or not needed <= numbers.keys():
        raise ValueError("extension/policy.js does not hold the display policy this benchmark mirrors")
    return {**numbers, "NEVER_SHOWN_KINDS": frozenset(re.findall(r'"(\w+)"', kinds.group(1)))}


def _is_fragment(text: str, policy: dict[str, Any]) -> bool:
    words = len(_WORD.findall(text))
    return words < policy["MIN_WORDS"] or (
        words < policy["MIN_WORDS_UNPUNCTUATED"] and not _CLOSED.search(text)
    )


def _is_byline(text: str, byline: str | None, policy: dict[str, Any]) -> bool:
    if len(_WORD.findall(text)) > policy["MAX_BYLINE_WORDS"]:
        return False
    if byline and len(text) <= len(byline) + policy["BYLINE_SLACK_CHARS"] and byline.lower() in text.lower():
        return True
    start = _BYLINE_START.match(text)
    names = _WORD.findall(text[start.end() :]) if start else []
    return start is not None and all(w[0].isupper() or w in _NAME_JOINERS for w in names)


def flag_confidence(entry: dict[str, Any]) -> float:
    """How sure the model is that a flag is one, of either kind: SOURCECHECK_POLICY.confidence."""
    scores = entry.get("scores")
    if entry["label"] not in FLAGGED or not scores:
        return float(entry["score"])
    return float(scores.get(UNATTRIBUTED, 0.0) + scores.get(OPINION, 0.0))


def _is_shown(entry: dict[str, Any], min_score: float, byline: str | None = None) -> bool:
    """Whether the extension shows this sentence: SOURCECHECK_POLICY.shown in policy.js."""
    policy = _policy()
    text = entry["text"].strip()
    return (
        entry["label"] in FLAGGED
        and flag_confidence(entry) >= min_score
        and entry.get("kind", "paragraph") not in policy["NEVER_SHOWN_KINDS"]
        and not _is_fragment(text, policy)
        and not _is_byline(text, byline, policy)
    )


def classifier_alone(model: Model, pages: Sequence[GoldPage], min_score: float) -> dict[str, Any]:
    """Score the model on each agreed gold sentence, given the sentence before it."""
    truth, predicted, confidence, flag_scores = [], [], [], []
    right = wrong = 0
    per_page = []
    for page in pages:
        inputs = [ModelInput(s.text, s.context, article=page.id) for s in page.sentences]
        shown_here = 0
        for sentence, prediction in zip(page.sentences, classify(model, inputs), strict=True):
            if sentence.label is None:
                continue
            truth.append(sentence.label)
            predicted.append(prediction.label)
            confidence.append(prediction.score)
            flag_scores.append(prediction.scores[OPINION] + prediction.scores[UNATTRIBUTED])
            entry = {
                "label": prediction.label,
                "score": prediction.score,
                "scores": prediction.scores,
                "text": sentence.text,
            }
            if _is_shown(entry, min_score):
                shown_here += 1
                right += sentence.label in FLAGGED
                wrong += sentence.label not in FLAGGED
        per_page.append(shown_here)
    return report(Judged(truth, predicted, confidence, right, wrong, per_page, flag_scores))


def _token_owners(text: str, spans: Sequence[tuple[int, int]]) -> tuple[list[str], list[int]]:
    """Return the words of `text` and, for each, the index of the span holding it (-1: none)."""
    tokens, owners = [], []
    ordered = sorted(range(len(spans)), key=lambda i: spans[i])
    cursor = 0
    for match in _TOKEN.finditer(text):
        while cursor < len(ordered) and spans[ordered[cursor]][1] <= match.start():
            cursor += 1
        inside = cursor < len(ordered) and spans[ordered[cursor]][0] <= match.start()
        tokens.append(match.group())
        owners.append(ordered[cursor] if inside else -1)
    return tokens, owners


def _majority(owners: Sequence[int], size: int) -> int:
    """Return the owner holding at least half of `size` words, or -1."""
    counts = Counter(owner for owner in owners if owner >= 0)
    if not counts:
        return -1
    owner, count = counts.most_common(1)[0]
    return owner if count * 2 >= size else -1


def _align(page: GoldPage, ours: Sequence[dict[str, Any]], text: str) -> tuple[list[int], list[int]]:
    """Match gold sentences and ours by their words: for each, the index of its match or -1."""
    region = page.body[: page.sentences[-1].end] if page.sentences else ""
    gold_tokens, gold_owner = _token_owners(region, [(s.start, s.end) for s in page.sentences])
    our_tokens, our_owner = _token_owners(text, [(s["start"], s["end"]) for s in ours])
    matcher = difflib.SequenceMatcher(None, gold_tokens, our_tokens, autojunk=False)
    gold_to_ours: dict[int, list[int]] = {}
    ours_to_gold: dict[int, list[int]] = {}
    last_matched = -1
    for a, b, size in matcher.get_matching_blocks():
        for offset in range(size):
            gold_to_ours.setdefault(gold_owner[a + offset], []).append(our_owner[b + offset])
            ours_to_gold.setdefault(our_owner[b + offset], []).append(gold_owner[a + offset])
            last_matched = max(last_matched, our_owner[b + offset])
    gold_sizes = Counter(gold_owner)
    our_sizes = Counter(our_owner)
    gold_match = [_majority(gold_to_ours.get(i, []), gold_sizes[i]) for i in range(len(page.sentences))]
    our_match = []
    for i in range(len(ours)):
        found = _majority(ours_to_gold.get(i, []), our_sizes[i])
        # Text of ours amid the gold region that matches no gold sentence is not article body.
        our_match.append(found if found >= 0 or i > last_matched else -2)
    return gold_match, our_match


def end_to_end(model: Model, pages: Sequence[GoldPage], min_score: float) -> dict[str, Any]:
    """Score each page's HTML through `analyze` against the gold sentences, matched by words."""
    truth, predicted, confidence, flag_scores = [], [], [], []
    right = wrong = 0
    per_page = []
    for page in pages:
        try:
            response = analyze(page.html, page.url, model, LIMITS)
            ours, text = response["sentences"], response["article"]["text"]
            byline = response["article"]["byline"]
        except Exception:  # noqa: BLE001 - a page we cannot read loses every sentence
            ours, text, byline = [], "", None
        gold_match, our_match = _align(page, ours, text)
        for sentence, match in zip(page.sentences, gold_match, strict=True):
            if sentence.label is None:
                continue
            truth.append(sentence.label)
            predicted.append(ours[match]["label"] if match >= 0 else LOST)
            confidence.append(ours[match]["score"] if match >= 0 else 0.0)
            scores = ours[match]["scores"] if match >= 0 else {}
            flag_scores.append(scores.get(OPINION, 0.0) + scores.get(UNATTRIBUTED, 0.0))
        shown_here = 0
        for entry, match in zip(ours, our_match, strict=True):
            if not _is_shown(entry, min_score, byline) or match == -1:
                continue
            shown_here += 1
            gold = page.sentences[match] if match >= 0 else None
            if gold is not None and gold.disputed:
                continue
            good = gold is not None and gold.label in FLAGGED
            right += good
            wrong += not good
        per_page.append(shown_here)
    return report(Judged(truth, predicted, confidence, right, wrong, per_page, flag_scores))


def _print(name: str, scores: dict[str, Any], min_score: float) -> None:
    print(f"== {name}: {scores['count']} gold sentences")
    print(format_scores(scores))
    flags, shown = scores["flags"], scores["shown"]
    print(
        f"flags (opinion or unattributed): precision {flags['precision']:.3f}, recall {flags['recall']:.3f}; "
        f"ranked by P(opinion) + P(unattributed), precision {flags['precision_at_recall_070']:.3f} "
        "at recall 0.70"
    )
    if scores["lost"]:
        print(f"gold sentences lost by extraction or splitting: {scores['lost']}")
    print(
        f"shown at the default threshold {min_score:.2f}: {shown['count']} flags, "
        f"precision {shown['precision']:.3f}, per article median {shown['per_article_median']}, "
        f"mean {shown['per_article_mean']}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bench", type=pathlib.Path, default=DEFAULT_BENCH, help="../shared/bench")
    parser.add_argument("--model", type=pathlib.Path, default=BUNDLED_MODEL)
    parser.add_argument("--min-score", type=float, default=None, help="display threshold to judge")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--sweep", action="store_true", help="also judge display thresholds 0.50 to 0.95")
    args = parser.parse_args()
    model = load_model(args.model)
    pages = load_pages(args.bench)
    min_score = default_min_score() if args.min_score is None else args.min_score
    results = {
        "classifier_alone": classifier_alone(model, pages, min_score),
        "end_to_end": end_to_end(model, pages, min_score),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{len(pages)} pages of {args.bench / 'news-dev'}, model {model.version}\n")
    for name, scores in results.items():
        _print(name.replace("_", " "), scores, min_score)
    if args.sweep:
        print("end to end, by display threshold: precision of the flags shown, flags per article")
        for step in range(50, 100, 5):
            shown = end_to_end(model, pages, step / 100)["shown"]
            print(
                f"  {step / 100:.2f}: precision {shown['precision']:.3f}, {shown['count']} flags, "
                f"median {shown['per_article_median']} and mean {shown['per_article_mean']} per article"
            )


if __name__ == "__main__":
    main()
