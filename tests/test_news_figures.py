"""The figures of the news benchmark, on made-up judgements whose answers are known."""

from classifiers.labels import ATTRIBUTED, NEUTRAL, OPINION, UNATTRIBUTED
from tests.benchmarks.news import precision_at_recall


def test_precision_at_recall_is_taken_at_the_shortest_head_of_the_ranking_that_holds_it():
    truth = [OPINION, NEUTRAL, UNATTRIBUTED, ATTRIBUTED, OPINION]
    scores = [0.99, 0.95, 0.90, 0.40, 0.10]
    assert precision_at_recall(truth, scores, 0.30) == 1.0
    assert precision_at_recall(truth, scores, 0.60) == round(2 / 3, 4)
    assert precision_at_recall(truth, scores, 1.0) == 0.6


def test_precision_at_recall_is_zero_when_there_is_nothing_to_find():
    assert precision_at_recall([], [], 0.7) == 0.0
