"""A reader corrects a highlight in a real Chromium; the editor accepts it and the model learns it."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest
import requests

from tests.conftest import ROOT, SAMPLES, checkout_environment, page_html, running_server
from tests.test_extension import _luminance, extension_browser, serving_pages, split_sentence

pytestmark = [pytest.mark.browser, pytest.mark.server]

PAGE = "seed-blog"
NOTE = "The writer's own reading of the call, not a reported fact."
# A train and a test file of the samples: enough for `sourcecheck train` to run in seconds.
SMALL_SAMPLES = "news-narrative-facts-and-events.jsonl"


@pytest.fixture(scope="module")
def pages_url():
    with serving_pages() as url:
        yield url


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The API, with its feedback store in its own work directory (see `running_server`)."""
    with running_server(tmp_path_factory.mktemp("api")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory, server):
    with extension_browser(tmp_path_factory.mktemp("profile"), server.url) as launched:
        yield launched


def _sourcecheck(database: pathlib.Path, *args: str) -> str:
    """Run the editor's `sourcecheck` command against the server's feedback store."""
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=checkout_environment({"SOURCECHECK_FEEDBACK_DB": f"sqlite:///{database}"}),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _open_checked(browser, url: str):
    """Open a page, check it as the popup does, and return (page, the check's result)."""
    context, worker = browser
    page = context.new_page()
    page.set_viewport_size({"width": 900, "height": 700})
    page.goto(url)
    tab_id = worker.evaluate("async url => (await chrome.tabs.query({url}))[0].id", url)
    return page, worker.evaluate("id => globalThis.sourcecheck.checkTab(id)", tab_id)


def _unattributed(result: dict) -> dict:
    flagged = [s for s in result["flagged"] if s["label"] == "unattributed"]
    assert flagged, "the page has a sentence the model marks as naming no source"
    return flagged[0]


def _tip(page) -> dict:
    """The tooltip as the reader meets it: shown or not, its text, its box, what has focus."""
    return page.evaluate(
        """() => {
            const host = document.querySelector('sourcecheck-tooltip');
            const box = host && host.shadowRoot.querySelector('.tip');
            const focused = host && host.shadowRoot.activeElement;
            const r = box && box.getBoundingClientRect();
            return {shown: Boolean(box && !box.hidden), text: box ? box.innerText : '',
                    rect: r && {left: r.left, top: r.top, right: r.right, bottom: r.bottom},
                    focused: focused && (focused.textContent || focused.value || focused.tagName),
                    focusedTag: focused && focused.tagName, inside: document.activeElement === host,
                    buttons: host ? [...host.shadowRoot.querySelectorAll('button')]
                        .filter((b) => b.checkVisibility()).map((b) => b.textContent) : []};
        }"""
    )


def _mark_rects(page, sentence_id: int) -> list[dict]:
    return page.evaluate(
        """id => [...document.querySelectorAll(`sourcecheck-mark[data-sentence="${id}"]`)]
            .flatMap((m) => [...m.getClientRects()])
            .map((r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom}))""",
        sentence_id,
    )


def _overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def _assert_clear_of_sentence(page, sentence_id: int) -> None:
    tip = _tip(page)
    rects = _mark_rects(page, sentence_id)
    assert tip["shown"] and rects
    assert not any(_overlaps(tip["rect"], rect) for rect in rects), (tip["rect"], rects)


def _focus_mark(page, sentence_id: int) -> None:
    page.focus(f'sourcecheck-mark[data-sentence="{sentence_id}"][tabindex="0"]')


def _focused_sentence(page) -> str | None:
    return page.evaluate("() => document.activeElement.dataset.sentence ?? null")


def _correct_by_keyboard(page, sentence: dict) -> None:
    """Tab from the sentence into its tooltip, say No, choose "Writer's opinion", write a note, send."""
    _focus_mark(page, sentence["id"])
    assert _tip(page)["shown"]
    page.keyboard.press("Tab")
    assert _tip(page)["focused"] == "Yes", "Tab from the sentence reaches its tooltip's first control"
    page.keyboard.press("Tab")
    assert _tip(page)["focused"] == "No"
    page.keyboard.press("Enter")
    tip = _tip(page)
    assert "Writer's opinion" in tip["text"] and "Neither" in tip["text"]
    assert "No source given" not in tip["text"].split("What is it?")[1], "only the other labels"
    assert tip["focusedTag"] == "INPUT"
    _assert_clear_of_sentence(page, sentence["id"])
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert _tip(page)["focusedTag"] == "TEXTAREA"
    page.keyboard.type(NOTE)
    page.keyboard.press("Tab")
    assert _tip(page)["focused"] == "Send"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('sourcecheck-tooltip').shadowRoot.querySelector('.result')"
        ".textContent.includes('Thanks, sent')"
    )


def _previous_sentence(server_url: str, sentence_id: int) -> str:
    analysis = requests.post(
        f"{server_url}/api/v1/analyze", json={"html": page_html(PAGE)}, timeout=30
    ).json()
    ids = [s["id"] for s in analysis["sentences"]]
    return analysis["sentences"][ids.index(sentence_id) - 1]["text"]


def _small_samples(root: pathlib.Path) -> pathlib.Path:
    samples = root / "samples"
    for split in ("train", "test"):
        (samples / split).mkdir(parents=True)
        (samples / split / SMALL_SAMPLES).write_bytes((SAMPLES / split / SMALL_SAMPLES).read_bytes())
    return samples


def test_a_reader_corrects_a_highlight_by_keyboard_and_the_model_learns_it(
    browser, server, pages_url, tmp_path
):
    url = f"{pages_url}/{PAGE}/page.html"
    page, result = _open_checked(browser, f"{url}?utm_source=newsletter&reader=42")
    sentence = _unattributed(result)
    _correct_by_keyboard(page, sentence)
    _assert_clear_of_sentence(page, sentence["id"])
    page.keyboard.press("Escape")
    assert not _tip(page)["shown"]
    assert _focused_sentence(page) == str(sentence["id"]), "Escape puts focus back on the sentence"

    page.keyboard.press("Shift+Tab")
    _focus_mark(page, sentence["id"])
    tip = _tip(page)
    assert "Thanks, sent" in tip["text"] and "Yes" not in tip["buttons"], "one correction per page view"

    database = server.log.parent / "feedback.sqlite3"
    [item] = [json.loads(line) for line in _sourcecheck(database, "feedback", "list", "--jsonl").splitlines()]
    assert (item["text"], item["model_label"], item["reader_label"]) == (
        sentence["text"],
        "unattributed",
        "opinion",
    )
    assert item["model_score"] == pytest.approx(sentence["score"])
    assert item["note"] == NOTE
    assert item["url"] == url, "the address without its query and fragment"
    assert item["context"] == _previous_sentence(server.url, sentence["id"])
    assert item["model_version"] == requests.get(f"{server.url}/api/v1/model", timeout=10).json()["version"]

    _sourcecheck(database, "feedback", "accept", str(item["id"]))
    samples = _small_samples(tmp_path)
    _sourcecheck(database, "feedback", "export", "--out", str(samples / "feedback"))
    model = tmp_path / "model.skops"
    _sourcecheck(database, "train", str(samples), "--out", str(model))
    card = json.loads(model.with_suffix(".json").read_text(encoding="utf-8"))
    assert card["samples"]["train_by_origin"]["reader feedback"] == 1
    train_lines = len((samples / "train" / SMALL_SAMPLES).read_text(encoding="utf-8").splitlines())
    assert card["samples"]["train"] == train_lines + 1
    page.close()


def test_the_tooltip_stays_open_while_the_pointer_or_focus_is_in_it(browser, pages_url):
    page, result = _open_checked(browser, f"{pages_url}/{PAGE}/page.html")
    sentence = _unattributed(result)
    mark = page.locator(f'sourcecheck-mark[data-sentence="{sentence["id"]}"]').first
    mark.scroll_into_view_if_needed()
    mark.hover()
    _assert_clear_of_sentence(page, sentence["id"])
    tip = _tip(page)["rect"]
    page.mouse.move((tip["left"] + tip["right"]) / 2, (tip["top"] + tip["bottom"]) / 2, steps=8)
    page.wait_for_timeout(800)
    assert _tip(page)["shown"], "the pointer crossed the gap into the tooltip"
    page.locator("sourcecheck-tooltip").get_by_role("button", name="No", exact=True).click()
    page.mouse.move(5, 5)
    page.wait_for_timeout(800)
    assert _tip(page)["shown"], "focus is in the tooltip: it stays open"
    _assert_clear_of_sentence(page, sentence["id"])
    page.mouse.click(5, 5)
    page.wait_for_function(
        "() => document.querySelector('sourcecheck-tooltip').shadowRoot.querySelector('.tip').hidden"
    )
    page.close()


def test_near_the_bottom_of_the_window_the_tooltip_opens_above_the_sentence(browser, pages_url):
    page, result = _open_checked(browser, f"{pages_url}/{PAGE}/page.html")
    page.set_viewport_size({"width": 900, "height": 420})
    sentence_id = _unattributed(result)["id"]
    page.evaluate(
        "id => document.querySelector(`sourcecheck-mark[data-sentence='${id}']`)"
        ".scrollIntoView({block: 'end'})",
        sentence_id,
    )
    _focus_mark(page, sentence_id)
    top = min(rect["top"] for rect in _mark_rects(page, sentence_id))
    assert _tip(page)["rect"]["bottom"] <= top
    _assert_clear_of_sentence(page, sentence_id)
    page.close()


def test_the_tooltip_clears_every_fragment_of_a_sentence_split_by_markup(browser, pages_url):
    page, _ = _open_checked(browser, pages_url.replace("/samples/pages", "/tests/fixtures/structure.html"))
    split = split_sentence(page)
    assert split is not None, "the fixture has a sentence that runs through inline markup"
    _focus_mark(page, int(split))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert "What is it?" in _tip(page)["text"]
    _assert_clear_of_sentence(page, int(split))
    page.close()


def test_a_stopped_server_is_named_in_plain_words(browser, server, pages_url, tmp_path):
    worker = browser[1]
    with running_server(tmp_path) as stopping:
        worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", stopping.url)
        try:
            page, result = _open_checked(browser, f"{pages_url}/{PAGE}/page.html")
            stopping.process.terminate()
            stopping.process.wait(timeout=60)
            sentence = _unattributed(result)
            _focus_mark(page, sentence["id"])
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "() => document.querySelector('sourcecheck-tooltip').shadowRoot.querySelector('.result')"
                ".textContent.includes('not running')"
            )
        finally:
            worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", server.url)
    tip = _tip(page)
    assert "The sourcecheck server is not running" in tip["text"]
    assert "sourcecheck serve" in tip["text"]
    assert "Try again" in tip["buttons"]
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_correction_control_follows_the_colour_scheme(browser, pages_url, scheme):
    page, result = _open_checked(browser, f"{pages_url}/{PAGE}/page.html")
    page.emulate_media(color_scheme=scheme)
    _focus_mark(page, _unattributed(result)["id"])
    colours = page.evaluate(
        """() => [...document.querySelector('sourcecheck-tooltip').shadowRoot
            .querySelectorAll('.tip, button')]
            .map((el) => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; })"""
    )
    assert len(colours) >= 3
    for background, text in colours:
        assert (_luminance(background) < 0.3) == (scheme == "dark"), f"{background} in {scheme} mode"
        assert abs(_luminance(background) - _luminance(text)) > 0.5, f"{text} on {background}"
    page.close()
