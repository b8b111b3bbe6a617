"""The four sentence labels of labels.md, in the order they are decided."""

ATTRIBUTED = "attributed"
OPINION = "opinion"
UNATTRIBUTED = "unattributed"
NEUTRAL = "neutral"

LABELS: tuple[str, ...] = (ATTRIBUTED, OPINION, UNATTRIBUTED, NEUTRAL)

#: The labels a reader is shown by default: claims with no checkable source.
FLAGGED: frozenset[str] = frozenset({OPINION, UNATTRIBUTED})

READER_NAMES: dict[str, str] = {
    ATTRIBUTED: "Source named",
    OPINION: "Writer's opinion or prediction",
    UNATTRIBUTED: "No source given",
    NEUTRAL: "Neutral",
}
