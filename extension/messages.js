// Message ids shared by the service worker, the content script and the popup.
// Loaded as a classic script everywhere, so it defines globals and exports nothing.
globalThis.SOURCECHECK_MESSAGES = Object.freeze({
  CHECK_ACTIVE_TAB: "sourcecheck/check-active-tab",
  SHOW_HIGHLIGHTS: "sourcecheck/show-highlights",
  CLEAR_HIGHLIGHTS: "sourcecheck/clear-highlights",
  CLEAR_ACTIVE_TAB: "sourcecheck/clear-active-tab",
  SCROLL_TO: "sourcecheck/scroll-to",
  SCROLL_ACTIVE_TAB: "sourcecheck/scroll-active-tab",
});

globalThis.SOURCECHECK_DEFAULTS = Object.freeze({
  apiUrl: "http://127.0.0.1:5000",
  labels: ["unattributed", "opinion"],
  minScore: 0.5,
});
