import pytest

from classifiers.samples import read_jsonl
from server.extract import PageTooLargeError, extract_article
from tests.conftest import PAGES, page_html
from tests.golden import expected, extracted, page_dirs

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


def test_too_many_elements_is_refused():
    with pytest.raises(PageTooLargeError):
        extract_article("<p>x</p>" * 50, max_elements=20)
