import pytest

from classifiers.cues import FEATURE_NAMES, read_cues


def _source(text: str, context: str = "") -> str | None:
    cues = read_cues(text, context)
    return text[cues.source[0] : cues.source[1]] if cues.source else None


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The ministry said the talks were frank.", "The ministry"),
        ("“We will win,” said Mayor Ellen Park.", "Mayor Ellen Park"),
        ("The plan is sound, according to the Chinese Foreign Ministry.", "the Chinese Foreign Ministry"),
        ("Prosecutors said Cole lied to investors.", "Prosecutors"),
    ],
)
def test_named_and_specific_sources_are_found(text, source):
    assert _source(text) == source


@pytest.mark.parametrize(
    "text",
    [
        "Officials say the project is late.",
        "Experts believe the virus came from bats.",
        "Critics argue it will fail.",
    ],
)
def test_vague_sources_are_not_sources(text):
    cues = read_cues(text)
    assert cues.source is None
    assert cues.source_kind == "vague"
    assert cues.vague


def test_agentless_passive_is_a_cue_and_not_an_attribution():
    text = "The call, believed to be the first between the two leaders, lasted an hour."
    cues = read_cues(text)
    assert [text[a:b] for a, b in cues.passive] == ["believed to"]
    assert cues.attribution == []


def test_hedges_and_predictions_count_only_outside_quotes():
    hedged = read_cues("The deal will likely reshape the industry.")
    quoted = read_cues("“The deal will likely reshape the industry,” she said.")
    assert hedged.counts["hedges"] == 1 and hedged.counts["predictions"] == 1
    assert quoted.counts["hedges"] == 0 and quoted.counts["predictions"] == 0


def test_capitalised_nouns_are_not_reporting_verbs():
    cues = read_cues("The United States Comments page lists Shares and Posts.")
    assert cues.attribution == []


def test_every_feature_is_present_and_numeric():
    counts = read_cues("Is this really the best we can do?", "He said so.").counts
    assert tuple(counts) == FEATURE_NAMES
    assert counts["question"] == 1.0
    assert all(isinstance(value, float) for value in counts.values())
