from server.report import summarize


def _entry(label: str, source: str | None = None) -> dict:
    return {"label": label, "source": {"start": 0, "end": len(source), "text": source} if source else None}


def test_sources_are_merged_under_their_fullest_name():
    entries = [
        _entry("attributed", "Trump"),
        _entry("attributed", "President-elect Donald Trump"),
        _entry("attributed", "the ministry"),
        _entry("attributed", "China’s Foreign Ministry"),
        _entry("attributed", "The ministry"),
        _entry("attributed", "Xi"),
        _entry("opinion"),
        _entry("unattributed"),
        _entry("neutral"),
    ]
    summary = summarize(entries)
    assert summary["sources"] == [
        {"name": "China’s Foreign Ministry", "sentences": 3},
        {"name": "President-elect Donald Trump", "sentences": 2},
        {"name": "Xi", "sentences": 1},
    ]
    assert summary["counts"] == {"attributed": 6, "opinion": 1, "unattributed": 1, "neutral": 1}
    assert summary["attributed_share"] == round(6 / 8, 4)


def test_an_article_of_headings_has_no_attributed_share():
    assert summarize([_entry("neutral"), _entry("neutral")])["attributed_share"] is None


def test_two_bodies_that_share_a_last_word_stay_two_sources():
    entries = [
        _entry("attributed", "the Justice Department"),
        _entry("attributed", "the Defense Department"),
        _entry("attributed", "the Justice Department"),
        _entry("attributed", "the department"),
        _entry("attributed", "Donald Trump"),
        _entry("attributed", "President Donald J. Trump"),
    ]
    assert summarize(entries)["sources"] == [
        {"name": "Justice Department", "sentences": 2},
        {"name": "President Donald J. Trump", "sentences": 2},
        {"name": "Defense Department", "sentences": 1},
    ]


def test_the_sources_named_are_names_not_misread_clauses():
    entries = [
        _entry("attributed", "It allows him to"),
        _entry("attributed", "they"),
        _entry("attributed", "The ministry of"),
        _entry("attributed", "Reuters"),
    ]
    summary = summarize(entries)
    assert summary["sources"] == [{"name": "Reuters", "sentences": 1}]
    assert summary["counts"]["attributed"] == 4, "the sentences still count as attributed"
