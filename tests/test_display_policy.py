"""The display policy of extension/policy.js, and its mirror in tests/benchmarks/news.py."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.benchmarks.news import _is_shown, default_min_score
from tests.conftest import ROOT

_RUN_POLICY = """
const fs = require("fs");
eval(fs.readFileSync(process.argv[1], "utf-8"));
const { sentences, byline, minScore } = JSON.parse(fs.readFileSync(0, "utf-8"));
const shown = SOURCECHECK_POLICY.shown(sentences, { labels: ["unattributed", "opinion"], minScore, byline });
process.stdout.write(JSON.stringify(shown.map((s) => s.id)));
"""

CASES = [
    ("paragraph", "Officials say the bridge is unsafe."),
    ("paragraph", "It is a scandal that it took this long, and everyone knows it."),
    ("heading", "Why the bridge is a scandal and everyone knows it"),
    ("caption", "The bridge, seen from the river, is a disgrace to the city."),
    ("list_item", "1."),
    ("list_item", "Officials say repairs will take a decade and cost billions."),
    ("list_item", "Safety officials urge changes"),
    ("paragraph", "IXIC"),
    ("paragraph", "Critics call it reckless."),
    ("paragraph", "By Jane Doe and John Roe"),
    ("paragraph", "By JANE DOE, Reuters"),
    ("paragraph", "By Monday, the bridge had become a national embarrassment."),
    ("paragraph", "Jane Doe, Reuters"),
    ("paragraph", "Jane Doe said the bridge is an embarrassment for the whole city."),
    ("paragraph", "The best new character in 2019"),
    ("quote", "“This is the worst decision the council has made in years,” she said."),
]


def _js_shown(sentences: list[dict], byline: str | None, min_score: float) -> list[int]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; .ci/run installs it")
    payload = json.dumps({"sentences": sentences, "byline": byline, "minScore": min_score})
    out = subprocess.run(
        [node, "-e", _RUN_POLICY, str(ROOT / "extension" / "policy.js")],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(out.stdout)


def _sentences(score: float) -> list[dict]:
    return [
        {"id": i, "kind": kind, "text": text, "label": "opinion", "score": score}
        for i, (kind, text) in enumerate(CASES)
    ]


def test_the_policy_shows_claims_and_never_headings_captions_bylines_or_fragments():
    shown = {CASES[i][1] for i in _js_shown(_sentences(0.99), "Jane Doe", 0.8)}
    assert shown == {
        "Officials say the bridge is unsafe.",
        "It is a scandal that it took this long, and everyone knows it.",
        "Officials say repairs will take a decade and cost billions.",
        "Critics call it reckless.",
        "By Monday, the bridge had become a national embarrassment.",
        "Jane Doe said the bridge is an embarrassment for the whole city.",
        "“This is the worst decision the council has made in years,” she said.",
    }


def test_nothing_below_the_threshold_is_shown():
    assert _js_shown(_sentences(default_min_score() - 0.01), None, default_min_score()) == []


@pytest.mark.parametrize("byline", [None, "Jane Doe"])
def test_the_benchmark_mirrors_the_extension_policy(byline):
    sentences = _sentences(0.9)
    sentences += [{**s, "id": s["id"] + 100, "label": "attributed"} for s in sentences[:3]]
    mirrored = [s["id"] for s in sentences if _is_shown(s, 0.8, byline)]
    assert mirrored == _js_shown(sentences, byline, 0.8)


def test_a_flag_is_shown_by_how_sure_the_model_is_that_it_is_a_flag_of_either_kind():
    split = {"opinion": 0.5, "unattributed": 0.45, "attributed": 0.03, "neutral": 0.02}
    unsure = {"opinion": 0.5, "unattributed": 0.2, "attributed": 0.2, "neutral": 0.1}
    sentence = {"kind": "paragraph", "text": CASES[1][1], "label": "opinion", "score": 0.5}
    sentences = [{**sentence, "id": 0, "scores": split}, {**sentence, "id": 1, "scores": unsure}]
    assert _js_shown(sentences, None, 0.9) == [0]
    assert [s["id"] for s in sentences if _is_shown(s, 0.9)] == [0]
