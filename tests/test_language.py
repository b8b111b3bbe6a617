from server.extract import extract_article
from server.language import written_language
from tests.conftest import ROOT, page_html

GERMAN_PAGE = ROOT / "tests" / "fixtures" / "german-news.html"


def paragraphs(html: str) -> list[str]:
    article = extract_article(html)
    assert article is not None
    return [article.text[block.start : block.end] for block in article.blocks]


def test_a_german_news_page_reads_as_german():
    assert written_language(paragraphs(GERMAN_PAGE.read_text(encoding="utf-8"))) == "de"


def test_the_seed_pages_read_as_english():
    for slug in ("seed-blog", "seed-wire"):
        assert written_language(paragraphs(page_html(slug))) == "en"


def test_a_quote_in_another_language_is_outvoted_by_the_article():
    english = paragraphs(page_html("seed-wire"))
    german = paragraphs(GERMAN_PAGE.read_text(encoding="utf-8"))
    assert written_language([*english[:3], german[2], *english[3:]]) == "en"


def test_lines_too_short_to_tell_give_no_language():
    assert written_language(["Advertisement", "12 photos", "By AP"]) is None
    assert written_language([]) is None
