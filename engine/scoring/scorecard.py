"""Scorecard value types (考核得分表): assessments → categories → items, each explained.

Every number carries an `Explanation`: the rule as written, its source span, the inputs it
read (each with where it came from) and the arithmetic. Every line has a stable id, e.g.
`兰山街道/六统一/统一建设要求/deduct@L42`, which `onewindow explain` takes.

Points are computed exactly (floats) and shown to at most 2 decimals (`fmt`).

The types are slotted dataclasses, not frozen ones (creating tens of thousands of frozen
instances costs twice as much): treat them as values and never mutate one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from onewindow.dsl.model import Span

#: Test expectations match a computed figure when they differ by at most this much.
TOLERANCE = 1e-6

InputKind = Literal["metric", "findings", "event", "score"]
#: fact = a `facts` block; static = computed from the model; simulated = a run;
#: default = nothing recorded (0 findings, no event); missing = no value at all.
InputSource = Literal["fact", "static", "simulated", "default", "missing", "score"]


def fmt(value: float | None, percent: bool = False) -> str:
    """A number for people: whole numbers bare, else at most 2 decimals (7.5, 11.85)."""
    if value is None:
        return "no value"
    rounded = round(value)
    if abs(value - rounded) < 5e-10:
        text = str(int(rounded))
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    return f"{text}%" if percent else text


def fmt_signed(value: float) -> str:
    """`+5`, `-20`, `0`."""
    text = fmt(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def span_dict(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"file": span.file, "line": span.line, "column": span.column}


# ---------------------------------------------------------------- inputs and explanations


@dataclass(slots=True)
class Input:
    """One value a rule read, and where it came from (a facts line, the model, a run).

    For a fact, `as_of` is the date of its facts block and `span` its line; otherwise
    `detail` says where the value came from (or why there is none).
    """

    kind: InputKind
    name: str
    value: float | None
    source: InputSource
    detail: str = ""
    span: Span | None = None
    percent: bool = False
    subject: str | None = None
    as_of: dt.date | None = None

    @property
    def origin(self) -> str:
        if self.source == "fact" and self.as_of is not None:
            return f"facts as of {self.as_of.isoformat()}, {self.span}"
        return self.detail

    @property
    def label(self) -> str:
        if self.kind == "findings":
            return f"findings {self.name}"
        if self.kind == "event":
            return f"event {self.name}"
        if self.subject is not None:
            return f"{self.name} of {self.subject}"
        return self.name

    @property
    def given(self) -> bool:
        """True when the value was observed or computed, not a default or missing."""
        return self.value is not None and self.source not in ("default", "missing")

    def text(self) -> str:
        return f"{self.label} = {fmt(self.value, self.percent)} ({self.origin})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "subject": self.subject,
            "value": self.value,
            "percent": self.percent,
            "source": self.source,
            "origin": self.origin,
            "span": span_dict(self.span),
        }


@dataclass(slots=True)
class Explanation:
    """Why a number is what it is: rule text, source span, inputs, arithmetic, a note."""

    rule: str
    kind: str
    span: Span | None
    inputs: tuple[Input, ...]
    arithmetic: str
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "span": span_dict(self.span),
            "inputs": [i.as_dict() for i in self.inputs],
            "arithmetic": self.arithmetic,
            "note": self.note,
        }


# ---------------------------------------------------------------- lines of a scorecard


@dataclass(slots=True)
class Item:
    """Points from one rule (or one folded assessment), signed: deductions are negative."""

    id: str
    kind: str
    points: float
    explanation: Explanation

    @property
    def missing(self) -> bool:
        """An input had no value (the rule was scored as its worst case)."""
        return any(i.value is None for i in self.explanation.inputs)

    @property
    def exercised(self) -> bool:
        """The rule read at least one value that was given or computed (for test coverage)."""
        return any(i.given for i in self.explanation.inputs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "points": self.points,
            "missing": self.missing,
            "explanation": self.explanation.as_dict(),
        }


@dataclass(slots=True)
class CategoryScore:
    """A category (考核类别): max + Σ item points, clamped to [floor, max]."""

    id: str
    name: str
    max: float
    floor: float
    points: float
    raw: float
    items: tuple[Item, ...]
    span: Span

    @property
    def adjustment(self) -> float:
        """What the clamp added (floor hit, > 0) or took (cap hit, < 0); 0 otherwise."""
        return self.points - self.raw

    @property
    def arithmetic(self) -> str:
        """`15 - 4 - 4 = 7`; items scoring 0 are left out; a clamp is said in words."""
        terms = " ".join(
            f"- {fmt(-i.points)}" if i.points < 0 else f"+ {fmt(i.points)}"
            for i in self.items
            if i.points != 0
        )
        text = (
            f"{fmt(self.max)} {terms} = {fmt(self.raw)}"
            if terms
            else f"{fmt(self.max)}, nothing off"
        )
        if self.points > self.raw + 1e-12:
            text += f" → floor {fmt(self.floor)} (扣完为止: no lower than the floor)"
        elif self.points < self.raw - 1e-12:
            text += f" → capped at max {fmt(self.max)}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "points": self.points,
            "max": self.max,
            "floor": self.floor,
            "raw": self.raw,
            "explanation": {"arithmetic": self.arithmetic, "span": span_dict(self.span)},
            "items": [i.as_dict() for i in self.items],
        }


@dataclass(slots=True)
class AssessmentScore:
    """One assessment (考核) of one jurisdiction: categories, outside items, folds, total.

    `max` is the scale used when folding: Σ category max plus the weights folded in.
    `contribution` is total / max × weight, the points given to `folds_into` (None when
    the assessment does not fold or has no scale).
    """

    id: str
    name: str
    owner: str
    jurisdiction: str
    span: Span
    max: float
    total: float
    categories: tuple[CategoryScore, ...]
    items: tuple[Item, ...]
    folds_into: str | None = None
    weight: float | None = None
    contribution: float | None = None

    @property
    def arithmetic(self) -> str:
        """Category points, then the non-zero items outside categories, then the total."""
        terms = [c.points for c in self.categories] + [i.points for i in self.items if i.points]
        if not terms:
            return f"nothing scored = {fmt(self.total)}"
        text = fmt(terms[0])
        for t in terms[1:]:
            text += f" - {fmt(-t)}" if t < 0 else f" + {fmt(t)}"
        return f"{text} = {fmt(self.total)}"

    @property
    def fold_arithmetic(self) -> str | None:
        if self.folds_into is None:
            return None
        if self.contribution is None:
            return f"{self.name} has no maximum to scale by: nothing folded into {self.folds_into}"
        if self.weight is None:
            return f"{fmt(self.total)} (no weight: folded as is) = {fmt(self.contribution)}"
        return (
            f"{fmt(self.total)} / {fmt(self.max)} × {fmt(self.weight)} = {fmt(self.contribution)}"
        )

    def category(self, name: str) -> CategoryScore | None:
        return next((c for c in self.categories if c.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "owner": self.owner,
            "points": self.total,
            "max": self.max,
            "folds_into": self.folds_into,
            "weight": self.weight,
            "contribution": self.contribution,
            "explanation": {
                "arithmetic": self.arithmetic,
                "fold": self.fold_arithmetic,
                "span": span_dict(self.span),
            },
            "categories": [c.as_dict() for c in self.categories],
            "items": [i.as_dict() for i in self.items],
        }


@dataclass(slots=True)
class Scorecard:
    """Every assessment in force for one jurisdiction on one day."""

    jurisdiction: str
    level: str | None
    as_of: dt.date
    assessments: tuple[AssessmentScore, ...]

    def assessment(self, name: str) -> AssessmentScore | None:
        return next((a for a in self.assessments if a.name == name), None)

    def lines(self) -> Iterator[tuple[str, AssessmentScore | CategoryScore | Item]]:
        """(id, line) for every assessment, category and item, top-down."""
        for a in self.assessments:
            yield a.id, a
            for c in a.categories:
                yield c.id, c
                for i in c.items:
                    yield i.id, i
            for i in a.items:
                yield i.id, i

    def as_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "level": self.level,
            "as_of": self.as_of.isoformat(),
            "assessments": [a.as_dict() for a in self.assessments],
        }
