from classifiers.sentences import split_sentences


def test_offsets_point_back_into_the_text():
    text = "Dr. Smith met Mr. Jones at 5 p.m. on Jan. 5. They talked.\n\nA new paragraph? Yes."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Dr. Smith met Mr. Jones at 5 p.m. on Jan. 5.",
        "They talked.",
        "A new paragraph?",
        "Yes.",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_initialisms_inside_words_do_not_end_a_sentence():
    text = "Both sides hoped for a good start to Sino-U.S. relations during the new presidency."
    assert [s.text for s in split_sentences(text)] == [text]


def test_each_sentence_carries_the_one_before_as_context():
    sentences = split_sentences("The minister spoke first. She said the plan was ready.")
    assert sentences[0].context == ""
    assert sentences[1].context == "The minister spoke first."


def test_paragraph_spans_are_never_crossed():
    text = "Heading without a stop\n\nA sentence follows."
    sentences = split_sentences(text, [(0, 22), (24, len(text))])
    assert [s.text for s in sentences] == ["Heading without a stop", "A sentence follows."]
    assert [s.id for s in sentences] == [0, 1]
