// Anchoring: find each sentence the API returned in the text a reader can see, and wrap it
// in <sourcecheck-mark> elements; put the page back exactly on request.
//
// A sentence is found by its text quote (exact text, with about 32 characters of prefix and
// suffix), compared without whitespace so that block boundaries, <br>, &nbsp; and line
// breaks do not matter, and with soft hyphens, zero-width characters and curly quotes
// folded away. Where the text occurs more than once, the prefix and suffix decide, then the
// position the sentence has in the article's own text, placed between the sentences that
// occur only once. No two sentences ever share a range.
//
// A classic script with no imports: the content script and the unit tests (jsdom) load it
// as it is, and it defines one global.
(() => {
  if (globalThis.SOURCECHECK_ANCHOR) return;

  const MARK = "sourcecheck-mark";
  const SKIPPED = ["script", "style", "noscript", "textarea", "template", "svg", "title", MARK].join(",");
  const CONTEXT_CHARS = 32;
  const EDGE_CHARS = 24; // characters of a sentence's start and end that must still match
  const APPROXIMATE_SLACK = 0.2; // an edited sentence may grow or shrink by a fifth
  const HINT_SCALE = 400; // characters from the expected position at which nearness counts half
  const HINT_WEIGHT = 16; // nearness weighs as much as half the prefix, never more than the context

  // Characters a reader does not see, and characters that differ between a page and its
  // extracted text without changing what it says.
  const INVISIBLE = /[\s\u00ad\u200b-\u200d\u2060\ufeff]/;
  const FOLDED = new Map([
    ..."‘’‚‛′`".split("").map((c) => [c, "'"]),
    ..."“”„‟″«»".split("").map((c) => [c, '"']),
    ..."‐‑‒–—―−".split("").map((c) => [c, "-"]),
  ]);

  // Whole strings at a time, by the regex engine: a page has some 10^5 characters, and a
  // loop over each is what a new tab's cold JavaScript runs slowest.
  const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "g");
  const FOLDABLE = new RegExp(`[${[...FOLDED.keys()].join("")}]`, "g");

  function compactOf(text) {
    return text.replace(INVISIBLE_ALL, "").replace(FOLDABLE, (ch) => FOLDED.get(ch));
  }

  // Where the `count`-th character that is not INVISIBLE sits in `text` (its length if none).
  function rawOffset(text, count) {
    let seen = 0;
    for (let i = 0; i < text.length; i++) if (!INVISIBLE.test(text[i]) && seen++ === count) return i;
    return text.length;
  }

  // Whether an element's text can be seen: displayed all the way up, not visibility:hidden,
  // not aria-hidden, not inside a closed <details>, not clipped to nothing (screen-reader-only).
  // Print-only copies are display:none on screen, so the computed style covers them. Browsers
  // answer the style part natively (checkVisibility); elsewhere (jsdom) it is walked here.
  const CLIP_LEVELS = 3; // a screen-reader-only box wraps its text within this many levels

  function visibility(view) {
    const hiddenMark = new Map();
    const markedHidden = (el) => {
      if (!el) return false;
      let known = hiddenMark.get(el);
      if (known !== undefined) return known;
      const parent = el.parentElement;
      const closed = parent && parent.tagName === "DETAILS" && !parent.open && el.tagName !== "SUMMARY";
      known = el.getAttribute("aria-hidden") === "true" || Boolean(closed) || markedHidden(parent);
      hiddenMark.set(el, known);
      return known;
    };
    const displayed = new Map();
    const isDisplayed = (el) => {
      if (!el) return true;
      let known = displayed.get(el);
      if (known === undefined) {
        known = view.getComputedStyle(el).display !== "none" && isDisplayed(el.parentElement);
        displayed.set(el, known);
      }
      return known;
    };
    const styleVisible =
      typeof view.Element.prototype.checkVisibility === "function"
        ? (el) => el.checkVisibility({ visibilityProperty: true })
        : (el) => isDisplayed(el) && view.getComputedStyle(el).visibility === "visible";
    // Siblings share ancestors: each element's own clip is read once (getComputedStyle is
    // what costs, most of all in Firefox), not once per text node beneath it.
    const clipOf = new Map();
    const clipsItself = (el) => {
      let known = clipOf.get(el);
      if (known !== undefined) return known;
      const style = view.getComputedStyle(el);
      known = false;
      if (style.position === "absolute" || style.position === "fixed") {
        const clipped = /^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(style.clip) || style.clipPath === "inset(50%)";
        const pinhole = style.overflow === "hidden" && parseFloat(style.width) <= 1 && parseFloat(style.height) <= 1;
        known = clipped || pinhole;
      }
      clipOf.set(el, known);
      return known;
    };
    const clippedAway = (el) => {
      for (let level = 0; el && level < CLIP_LEVELS; level++, el = el.parentElement) if (clipsItself(el)) return true;
      return false;
    };
    return (el) => !markedHidden(el) && styleVisible(el) && !clippedAway(el);
  }

  // The visible text under `root` without whitespace (`compact`), its text nodes, and where
  // in `compact` each node's text starts.
  function indexText(root) {
    const doc = root.ownerDocument;
    const visible = visibility(doc.defaultView);
    const seen = new Map();
    const nodes = [];
    const starts = [];
    const parts = [];
    let length = 0;
    // Text nodes only, with no filter in JavaScript: in Firefox every node handed to a filter
    // crosses into the content script's world, so skipped tags are found per parent instead.
    const walker = doc.createTreeWalker(root, doc.defaultView.NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent) continue;
      let shown = seen.get(parent); // false: skipped or hidden; null: visibility not yet read
      if (shown === undefined) seen.set(parent, (shown = parent.closest(SKIPPED) ? false : null));
      if (shown === false) continue;
      const part = compactOf(node.data);
      if (!part) continue;
      if (shown === null) seen.set(parent, (shown = visible(parent)));
      if (!shown) continue;
      nodes.push(node);
      starts.push(length);
      parts.push(part);
      length += part.length;
    }
    return { compact: parts.join(""), nodes, starts };
  }

  // The index of the last node whose text starts at or before compact offset `at`.
  function nodeAt(index, at) {
    let lo = 0;
    let hi = index.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (index.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

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

  // Every place the sentence's exact text occurs, scored by how much of its prefix and
  // suffix agree.
  function candidates(compact, target) {
    const found = [];
    if (!target.exact) return found;
    for (let at = compact.indexOf(target.exact); at !== -1; at = compact.indexOf(target.exact, at + 1)) {
      const before = compact.slice(Math.max(0, at - target.prefix.length), at);
      const after = compact.slice(at + target.exact.length, at + target.exact.length + target.suffix.length);
      found.push({ start: at, end: at + target.exact.length, context: commonSuffix(before, target.prefix) + commonPrefix(after, target.suffix) });
    }
    return found;
  }

  // The page text may differ a little from the server's (a word edited after loading):
  // anchor by the sentence's own first and last characters, or else by the text around it,
  // accepting a span whose length is within APPROXIMATE_SLACK of the quote's.
  function approximate(compact, target) {
    const { exact, prefix, suffix } = target;
    const slack = Math.max(6, Math.round(exact.length * APPROXIMATE_SLACK));
    const edge = Math.min(EDGE_CHARS, Math.floor(exact.length / 3));
    const found = [];
    const pairs = [[exact.slice(0, edge), exact.slice(-edge), 0]];
    if (prefix.length >= edge && suffix.length >= edge) pairs.push([prefix, suffix, prefix.length]);
    for (const [head, tail, skip] of pairs) {
      if (found.length || !head || !tail) break;
      for (let at = compact.indexOf(head); at !== -1; at = compact.indexOf(head, at + 1)) {
        const start = at + skip;
        const tailAt = compact.indexOf(tail, start + (skip ? 0 : head.length));
        if (tailAt === -1) continue;
        const end = skip ? tailAt : tailAt + tail.length;
        const drift = Math.abs(end - start - exact.length);
        if (drift <= slack) found.push({ start, end, context: -drift });
      }
    }
    return found;
  }

  // Sentences found exactly once, kept where their page order follows the article's order
  // (longest increasing run): the frame that places every other sentence.
  function landmarks(targets) {
    const unique = targets.filter((t) => t.found.length === 1).sort((a, b) => a.start - b.start);
    const tails = [];
    const previous = new Array(unique.length).fill(-1);
    for (let i = 0; i < unique.length; i++) {
      const at = unique[i].found[0].start;
      let lo = 0;
      let hi = tails.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (unique[tails[mid]].found[0].start < at) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) previous[i] = tails[lo - 1];
      tails[lo] = i;
    }
    const chain = [];
    for (let i = tails.length ? tails[tails.length - 1] : -1; i !== -1; i = previous[i]) chain.push(unique[i]);
    return chain.reverse().map((t) => ({ article: t.start, page: t.found[0].start }));
  }

  // Where in the page a sentence should be, from its offset in the article's own text:
  // between the landmarks around it, or one landmark and the article's own spacing.
  function expectedPosition(frame, articleStart, fallback) {
    if (!frame.length) return fallback;
    let after = frame.findIndex((point) => point.article > articleStart);
    if (after === -1) after = frame.length;
    const left = frame[after - 1];
    const right = frame[after];
    if (left && right) {
      const slope = (right.page - left.page) / Math.max(1, right.article - left.article);
      return left.page + (articleStart - left.article) * slope;
    }
    const near = left ?? right;
    return near.page + (articleStart - near.article);
  }

  function overlaps(claimed, start, end) {
    return claimed.some((range) => start < range.end && range.start < end);
  }

  // Choose one range per sentence: the most certain sentences first, each taking its best
  // range that no other sentence holds.
  function locateAll(index, sentences, articleLength) {
    const pageLength = Math.max(index.compact.length, 1);
    const targets = sentences.map((sentence) => {
      const quote = sentence.quote ?? { exact: sentence.text, prefix: "", suffix: "" };
      const target = {
        sentence,
        start: sentence.start ?? 0,
        exact: compactOf(quote.exact),
        prefix: compactOf(quote.prefix).slice(-CONTEXT_CHARS),
        suffix: compactOf(quote.suffix).slice(0, CONTEXT_CHARS),
      };
      target.found = candidates(index.compact, target);
      return target;
    });
    const frame = landmarks(targets);
    const order = [...targets].sort((a, b) => (a.found.length || Infinity) - (b.found.length || Infinity) || a.start - b.start);
    const claimed = [];
    const placed = [];
    for (const target of order) {
      const hint = expectedPosition(frame, target.start, (target.start / Math.max(articleLength, 1)) * pageLength);
      const nearness = (range) => HINT_WEIGHT / (1 + Math.abs(range.start - hint) / HINT_SCALE);
      const pick = (found) =>
        found
          .filter((range) => !overlaps(claimed, range.start, range.end))
          .reduce((best, range) => {
            const score = range.context + nearness(range);
            return !best || score > best.score ? { ...range, score } : best;
          }, null);
      const best = pick(target.found) ?? (target.found.length ? null : pick(approximate(index.compact, target)));
      if (!best) continue;
      claimed.push(best);
      placed.push({ sentence: target.sentence, start: best.start, end: best.end });
    }
    return placed;
  }

  // Wrap compact characters [start, end) in marks, one per text node it touches; only the
  // first takes a tab stop. Ranges are wrapped from the last to the first, so a split never
  // moves the offsets of text before it in the same node.
  function wrap(index, start, end, sentence) {
    const doc = index.nodes.length ? index.nodes[0].ownerDocument : null;
    const marks = [];
    for (let i = nodeAt(index, start); i < index.nodes.length && index.starts[i] < end; i++) {
      let node = index.nodes[i];
      const first = Math.max(start - index.starts[i], 0);
      const last = Math.min(end, index.starts[i + 1] ?? end) - index.starts[i] - 1;
      if (last < first) continue;
      const span = { start: rawOffset(node.data, first), end: rawOffset(node.data, last) + 1 };
      if (span.end < node.data.length) node.splitText(span.end);
      if (span.start > 0) node = node.splitText(span.start);
      const mark = doc.createElement(MARK);
      mark.dataset.label = sentence.label;
      mark.dataset.sentence = String(sentence.id);
      node.replaceWith(mark);
      mark.append(node);
      marks.push(mark);
    }
    if (marks.length) marks[0].tabIndex = 0;
    return marks;
  }

  /**
   * Mark `sentences` (API sentence objects: id, label, start, text, quote) in the visible
   * text under `root`. Returns {marks: Map(sentence id -> its marks, in page order), placed,
   * missed: [ids not found], phases: {index, locate, wrap} in ms}. `articleLength` is the length of the article's text, for the
   * position hint when no sentence is found exactly once.
   */
  function anchorSentences(root, sentences, { articleLength } = {}) {
    const clock = [performance.now()];
    const index = indexText(root);
    clock.push(performance.now());
    const length = articleLength ?? Math.max(1, ...sentences.map((s) => s.end ?? 0));
    const found = locateAll(index, sentences, length).sort((a, b) => b.start - a.start);
    clock.push(performance.now());
    const marks = new Map();
    for (const { sentence, start, end } of found) {
      const wrapped = wrap(index, start, end, sentence);
      if (wrapped.length) marks.set(sentence.id, wrapped);
    }
    clock.push(performance.now());
    const missed = sentences.filter((s) => !marks.has(s.id)).map((s) => s.id);
    const phases = { index: clock[1] - clock[0], locate: clock[2] - clock[1], wrap: clock[3] - clock[2] };
    return { marks, placed: marks.size, missed, phases };
  }

  /** Remove every mark under `root`, putting its text back in place; return how many. */
  function removeMarks(root) {
    const marks = [...root.querySelectorAll(MARK)];
    const parents = new Set();
    for (const mark of marks) {
      parents.add(mark.parentNode);
      mark.replaceWith(...mark.childNodes);
    }
    for (const parent of parents) parent?.normalize();
    return marks.length;
  }

  globalThis.SOURCECHECK_ANCHOR = Object.freeze({ MARK, anchorSentences, removeMarks, indexText, compactOf });
})();
