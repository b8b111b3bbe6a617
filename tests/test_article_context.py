import numpy as np
import pytest

import classifiers.predict
from classifiers.article_context import ARTICLE_CAP, article_features, article_keys
from classifiers.features import ModelInput, article_step, build_pipeline
from classifiers.labels import OPINION
from classifiers.model import BUNDLED_MODEL, load_model
from classifiers.predict import classify
from classifiers.samples import TEST, load_split
from tests.conftest import SAMPLES

COLUMN = [
    "Nobody should pretend this budget is anything but a retreat.",
    "The chancellor has spent a year promising growth and delivered a spreadsheet.",
    "I have rarely seen a government so frightened of its own voters.",
    "The housing plan leaves renters worse off than they were in 2019.",
    "We deserve better than another round of tinkering.",
]
WIRE = [
    "LONDON (Reuters) - Britain's finance minister on Wednesday cut next year's growth forecast to 0.8%.",
    "The Treasury said borrowing would rise by 12 billion pounds over the next two years.",
    "The housing plan leaves renters worse off than they were in 2019.",
    "Opposition lawmakers said the measures did not go far enough, a spokesman for the party said.",
    "The Office for Budget Responsibility will publish its own figures on Thursday.",
]


def test_each_sentence_weighs_the_mean_of_the_other_sentences_of_its_article():
    probabilities = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7], [0.25] * 4])
    features = article_features(probabilities, ["a", "a", "a", "b"])
    assert np.allclose(features[:, :4], np.log(probabilities + 1e-4))
    assert np.allclose(features[0, 4:8], [0.1, 0.4, 0.1, 0.4])
    assert np.allclose(features[0, 8], 2 / ARTICLE_CAP)
    assert np.allclose(features[3, 4:8], [0.25] * 4), "alone, the others' mean is uniform"
    assert features[3, 8] == 0


def test_a_sentence_without_an_article_is_an_article_of_its_own():
    keys = article_keys([ModelInput("a"), ModelInput("b"), ModelInput("c", article="x"), ("d", "")])
    assert len(set(keys)) == 4
    assert article_keys([ModelInput("a", article="x"), ModelInput("b", article="x")]) == ["x", "x"]


@pytest.fixture(scope="module")
def model():
    return load_model(BUNDLED_MODEL)


def test_sentences_read_alone_are_labelled_as_when_each_is_classified_by_itself(model):
    together = classify(model, [(text, "") for text in COLUMN])
    alone = [classify(model, [(text, "")])[0] for text in COLUMN]
    assert [p.scores for p in together] == [p.scores for p in alone]


def test_the_same_sentence_reads_more_as_opinion_in_a_column_than_in_a_wire_report(model):
    def opinion_score(article):
        before = ["", *article[:-1]]
        pairs = zip(before, article, strict=True)
        inputs = [ModelInput(text, context, article="page") for context, text in pairs]
        return classify(model, inputs)[2].scores[OPINION]

    assert COLUMN[3] == WIRE[2]
    assert opinion_score(COLUMN) > opinion_score(WIRE)


def test_the_labels_do_not_depend_on_how_the_sentences_were_batched(model, monkeypatch):
    inputs = [ModelInput(text, article="page") for text in COLUMN + WIRE]
    whole = classify(model, inputs)
    monkeypatch.setattr(classifiers.predict, "BATCH_CHARS", 150)
    calls = []
    batched = classify(model, inputs, lambda: calls.append(1))
    assert len(calls) > 2
    assert [p.scores for p in batched] == [p.scores for p in whole]


def test_training_cross_validates_both_stages_by_article():
    samples = load_split(SAMPLES, TEST)[:240]
    pipeline = build_pipeline()
    step = article_step(pipeline)
    held_out = step.fit_and_cross_validate([s.input for s in samples], [s.label for s in samples])
    assert held_out.shape == (len(samples), len(step.classes_))
    assert np.allclose(held_out.sum(axis=1), 1)
    assert list(pipeline.classes_) == list(step.sentence_model_.classes_)
