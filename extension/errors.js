// API errors in plain words, with what to do about them: one mapping for the popup (a check
// that failed) and the tooltip (a correction that was not sent). Loaded as a classic script.
globalThis.SOURCECHECK_ERRORS = Object.freeze({
  // What failed, in the words of the surface that shows it.
  CHECK: Object.freeze({ many: "Too many checks", limits: "check pages", failed: "The check did not work" }),
  CORRECTION: Object.freeze({ many: "Too many corrections", limits: "send corrections", failed: "The correction was not sent" }),

  // {title, detail, help, options}: `options` when the fix is on the options page.
  words(error, action = globalThis.SOURCECHECK_ERRORS.CHECK) {
    const type = error.type ?? "";
    if (error.kind === "unreachable") {
      return { title: "The sourcecheck server is not running", detail: error.message, help: "Start it with: sourcecheck serve" };
    }
    if (error.kind === "unreadable") {
      return { title: "sourcecheck cannot read this page", detail: "Browsers keep their own pages and the add-on stores out of reach of extensions.", help: "Open a news article and try again." };
    }
    if (error.status === 401 || error.status === 403) {
      return {
        title: "Wrong or missing API key",
        detail: "The server asks for an API key and did not accept the one sent.",
        help: "Enter the server's key (its SOURCECHECK_API_KEY) on the options page.",
        options: true,
      };
    }
    if (error.status === 429) {
      const wait = error.retryAfter ? `wait ${error.retryAfter} seconds` : "wait a minute";
      return { title: action.many, detail: `The server limits how often a reader can ${action.limits}.`, help: `Please ${wait} and try again.` };
    }
    if (error.status === 413 || type === "page-too-large" || type === "article-too-long") {
      return { title: "This page is too large to check", detail: error.message, help: "sourcecheck reads one article at a time; try the article's own page." };
    }
    if (type === "no-article") {
      return { title: "No article found on this page", detail: "It has no run of paragraphs that reads as a story.", help: "Open a single news article or blog post and check again." };
    }
    if (type === "not-english") {
      return { title: "This article is not in English", detail: error.message, help: "sourcecheck reads English news only; its marks on other languages would be guesses." };
    }
    if (type === "page-too-slow") {
      return { title: "This page took too long to check", detail: error.message, help: "Try again; a very long page may never fit." };
    }
    const title = error.status ? `${action.failed} (HTTP ${error.status})` : action.failed;
    return { title, detail: error.message, help: error.status ? "Try again, or look at the server's log." : "" };
  },
});
