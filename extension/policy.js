// The display policy: which of the API's sentences a reader is shown. The one place this
// rule lives; tests/benchmarks/news.py (`_is_shown`) mirrors it so the benchmark's "shown
// flags" figure measures what the extension shows. Loaded as a classic script.
globalThis.SOURCECHECK_POLICY = (() => {
  // Blocks whose sentences are never flagged: they label the story rather than tell it.
  const NEVER_SHOWN_KINDS = new Set(["heading", "caption"]);
  // Fewer words than this is a fragment ("IXIC", "Step 3.", "Photo: Reuters"), not a claim.
  const MIN_WORDS = 4;
  // A sentence this short without a closing mark is a label or a list number, not prose.
  const MIN_WORDS_UNPUNCTUATED = 8;
  // "By Jane Doe and John Roe", "By JANE DOE, Reuters": a byline, at most this many words.
  const MAX_BYLINE_WORDS = 12;
  // The article's byline with at most this many more characters ("Jane Doe, Reuters").
  const BYLINE_SLACK_CHARS = 12;
  // Below the chosen threshold, "show more" reveals flags down to this confidence.
  const SHOW_MORE_MIN_SCORE = 0.5;
  const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
  const CLOSED = /[.!?…]["'”’»)\]]*$/u;
  const BYLINE_START = /^(?:By|BY|Written by|Words by|Reporting by)\s+(?=\p{Lu})/u;
  const NAME_JOINERS = new Set(["and", "with", "in", "for", "of", "the", "at", "de", "van", "von"]);

  const words = (text) => text.match(WORD) ?? [];

  function isFragment(text) {
    const count = words(text).length;
    return count < MIN_WORDS || (count < MIN_WORDS_UNPUNCTUATED && !CLOSED.test(text.trim()));
  }

  function isByline(text, byline) {
    const trimmed = text.trim();
    if (words(trimmed).length > MAX_BYLINE_WORDS) return false;
    if (byline && trimmed.length <= byline.length + BYLINE_SLACK_CHARS && trimmed.toLowerCase().includes(byline.toLowerCase())) return true;
    const start = BYLINE_START.exec(trimmed);
    return Boolean(start) && words(trimmed.slice(start[0].length)).every((w) => /^\p{Lu}/u.test(w) || NAME_JOINERS.has(w));
  }

  // Whether a sentence of the page can be shown at all, whatever its confidence.
  function isShowable(sentence, byline) {
    return !NEVER_SHOWN_KINDS.has(sentence.kind ?? "paragraph") && !isFragment(sentence.text) && !isByline(sentence.text, byline);
  }

  // Labels that are flags: a sentence with either needs the reader's attention.
  const FLAGS = new Set(["unattributed", "opinion"]);

  // How sure the model is that a sentence deserves its mark. For a flag, that it is a flag of
  // either kind: the two probabilities summed rank flags better than the label's own (news-dev,
  // end to end: at 0.9, 472 flags 92.4% right, against 332 by the label's own probability).
  function confidence(sentence) {
    if (!FLAGS.has(sentence.label) || !sentence.scores) return sentence.score;
    return (sentence.scores.unattributed ?? 0) + (sentence.scores.opinion ?? 0);
  }

  // The sentences shown at a threshold, among the labels the reader chose.
  function shown(sentences, { labels, minScore, byline = null }) {
    return sentences.filter((s) => labels.includes(s.label) && confidence(s) >= minScore && isShowable(s, byline));
  }

  return Object.freeze({ NEVER_SHOWN_KINDS, MIN_WORDS, MIN_WORDS_UNPUNCTUATED, MAX_BYLINE_WORDS, BYLINE_SLACK_CHARS, SHOW_MORE_MIN_SCORE, confidence, isFragment, isByline, isShowable, shown });
})();
