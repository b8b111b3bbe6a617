// The content script: marks the sentences it is sent (anchor.js finds them in the visible
// text), explains one in a tooltip on hover or focus (with feedback.js's "Is this right?"),
// and puts the page back on request.
// Nothing from the server is ever parsed as HTML: text goes in with textContent only.
/* global SOURCECHECK_MESSAGES, SOURCECHECK_ANCHOR, SOURCECHECK_FEEDBACK */
(() => {
  if (globalThis.__sourcecheckContent) return;
  globalThis.__sourcecheckContent = true;
  globalThis.browser ??= chrome;

  const MESSAGES = SOURCECHECK_MESSAGES;
  const { MARK, anchorSentences, removeMarks } = SOURCECHECK_ANCHOR;
  const TOOLTIP_ID = "sourcecheck-tooltip";
  const ACTIVE = "sourcecheck-active"; // every fragment of the sentence under the pointer or focus
  const FOCUSED = "sourcecheck-focus"; // every fragment of the focused sentence: one ring round all
  const READER_NAMES = {
    unattributed: "No source given",
    opinion: "Writer's opinion or prediction",
    attributed: "Source named",
    neutral: "Neutral",
  };

  // Okabe-Ito colours (safe for the common colour-vision deficiencies); the labels differ by
  // line style too (solid, dashed, dotted), so colour is never the only cue.
  const style = document.createElement("style");
  style.dataset.sourcecheck = "";
  style.textContent = `
    ${MARK} { color: inherit; background: transparent; cursor: help;
      text-decoration-line: underline; text-decoration-thickness: 1px; text-underline-offset: 3px; }
    ${MARK}[data-label="unattributed"] { text-decoration-style: solid; text-decoration-color: #d55e00; }
    ${MARK}[data-label="opinion"] { text-decoration-style: dashed; text-decoration-color: #0072b2; }
    ${MARK}[data-label="attributed"] { text-decoration-style: dotted; text-decoration-color: #009e73; }
    ${MARK}.${ACTIVE} { text-decoration-thickness: 2px; }
    ${MARK}.${ACTIVE}[data-label="unattributed"] { background: rgba(230, 159, 0, .28); }
    ${MARK}.${ACTIVE}[data-label="opinion"] { background: rgba(86, 180, 233, .30); }
    ${MARK}.${ACTIVE}[data-label="attributed"] { background: rgba(0, 158, 115, .15); }
    ${MARK}:focus { outline: none; }
    ${MARK}.${FOCUSED} { outline: 2px solid #1a4fd6; outline-offset: 2px; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
    ${MARK}.sourcecheck-pulse { animation: sourcecheck-pulse 1.2s ease-out 2; }
    @keyframes sourcecheck-pulse { 50% { box-shadow: 0 0 0 4px rgba(213, 94, 0, .6); } }`;

  const GAP_PX = 6; // between the sentence and its tooltip
  const MARGIN_PX = 8; // between the tooltip and the window's edges
  const MIN_ROOM_PX = 80; // less room than this on both sides: take the larger and scroll inside
  const HIDE_DELAY_MS = 400; // time to move the pointer across the gap from the sentence to its tooltip
  // A tooltip placed inside one of these would have its buttons' clicks reach it.
  const INTERACTIVE = "a, button, label, summary, select";

  let placed = new Map(); // sentence id -> {sentence, marks}
  // sentence text -> its "Is this right?" control: one correction per sentence per page view,
  // even when the page is marked again ("show more").
  const feedbackControls = new Map();
  let tooltip = null;
  let tooltipFor = null; // the entry the open tooltip explains
  let hideTimer = 0;
  let returningFocus = false; // Escape puts focus back on the sentence without reopening

  function tooltipHost() {
    if (tooltip) return tooltip;
    const host = document.createElement("sourcecheck-tooltip");
    host.id = TOOLTIP_ID;
    host.setAttribute("role", "dialog");
    host.setAttribute("aria-label", "sourcecheck: about this sentence");
    const shadow = host.attachShadow({ mode: "open" });
    const sheet = document.createElement("style");
    sheet.textContent = `
      :host { all: initial; }
      .tip { position: fixed; inset: auto; margin: 0; z-index: 2147483647; box-sizing: border-box; color-scheme: light dark;
        max-width: 360px; overflow: auto; padding: 10px 12px;
        font: 13px/1.4 system-ui, sans-serif; color: #111; background: #fff;
        border: 1px solid #888; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.25); }
      .tip[hidden] { display: none; }
      .tip:focus { outline: none; }
      .label { font-weight: 600; margin: 0 0 4px; }
      .reason, .source { margin: 4px 0 0; }
      .feedback { margin: 8px 0 0; padding: 8px 0 0; border-top: 1px solid #ccc; }
      .ask { display: inline; margin: 0 8px 0 0; }
      .row { display: inline-flex; gap: 6px; }
      .choices { margin: 6px 0 0; padding: 0; border: 0; }
      .choices legend { padding: 0; margin: 0 0 2px; }
      .choice { display: block; }
      .note-label { display: block; margin: 6px 0 2px; }
      textarea { box-sizing: border-box; width: 100%; font: inherit; color: inherit; background: transparent;
        border: 1px solid #888; border-radius: 4px; }
      button { font: inherit; color: #111; background: #f2f2f2; border: 1px solid #888; border-radius: 4px;
        padding: 2px 10px; cursor: pointer; }
      button:disabled { opacity: .5; cursor: default; }
      .send { display: block; margin: 6px 0 0; }
      button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid #1a4fd6; outline-offset: 1px; }
      .result:focus { outline: none; }
      .said { margin: 0; font-weight: 600; }
      .help { margin: 2px 0 0; }
      @media (prefers-color-scheme: dark) {
        .tip { color: #eee; background: #222; border-color: #666; }
        .feedback { border-color: #555; }
        button { color: #eee; background: #333; border-color: #777; }
        button:focus-visible, input:focus-visible, textarea:focus-visible { outline-color: #8ab4ff; }
      }`;
    const box = document.createElement("div");
    box.className = "tip";
    box.hidden = true;
    box.tabIndex = -1; // a click on its text keeps focus inside, so the tooltip stays open
    box.popover = "manual"; // the top layer: no transformed or clipping ancestor moves or hides it
    shadow.append(sheet, box);
    tooltip = { host, box, shadow };
    return tooltip;
  }

  function paragraph(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  // What the tooltip says about one sentence: one node per part, in order. Add a part here.
  function tooltipContent(entry) {
    const { sentence } = entry;
    const parts = [
      paragraph("label", `${READER_NAMES[sentence.label]} · ${Math.round(sentence.score * 100)}% confident`),
      paragraph("reason", sentence.reason),
    ];
    if (sentence.source) parts.push(paragraph("source", `Source: ${sentence.source.text}`));
    parts.push(feedbackControl(sentence));
    return parts;
  }

  function feedbackControl(sentence) {
    const known = feedbackControls.get(sentence.text);
    if (known) return known;
    const control = SOURCECHECK_FEEDBACK.control(sentence, {
      send: (readerLabel, note) => sendCorrection(sentence, readerLabel, note),
      changed: () => tooltipFor && tooltipFor.sentence.text === sentence.text && placeTooltip(tooltipFor),
    });
    feedbackControls.set(sentence.text, control);
    return control;
  }

  // The correction goes to the service worker, which alone calls the API.
  function sendCorrection(sentence, readerLabel, note) {
    const correction = {
      url: location.href,
      text: sentence.text,
      context: sentence.context ?? "",
      modelLabel: sentence.label,
      modelScore: sentence.score,
      modelVersion: sentence.modelVersion ?? "",
      readerLabel,
      note,
    };
    return browser.runtime
      .sendMessage({ type: MESSAGES.SEND_FEEDBACK, correction })
      .catch((error) => ({ ok: false, error: { kind: "error", message: error.message } }));
  }

  // The box round every fragment of the sentence: the tooltip goes above or below all of it.
  function sentenceBox(entry) {
    const rects = entry.marks.flatMap((mark) => [...mark.getClientRects()]).filter((r) => r.width || r.height);
    if (!rects.length) return entry.marks[0].getBoundingClientRect();
    const top = Math.min(...rects.map((r) => r.top));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    const left = Math.min(...rects.map((r) => r.left));
    return { top, bottom, left };
  }

  function placeTooltip(entry) {
    const { box } = tooltip;
    const around = sentenceBox(entry);
    box.style.maxHeight = "";
    const below = window.innerHeight - around.bottom - GAP_PX - MARGIN_PX;
    const above = around.top - GAP_PX - MARGIN_PX;
    const height = box.offsetHeight;
    const downward = height <= below || (height > above && below >= above) || Math.max(below, above) < MIN_ROOM_PX;
    const shown = Math.min(height, Math.max(downward ? below : above, MIN_ROOM_PX));
    if (shown < height) box.style.maxHeight = `${shown}px`;
    box.style.left = `${Math.max(MARGIN_PX, Math.min(around.left, window.innerWidth - box.offsetWidth - MARGIN_PX))}px`;
    box.style.top = `${downward ? around.bottom + GAP_PX : around.top - GAP_PX - shown}px`;
  }

  // Right after the sentence, so that Tab from the sentence reaches the tooltip's controls.
  function moveHostAfter(entry) {
    const last = entry.marks[entry.marks.length - 1];
    const after = last.closest(INTERACTIVE) ?? last;
    if (tooltip.host.previousSibling !== after) after.after(tooltip.host);
  }

  function showTooltip(entry) {
    const { box } = tooltipHost();
    keepOpen();
    if (tooltipFor !== entry) {
      if (tooltipFor) deactivate(tooltipFor);
      tooltipFor = entry;
      moveHostAfter(entry);
      box.replaceChildren(...tooltipContent(entry));
    }
    box.hidden = false;
    if (!box.matches(":popover-open")) box.showPopover();
    placeTooltip(entry);
  }

  // Scrolling hides the tooltip but leaves the sentence under the pointer tinted.
  function hideTooltip({ keepTint = false } = {}) {
    keepOpen();
    if (tooltip && !tooltip.box.hidden) {
      if (tooltip.box.matches(":popover-open")) tooltip.box.hidePopover();
      tooltip.box.hidden = true;
    }
    if (tooltipFor && !keepTint) deactivate(tooltipFor);
    tooltipFor = null;
  }

  function keepOpen() {
    clearTimeout(hideTimer);
    hideTimer = 0;
  }

  function hideSoon() {
    keepOpen();
    hideTimer = setTimeout(hideTooltip, HIDE_DELAY_MS);
  }

  const isTooltip = (node) => Boolean(tooltip) && node === tooltip.host;
  const focusInTooltip = () => Boolean(tooltip && tooltip.shadow.activeElement);
  const isFocused = (entry) => entry.marks[0].classList.contains(FOCUSED);

  // A tooltip opened by the pointer hides when the page scrolls; one the reader is using by
  // keyboard (its sentence or its controls focused) follows its sentence.
  function onScroll() {
    if (!tooltipFor) return;
    if (isFocused(tooltipFor) || focusInTooltip()) placeTooltip(tooltipFor);
    else hideTooltip({ keepTint: true });
  }

  const entryOf = (target) => {
    const mark = target instanceof Element ? target.closest(MARK) : null;
    return mark ? placed.get(Number(mark.dataset.sentence)) : undefined;
  };
  const setClass = (entry, name, on) => entry.marks.forEach((mark) => mark.classList.toggle(name, on));
  const deactivate = (entry) => isFocused(entry) || setClass(entry, ACTIVE, false);

  function onPointerOver(event) {
    if (isTooltip(event.target)) return keepOpen();
    const entry = entryOf(event.target);
    if (!entry) return;
    if (tooltipFor && tooltipFor !== entry && focusInTooltip()) return; // the reader is busy in another
    setClass(entry, ACTIVE, true);
    showTooltip(entry);
  }

  function onPointerOut(event) {
    const from = isTooltip(event.target) ? tooltipFor : entryOf(event.target);
    const to = event.relatedTarget;
    if (!from || isTooltip(to) || entryOf(to) === from) return;
    if (from !== tooltipFor) deactivate(from);
    else if (!isFocused(from) && !focusInTooltip()) hideSoon();
  }

  function onFocusIn(event) {
    if (isTooltip(event.target)) return keepOpen();
    const entry = entryOf(event.target);
    if (!entry) return;
    setClass(entry, ACTIVE, true);
    setClass(entry, FOCUSED, true);
    event.target.setAttribute("aria-describedby", TOOLTIP_ID);
    if (!returningFocus) showTooltip(entry);
  }

  function onFocusOut(event) {
    const to = event.relatedTarget;
    if (isTooltip(event.target)) {
      if (!isTooltip(to) && (!tooltipFor || entryOf(to) !== tooltipFor)) hideTooltip();
      return;
    }
    const entry = entryOf(event.target);
    if (!entry) return;
    setClass(entry, FOCUSED, false);
    event.target.removeAttribute("aria-describedby");
    if (isTooltip(to) && tooltipFor === entry) return; // into its own tooltip: it stays open
    hideTooltip();
  }

  // Escape closes the tooltip; from inside it, focus goes back to the sentence.
  function onKeyDown(event) {
    if (event.key !== "Escape" || !tooltipFor) return;
    const entry = tooltipFor;
    if (focusInTooltip()) {
      returningFocus = true;
      entry.marks[0].focus({ preventScroll: true });
      returningFocus = false;
    }
    hideTooltip();
  }

  const LISTENERS = [
    [document, "mouseover", onPointerOver],
    [document, "mouseout", onPointerOut],
    [document, "focusin", onFocusIn],
    [document, "focusout", onFocusOut],
    [document, "keydown", onKeyDown],
    [window, "scroll", onScroll],
  ];

  function clear() {
    for (const [target, type, listener] of LISTENERS) target.removeEventListener(type, listener, true);
    keepOpen();
    tooltipFor = null;
    tooltip?.host.remove();
    tooltip = null;
    const removed = document.body ? removeMarks(document.body) : 0;
    style.remove();
    const count = placed.size;
    placed = new Map();
    return removed ? count : 0;
  }

  // Mark the sentences; reply with the ids of those placed, in the page's order, and, for
  // the display benchmark (`timed`), where the time went.
  function show(sentences, articleLength, timed) {
    const started = performance.now();
    clear();
    if (!document.body) return timed ? { ids: [], phases: {} } : [];
    const cleared = performance.now();
    const { marks, phases } = anchorSentences(document.body, sentences, { articleLength });
    const anchored = performance.now();
    const byId = new Map(sentences.map((sentence) => [sentence.id, sentence]));
    for (const [id, fragments] of marks) placed.set(id, { sentence: byId.get(id), marks: fragments });
    if (placed.size) {
      document.documentElement.append(style);
      for (const [target, type, listener] of LISTENERS) target.addEventListener(type, listener, { capture: true, passive: true });
    }
    const ids = [...placed.keys()];
    if (!timed) return ids;
    const inPage = { clear: cleared - started, ...phases, listen: performance.now() - anchored };
    return { ids, phases: Object.fromEntries(Object.entries(inPage).map(([name, ms]) => [`place.${name}`, ms])) };
  }

  function scrollTo(id) {
    const entry = placed.get(id);
    if (!entry) return false;
    entry.marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
    for (const mark of entry.marks) {
      mark.classList.remove("sourcecheck-pulse");
      void mark.offsetWidth;
      mark.classList.add("sourcecheck-pulse");
      mark.addEventListener("animationend", () => mark.classList.remove("sourcecheck-pulse"), { once: true });
    }
    entry.marks[0].focus({ preventScroll: true });
    return true;
  }

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    switch (message.type) {
      case MESSAGES.SHOW_HIGHLIGHTS:
        sendResponse(show(message.sentences, message.articleLength, message.timed));
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
