"""The evaluation gate: the shipped model against the golden pages and the held-out split."""

import json
import pathlib

import pytest

from classifiers.evaluate import score
from classifiers.labels import FLAGGED
from classifiers.model import load_model
from classifiers.predict import classify
from classifiers.samples import TEST, load_split, read_jsonl
from tests.conftest import PAGES, SAMPLES

BASELINES = json.loads((pathlib.Path(__file__).parent / "baselines.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped():
    return load_model()


def _labels(model, samples):
    return [p.label for p in classify(model, [s.input for s in samples])]


def test_golden_pages_stay_above_their_floor(shipped):
    samples = [s for path in sorted(PAGES.glob("*/labels.jsonl")) for s in read_jsonl(path)]
    scores = score([s.label for s in samples], _labels(shipped, samples))
    assert scores["macro_f1"] >= BASELINES["pages_macro_f1"], scores


def test_held_out_split_stays_above_its_floor(shipped):
    samples = load_split(SAMPLES, TEST)
    scores = score([s.label for s in samples], _labels(shipped, samples))
    assert scores["macro_f1"] >= BASELINES["test_split_macro_f1"], scores


def test_the_seed_blog_is_flagged_where_labels_md_says(shipped):
    samples = list(read_jsonl(PAGES / "seed-blog" / "labels.jsonl"))
    predicted = _labels(shipped, samples)
    should = [i for i, s in enumerate(samples) if s.label in FLAGGED]
    flagged = [i for i in should if predicted[i] in FLAGGED]
    assert len(flagged) / len(should) >= BASELINES["seed_blog_flagged_recall"]


def test_no_sourced_sentence_of_the_seed_wire_report_is_flagged(shipped):
    samples = list(read_jsonl(PAGES / "seed-wire" / "labels.jsonl"))
    predicted = _labels(shipped, samples)
    assert sum(label in FLAGGED for label in predicted) <= BASELINES["seed_wire_max_flagged"]
    assert not [
        s.text for s, p in zip(samples, predicted, strict=True) if s.label == "attributed" and p in FLAGGED
    ]
