"""Nothing a client sends may crash the API, leak its internals or starve other readers."""

from __future__ import annotations

import http.server
import ipaddress
import json
import socket
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.fetch import FetchError, fetch_url, is_public_address
from tests.conftest import free_port, page_html

PROBLEM = "application/problem+json"
NORMAL_PAGE = page_html("seed-wire")


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert set(body) >= {"type", "title", "status", "detail"}
    return body


def test_an_api_key_guards_everything_but_health(make_app):
    client = make_app(API_KEY="k3y").test_client()
    _problem(client.post("/api/v1/analyze", json={"html": NORMAL_PAGE}), 401)
    _problem(
        client.post("/api/v1/analyze", json={"html": NORMAL_PAGE}, headers={"Authorization": "Bearer no"}),
        401,
    )
    assert (
        client.post(
            "/api/v1/analyze", json={"html": NORMAL_PAGE}, headers={"Authorization": "Bearer k3y"}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/health").status_code == 200
    _problem(client.get("/api/v1/model"), 401)


def test_a_client_over_its_rate_gets_429_with_retry_after(make_app):
    client = make_app(RATE_LIMIT="2 per minute").test_client()
    for _ in range(2):
        assert client.get("/api/v1/model").status_code == 200
    response = client.get("/api/v1/model")
    _problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/api/v1/health").status_code == 200, "health is never rate limited"


def test_an_overlong_article_is_422(make_app):
    body = _problem(
        make_app(MAX_TEXT_CHARS=200).test_client().post("/api/v1/analyze", json={"html": NORMAL_PAGE}), 422
    )
    assert "characters" in body["detail"]


def test_a_pathological_page_is_cut_off_and_the_server_stays_healthy(make_app):
    client = make_app(PAGE_TIME_LIMIT_SECONDS=0.2).test_client()
    slow = (
        "<div>" * 90_000
        + "<p>Deep text, far down the tree, that nobody will read today.</p>"
        + "</div>" * 90_000
    )
    started = time.monotonic()
    body = _problem(client.post("/api/v1/analyze", json={"html": slow}), 422)
    assert "seconds" in body["detail"]
    assert time.monotonic() - started < 10
    assert client.post("/api/v1/analyze", json={"html": NORMAL_PAGE}).status_code == 200


def test_urls_are_not_fetched_unless_enabled(make_app):
    _problem(make_app().test_client().post("/api/v1/analyze", json={"url": "https://example.org/"}), 400)


def test_an_enabled_fetch_refuses_internal_addresses(make_app):
    client = make_app(ALLOW_URL_FETCH=True).test_client()
    for url in (
        "http://127.0.0.1:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "file:///etc/passwd",
    ):
        body = _problem(client.post("/api/v1/analyze", json={"url": url}), 422)
        assert url.split("/")[0] in body["detail"] or "public" in body["detail"] or "http" in body["detail"]


class _Pages(http.server.BaseHTTPRequestHandler):
    """A tiny site: an article, a redirect to the metadata address, JSON, a huge page, a slow one."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the name is http.server's)
        routes = {
            "/article": (200, "text/html; charset=utf-8", NORMAL_PAGE.encode()),
            "/to-metadata": (302, "text/html", b""),
            "/loop": (302, "text/html", b""),
            "/data": (200, "application/json", b"{}"),
            "/huge": (200, "text/html", b"<p>" + b"x" * (6 * 1024 * 1024) + b"</p>"),
        }
        _Pages.seen.append(self.path)
        if self.path == "/slow":
            self._trickle()
            return
        status, kind, body = routes.get(self.path, (404, "text/plain", b"missing"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if self.path == "/to-metadata":
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        if self.path == "/loop":
            self.send_header("Location", "/loop")
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self) -> None:
        """Send a page one byte every half second, for at most 20 seconds."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(40):
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.5)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _loopback_only(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A test policy: our own loopback site is allowed, every other non-public address is not."""
    return address.is_loopback or address.is_global


def test_fetch_reads_an_html_page(site):
    assert "Xi Jinping" in fetch_url(f"{site}/article", allowed=_loopback_only)


def test_fetch_refuses_loopback_by_default(site):
    with pytest.raises(FetchError, match="not a public address"):
        fetch_url(f"{site}/article")


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/to-metadata", "not a public address"),
        ("/loop", "redirects"),
        ("/data", "not an HTML page"),
        ("/huge", "larger than"),
        ("/missing", "404"),
    ],
)
def test_fetch_checks_every_hop_type_and_size(site, path, why):
    with pytest.raises(FetchError, match=why):
        fetch_url(f"{site}{path}", allowed=_loopback_only)


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of the cloud metadata address
        "64:ff9b:1::a00:1",  # local-use NAT64
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "::127.0.0.1",  # IPv4-compatible
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "::ffff:0:7f00:1",  # IPv4-translated
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:192.168.1.1",
        "192.0.0.1",
        "192.0.0.9",
        "192.0.0.10",
        "192.0.0.255",
        "0.0.0.0",
        "100.64.0.1",
        "fe80::1",
        "fc00::1",
    ],
)
def test_internal_addresses_in_every_spelling_are_not_public(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "64:ff9b::808:808", "2002:808:808::", "2606:4700::1111"])
def test_public_addresses_stay_public(address):
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "host",
    ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.0.0.1", "017700000001", "[::ffff:7f00:1]"],
)
def test_numeric_spellings_of_loopback_are_refused(site, host):
    port = site.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match="not a public address"):
        fetch_url(f"http://{host}:{port}/article")


def test_a_rebinding_resolver_cannot_send_the_fetch_to_loopback(site, monkeypatch):
    """The name first resolves to an allowed address where nothing listens, then to loopback."""
    port = int(site.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    answers = iter(["127.0.0.2", *["127.0.0.1"] * 20])

    def rebinding(host, *args, **kwargs):
        if host != "rebind.test":
            return real(host, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    only_the_decoy = lambda address: str(address) == "127.0.0.2"  # noqa: E731
    _Pages.seen.clear()
    with pytest.raises(FetchError):
        fetch_url(f"http://rebind.test:{port}/article", allowed=only_the_decoy)
    assert _Pages.seen == [], "the request reached the loopback site"


def test_a_page_that_trickles_in_meets_the_fetch_deadline(site, monkeypatch):
    monkeypatch.setattr("server.fetch.FETCH_DEADLINE_SECONDS", 2, raising=False)
    started = time.monotonic()
    with pytest.raises(FetchError, match="more than 2 seconds"):
        fetch_url(f"{site}/slow", allowed=_loopback_only)
    assert time.monotonic() - started < 6


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)
_hostile_html = st.one_of(
    _text,
    st.builds(lambda n: "<div>" * n + "<p>deep</p>", st.integers(0, 5000)),
    st.builds(lambda s: f"<p {s}='{s * 50}'>{s}</p>", st.text(max_size=20)),
    st.builds(lambda b: b.decode("latin-1"), st.binary(max_size=300)),
    st.sampled_from(
        ["\x00" * 50, "<html><frameset></frameset>", "<?xml version='1.0'?><html/>", "<p>\ud7ff\ufeff‮"]
    ),
)


@st.composite
def hostile_requests(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["json-object", "json-any", "raw", "html-field"]))
    content_type = draw(
        st.sampled_from(
            ["application/json", "application/json; charset=latin-1", "text/plain", "", "text/html"]
        )
    )
    if kind == "json-object":
        data = json.dumps(
            draw(st.dictionaries(st.sampled_from(["html", "url", "x"]), _json_values, max_size=3))
        )
    elif kind == "json-any":
        data = json.dumps(draw(_json_values))
    elif kind == "html-field":
        data = json.dumps({"html": draw(_hostile_html), "url": draw(st.one_of(st.none(), _text))})
    else:
        data = draw(st.binary(max_size=500))
    return {"data": data, "content_type": content_type}


_lone_surrogates = st.lists(
    st.one_of(_text, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF).map(str)), max_size=8
).map("".join)
_BODY_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]


@st.composite
def invalid_unicode_requests(draw: st.DrawFn) -> dict:
    """Lone surrogates in any field, surrogate bytes in UTF-8, BOMs, UTF-16/32 bodies, wrong charsets."""
    fields = draw(st.dictionaries(st.sampled_from(["html", "url", "x"]), _lone_surrogates, min_size=1))
    if "html" in fields:
        fields["html"] = draw(st.sampled_from(["<p>", "<article><p>", ""])) + fields["html"] + NORMAL_PAGE
    text = json.dumps(fields, ensure_ascii=draw(st.booleans()))
    form = draw(st.sampled_from(["escapes", "surrogate-bytes", "encoded"]))
    if form == "surrogate-bytes":
        data = text.encode("utf-8", "surrogatepass")
    elif form == "encoded":
        encoding = draw(st.sampled_from(_BODY_ENCODINGS))
        data = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    else:
        data = text.encode("ascii", "backslashreplace")
    charset = draw(
        st.sampled_from(["", "; charset=utf-8", "; charset=UTF-16", "; charset=latin-1", "; charset=x"])
    )
    return {"data": data, "content_type": "application/json" + charset}


@settings(max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(request=st.one_of(hostile_requests(), invalid_unicode_requests()))
def test_hostile_requests_never_get_a_5xx(app, request):
    client = app.test_client()
    started = time.monotonic()
    response = client.post("/api/v1/analyze", **request)
    assert time.monotonic() - started < 5
    assert response.status_code < 500
    if response.status_code >= 400:
        _problem(response, response.status_code)


@settings(max_examples=20, deadline=5000)
@given(depth=st.integers(1_000, 200_000))
def test_deeply_nested_json_is_a_400(app, depth):
    response = app.test_client().post(
        "/api/v1/analyze", data="[" * depth + "]" * depth, content_type="application/json"
    )
    _problem(response, 400)


_STORY = (
    "<article><h1>Budget agreed</h1><p>The council met {mark} on Monday and agreed the budget"
    " for next year. The mayor said the vote was close.</p>"
    "<p>Work on the bridge starts in March, officials said.</p></article>"
)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (json.dumps({"html": _STORY.format(mark="\ud800")}).encode(), 200),
        (b"\xef\xbb\xbf" + json.dumps({"html": _STORY.format(mark="\udfff\ud83d")}).encode(), 200),
        (
            json.dumps({"html": _STORY.format(mark="\ud800")}, ensure_ascii=False).encode(
                "utf-8", "surrogatepass"
            ),
            400,
        ),
    ],
    ids=["escaped-lone-surrogate", "bom-and-escaped-surrogates", "surrogate-bytes-in-utf-8"],
)
def test_a_lone_surrogate_in_the_page_is_replaced_and_surrogate_bytes_refused(app, data, status):
    response = app.test_client().post("/api/v1/analyze", data=data, content_type="application/json")
    if status == 400:
        _problem(response, 400)
        return
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_json()["article"]["text"]
    assert "The council met \ufffd" in text
    assert not any("\ud800" <= ch <= "\udfff" for ch in text)


def test_a_lone_surrogate_in_the_url_is_a_400(app):
    body = _problem(
        app.test_client().post(
            "/api/v1/analyze",
            data=json.dumps({"html": NORMAL_PAGE, "url": "https://a.example/\udc80"}),
            content_type="application/json",
        ),
        400,
    )
    assert "url" in body["detail"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le"])
def test_utf16_and_utf32_bodies_are_refused(app, encoding):
    data = json.dumps({"html": NORMAL_PAGE}).encode(encoding)
    _problem(app.test_client().post("/api/v1/analyze", data=data, content_type="application/json"), 400)


def test_a_utf8_bom_is_accepted_and_other_charsets_refused(app):
    data = b"\xef\xbb\xbf" + json.dumps({"html": NORMAL_PAGE}).encode()
    assert (
        app.test_client().post("/api/v1/analyze", data=data, content_type="application/json").status_code
        == 200
    )
    latin = json.dumps({"html": NORMAL_PAGE}).encode("latin-1", "replace")
    _problem(
        app.test_client().post(
            "/api/v1/analyze", data=latin, content_type="application/json; charset=latin-1"
        ),
        415,
    )


def test_the_app_still_answers_after_the_onslaught(app):
    assert app.test_client().post("/api/v1/analyze", json={"html": NORMAL_PAGE}).status_code == 200


def test_an_enormous_attribute_and_a_wrong_charset_are_answered(app):
    html = '<p class="' + "x" * 3_000_000 + '">Text.</p>' + NORMAL_PAGE
    assert app.test_client().post("/api/v1/analyze", json={"html": html}).status_code == 200
    body = '{"html": "caf\xe9"}'.encode("latin-1")
    _problem(app.test_client().post("/api/v1/analyze", data=body, content_type="application/json"), 400)


def test_five_megabytes_of_paragraphs_is_answered(make_app):
    client = make_app(MAX_CONTENT_LENGTH=6 * 1024 * 1024).test_client()
    html = "<p>The council met again and nothing was decided.</p>" * (5 * 1024 * 1024 // 52)
    response = client.post("/api/v1/analyze", json={"html": html})
    assert response.status_code in {200, 422}
    if response.status_code == 422:
        _problem(response, 422)


def _answered_within(client, html: str, seconds: float) -> object:
    started = time.monotonic()
    response = client.post("/api/v1/analyze", json={"html": html})
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert response.status_code in {200, 422}, response.get_data(as_text=True)[:300]
    if response.status_code == 422:
        _problem(response, 422)
    return response


def test_one_sentence_with_45000_reporting_verbs_is_answered_in_seconds(app):
    sentence = "The minister said " + "and he said ".join(["x "] * 45_000) + "it was over."
    _answered_within(app.test_client(), f"<article><h1>Talks</h1><p>{sentence}</p></article>", 20)


def test_reading_a_sentence_grows_linearly_with_its_reporting_verbs():
    """CPU time for 4x the verbs, against the same sentence at 1x in this run: linear is ~4x."""
    from classifiers.cues import read_cues

    def cpu(n: int) -> float:
        text = "The minister said " + " and, saying so, she said ".join(["x"] * n) + ", reports NPR."
        started = time.process_time()
        read_cues(text)
        return time.process_time() - started

    cpu(500)
    ratio = min(cpu(8_000) for _ in range(2)) / min(cpu(2_000) for _ in range(2))
    assert ratio < 8, f"4x the verbs took {ratio:.1f}x the time"


def test_the_page_time_limit_holds_between_long_sentences(make_app):
    client = make_app(PAGE_TIME_LIMIT_SECONDS=0.3).test_client()
    sentence = "Officials said " + " and officials said ".join(["the plan"] * 300) + "."
    html = "<article><h1>Plans</h1>" + "".join(f"<p>{sentence}</p>" for _ in range(40)) + "</article>"
    response = _answered_within(client, html, 15)
    assert response.status_code == 422
    assert "seconds" in response.get_json()["detail"]


def test_the_page_time_limit_counts_the_pages_own_work_not_time_lost_to_neighbours(make_app, monkeypatch):
    """On a busy server a page waits for the CPU; that wait must not get it refused."""
    import server.analysis

    split_sentences = server.analysis.split_sentences

    def split_on_a_busy_machine(*args):
        time.sleep(1.2)  # other requests hold the CPU
        return split_sentences(*args)

    monkeypatch.setattr(server.analysis, "split_sentences", split_on_a_busy_machine)
    client = make_app(PAGE_TIME_LIMIT_SECONDS=1).test_client()
    response = client.post("/api/v1/analyze", json={"html": NORMAL_PAGE})
    assert response.status_code == 200, response.get_json()


def test_a_page_is_cut_off_by_the_wall_clock_when_the_machine_is_too_busy(monkeypatch):
    import server.analysis
    from classifiers.model import BUNDLED_MODEL, load_model
    from server.problems import Problem

    classify = server.analysis.classify

    def slow_clock_checks(model, items, check):
        return classify(model, items, lambda: time.sleep(0.5) or check())

    monkeypatch.setattr(server.analysis, "classify", slow_clock_checks)
    limits = server.analysis.Limits(
        200_000, 400_000, time_limit_seconds=5, context_chars=32, wall_limit_seconds=0.3
    )
    paragraph = (
        "<p>The council met on Tuesday and agreed to hold another meeting about the budget next month.</p>"
    )
    long_page = "<article><h1>Budget</h1>" + paragraph * 300 + "</article>"  # several batches
    with pytest.raises(Problem) as refused:
        server.analysis.analyze(long_page, None, load_model(BUNDLED_MODEL), limits)
    assert refused.value.code == 422


@pytest.mark.parametrize("tag", ["<p>", "<b>", "<td>"])
def test_five_megabytes_of_empty_tags_are_refused_before_parsing(make_app, tag):
    client = make_app(MAX_CONTENT_LENGTH=6 * 1024 * 1024).test_client()
    response = _answered_within(client, tag * (5 * 1024 * 1024 // len(tag)), 5)
    assert response.status_code == 422
    assert "elements" in response.get_json()["detail"]


def test_scripts_full_of_less_than_signs_are_not_counted_as_elements(make_app):
    script = "<script>" + "if (a < b) { x(); } " * 20_000 + "</script>"
    client = make_app(MAX_ELEMENTS=10_000).test_client()
    assert client.post("/api/v1/analyze", json={"html": script + NORMAL_PAGE}).status_code == 200


def test_unique_huge_class_strings_do_not_stay_in_memory():
    import gc
    import tracemalloc

    from server.extract import extract_article

    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(8):
            extract_article(f'<div class="{n}{"x" * 1_000_000}">{NORMAL_PAGE}</div>')
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 2_000_000, f"{kept:,} bytes kept after 8 pages with a unique 1 MB class"
