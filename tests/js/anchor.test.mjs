// Unit tests of extension/anchor.js on DOM fixtures of the hard cases, in jsdom.
//   node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { JSDOM } from "jsdom";

const ROOT = new URL("../../", import.meta.url);
const ANCHOR = readFileSync(new URL("extension/anchor.js", ROOT), "utf-8");
const CONTEXT = 32;

function load(name) {
  const html = readFileSync(new URL(`tests/js/fixtures/${name}`, ROOT), "utf-8");
  return loadHtml(html);
}

function loadHtml(html) {
  const { window } = new JSDOM(html, { runScripts: "outside-only" });
  window.eval(ANCHOR);
  return window;
}

// Sentences as the API returns them: offsets in the article text and a text quote.
function sentencesOf(articleText, texts, label = "unattributed") {
  let cursor = 0;
  return texts.map((text, id) => {
    const start = articleText.indexOf(text, cursor);
    assert.ok(start >= 0, `"${text}" is not in the article text`);
    cursor = start + text.length;
    return {
      id,
      label,
      start,
      end: cursor,
      text,
      quote: { exact: text, prefix: articleText.slice(Math.max(0, start - CONTEXT), start), suffix: articleText.slice(cursor, cursor + CONTEXT) },
    };
  });
}

const squeeze = (text) => text.replace(/[\s\u00ad]+/g, "");
const markText = (marks) => marks.map((m) => m.textContent).join("");

test("marks go to the visible article, never to hidden copies of it", () => {
  const window = load("hidden-copies.html");
  const article =
    "Port strike ends\n\nThe strike was a disaster for the city. Officials say the port lost millions.\n\nDockers returned on Monday, the union said.";
  const sentences = sentencesOf(article, [
    "The strike was a disaster for the city.",
    "Officials say the port lost millions.",
    "Dockers returned on Monday, the union said.",
  ]);
  const { marks, placed, missed } = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences);
  assert.equal(placed, 3);
  assert.deepEqual(missed, []);
  for (const mark of window.document.querySelectorAll("sourcecheck-mark")) {
    assert.ok(mark.closest("article"), `a mark landed outside the article: ${mark.parentElement.outerHTML}`);
  }
  for (const sentence of sentences) assert.equal(squeeze(markText(marks.get(sentence.id))), squeeze(sentence.text));
});

test("a sentence with no visible copy is reported missed, not marked in hiding", () => {
  const window = loadHtml(
    `<body><div style="display:none"><p>Only hidden here.</p></div><p style="visibility:hidden">Hidden too.</p>` +
      `<p>Visible text.</p></body>`,
  );
  const sentences = sentencesOf("Only hidden here. Hidden too. Visible text.", ["Only hidden here.", "Hidden too.", "Visible text."]);
  const result = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences);
  assert.equal(result.placed, 1);
  assert.deepEqual(result.missed, [0, 1]);
  assert.equal(window.document.querySelectorAll("sourcecheck-mark").length, 1);
});

test("marking keeps the text, and clearing restores the page's HTML exactly", () => {
  const window = load("inline.html");
  const body = window.document.body;
  const html = body.innerHTML;
  const text = body.textContent;
  const article =
    "The minister’s plan, published on Friday, is reckless and doomed to fail. Critics say it will cost billions of euros.\n\n" +
    "It is the most incomprehensible budget in a decade.\n\n“We will not back down,” the minister said.";
  const sentences = sentencesOf(article, [
    "The minister’s plan, published on Friday, is reckless and doomed to fail.",
    "Critics say it will cost billions of euros.",
    "It is the most incomprehensible budget in a decade.",
    "“We will not back down,” the minister said.",
  ]);
  const result = window.SOURCECHECK_ANCHOR.anchorSentences(body, sentences);
  assert.equal(result.placed, 4);
  assert.equal(body.textContent, text);
  assert.notEqual(body.innerHTML, html);
  const made = window.document.querySelectorAll("sourcecheck-mark").length;
  assert.ok(made > result.placed, "a sentence through inline markup takes several marks");
  assert.equal(window.SOURCECHECK_ANCHOR.removeMarks(body), made);
  assert.equal(body.innerHTML, html);
});

test("a sentence running through a link and emphasis gets one tab stop and leaves the markup whole", () => {
  const window = load("inline.html");
  const doc = window.document;
  const article = "The minister’s plan, published on Friday, is reckless and doomed to fail. Critics say it will cost billions of euros.";
  const [sentence] = sentencesOf(article, ["The minister’s plan, published on Friday, is reckless and doomed to fail."]);
  const { marks } = window.SOURCECHECK_ANCHOR.anchorSentences(doc.body, [sentence]);
  const fragments = marks.get(0);
  assert.ok(fragments.length >= 5, "one mark per text node: before the link, in it, in <em>, in <strong>, after");
  assert.equal(fragments.filter((m) => m.tabIndex === 0).length, 1);
  assert.equal(fragments[0].tabIndex, 0);
  assert.ok(fragments.every((m) => m.children.length === 0));
  assert.equal(doc.querySelector("a").getAttribute("href"), "https://example.org/plan");
  assert.equal(doc.querySelector("a").textContent, "published on Friday");
  assert.ok(doc.querySelector("a sourcecheck-mark") && doc.querySelector("em sourcecheck-mark") && doc.querySelector("strong sourcecheck-mark"));
  assert.equal(squeeze(markText(fragments)), squeeze(sentence.text));
});

test("&nbsp;, <br>, soft hyphens and straight quotes for curly ones do not stop a match", () => {
  const window = load("inline.html");
  // The server's text as an extractor may give it: plain spaces, no soft hyphens, straight quotes.
  const article =
    "The minister's plan, published on Friday, is reckless and doomed to fail. Critics say it will cost billions of euros.\n\n" +
    "It is the most incomprehensible budget in a decade.\n\n\"We will not back down,\" the minister said.";
  const sentences = sentencesOf(article, [
    "The minister's plan, published on Friday, is reckless and doomed to fail.",
    "Critics say it will cost billions of euros.",
    "It is the most incomprehensible budget in a decade.",
    "\"We will not back down,\" the minister said.",
  ]);
  const { marks, placed } = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences);
  assert.equal(placed, 4);
  const critics = sentences.find((s) => s.text.startsWith("Critics"));
  const across = marks.get(critics.id);
  assert.ok(across.length >= 1);
  assert.equal(across.length, 2, "one mark each side of the <br>");
  assert.equal(across[0].nextSibling.tagName, "BR");
  assert.match(across[0].textContent, /Critics\u00a0say/);
  const hyphenated = marks.get(sentences.find((s) => s.text.startsWith("It is")).id);
  assert.match(markText(hyphenated), /in\u00adcom\u00adpre/, "the whole word, soft hyphens and all, is inside the mark");
});

test("repeated text: each copy of a repeated sentence gets its own range, none empty", () => {
  const window = load("repeated.html");
  const steps = ["flour", "water", "salt", "yeast", "oil", "seeds"];
  const article =
    "Six-step bread\n\nThis is the best bread you will ever bake.\n\n" +
    steps.map((s) => `Add the ${s}. Stir well.`).join("\n\n") +
    "\n\nStir well. Bake for forty minutes.";
  const texts = [];
  for (const s of steps) texts.push(`Add the ${s}.`, "Stir well.");
  texts.push("Stir well.");
  const sentences = sentencesOf(article, texts).filter((s) => s.text === "Stir well.");
  assert.equal(sentences.length, 7);
  const { marks, placed } = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences);
  assert.equal(placed, 7);
  const holders = sentences.map((s) => marks.get(s.id)[0].parentElement);
  assert.equal(new Set(holders).size, 7, "no two sentences share a block");
  const blocks = [...window.document.querySelectorAll("li, article > p:last-of-type")];
  assert.deepEqual(holders, blocks, "in the article's order");
  for (const mark of window.document.querySelectorAll("sourcecheck-mark")) assert.equal(mark.textContent, "Stir well.");
});

test("two sentences with one visible occurrence between them: one is placed, never both on one range", () => {
  const window = loadHtml(`<body><p>Stir well.</p><p hidden>Stir well.</p></body>`);
  const sentences = sentencesOf("Stir well. Stir well.", ["Stir well.", "Stir well."]);
  const result = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences);
  assert.equal(result.placed, 1);
  assert.equal(result.missed.length, 1);
  assert.equal(window.document.querySelectorAll("sourcecheck-mark").length, 1);
});

test("the position hint is relative to the article's own text, not to the whole page", () => {
  // A long, visible block of teasers before the story repeats one of its sentences; with no
  // prefix or suffix to go by, only the sentence's place in the article can decide.
  const filler = Array.from({ length: 40 }, (_, i) => `<li>Teaser headline number ${i} about something else entirely</li>`).join("");
  const window = loadHtml(
    `<body><ul class="teasers"><li>Prices will rise again.</li>${filler}</ul>` +
      `<article><p>The central bank met on Tuesday. Prices will rise again. Rates stay at four per cent.</p></article></body>`,
  );
  const article = "The central bank met on Tuesday. Prices will rise again. Rates stay at four per cent.";
  const sentences = sentencesOf(article, ["The central bank met on Tuesday.", "Prices will rise again.", "Rates stay at four per cent."]);
  sentences[1].quote = { exact: sentences[1].text, prefix: "", suffix: "" };
  const { marks } = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences, { articleLength: article.length });
  assert.ok(marks.get(1)[0].closest("article"), "the copy in the article is marked, not the teaser");
});

test("a page edited after loading still gets its sentence, by its edges", () => {
  const window = loadHtml(`<body><p>The talks, believed to be the first in years, eased growing tensions across the whole region.</p></body>`);
  const edited = "The talks, believed to be the first in years, eased heightened tensions across the whole region.";
  const sentences = sentencesOf(edited, [edited]);
  const result = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences);
  assert.equal(result.placed, 1);
  assert.match(markText(result.marks.get(0)), /growing tensions/);
});

test("text in scripts, styles and structured data is never indexed", () => {
  const window = load("hidden-copies.html");
  const { compact } = window.SOURCECHECK_ANCHOR.indexText(window.document.body);
  assert.ok(!compact.includes("articleBody"));
  const occurrences = compact.split("Thestrikewasadisasterforthecity.").length - 1;
  assert.equal(occurrences, 1, "only the article's own copy is visible");
});

test("a text node of invisible characters alone gets no mark, and edges inside a node skip them", () => {
  const window = loadHtml(
    `<body><p>\u00a0\u00a0Intro comes first. The first half<span>\u00ad\u200b</span> and the second\u00ad half end here.\u00a0</p></body>`,
  );
  const article = "Intro comes first. The first half and the second half end here.";
  const sentences = sentencesOf(article, ["The first half and the second half end here."]);
  const { marks } = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, sentences);
  const fragments = marks.get(0);
  assert.equal(fragments.length, 2, fragments.map((m) => JSON.stringify(m.textContent)).join(" "));
  assert.equal(fragments[0].textContent, "The first half");
  assert.equal(fragments[1].textContent, "and the second\u00ad half end here.");
});

test("anchoring reports how long its index, locate and wrap steps took", () => {
  const window = load("inline.html");
  const { phases } = window.SOURCECHECK_ANCHOR.anchorSentences(window.document.body, []);
  assert.deepEqual(Object.keys(phases), ["index", "locate", "wrap"]);
  for (const ms of Object.values(phases)) assert.ok(ms >= 0);
});
