import os

import numpy as np
import pytest
import skops.io
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from classifiers import encoder
from classifiers.cues import FEATURE_NAMES, read_cues, read_cues_in_order
from classifiers.features import (
    QUICK_CONFIDENCE,
    QUICK_LABELS,
    STRUCTURE_NAMES,
    cue_digest,
    cue_matrix,
    full_features,
    sentence_model,
)
from classifiers.labels import FLAGGED, LABELS, OPINION, UNATTRIBUTED
from classifiers.model import BUNDLED_MODEL, ModelError, card_path, load_model, save_model, untrusted_types
from classifiers.predict import classify, explain
from classifiers.samples import TEST, TRAIN, load_split, samples_digest
from tests.conftest import SAMPLES

MAX_MODEL_BYTES = 20 * 1024 * 1024


def test_the_shipped_model_was_trained_from_the_current_samples():
    card = load_model(BUNDLED_MODEL).card
    assert card["samples_digest"] == samples_digest(SAMPLES), (
        "samples/ changed since the model was trained: run `sourcecheck train`"
    )


def test_the_cue_code_still_reads_the_samples_as_the_shipped_model_learned_them():
    card = load_model(BUNDLED_MODEL).card
    inputs = [sample.input for sample in load_split(SAMPLES, TRAIN)]
    assert card["cue_digest"] == cue_digest(inputs), (
        "classifiers/cues.py reads the samples differently from the shipped model: run `sourcecheck train`"
    )


def test_the_shipped_model_was_trained_on_the_shipped_encoder():
    card = load_model(BUNDLED_MODEL).card
    assert card["encoder"] == {"file": encoder.MODEL_PATH.name, "sha256": encoder.model_digest()}


def test_the_shipped_model_names_its_features():
    model = load_model(BUNDLED_MODEL)
    names = list(full_features(model.pipeline).get_feature_names_out())
    assert model.card["features"]["cues"] == list(FEATURE_NAMES)
    assert model.card["features"]["structure"] == list(STRUCTURE_NAMES)
    assert len(names) == model.card["features"]["total"]
    assert [n.split("__", 1)[1] for n in names if n.startswith("cues__")] == list(FEATURE_NAMES)
    assert "words__said" in names


def test_the_shipped_model_is_small_trusted_and_carded():
    assert BUNDLED_MODEL.stat().st_size < MAX_MODEL_BYTES
    assert untrusted_types(BUNDLED_MODEL) == []
    model = load_model(BUNDLED_MODEL)
    assert sorted(model.card["labels"]) == sorted(LABELS)
    assert {"scikit-learn", "skops", "numpy"} <= set(model.card["libraries"])
    assert 0 < model.card["scores"]["test"]["macro_f1"] <= 1
    assert model.card["scores"]["test"]["confusion_matrix"]
    assert model.card["scores"]["test"]["calibration_error"] < 0.1, "scores no longer mean what they say"


def test_a_model_holding_an_untrusted_function_is_refused(tmp_path):
    path = tmp_path / "evil.skops"
    skops.io.dump(Pipeline([("run", FunctionTransformer(os.system))]), path)
    card_path(path).write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="untrusted"):
        load_model(path)


def test_a_missing_or_corrupt_model_gives_a_model_error(tmp_path):
    with pytest.raises(ModelError):
        load_model(tmp_path / "absent.skops")
    corrupt = tmp_path / "corrupt.skops"
    corrupt.write_bytes(b"not a zip file")
    with pytest.raises(ModelError):
        load_model(corrupt)


def test_saving_then_loading_gives_the_same_predictions(test_model, tmp_path):
    path = tmp_path / "copy.skops"
    save_model(test_model.pipeline, test_model.card, path)
    again = load_model(path)
    pairs = [("Officials say the bridge is unsafe.", ""), ("Why does it matter?", "")]
    assert [p.scores for p in classify(again, pairs)] == [p.scores for p in classify(test_model, pairs)]
    assert not list(tmp_path.glob(".copy*")), "a temporary file was left behind"


def test_predictions_carry_calibrated_scores_cues_and_a_reason(test_model):
    [prediction] = classify(test_model, [("The ministry said the talks were frank.", "")])
    assert set(prediction.scores) == set(LABELS)
    assert sum(prediction.scores.values()) == pytest.approx(1, abs=1e-3)
    assert prediction.score == max(prediction.scores.values())
    assert prediction.reason.endswith(".")


def test_an_opinion_without_judgement_words_says_what_marks_it():
    question = "What is the point of a record harvest if nobody can afford bread?"
    person = "We are living through it."
    assert "question" in explain(OPINION, question, read_cues(question), [])
    assert "“we”" in explain(OPINION, person, read_cues(person), [])


def test_an_unsourced_figure_is_quoted_whole_in_the_reason():
    text = "Unemployment rose to 4.1% in March, the highest level since 2021."
    cues = read_cues(text)
    reason = explain(UNATTRIBUTED, text, cues, sorted(cues.facts))
    assert "“4.1%”" in reason and "“4”" not in reason


def test_cues_an_input_carries_are_the_ones_the_model_reads():
    inputs = [sample.input for sample in load_split(SAMPLES, TRAIN)[:40]]
    read = read_cues_in_order(inputs)
    carried = [item._replace(cues=cues) for item, cues in zip(inputs, read, strict=True)]
    assert (cue_matrix(carried) == cue_matrix(inputs)).all()
    # Cues of other sentences are taken as given, not read again from the text.
    shifted = [item._replace(cues=cues) for item, cues in zip(inputs, read[1:] + read[:1], strict=True)]
    assert (cue_matrix(shifted) == np.roll(cue_matrix(inputs), -1, axis=0)).all()


def test_the_quick_model_answers_only_sure_unflagged_sentences_and_the_full_model_the_rest():
    early_exit = sentence_model(load_model(BUNDLED_MODEL).pipeline)
    items = [sample.input for sample in load_split(SAMPLES, TEST)][:300]
    quick, full = early_exit.quick_.predict_proba(items), early_exit.full_.predict_proba(items)
    answered = early_exit.predict_proba(items)
    by_quick = [row for row in range(len(items)) if not np.allclose(answered[row], full[row])]
    assert 0 < len(by_quick) < len(items), "one of the two models answers everything"
    for row in range(len(items)):
        label = early_exit.classes_[answered[row].argmax()]
        expected = quick[row] if row in by_quick else full[row]
        assert np.allclose(answered[row], expected)
        if label in FLAGGED:
            assert row not in by_quick, "a flag must be the full model's call"
    for row in by_quick:
        assert quick[row].max() >= QUICK_CONFIDENCE
        assert early_exit.classes_[quick[row].argmax()] in QUICK_LABELS
