import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.cues import FEATURE_NAMES, read_cues

NEWS_WORDS = st.sampled_from(
    "said says according to the ministry officials who that was been by released believes in continue"
    ' Politico reports , . “ ” " May likely more than should I Nobody has Stanford at'.split()
)


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
        ("Keiko Tanaka, who has studied the reef for a decade, said it was recovering.", "Keiko Tanaka"),
        ("Researchers at Stanford reported that the drug slowed tumour growth.", "Researchers at Stanford"),
        ("Its union, the National Dock Union, said the strike would go on.", "the National Dock Union"),
        ("The company blamed weak demand in China.", "The company"),
        ("Although Putin claimed he was too busy, the snub hurt.", "Putin"),
        ("The Office for Students warned that some universities could go bust.", "The Office for Students"),
        ("The researchers said the song had spread across the population.", "The researchers"),
        ("The firm filed for bankruptcy on Monday, Politico reports.", "Politico"),
        ("The reforms, argues Ana Ruiz, have made schools worse.", "Ana Ruiz"),
        ("Prices rose again in May, especially for electricity, reports NPR.", "NPR"),
        ("Sanders said the bill was dead.", "Sanders"),
        ("In November, Xi congratulated Trump on his reelection, highlighting the gains.", "Xi"),
        ("The companies said the merger would cut prices.", "The companies"),
        ("Investigators said the fire was started deliberately.", "Investigators"),
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
        "Educators say that lowering the bar will hurt pupils.",
        "People who know him say he has no intention of retiring.",
        "Officials in Washington believe the talks will fail.",
        "Sources in Italy say the player has agreed personal terms.",
        "Unions fear that thousands of jobs could be lost.",
        "Some shopkeepers on Park Road told us their trade had fallen.",
        "Shipowners said the new rules would raise costs.",
        "Local fishermen say the catch has halved.",
        "A White House official said the president would not sign the bill.",
        "One Treasury official said the figures were wrong.",
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


@pytest.mark.parametrize(
    "text",
    [
        "Shares fell 3% on the report.",
        "He made a comment.",
        "I read the post.",
        "The evening talk shows, whose hosts compete for outrage, took another line.",
        "Pakistan will continue to take on more debt.",
        "A referendum is a direct vote by the electorate on a single question.",
    ],
)
def test_a_noun_form_closing_a_sentence_after_an_article_is_no_reporting_verb(text):
    assert read_cues(text).attribution == []


@pytest.mark.parametrize(
    "text",
    [
        "It has been suggested that the results were manipulated.",
        "It is widely assumed that taxes will rise.",
    ],
)
def test_impersonal_passives_name_nobody(text):
    cues = read_cues(text)
    assert cues.passive and cues.source is None
    assert cues.counts["reporting_with_source"] == 0


@pytest.mark.parametrize(
    ("text", "definition"),
    [
        ("Brisk walking means walking fast enough to raise your heart rate.", 1.0),
        ("A stock buyback is when a company buys its own shares.", 1.0),
        ("The decision is a mistake that will haunt the party.", 0.0),
    ],
)
def test_definitions_are_told_from_judgements(text, definition):
    assert read_cues(text).counts["definition"] == definition


@pytest.mark.parametrize(
    "text",
    [
        "Crime varies according to regional origin.",
        "Everything went according to plan.",
        "DeSantis believes in freedom and low taxes.",
    ],
)
def test_phrases_that_cite_nobody_attribute_nothing(text):
    cues = read_cues(text)
    assert cues.attribution == [] and cues.counts["according_to"] == 0


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The song was released as a single in 1985.", None),
        ("It was first published in France in 2019.", None),
        ("The plan was criticised by the European Commission.", "the European Commission"),
    ],
)
def test_a_passive_reporting_verb_names_only_its_agent(text, source):
    assert _source(text) == source


@pytest.mark.parametrize(
    "text",
    ["Nobody tells you how lonely it is.", "Let us hope the minister listens.", "I'll believe it."],
)
def test_nobody_and_the_writer_are_no_source(text):
    assert read_cues(text).source_kind == ""


def test_according_to_a_document_cites_it():
    cues = read_cues("According to the indictment, the men laundered more than $10 million.")
    assert cues.counts["according_to"] == 1 and cues.attribution


def test_a_possessive_back_reference_points_to_a_source():
    assert read_cues("The drug cut the risk by a quarter, its makers said.").source_kind == "pronoun"


@pytest.mark.parametrize(
    ("text", "stamp"), [("9:05 a.m.", 1), ("Updated at 4:32 p.m.", 1), ("Shares rose 4.20 percent.", 0)]
)
def test_a_live_blog_time_stamp_is_told_from_a_figure(text, stamp):
    assert read_cues(text).counts["timestamp"] == stamp


def test_a_weekday_is_no_name():
    text = "Prices rose again, figures released on Thursday show."
    assert read_cues(text).source_kind not in {"named", "organisation"}


def test_the_writer_is_not_a_source():
    cues = read_cues("I think the plan will fail.")
    assert cues.source_kind == ""
    assert cues.counts["reporting_with_source"] == 0
    assert cues.counts["first_second_person"] == 1


def test_a_reported_call_to_action_is_the_sources():
    writer = read_cues("Taiwan should pay more for its own defence.")
    source = read_cues("He has suggested Taiwan should pay more for its own defence.")
    assert writer.counts["call_to_action"] == 1
    assert source.counts["call_to_action"] == 0 and source.counts["present_perfect"] == 0


def test_judgement_words_of_a_named_source_are_the_sources_not_the_writers():
    writer = read_cues("The decision was a disgraceful mistake that will likely backfire.")
    source = read_cues("Senator Ames said the decision was a disgraceful mistake that will likely backfire.")
    assert writer.opinion and writer.counts["hedges"] == 1
    assert source.opinion == [] and source.counts["hedges"] == 0
    assert source.source_kind == "named"


def test_short_scare_quotes_are_not_counted_as_quotations():
    scare = read_cues("The so-called “reform” was a “historic” failure.").counts
    speech = read_cues("“We will rebuild every school in the district,” the mayor said.").counts
    assert (scare["quote_marks"], scare["scare_quotes"]) == (0, 2)
    assert (speech["quote_marks"], speech["scare_quotes"]) == (1, 0)


@pytest.mark.parametrize(
    "text",
    [
        "I think we could still lose it all,” she said.",
        'I think we could still lose it all," she said. "Not this year, though."',
        "You probably think we should give up.”",
    ],
)
def test_a_sentence_closing_a_quotation_opened_before_is_the_speakers(text):
    counts = read_cues(text).counts
    assert counts["first_second_person"] == 0 and counts["hedges"] == 0
    assert counts["quote_marks"] >= 1 and counts["open_quote"] == 0


def test_a_quotation_left_open_is_told_from_one_closing():
    assert read_cues('She said: "We will be back next year.').counts["open_quote"] == 1
    assert read_cues('We will be back," she said.').counts["open_quote"] == 0


def test_single_curly_quotes_are_quotations_and_apostrophes_are_not():
    quoted = read_cues("‘I think we could lose everything,’ he notes, citing Britain’s debts.").counts
    assert quoted["quote_marks"] == 1 and quoted["first_second_person"] == 0
    assert (
        read_cues("It isn’t Britain’s fault, and we can’t pretend it is.").counts["first_second_person"] == 1
    )


@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("Prices may rise again.", 1),
        ("The plan appears to have failed.", 1),
        ("The tablet goes on sale on May 15.", 0),
        ("Younger voters are more likely than older ones to read news on their phones.", 0),
        ("The men will appear in court on Monday.", 0),
    ],
)
def test_hedges_are_told_from_their_look_alikes(text, hedges):
    assert read_cues(text).counts["hedges"] == hedges


def test_descriptive_adjectives_are_no_judgement():
    text = "The new terminal will cost twice the original estimate, a small price for the first phase."
    assert read_cues(text).opinion == []
    assert read_cues("The decision was an appalling mistake.").opinion


def test_commentary_verdicts_textblob_lacks_are_judgements():
    text = "The rollout was botched, and the minister's excuses were pitiful."
    assert [text[a:b] for a, b in read_cues(text).opinion] == ["botched", "pitiful"]


def test_instructions_open_with_an_imperative():
    assert read_cues("Store potatoes somewhere cool and dark.").counts["first_word_lower_verb"] == 1
    assert read_cues("Potatoes keep for months.").counts["first_word_lower_verb"] == 0


def test_capitalised_nouns_are_not_reporting_verbs():
    cues = read_cues("The United States Comments page lists Shares and Posts.")
    assert cues.attribution == []


@pytest.mark.parametrize(
    "text",
    [
        "However dubious the claim, it keeps coming back.",
        "Voters remembered the mayor's crass promise that rents would fall.",
        "The campaign was built on spurious claims about crime.",
    ],
)
def test_a_reporting_word_after_an_article_possessive_or_adjective_is_a_noun(text):
    assert read_cues(text).attribution == []


def test_the_same_word_after_a_subject_is_a_verb():
    cues = read_cues("The ministry claims that the figures are wrong.")
    assert cues.source_kind == "organisation" and len(cues.attribution) == 1


def test_every_feature_is_present_and_numeric():
    counts = read_cues("Is this really the best we can do?", "He said so.").counts
    assert tuple(counts) == FEATURE_NAMES
    assert counts["question"] == 1.0
    assert all(isinstance(value, float) for value in counts.values())


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(NEWS_WORDS, max_size=30).map(" ".join)), st.text(max_size=80))
def test_any_text_gives_every_feature_and_spans_inside_it(text, context):
    cues = read_cues(text, context)
    assert tuple(cues.counts) == FEATURE_NAMES
    spans = [*cues.attribution, *cues.vague, *cues.passive, *cues.opinion, *cues.facts]
    if cues.source:
        spans.append(cues.source)
    assert all(0 <= start < end <= len(text) for start, end in spans)


@pytest.mark.parametrize(
    "sentence",
    [
        "It allows him to say what he likes, the report said.",
        "The alliance is strong enough to take on China without help, he said.",
        "China could retaliate, Trump said.",
    ],
)
def test_a_source_shown_to_a_reader_is_a_name_never_a_fragment(sentence):
    cues = read_cues(sentence)
    if cues.source is not None:
        shown = sentence[cues.source[0] : cues.source[1]]
        assert shown in {"the report", "Trump"}, shown


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("“We would be North Dakota,” one user quipped.", "vague"),
        ("The team will move, an insider told the outlet on Monday.", "vague"),
        ("A spokeswoman for the airline said the flight was delayed.", "organisation"),
        ("A new ABC News poll shows majority support for the plan.", "organisation"),
        ("Data from the Census Bureau show the population grew.", "organisation"),
        ("The Broadway show finds its feet in the second act.", ""),
        ("CBS DFW reports the man was sentenced to life in prison.", "named"),
        ("At least 106 protesters died, according to reports received by Amnesty.", "organisation"),
        ("Apple will ship it in May, according to industry sources cited by DigiTimes.", "vague"),
    ],
)
def test_who_speaks_is_read_from_the_frame_not_from_said_alone(sentence, kind):
    assert read_cues(sentence).source_kind == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "Audi has revealed the second production model in its e-tron range.",
        "Police released dramatic video of the rescue.",
        "She testified before the House Intelligence Committee on Friday.",
    ],
)
def test_what_a_named_actor_did_is_not_a_report(sentence):
    assert read_cues(sentence).attribution == []


def test_a_thing_said_after_a_complement_verb_is_a_report():
    cues = read_cues("The ministry released a statement saying the talks had failed.")
    assert cues.source_kind == "organisation"


def test_a_verb_in_a_relative_clause_sources_that_clause_not_the_sentence():
    sentence = "The lander is based on its Blue Moon vehicle, which the company's founder announced in May."
    assert read_cues(sentence).attribution == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Polls show that the governor is almost back to where he was.",
        "According to eyewitness accounts, snipers fired into the crowd.",
        "Israeli settlers said the change paved the way for annexation.",
    ],
)
def test_unnamed_polls_witnesses_and_groups_are_vague(sentence):
    assert read_cues(sentence).source_kind == "vague"


def test_a_verb_after_an_aside_is_active_not_an_agentless_passive():
    sentence = "Dr. Ronny Jackson, who was then the president's physician, suggested that he change his diet."
    cues = read_cues(sentence)
    assert cues.passive == [] and cues.source_kind == "named"


def test_an_unnamed_study_still_speaks_as_a_record():
    assert (
        read_cues("Water vapour was seen for the first time, a new study reports.").source_kind
        == "organisation"
    )


ANONYMOUS_LEAD = "“It is over,” an insider told the outlet on Monday."
NAMED_LEAD = "“It is over,” said Professor Jane Lowe of Oxford."


@pytest.mark.parametrize(
    ("sentence", "context", "kind"),
    [
        ("“He is furious,” the insider added.", ANONYMOUS_LEAD, "vague"),
        ("“He is furious,” he added.", "“Over,” an official said on condition of anonymity.", "vague"),
        ("“The risk is real,” the expert warned.", NAMED_LEAD, "pronoun"),
        ("“The risk is real,” he added.", NAMED_LEAD, "pronoun"),
        ("The ministry said it would appeal.", ANONYMOUS_LEAD, "organisation"),
    ],
)
def test_a_back_reference_is_as_checkable_as_the_source_it_points_to(sentence, context, kind):
    assert read_cues(sentence, context).source_kind == kind


@pytest.mark.parametrize(
    ("sentence", "kind", "source"),
    [
        ("In her view, the ruling came far too late.", "pronoun", None),
        ("In Dr Amara Osei's opinion, the trial was too small to tell.", "named", "Dr Amara Osei"),
        ("In the opinion of the tribunal, the dismissal was unfair.", "organisation", "the tribunal"),
        ("In the words of one neighbour, the street has never been quieter.", "vague", None),
    ],
)
def test_a_view_told_as_someones_is_theirs_without_a_verb(sentence, kind, source):
    cues = read_cues(sentence)
    assert (cues.source_kind, _source(sentence)) == (kind, source)


@pytest.mark.parametrize(
    "sentence", ["In my view, the ruling came far too late.", "In other words, it failed."]
)
def test_the_writers_view_and_a_figure_of_speech_hold_no_source(sentence):
    assert read_cues(sentence).attribution == []


def test_a_group_polled_by_a_named_pollster_is_its_poll():
    cues = read_cues("Economists polled by Ipsos were expecting inflation of 2.4 percent.")
    assert cues.source_kind == "organisation"


def test_a_progressive_reporting_verb_is_active_not_passive():
    cues = read_cues("The regulator was warning lenders that the rules would tighten.")
    assert cues.source_kind == "organisation"


@pytest.mark.parametrize(
    "sentence",
    [
        "The striker responded by scoring twice before half-time.",
        "After the reshuffle, the deputy reported to her directly.",
        "The board is expected to announce a new chief executive next week.",
        "The club plans to publish its accounts in March.",
    ],
)
def test_a_reporting_verb_that_tells_a_deed_or_a_plan_reports_nothing(sentence):
    assert read_cues(sentence).attribution == []


@pytest.mark.parametrize(
    "sentence",
    ["She reported to police that her car had been stolen.", "He refused to say whether he would run."],
)
def test_the_same_verbs_still_report_when_something_is_said(sentence):
    assert read_cues(sentence).attribution != []


@pytest.mark.parametrize(
    ("sentence", "plans"),
    [
        ("The agency plans to launch two more landers before 2030.", 1.0),
        ("The scheme aims to house 4,000 families by next winter.", 1.0),
        ("There are no plans to close the branch.", 0.0),
        ("The plan to cut fares collapsed in June.", 0.0),
    ],
)
def test_a_plan_stated_as_a_fact_is_read_as_a_schedule_and_the_noun_is_not(sentence, plans):
    assert read_cues(sentence).counts["schedule"] == plans
