import json
import logging
import pathlib

import pytest

from classifiers.samples import read_jsonl
from server.extract import PageTooLargeError, extract_article
from tests.benchmarks.extraction import page_scores
from tests.conftest import PAGES, page_html
from tests.golden import expected, extracted, page_dirs

BASELINES = json.loads((pathlib.Path(__file__).parent / "baselines.json").read_text(encoding="utf-8"))
BOILERPLATE = {
    "seed-blog": [
        "Comments",
        "Popular posts from this blog",
        "Israel Moves To Shut Down Al Jazeera",
        "Kamala Harris Has More Billionaires",
        "Lando Norris",
        "Share to X",
        "Powered by Blogger",
        "World Pulse Daily",
    ],
    "seed-wire": [
        "Related coverage",
        "Rubio urges China not to destabilize Asia",
        "Ishiba-Trump meeting",
        "Tune in to American populists",
        "ADVERTISEMENT",
        "Pool photo",
        "cookies",
        "Most Read",
        "All rights reserved",
    ],
}


@pytest.mark.parametrize("page", page_dirs(), ids=lambda path: path.name)
def test_golden_page(page):
    assert extracted(page) == expected(page)


@pytest.mark.parametrize("slug", ["seed-blog", "seed-wire"])
def test_seed_pages_keep_every_article_sentence_and_no_boilerplate(slug):
    article = extract_article(page_html(slug))
    assert article is not None
    for sample in read_jsonl(PAGES / slug / "labels.jsonl"):
        assert sample.text in article.text
    for junk in BOILERPLATE[slug]:
        assert junk not in article.text


def test_metadata_falls_back_to_the_visible_page():
    html = (
        '<html lang="de"><body><article><h1>Die Brücke ist zu</h1><p class="byline">Von Anna Weber</p>'
        '<time datetime="2025-03-04T08:00:00+01:00">4. März</time>'
        + "<p>Die Brücke bleibt nach dem Sturm bis auf Weiteres gesperrt, teilte die Stadt am Montag mit.</p>"
        * 3
        + "</article></body></html>"
    )
    article = extract_article(html)
    assert (article.title, article.language) == ("Die Brücke ist zu", "de")
    assert article.published == "2025-03-04T08:00:00+01:00"
    assert article.byline == "Anna Weber"


def test_blocks_index_the_text():
    article = extract_article(page_html("explainer-heatwave"))
    assert {block.kind for block in article.blocks} >= {"paragraph", "heading", "list_item"}
    for block in article.blocks:
        assert article.text[block.start : block.end] == block.text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<p>Just a fragment</p>",
        "<div><p>Broken <b>nesting</p></i></div>",
        "\x00\x00<html>\x00</html>",
        '<frameset cols="50%,50%"><frame src="a.html"><frame src="b.html"></frameset>',
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>",
    ],
)
def test_pages_without_an_article_give_none(html):
    assert extract_article(html) is None


def test_xhtml_and_deep_nesting_do_not_crash():
    xhtml = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body><article>'
        + "<p>The council approved the plan on Monday after a long and heated debate, officials said.</p>" * 3
        + "</article></body></html>"
    )
    assert "council approved" in extract_article(xhtml).text
    deep = (
        "<div>" * 100_000 + "<p>Deep text, far down the tree, that nobody will read.</p>" + "</div>" * 100_000
    )
    extract_article(deep)


def test_ten_megabytes_of_paragraphs_is_read_without_error():
    paragraph = "<p>The council met again today to discuss the budget, and nothing was decided.</p>"
    article = extract_article("<html><body>" + paragraph * 130_000 + "</body></html>")
    assert article is not None and len(article.blocks) == 130_000


def test_extraction_stays_above_its_floor_on_the_golden_pages():
    """Score extraction with the benchmark's metric against the sentences a person labelled."""
    precisions, recalls = [], []
    for page in page_dirs():
        truth = " ".join(sample.text for sample in read_jsonl(page / "labels.jsonl"))
        article = extract_article(page_html(page.name))
        precision, recall = page_scores(article.text if article else "", truth)
        precisions.append(precision or 0.0)
        recalls.append(recall or 0.0)
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    assert 2 * precision * recall / (precision + recall) >= BASELINES["pages_extraction_f1"]


def test_too_many_elements_is_refused():
    with pytest.raises(PageTooLargeError):
        extract_article("<p>x</p>" * 50, max_elements=20)


STORY = "<p>The council approved the plan on Monday after a long and heated debate, officials said.</p>" * 3


@pytest.mark.parametrize(
    ("stated", "iso"),
    [
        ("Mon, 18 Nov 2019 16:07:38 -0600", "2019-11-18T16:07:38-06:00"),
        ("2019-11-18T16:07:38Z", "2019-11-18T16:07:38Z"),
        ("November 18, 2019", "2019-11-18"),
        ("Nov. 18, 2019 at 8:22 a.m. EST", "2019-11-18T08:22:00-05:00"),
    ],
)
def test_published_dates_come_out_as_iso_8601(stated, iso):
    html = (
        f'<html><head><meta property="article:published_time" content="{stated}"></head><body>{STORY}</body>'
    )
    assert extract_article(html).published == iso


def test_a_string_without_a_year_is_no_date():
    html = f'<html><head><meta name="date" content="Monday"></head><body>{STORY}</body></html>'
    assert extract_article(html).published is None


def test_metadata_is_read_inside_header_and_footer_without_their_text_becoming_body():
    html = (
        '<html><body><article><header><h1>Bridge closed</h1><div class="byline">By Ann Lee'
        '<span> | </span><time datetime="2024-02-01T09:30:00+01:00">1 Feb 2024, 9:30</time></div>'
        f"</header>{STORY}<footer><p>Ann Lee covers transport for the paper since 2010.</p></footer>"
        "</article></body></html>"
    )
    article = extract_article(html)
    assert (article.title, article.byline) == ("Bridge closed", "Ann Lee")
    assert article.published == "2024-02-01T09:30:00+01:00"
    assert "Ann Lee" not in article.text and "Bridge closed" not in article.text


@pytest.mark.parametrize(
    ("box", "byline"),
    [
        ("Written by Ann Lee", "Ann Lee"),
        ("Words: Ann Lee", "Ann Lee"),
        ("Von Anna Weber", "Anna Weber"),
        ("Ann Lee<br>@annlee<br>Updated 3 hours ago", "Ann Lee"),
    ],
)
def test_byline_boxes_give_the_name_alone(box, byline):
    html = f'<html><body><article><p class="author">{box}</p>{STORY}</article></body></html>'
    assert extract_article(html).byline == byline


def test_titles_lose_the_site_name_and_json_ld_entities_are_decoded():
    json_ld = (
        '{"@type": "NewsArticle", "headline": "Tom &amp; Jerry return", '
        '"author": {"@id": "#ann"}, "@graph": [{"@id": "#ann", "@type": "Person", "name": "Ann O&#39;Neil"}]}'
    )
    html = (
        '<html><head><meta property="og:site_name" content="The Daily Planet">'
        f'<script type="application/ld+json">{json_ld}</script></head><body>{STORY}</body></html>'
    )
    article = extract_article(html)
    assert (article.title, article.byline) == ("Tom & Jerry return", "Ann O'Neil")
    suffixed = html.replace("Tom &amp; Jerry return", "Tom and Jerry return | The Daily Planet")
    assert extract_article(suffixed).title == "Tom and Jerry return"


def test_explain_shows_why_the_body_won_and_why_blocks_were_dropped(capsys, test_model_path):
    from server.cli import main

    status = main(
        ["analyze", "--model", str(test_model_path), "--explain", str(PAGES / "seed-wire" / "page.html")]
    )
    err = capsys.readouterr().err
    assert status == 0
    assert 'explain: body: <div id="article-body" class="article-body"> won with' in err
    assert "explain: dropped (link-dense): 'Trump’s pick for top diplomat Rubio" in err
    assert "explain: metadata: title" in err


def test_the_debug_log_is_silent_unless_asked(caplog):
    with caplog.at_level(logging.INFO, logger="server.extraction"):
        extract_article(page_html("seed-wire"))
    assert not caplog.records
    with caplog.at_level(logging.DEBUG, logger="server.extraction"):
        extract_article(page_html("seed-wire"))
    assert any("won with" in record.getMessage() for record in caplog.records)


def test_a_short_line_with_a_year_is_kept_and_a_dateline_is_dropped():
    html = (
        "<html><body><article><p>Updated 10:32 a.m. ET Nov. 19, 2019</p><h2>The 2020 race in numbers</h2>"
        f"{STORY}<h2>Best laptops of 2019</h2>{STORY}</article></body></html>"
    )
    text = extract_article(html).text
    assert "The 2020 race in numbers" in text and "Best laptops of 2019" in text
    assert "10:32" not in text


def test_credits_bios_and_calls_to_action_at_the_end_are_dropped():
    closing = (
        "<p>Reporting by Ann Lee in Paris; Editing by Tom Hale</p>"
        "<p>Like this story? Share it with a friend.</p>"
        "<p>Follow us on Instagram for more.</p>"
        "<p>Ann Lee is a senior reporter at the Daily Planet, covering transport.</p>"
    )
    last = "<p>Earlier reporting by the BBC found the same.</p>"
    html = f"<html><body><article>{STORY}{last}{closing}</article></body>"
    text = extract_article(html).text
    assert text.endswith("Earlier reporting by the BBC found the same.")


def test_a_form_wrapping_the_whole_page_is_entered_and_a_form_inside_the_story_is_not_story():
    newsletter = '<form action="/subscribe"><label>Your email address</label><input name="email"></form>'
    html = (
        '<html><body><form id="aspnetForm" method="post"><div class="page"><div id="story">'
        f"{STORY}{newsletter}{STORY}</div></div></form></body></html>"
    )
    article = extract_article(html)
    assert article is not None and article.text.count("The council approved the plan") == 6
    assert "Your email address" not in article.text


def test_an_embedded_post_is_body_and_a_photo_caption_is_not():
    post = (
        '<blockquote class="twitter-tweet social-embed"><p>The bridge stays shut until the inspectors'
        " are done, and we thank everyone for their patience today.</p>— City Council (@council)</blockquote>"
    )
    photo = '<figure><img src="bridge.jpg"><p>The bridge on Monday, seen from the river bank.</p></figure>'
    html = f"<html><body><article>{STORY}{post}{photo}{STORY}</article></body></html>"
    text = extract_article(html).text
    assert "The bridge stays shut until the inspectors are done" in text
    assert "seen from the river bank" not in text


def test_hidden_and_print_only_text_is_not_read():
    duplicate = (
        "<p>An older draft of the story that readers never see, kept in the page for printing.</p>" * 6
    )
    html = (
        f'<html><body><div class="print-only">{duplicate}</div><article>{STORY}'
        '<span class="sr-only">Opens in a new window</span><p class="visually-hidden">Skip this part'
        ' of the page and go on reading below, please.</p><div class="hidden-xs"><p>Shown on large screens'
        " only, but it is still part of the story.</p></div></article></body></html>"
    )
    text = extract_article(html).text
    assert "The council approved the plan" in text and "still part of the story" in text
    assert "older draft" not in text and "new window" not in text and "Skip this part" not in text


def test_a_standfirst_in_the_container_before_the_body_is_kept():
    lead = "<p>The city will keep the bridge shut all winter, leaving commuters a long detour, it said.</p>"
    body = f'<div class="text">{STORY * 4}</div>'
    html = f'<html><body><div class="story"><div class="lede">{lead}</div>{body}</div>'
    assert extract_article(html).text.startswith("The city will keep the bridge shut all winter")
    declared = html.replace('class="text"', 'class="text" itemprop="articleBody"')
    assert extract_article(declared).text.startswith("The council approved the plan")


def test_parts_of_a_story_split_by_figures_that_repeat_the_body_class_are_kept():
    part = '<section><div class="post-content">{}</div></section><figure><img src="x.jpg"></figure>'
    opening = "<p>The bridge, which carries ten thousand cars a day, closed on Monday for inspection.</p>" * 8
    later = "<p>Repairs, the engineers said, could take until spring, and the ferry will run meanwhile.</p>"
    html = f"<html><body><main>{part.format(opening)}{part.format(later * 2)}</main></body></html>"
    assert "the ferry will run meanwhile" in extract_article(html).text


def test_the_story_container_may_carry_paywall_words():
    rest = (
        "<p>Repairs, the engineers said, could take until spring, and the ferry will run meanwhile.</p>" * 3
    )
    html = (
        f'<html><body><div class="story-body">{STORY}<div class="paywall locked">{rest}</div></div>'
        '<div class="promo"><p>Subscribe today for unlimited access to every story we publish.</p></div>'
        "</body></html>"
    )
    text = extract_article(html).text
    assert text.count("the ferry will run meanwhile") == 3
    assert "Subscribe today" not in text


def test_teaser_lists_beside_a_short_story_are_not_story():
    teaser = (
        '<li><h3><a href="/{0}">Another headline number {0} about the town</a></h3>'
        "<p>A one-line excerpt of story {0}, with a comma, to tempt a reader.</p></li>"
    )
    teasers = "".join(teaser.format(n) for n in range(6))
    html = f'<html><body><div class="main"><div class="story">{STORY}</div><ul>{teasers}</ul></div></body>'
    text = extract_article(html).text
    assert "The council approved the plan" in text
    assert "excerpt of story" not in text


def test_a_sentence_ending_in_a_colon_before_an_embed_is_story_but_a_label_is_not():
    embed = '<blockquote class="instagram-media"><a href="https://example.org/p/1">A post</a></blockquote>'
    intro = "<p>Readers online were quick to mock the new slogan:</p>"
    html = f"<html><body><article>{STORY}{intro}{embed}<p>Related coverage:</p></article></body></html>"
    text = extract_article(html).text
    assert text.endswith("Readers online were quick to mock the new slogan:")


def test_a_sentence_that_links_most_of_its_words_is_story_but_a_link_list_is_not():
    linked = (
        '<p><a href="/a">The mayor</a> has since been replaced by <a href="/b">her long-serving deputy'
        " from the northern district</a>.</p>"
    )
    links = '<p><a href="/c">Read the council minutes for March</a> | <a href="/d">Budget archive</a></p>'
    html = f"<html><body><article>{STORY}{linked}{links}</article></body></html>"
    text = extract_article(html).text
    assert "The mayor has since been replaced by her long-serving deputy" in text
    assert "Budget archive" not in text


def test_a_hover_card_inside_a_paragraph_is_not_read_into_the_sentence():
    card = (
        '<span class="person-card"><img src="x.jpg"><a href="/people/ana-ruiz">Ana Maria Ruiz</a>'
        '<a href="/news/1">Council backs the bridge plan</a> <a href="/news/2">Ferry fares to rise</a>'
        ' <a href="/people/ana-ruiz">MORE</a></span>'
    )
    paragraph = (
        f'<p>Mayor <a href="/people/ana-ruiz">Ana Ruiz</a>{card} defended the bridge plan on Monday.</p>'
    )
    html = f"<html><body><article>{STORY}{paragraph}</article></body></html>"
    text = extract_article(html).text
    assert "Mayor Ana Ruiz defended the bridge plan on Monday." in text
    assert "Ferry fares" not in text


def test_a_linked_heading_over_its_section_is_story_but_linked_headlines_are_not():
    section = (
        '<h3><a href="https://shop.example/kettle">Brightwell 1.7L Glass Kettle</a></h3>'
        "<p>It boils a full jug in under four minutes, and the blue light is easy to read at night.</p>"
    )
    headlines = '<h3><a href="/x">Another guide to read</a></h3><h3><a href="/y">And one more guide</a></h3>'
    html = f"<html><body><article>{STORY}{section}{headlines}{STORY}</article></body></html>"
    text = extract_article(html).text
    assert "Brightwell 1.7L Glass Kettle\n\nIt boils a full jug" in text
    assert "Another guide to read" not in text


def test_one_sentence_paragraph_wrappers_before_the_body_are_kept_but_not_after_it():
    lead = '<div class="para">The bridge closed on Monday.</div>'
    lead += '<div class="para">You should not expect it soon.</div>'
    after = '<div class="para">Follow our reporter on social media for more updates.</div>'
    html = (
        f'<html><body><div class="zone">{lead}<div class="rest">{STORY * 3}</div>{after}</div></body></html>'
    )
    text = extract_article(html).text
    assert text.startswith("The bridge closed on Monday.\n\nYou should not expect it soon.")
    assert "Follow our reporter" not in text
