"""Choose the container that holds the story, and the blocks of it that are story.

Blocks vote for the containers above them, as Readability's scoring does: a
paragraph of prose gives points to its container, half to the one above, a
third to the next. The best container is kept with its strong siblings and
strong containers nearby; then the line rules of
`server.extraction.boilerplate` drop what is left of boilerplate.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from server.extraction.boilerplate import ends_sentence, is_closing_line, is_lead_in, is_link_list, line_rule
from server.extraction.walk import HEADING, PARAGRAPH, Container, RawBlock

log = logging.getLogger(__name__)

MIN_SCORING_CHARS = 25  # shorter blocks (captions, labels) do not vote for a container
BOILERPLATE_VOTE = 0.25  # a paragraph inside a "related" or "share" box votes a quarter
SIBLING_SHARE = 0.2  # a sibling container scoring this share of the best one is kept too
ISLAND_SHARE = 0.4  # another container of prose this strong, near the best one, is story too
ISLAND_MAX_LEVELS = 5  # "near": their common ancestor is at most this far above the best one
LEAD_MAX_BLOCKS = 2  # a standfirst is one or two paragraphs
LEAD_MIN_CHARS = 60  # each of them a sentence or more of prose
LEAD_LEVELS = 2  # looked for beside the body and beside its wrapper
TEASER_MIN_ITEMS = 3  # this many linked headlines, each followed by a one-line excerpt, make a list
TEASER_MAX_CHARS = 300  # an excerpt is a line or two
PARAGRAPH_SIBLING_LINK_DENSITY = 0.25  # Readability's bar for a sibling paragraph to join the body
LOGGED_CONTAINERS = 8  # the debug log names this many runners-up


def container_scores(blocks: list[RawBlock]) -> dict[Container, float]:
    """Return each container's score from the blocks of prose inside it."""
    scores: dict[Container, float] = defaultdict(float)
    for block in blocks:
        if block.kind == HEADING or len(block.text) < MIN_SCORING_CHARS:
            continue
        if _is_link_line(block):
            continue
        points = (1 + block.text.count(",") + min(len(block.text) / 100, 3)) * block.container.weight
        if block.container.under_boilerplate:
            points *= BOILERPLATE_VOTE
        # The block's container gets full points, the one above it half, the next a third.
        for depth, container in zip(range(3), block.container.lineage(), strict=False):
            scores[container] += points / (1 + depth)
    return scores


def _is_link_line(block: RawBlock) -> bool:
    return is_link_list(block.text, block.link_chars, block.plain_words)


def _without_teasers(blocks: list[RawBlock]) -> list[RawBlock]:
    """Drop the excerpts of teaser lists: runs of a linked headline followed by a short excerpt.

    Recirculation lists ("More stories", a section front beside the story) repeat that
    pattern; their excerpts read as prose and would otherwise vote, or be kept with the body.
    """
    excerpts: set[int] = set()
    run: list[int] = []
    index = 0
    while index < len(blocks) - 1:
        headline, excerpt = blocks[index], blocks[index + 1]
        if (
            _is_link_line(headline)
            and not _is_link_line(excerpt)
            and excerpt.kind != HEADING
            and len(excerpt.text) <= TEASER_MAX_CHARS
        ):
            run.append(index + 1)
            index += 2
            continue
        if len(run) >= TEASER_MIN_ITEMS:
            excerpts.update(run)
        run = []
        index += 1
    if len(run) >= TEASER_MIN_ITEMS:
        excerpts.update(run)
    if not excerpts:
        return blocks
    for position in sorted(excerpts):
        log.debug("dropped (teaser excerpt in a list of linked headlines): %.80r", blocks[position].text)
    return [block for position, block in enumerate(blocks) if position not in excerpts]


def _distance_to_common_ancestor(a: Container, b: Container) -> int:
    """Return how many levels above `a` the nearest container holding both lies."""
    around_b = set(b.lineage())
    for steps, node in enumerate(a.lineage()):
        if node in around_b:
            return steps
    return a.depth + 1


def select(blocks: list[RawBlock], containers: list[Container]) -> list[RawBlock]:
    """Keep the best-scoring container, its strong siblings, and strong containers nearby.

    Stories split by figures or ads into several wrappers leave more than one
    container of prose; those that score well and share an ancestor close to the
    best one are kept too.
    """
    blocks = _without_teasers(blocks)
    scores = container_scores(blocks)
    if not scores:
        log.debug("no block of prose to score: no article")
        return []
    best = max(scores, key=scores.__getitem__)
    keep = {best}
    if best.parent is not None:
        threshold = scores[best] * SIBLING_SHARE
        keep.update(c for c in containers if c.parent is best.parent and scores.get(c, 0) >= threshold)
        keep.update(_paragraph_siblings(blocks, best))
    around_best = set(best.lineage())
    signature = _signature(best)
    for container, value in scores.items():
        # A part of the story split off by figures or ads often repeats the body's own tag and class.
        share = SIBLING_SHARE if signature and _signature(container) == signature else ISLAND_SHARE
        if (
            value >= scores[best] * share
            and not container.under_boilerplate
            and container not in around_best
            and _distance_to_common_ancestor(best, container) <= ISLAND_MAX_LEVELS
        ):
            keep.add(container)
    lead = _lead(blocks, containers, best)
    if lead is not None:
        keep.add(lead)
        log.debug("body: %s kept as the lead before the body", lead.label())
    if log.isEnabledFor(logging.DEBUG):
        _log_choice(scores, best, keep)
        _log_outside(blocks, keep)
    return [block for block in blocks if _kept(block.container, keep)]


def _paragraph_siblings(blocks: list[RawBlock], best: Container) -> set[Container]:
    """Return the siblings before the body that are each one paragraph of prose, however short.

    Some pages give every paragraph its own wrapper beside the body (a lead in
    `<div class="paragraph">` before the rest of the story); one such sentence scores too little
    to pass as a sibling, as Readability found, so a wrapper holding nothing but one sentence-ending
    paragraph with no links to speak of is kept whatever its score.
    """
    if _declared_body(best):
        return set()
    own: dict[Container, list[RawBlock]] = defaultdict(list)
    for block in blocks:
        if block.container is best:
            break  # after the body, such lines are credits and calls to action more often than story
        if block.container.parent is best.parent:
            own[block.container].append(block)
    found = set()
    for container, inside in own.items():
        if container.boilerplate or container.under_boilerplate or len(inside) != 1:
            continue
        block = inside[0]
        if (
            block.kind == PARAGRAPH
            and len(block.text) >= MIN_SCORING_CHARS
            and block.link_chars / len(block.text) <= PARAGRAPH_SIBLING_LINK_DENSITY
            and ends_sentence(block.text)
        ):
            found.add(container)
    return found


def _signature(container: Container) -> str | None:
    """The tag and class of a container's element, when it has a class to tell it by."""
    element = container.element
    if element is None or not element.get("class"):
        return None
    return f"{element.name}.{element.get('class')}"


def _declared_body(container: Container) -> bool:
    """Return whether the page marks the container as schema.org's `articleBody`."""
    return container.element is not None and "articleBody" in str(container.element.get("itemprop") or "")


def _lead(blocks: list[RawBlock], containers: list[Container], best: Container) -> Container | None:
    """Return the container just before the body (or its wrapper) when it holds only a standfirst.

    A body the page marks as schema.org's `articleBody` is taken at its word: what lies outside
    it (often the `description`) is not story.
    """
    if _declared_body(best):
        return None
    order = {container: index for index, container in enumerate(containers)}
    node: Container | None = best
    for _ in range(LEAD_LEVELS):
        if node is None or node.parent is None or node not in order:
            return None
        before = [c for c in containers[: order[node]] if c.parent is node.parent]
        if before:
            candidate = before[-1]
            inside = [b for b in blocks if candidate in b.container.lineage()]
            if inside and _is_standfirst(inside):
                return candidate
        node = node.parent
    return None


def _is_standfirst(blocks: list[RawBlock]) -> bool:
    prose = [b for b in blocks if b.kind != HEADING]
    return (
        0 < len(prose) <= LEAD_MAX_BLOCKS
        and all(len(b.text) >= LEAD_MIN_CHARS and not _is_link_line(b) for b in prose)
        and not any(b.container.under_boilerplate for b in blocks)
    )


def _log_choice(scores: dict[Container, float], best: Container, keep: set[Container]) -> None:
    log.debug("body: %s won with %.1f points", best.label(), scores[best])
    for container in keep - {best}:
        relation = "sibling of the winner" if container.parent is best.parent else "prose island near it"
        log.debug("body: %s kept too, %.1f points, %s", container.label(), scores[container], relation)
    around_best = set(best.lineage())
    losers = sorted(
        (c for c in scores if c not in keep and c not in around_best), key=scores.__getitem__, reverse=True
    )
    for container in losers[:LOGGED_CONTAINERS]:
        why = "under a boilerplate wrapper" if container.under_boilerplate else "scored too low"
        log.debug("body: %s lost with %.1f points: %s", container.label(), scores[container], why)


def _log_outside(blocks: list[RawBlock], keep: set[Container]) -> None:
    outside = 0
    for block in blocks:
        if _kept(block.container, keep):
            continue
        wrapper = next((n for n in block.container.lineage() if n.boilerplate), None)
        inside = wrapper is not None and any(n in keep for n in wrapper.lineage())
        if inside and wrapper is not None:
            log.debug("dropped (in boilerplate wrapper %s): %.80r", wrapper.label(), block.text)
        else:
            outside += 1
    log.debug("dropped %d blocks outside the chosen containers", outside)


def _kept(container: Container, keep: set[Container]) -> bool:
    """Return whether a block's container lies in a kept one with no boilerplate in between."""
    for node in container.lineage():
        if node in keep:
            return True
        if node.boilerplate:
            return False
    return False


def _repeats(heading: RawBlock, title: str) -> bool:
    if heading.text.strip().lower() != title:
        return False
    log.debug("dropped (repeats the title): %.80r", heading.text)
    return True


def _heads_prose(blocks: list[RawBlock], position: int) -> bool:
    """Return whether a heading is followed by a paragraph of prose (so it is the section's title)."""
    if blocks[position].kind != HEADING or position + 1 >= len(blocks):
        return False
    after = blocks[position + 1]
    return after.kind != HEADING and len(after.text) >= LEAD_MIN_CHARS and not _is_link_line(after)


def clean(blocks: list[RawBlock], title: str | None, byline: str | None) -> list[RawBlock]:
    """Drop the chosen body's boilerplate lines, the repeated title and trailing labels."""
    kept = []
    for position, block in enumerate(blocks):
        rule = line_rule(block.text, block.link_chars, byline, block.plain_words)
        if rule == "link-dense" and _heads_prose(blocks, position):
            rule = None  # a linked product or place name as a section heading, with its text after it
        if rule is None:
            kept.append(block)
        elif log.isEnabledFor(logging.DEBUG):
            log.debug("dropped (%s): %.80r", rule, block.text)
    if title:
        wanted = title.strip().lower()
        kept = [b for b in kept if not (b.kind == HEADING and _repeats(b, wanted))]
    # Credits, bios and calls to action close a story; a lead-in ("Related coverage:") or a
    # heading with nothing of the story after it is a label.
    while kept:
        last = kept[-1]
        if is_closing_line(last.text):
            log.debug("dropped (credit, bio or call to action at the end): %.80r", last.text)
        elif last.kind == HEADING or is_lead_in(last.text):
            log.debug("dropped (label with nothing after it): %.80r", last.text)
        else:
            break
        kept.pop()
    return kept
