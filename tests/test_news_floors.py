"""The evaluation gate on real news: the shipped model may not fall below the floors of
`baselines.json` on `../shared/bench/news-dev/` (read at run time, never copied here)."""

import json
import pathlib

import pytest

from classifiers.model import load_model
from tests.benchmarks.news import DEFAULT_BENCH, classifier_alone, default_min_score, end_to_end, load_pages

BASELINES = json.loads((pathlib.Path(__file__).parent / "baselines.json").read_text(encoding="utf-8"))["news"]

pytestmark = pytest.mark.skipif(
    not (DEFAULT_BENCH / "news-dev" / "labels.jsonl").is_file(),
    reason=f"the news benchmark is not at {DEFAULT_BENCH} (set SOURCECHECK_BENCH)",
)


@pytest.fixture(scope="module")
def figures():
    model, pages, threshold = load_model(), load_pages(DEFAULT_BENCH), default_min_score()
    return {
        "classifier": classifier_alone(model, pages, threshold),
        "end_to_end": end_to_end(model, pages, threshold),
    }


@pytest.mark.parametrize("reading", ["classifier", "end_to_end"])
def test_macro_f1_and_flags_stay_above_their_floors(figures, reading):
    scores, floors = figures[reading], BASELINES[reading]
    assert scores["macro_f1"] >= floors["macro_f1"], scores
    assert scores["flags"]["precision"] >= floors["flag_precision"], scores["flags"]
    assert scores["flags"]["recall"] >= floors["flag_recall"], scores["flags"]
    assert scores["flags"]["precision_at_recall_070"] >= floors["flag_precision_at_recall_070"]
    assert scores["shown"]["precision"] >= floors["shown_precision"], scores["shown"]
    assert scores["calibration_error"] <= floors["max_calibration_error"]


def test_the_weakest_labels_stay_above_their_floors(figures):
    per_label, floors = figures["classifier"]["per_label"], BASELINES["classifier"]
    assert per_label["opinion"]["precision"] >= floors["opinion_precision"], per_label
    assert per_label["unattributed"]["recall"] >= floors["unattributed_recall"], per_label


def test_a_reader_is_not_shown_a_wall_of_flags(figures):
    assert figures["end_to_end"]["shown"]["per_article_median"] <= BASELINES["max_shown_per_article"]
