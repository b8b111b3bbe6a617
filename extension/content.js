// The content script: marks the sentences it is sent (anchor.js finds them in the visible
// text), explains one in a tooltip on hover or focus, and puts the page back on request.
// Nothing from the server is ever parsed as HTML: text goes in with textContent only.
/* global SOURCECHECK_MESSAGES, SOURCECHECK_ANCHOR */
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

  let placed = new Map(); // sentence id -> {sentence, marks}
  let tooltip = null;
  let tooltipFor = null; // the entry the open tooltip explains

  function tooltipHost() {
    if (tooltip) return tooltip;
    const host = document.createElement("sourcecheck-tooltip");
    host.id = TOOLTIP_ID;
    host.setAttribute("role", "tooltip");
    const shadow = host.attachShadow({ mode: "open" });
    const sheet = document.createElement("style");
    sheet.textContent = `
      .tip { position: fixed; z-index: 2147483647; max-width: 360px; padding: 10px 12px;
        font: 13px/1.4 system-ui, sans-serif; color: #111; background: #fff;
        border: 1px solid #888; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.25); }
      .tip[hidden] { display: none; }
      .label { font-weight: 600; margin: 0 0 4px; }
      .reason, .source { margin: 4px 0 0; }
      @media (prefers-color-scheme: dark) { .tip { color: #eee; background: #222; border-color: #666; } }`;
    const box = document.createElement("div");
    box.className = "tip";
    box.hidden = true;
    shadow.append(sheet, box);
    document.documentElement.append(host);
    tooltip = { host, box };
    return tooltip;
  }

  function paragraph(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  // What the tooltip says about one sentence: one node per part, in order. Add a part here.
  function tooltipContent(sentence) {
    const parts = [
      paragraph("label", `${READER_NAMES[sentence.label]} · ${Math.round(sentence.score * 100)}% confident`),
      paragraph("reason", sentence.reason),
    ];
    if (sentence.source) parts.push(paragraph("source", `Source: ${sentence.source.text}`));
    return parts;
  }

  function showTooltip(entry, anchor) {
    const { box } = tooltipHost();
    tooltipFor = { entry, anchor };
    box.replaceChildren(...tooltipContent(entry.sentence));
    box.hidden = false;
    const rect = anchor.getBoundingClientRect();
    const height = box.offsetHeight || 120;
    box.style.left = `${Math.max(8, Math.min(rect.left, window.innerWidth - 380))}px`;
    box.style.top = `${rect.bottom + 6 + height < window.innerHeight ? rect.bottom + 6 : Math.max(8, rect.top - height - 6)}px`;
  }

  function hideTooltip() {
    if (tooltip) tooltip.box.hidden = true;
    tooltipFor = null;
  }

  // A tooltip opened by the pointer hides when the page scrolls; one for the focused
  // sentence follows it (focusing scrolls the sentence into view).
  function onScroll() {
    if (!tooltipFor) return;
    if (tooltipFor.entry.marks[0].classList.contains(FOCUSED)) showTooltip(tooltipFor.entry, tooltipFor.anchor);
    else hideTooltip();
  }

  const entryOf = (target) => {
    const mark = target instanceof Element ? target.closest(MARK) : null;
    return mark ? placed.get(Number(mark.dataset.sentence)) : undefined;
  };
  const setClass = (entry, name, on) => entry.marks.forEach((mark) => mark.classList.toggle(name, on));

  function onPointerOver(event) {
    const entry = entryOf(event.target);
    if (!entry) return;
    setClass(entry, ACTIVE, true);
    showTooltip(entry, event.target.closest(MARK));
  }

  function onPointerOut(event) {
    const entry = entryOf(event.target);
    if (!entry || entry === entryOf(event.relatedTarget)) return;
    if (!entry.marks[0].classList.contains(FOCUSED)) setClass(entry, ACTIVE, false);
    hideTooltip();
  }

  function onFocusIn(event) {
    const entry = entryOf(event.target);
    if (!entry) return;
    setClass(entry, ACTIVE, true);
    setClass(entry, FOCUSED, true);
    event.target.setAttribute("aria-describedby", TOOLTIP_ID);
    showTooltip(entry, entry.marks[0]);
  }

  function onFocusOut(event) {
    const entry = entryOf(event.target);
    if (!entry) return;
    setClass(entry, ACTIVE, false);
    setClass(entry, FOCUSED, false);
    event.target.removeAttribute("aria-describedby");
    hideTooltip();
  }

  function onKeyDown(event) {
    if (event.key === "Escape") hideTooltip();
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
    const removed = document.body ? removeMarks(document.body) : 0;
    tooltip?.host.remove();
    tooltip = null;
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
