"""Folding (按比例折算): an assessment's total scaled into the assessment it folds into.

`assessment A folds into P weight W` gives P the points total(A) / max(A) × W, where
max(A) is the sum of A's category maxima plus the weights of assessments folded into A.
Without a weight, A's total is folded as it is (and A's max counts towards P's max).
"""

from __future__ import annotations

from onewindow.engine.scoring.scorecard import AssessmentScore, Explanation, Input, Item


def contribution(total: float, scale: float, weight: float | None) -> float | None:
    """Points folded into the parent; None when there is no scale to divide by."""
    if weight is None:
        return total
    if scale <= 0:
        return None
    return total / scale * weight


def scale_share(child: AssessmentScore) -> float:
    """What a folded child adds to its parent's max: its weight, else its own max."""
    return child.weight if child.weight is not None else child.max


def fold_item(child: AssessmentScore, parent: str, span) -> Item:
    """The parent's line for one folded child: the child's total scaled, explained."""
    weight = f" weight {child.weight:g}" if child.weight is not None else ""
    explanation = Explanation(
        rule=f"assessment {child.name} folds into {parent}{weight}",
        kind="fold",
        span=span,
        inputs=(
            Input(
                "score",
                child.name,
                child.total,
                "score",
                f"total of {child.id} (max {child.max:g})",
                child.span,
            ),
        ),
        arithmetic=child.fold_arithmetic or "",
        note=None if child.contribution is not None else "no scale: folds 0",
    )
    points = child.contribution if child.contribution is not None else 0.0
    return Item(f"{child.jurisdiction}/{parent}/fold:{child.name}", "fold", points, explanation)
