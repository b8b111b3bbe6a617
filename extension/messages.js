// Message ids, defaults and site matching shared by the service worker, the content
// script, the popup and the options page. Loaded as a classic script everywhere, so it
// defines globals and exports nothing.
globalThis.SOURCECHECK_MESSAGES = Object.freeze({
  CHECK_ACTIVE_TAB: "sourcecheck/check-active-tab",
  SHOW_HIGHLIGHTS: "sourcecheck/show-highlights",
  CLEAR_HIGHLIGHTS: "sourcecheck/clear-highlights",
  CLEAR_ACTIVE_TAB: "sourcecheck/clear-active-tab",
  SCROLL_TO: "sourcecheck/scroll-to",
  SCROLL_ACTIVE_TAB: "sourcecheck/scroll-active-tab",
  SET_SITE_ENABLED: "sourcecheck/set-site-enabled",
  SEND_FEEDBACK: "sourcecheck/send-feedback",
});

// What the service worker injects into a page to mark it, in load order; tests inject the same.
globalThis.SOURCECHECK_CONTENT_SCRIPTS = Object.freeze(["messages.js", "errors.js", "anchor.js", "feedback.js", "content.js"]);

globalThis.SOURCECHECK_DEFAULTS = Object.freeze({
  apiUrl: "http://127.0.0.1:5000",
  labels: ["unattributed", "opinion"],
  minScore: 0.93, // chosen on real news: see the hint on the options page
  autoSites: [],
  disabledSites: [],
});

globalThis.SOURCECHECK_SITES = Object.freeze({
  // "www.example.com", "https://www.example.com/news" -> "www.example.com"; junk -> "".
  hostOf(text) {
    try {
      return new URL(text.includes("://") ? text : `https://${text}`).hostname.toLowerCase();
    } catch {
      return "";
    }
  },
  // Whether a page's URL is on one of the hosts, or a subdomain of one.
  matches(url, hosts) {
    const host = globalThis.SOURCECHECK_SITES.hostOf(url);
    return Boolean(host) && hosts.some((site) => host === site || host.endsWith(`.${site}`));
  },
});
