"""Rankings of the jurisdictions an assessment scores (排名), bottom N flagged (e.g. 约谈).

Ties use competition ranking: equal totals share the better rank and the next rank is
skipped (1, 2, 2, 4). Totals within 1e-9 of each other are equal. The bottom N are the
jurisdictions whose total is at or below the N-th lowest total, so everyone tied at the
cut is flagged (more than N may be flagged, never fewer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onewindow.dsl.model import Span
from onewindow.engine.scoring.scorecard import fmt, span_dict

EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class RankEntry:
    jurisdiction: str
    total: float
    rank: int
    flagged: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "points": self.total,
            "rank": self.rank,
            "flagged": self.flagged,
        }


@dataclass(frozen=True, slots=True)
class RankingResult:
    """One `rank bottom N "action"` line evaluated over the jurisdictions it ranks."""

    id: str
    owner: str
    assessment: str
    bottom: int
    action: str | None
    span: Span | None
    entries: tuple[RankEntry, ...]

    @property
    def flagged(self) -> tuple[str, ...]:
        return tuple(e.jurisdiction for e in self.entries if e.flagged)

    @property
    def arithmetic(self) -> str:
        order = ", ".join(f"{e.rank}. {e.jurisdiction} {fmt(e.total)}" for e in self.entries)
        action = f" ({self.action})" if self.action else ""
        flagged = ", ".join(self.flagged) or "none"
        return f"{order}; bottom {self.bottom}{action}: {flagged}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner": self.owner,
            "assessment": self.assessment,
            "bottom": self.bottom,
            "action": self.action,
            "span": span_dict(self.span),
            "entries": [e.as_dict() for e in self.entries],
            "flagged": list(self.flagged),
        }


def competition_rank(totals: Iterable[tuple[str, float]], bottom: int) -> tuple[RankEntry, ...]:
    """Rank by total, highest first (names break display order only), flag the bottom N."""
    rows = sorted(totals, key=lambda x: (-x[1], x[0]))
    ranks: list[int] = []
    for i, (_, total) in enumerate(rows):
        if i > 0 and total > rows[i - 1][1] - EPSILON:
            ranks.append(ranks[-1])  # tied with the one above
        else:
            ranks.append(i + 1)
    cut: float | None = None
    if bottom > 0 and rows:
        ascending = sorted(t for _, t in rows)
        cut = ascending[min(bottom, len(ascending)) - 1]
    return tuple(
        RankEntry(name, total, rank, cut is not None and total <= cut + EPSILON)
        for (name, total), rank in zip(rows, ranks, strict=True)
    )
