// The content script: finds each sentence's quote in the live page, wraps it in
// <sourcecheck-mark> elements, shows a tooltip, and puts the page back on request.
// Nothing from the server is ever parsed as HTML: text goes in with textContent only.
/* global SOURCECHECK_MESSAGES */
(() => {
  if (globalThis.__sourcecheckContent) return;
  globalThis.__sourcecheckContent = true;
  globalThis.browser ??= chrome;

  const MESSAGES = SOURCECHECK_MESSAGES;
  const MARK = "sourcecheck-mark";
  const SKIPPED = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "TEMPLATE", "SVG", MARK.toUpperCase()]);
  const CONTEXT_CHARS = 32;
  const EDGE_CHARS = 24; // characters of a sentence's start and end that must still match
  const APPROXIMATE_SLACK = 0.2; // an edited sentence may grow or shrink by a fifth
  const READER_NAMES = {
    unattributed: "No source given",
    opinion: "Writer's opinion or prediction",
    attributed: "Source named",
    neutral: "Neutral",
  };

  // A page's text without whitespace, with where each character lives. Comparing text
  // without whitespace makes block boundaries, line breaks and &nbsp; irrelevant.
  function indexText(root) {
    const nodes = [];
    const positions = [];
    let compact = "";
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        for (let el = node.parentElement; el && el !== root.parentElement; el = el.parentElement) {
          if (SKIPPED.has(el.tagName.toUpperCase())) return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      for (let i = 0; i < text.length; i++) {
        if (!/\s/.test(text[i])) {
          compact += text[i];
          positions.push(nodes.length, i);
        }
      }
      nodes.push(node);
    }
    return { compact, nodes, positions };
  }

  const squeeze = (text) => text.replace(/\s+/g, "");

  function commonSuffix(a, b) {
    let n = 0;
    while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
    return n;
  }

  function commonPrefix(a, b) {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  }

  // Find the best occurrence of the quote: exact text, then prefix and suffix agreement,
  // then closeness to where the server's offset says it should be.
  function locate(index, quote, hintRatio) {
    const exact = squeeze(quote.exact);
    if (!exact) return null;
    const prefix = squeeze(quote.prefix).slice(-CONTEXT_CHARS);
    const suffix = squeeze(quote.suffix).slice(0, CONTEXT_CHARS);
    const closeness = (at) => 1 - Math.abs(at / Math.max(index.compact.length, 1) - hintRatio);
    let best = null;
    for (let at = index.compact.indexOf(exact); at !== -1; at = index.compact.indexOf(exact, at + 1)) {
      const before = index.compact.slice(Math.max(0, at - prefix.length), at);
      const after = index.compact.slice(at + exact.length, at + exact.length + suffix.length);
      const score = commonSuffix(before, prefix) + commonPrefix(after, suffix) + closeness(at);
      if (!best || score > best.score) best = { start: at, end: at + exact.length, score };
    }
    return best ?? approximate(index.compact, exact, prefix, suffix, closeness);
  }

  // The page's text may differ a little from the server's (a word edited after loading):
  // anchor by the sentence's own first and last characters, or else by the text around it,
  // accepting a span whose length is within APPROXIMATE_SLACK of the quote's.
  function approximate(text, exact, prefix, suffix, closeness) {
    const slack = Math.max(6, Math.round(exact.length * APPROXIMATE_SLACK));
    const edge = Math.min(EDGE_CHARS, Math.floor(exact.length / 3));
    let best = null;
    const consider = (start, end) => {
      const drift = Math.abs(end - start - exact.length);
      if (drift > slack) return;
      const score = 1 - drift / exact.length + closeness(start);
      if (!best || score > best.score) best = { start, end, score };
    };
    const pairs = [[exact.slice(0, edge), exact.slice(-edge), 0]];
    if (prefix.length >= edge && suffix.length >= edge) pairs.push([prefix, suffix, prefix.length]);
    for (const [head, tail, skip] of pairs) {
      if (best || !head || !tail) break;
      for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, at + 1)) {
        const start = at + skip;
        const tailAt = text.indexOf(tail, start + (skip ? 0 : head.length));
        if (tailAt === -1) continue;
        consider(start, skip ? tailAt : tailAt + tail.length);
      }
    }
    return best;
  }

  // Wrapping splits text nodes, so ranges are wrapped from the last to the first: a split
  // never moves the offsets of text that comes before it in the same node.
  function wrap(index, start, end, sentence) {
    const marks = [];
    const byNode = new Map();
    for (let k = start; k < end; k++) {
      const node = index.positions[2 * k];
      const offset = index.positions[2 * k + 1];
      const span = byNode.get(node);
      if (span) span.end = offset + 1;
      else byNode.set(node, { start: offset, end: offset + 1 });
    }
    for (const [nodeIndex, span] of byNode) {
      let node = index.nodes[nodeIndex];
      if (span.end < node.data.length) node.splitText(span.end);
      if (span.start > 0) node = node.splitText(span.start);
      const mark = document.createElement(MARK);
      mark.dataset.label = sentence.label;
      mark.dataset.sentence = String(sentence.id);
      mark.tabIndex = 0;
      node.replaceWith(mark);
      mark.append(node);
      marks.push(mark);
    }
    return marks;
  }

  let tooltip = null;

  function tooltipHost() {
    if (tooltip) return tooltip;
    const host = document.createElement("sourcecheck-tooltip");
    const shadow = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = `
      .tip { position: fixed; z-index: 2147483647; max-width: 360px; padding: 10px 12px;
        font: 13px/1.4 system-ui, sans-serif; color: #111; background: #fff;
        border: 1px solid #888; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.25); }
      .tip[hidden] { display: none; }
      .label { font-weight: 600; margin: 0 0 4px; }
      .reason, .source { margin: 4px 0 0; }`;
    const box = document.createElement("div");
    box.className = "tip";
    box.hidden = true;
    box.setAttribute("role", "tooltip");
    shadow.append(style, box);
    document.documentElement.append(host);
    tooltip = { host, box };
    return tooltip;
  }

  function showTooltip(mark, sentence) {
    const { box } = tooltipHost();
    const lines = [
      ["label", `${READER_NAMES[sentence.label]} · ${Math.round(sentence.score * 100)}% confident`],
      ["reason", sentence.reason],
    ];
    if (sentence.source) lines.push(["source", `Source: ${sentence.source.text}`]);
    box.replaceChildren(
      ...lines.map(([name, text]) => {
        const p = document.createElement("p");
        p.className = name;
        p.textContent = text;
        return p;
      }),
    );
    const rect = mark.getBoundingClientRect();
    box.style.left = `${Math.max(8, Math.min(rect.left, window.innerWidth - 380))}px`;
    box.style.top = `${rect.bottom + 6 < window.innerHeight - 120 ? rect.bottom + 6 : Math.max(8, rect.top - 130)}px`;
    box.hidden = false;
  }

  function hideTooltip() {
    if (tooltip) tooltip.box.hidden = true;
  }

  const style = document.createElement("style");
  style.dataset.sourcecheck = "";
  style.textContent = `
    ${MARK} { background: transparent; color: inherit; cursor: help; }
    ${MARK}[data-label="unattributed"] { background: rgba(255, 196, 0, .35); text-decoration: underline wavy #b35c00; text-underline-offset: 3px; }
    ${MARK}[data-label="opinion"] { background: rgba(120, 160, 255, .30); text-decoration: underline dashed #2848a8; text-underline-offset: 3px; }
    ${MARK}[data-label="attributed"] { text-decoration: underline dotted #2e7d32; text-underline-offset: 3px; }
    ${MARK}:focus { outline: 2px solid currentColor; outline-offset: 1px; }
    ${MARK}.sourcecheck-pulse { animation: sourcecheck-pulse 1.2s ease-out 2; }
    @keyframes sourcecheck-pulse { 50% { box-shadow: 0 0 0 4px rgba(200, 40, 40, .6); } }`;

  const placed = new Map();

  function clear() {
    const marks = document.querySelectorAll(MARK);
    const parents = new Set();
    for (const mark of marks) {
      parents.add(mark.parentNode);
      mark.replaceWith(...mark.childNodes);
    }
    for (const parent of parents) parent?.normalize();
    tooltip?.host.remove();
    tooltip = null;
    style.remove();
    placed.clear();
    return marks.length;
  }

  function show(sentences) {
    clear();
    if (!document.body) return 0;
    const index = indexText(document.body);
    const total = sentences.length ? Math.max(...sentences.map((s) => s.end)) : 1;
    const found = sentences
      .map((sentence) => ({ sentence, range: locate(index, sentence.quote, sentence.start / total) }))
      .filter(({ range }) => range !== null)
      .sort((a, b) => b.range.start - a.range.start);
    let count = 0;
    for (const { sentence, range } of found) {
      const marks = wrap(index, range.start, range.end, sentence);
      for (const mark of marks) {
        mark.addEventListener("mouseenter", () => showTooltip(mark, sentence));
        mark.addEventListener("focus", () => showTooltip(mark, sentence));
        mark.addEventListener("mouseleave", hideTooltip);
        mark.addEventListener("blur", hideTooltip);
      }
      if (marks.length) {
        placed.set(sentence.id, marks);
        count++;
      }
    }
    if (count) document.documentElement.append(style);
    return count;
  }

  function scrollTo(id) {
    const marks = placed.get(id);
    if (!marks) return false;
    marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
    for (const mark of marks) {
      mark.classList.remove("sourcecheck-pulse");
      void mark.offsetWidth;
      mark.classList.add("sourcecheck-pulse");
      mark.addEventListener("animationend", () => mark.classList.remove("sourcecheck-pulse"), { once: true });
    }
    marks[0].focus({ preventScroll: true });
    return true;
  }

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    switch (message.type) {
      case MESSAGES.SHOW_HIGHLIGHTS:
        sendResponse(show(message.sentences));
        break;
      case MESSAGES.CLEAR_HIGHLIGHTS:
        sendResponse(clear());
        break;
      case MESSAGES.SCROLL_TO:
        sendResponse(scrollTo(message.id));
        break;
      default:
        return false;
    }
    return false;
  });
})();
