import json
import re

import pytest

from classifiers.labels import LABELS
from classifiers.samples import TEST, TRAIN, SampleError, load_split, read_jsonl, samples_digest
from tests.conftest import PAGES, SAMPLES

MIN_SAMPLES, MIN_PER_LABEL = 3000, 500  # what the classifier issue asks of samples/
NEAR_COPY = 0.7  # share of distinct words two sentences may have in common before one is a copy


def test_every_sample_file_is_valid_and_every_label_is_taught():
    train = load_split(SAMPLES, TRAIN)
    test = load_split(SAMPLES, TEST)
    everything = [s.label for s in train + test]
    assert len(everything) >= MIN_SAMPLES
    assert min(everything.count(label) for label in LABELS) >= MIN_PER_LABEL
    for split in (train, test):
        assert {s.label for s in split} == set(LABELS)
    assert not {s.text for s in train} & {s.text for s in test}, "a test sentence leaked into training"


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def test_no_held_out_or_golden_page_sentence_has_a_near_copy_in_training():
    train = [_words(s.text) for s in load_split(SAMPLES, TRAIN)]
    pages = [s for path in sorted(PAGES.glob("*/labels.jsonl")) for s in read_jsonl(path)]
    for sample in load_split(SAMPLES, TEST) + pages:
        words = _words(sample.text)
        for other in train:
            overlap = len(words & other) / len(words | other)
            assert overlap < NEAR_COPY, f"near copy in training of: {sample.text}"


def test_golden_page_labels_follow_the_sample_format():
    for labels in sorted(PAGES.glob("*/labels.jsonl")):
        assert list(read_jsonl(labels)), labels


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("{not json", "not valid JSON"),
        ('{"text": "Hi."}', "'label' must be one of"),
        ('{"text": "", "label": "neutral"}', "'text' must be a non-empty string"),
        ('{"text": "Trump said so.", "label": "attributed", "source": "Xi"}', "exact substring"),
        ('{"text": "It rained.", "label": "neutral", "source": "It"}', "only attributed"),
        ('{"text": "It rained.", "label": "neutral", "cues": ["snow"]}', "'cues'"),
        ('["a list"]', "JSON object"),
    ],
)
def test_a_malformed_line_names_file_line_and_why(tmp_path, line, why):
    path = tmp_path / "bad.jsonl"
    good = json.dumps({"text": "The hearing resumes on Tuesday.", "label": "neutral"})
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(SampleError) as raised:
        list(read_jsonl(path))
    assert f"{path}:3:" in str(raised.value)
    assert why in str(raised.value)


def test_the_digest_changes_with_any_sample(tmp_path):
    for split in (TRAIN, TEST):
        (tmp_path / split).mkdir()
        (tmp_path / split / "a.jsonl").write_text('{"text": "A.", "label": "neutral"}\n', encoding="utf-8")
    before = samples_digest(tmp_path)
    assert samples_digest(tmp_path) == before
    (tmp_path / TEST / "a.jsonl").write_text('{"text": "B.", "label": "neutral"}\n', encoding="utf-8")
    assert samples_digest(tmp_path) != before
