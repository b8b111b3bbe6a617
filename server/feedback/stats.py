"""How often readers agreed with the model, per label and per model version."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from server.feedback.store import Item


@dataclass(frozen=True)
class Agreement:
    group: str
    corrections: int
    agreed: int

    @property
    def share(self) -> float:
        return self.agreed / self.corrections if self.corrections else 0.0


def agreement(items: Iterable[Item], key: Callable[[Item], str]) -> list[Agreement]:
    """Count, per group, the readers who confirmed the model's label (their label is the model's)."""
    total: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    for item in items:
        total[key(item)] += 1
        agreed[key(item)] += item.reader_label == item.model_label
    return [Agreement(group, total[group], agreed[group]) for group in sorted(total)]
