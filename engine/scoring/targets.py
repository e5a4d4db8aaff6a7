"""Dated target statuses (目标) of a jurisdiction: pending, met or missed on the as-of day.

Judged by `engine.dated.judge_target` (pending before the `by` day, judged from it on, a
missing value is missed) with the measured value from the scoring metric resolver, so a
target sees the same facts, model values and simulated values as the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onewindow.dsl.model import Jurisdiction, Target
from onewindow.engine.dated import judge_target
from onewindow.engine.scoring.metrics import MetricResolver
from onewindow.engine.scoring.scorecard import Input, fmt, span_dict


def target_text(t: Target) -> str:
    subject = f" of {t.subject.name}" if t.subject is not None else ""
    text = f"{t.metric.name}{subject} {t.op.value} {fmt(t.value.value, t.value.percent)}"
    if t.valid_from is not None:
        text += f" from {t.valid_from.isoformat()}"
    if t.due_by is not None:
        text += f" by {t.due_by.isoformat()}"
    return text


@dataclass(frozen=True, slots=True)
class TargetLine:
    """A target's status on the day, with the measured input and the reason."""

    id: str
    jurisdiction: str
    target: Target
    status: str
    measured: Input
    reason: str

    @property
    def text(self) -> str:
        return target_text(self.target)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "jurisdiction": self.jurisdiction,
            "target": self.text,
            "metric": self.target.metric.name,
            "subject": self.target.subject.name if self.target.subject else None,
            "due_by": self.target.due_by.isoformat() if self.target.due_by else None,
            "status": self.status,
            "measured": self.measured.as_dict(),
            "reason": self.reason,
            "note": self.target.note,
            "span": span_dict(self.target.span),
        }


def judge_targets(resolver: MetricResolver, j: Jurisdiction) -> list[TargetLine]:
    """Every target written in the jurisdiction's block (includes spliced in), judged."""
    out: list[TargetLine] = []
    used: set[str] = set()
    for t in j.targets:
        subject = t.subject.name if t.subject is not None else None
        measured = resolver.metric(j.name, t.metric.name, subject)
        judged = judge_target(t, measured.value, resolver.as_of)
        base = f"{j.name}/target:{t.metric.name}@L{t.span.line}"
        line_id = base if base not in used else f"{base}C{t.span.column}"
        n = 2
        while line_id in used:
            line_id = f"{base}C{t.span.column}#{n}"
            n += 1
        used.add(line_id)
        out.append(TargetLine(line_id, j.name, t, judged.status.value, measured, judged.reason))
    return out
