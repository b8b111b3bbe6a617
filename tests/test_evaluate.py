import pytest

from classifiers.evaluate import calibration_error, format_scores, score


def test_confidence_that_matches_accuracy_has_no_calibration_error():
    assert calibration_error([True] * 8 + [False] * 2, [0.8] * 10) == pytest.approx(0)
    assert calibration_error([True, True], [1.0, 1.0]) == pytest.approx(0)


def test_calibration_error_weighs_each_bin_by_its_share():
    correct = [True, True, True, False]
    confidence = [0.95, 0.95, 0.55, 0.55]
    assert calibration_error(correct, confidence) == pytest.approx(0.5 * 0.05 + 0.5 * 0.05)


def test_confident_mistakes_are_the_worst_calibration():
    assert calibration_error([False] * 5, [0.9] * 5) == pytest.approx(0.9)
    assert calibration_error([], []) == 0


def test_scores_carry_calibration_only_when_given_confidence():
    truth, predicted = ["opinion", "neutral"], ["opinion", "attributed"]
    assert "calibration_error" not in score(truth, predicted)
    scores = score(truth, predicted, [0.9, 0.6])
    assert scores["calibration_error"] == pytest.approx((0.1 + 0.6) / 2)
    assert "calibration" in format_scores(scores)
