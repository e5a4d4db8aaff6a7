"""Properties of scoring: caps and floors hold, findings never help, explanations add up."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.dsl.model import (
    Assessment,
    BonusRule,
    Category,
    DeductRule,
    Fact,
    Facts,
    Jurisdiction,
    Level,
    PenaltyRule,
    Quantity,
    Ref,
    ShortfallRule,
    SourceFile,
    Span,
)
from onewindow.dsl.resolve import resolve
from onewindow.engine.scoring import AssessmentScore, FactsIndex, MetricResolver, Scorer, fmt
from onewindow.plugins.registry import Registry

AS_OF = dt.date(2019, 12, 31)
REGISTRY = Registry.build(extra=["onewindow.plugins.builtin.rules"])
METRICS = ("standard_village_room_share", "village_room_coverage", "good_rating_share")


def sp(line: int) -> Span:
    return Span(file="mem.ow", line=line, column=1, end_line=line, end_column=2)


def q(value: float, percent: bool = True) -> Quantity:
    return Quantity(value=value, percent=percent, span=sp(1))


@st.composite
def categories(draw: st.DrawFn) -> list[Category]:
    out = []
    for n in range(draw(st.integers(1, 4))):
        cap = draw(st.integers(0, 30))
        floor = draw(st.integers(-10, cap))
        rules: list = []
        for k in range(draw(st.integers(0, 3))):
            line = 100 * n + k + 2
            if draw(st.booleans()):
                rules.append(DeductRule(points=draw(st.integers(0, 10)), span=sp(line)))
            else:
                rules.append(
                    ShortfallRule(
                        metric=Ref(name=draw(st.sampled_from(METRICS)), span=sp(line)),
                        below=q(draw(st.integers(0, 100))),
                        points=draw(st.sampled_from([0.5, 1, 2, 30])),
                        span=sp(line),
                    )
                )
        out.append(
            Category(name=f"类{n}", max=cap, floor=floor, rules=tuple(rules), span=sp(100 * n + 1))
        )
    return out


@st.composite
def setups(
    draw: st.DrawFn,
) -> tuple[list[Category], dict[str, int], dict[str, float], dict[str, int]]:
    cats = draw(categories())
    findings = {c.name: draw(st.integers(0, 12)) for c in cats if draw(st.booleans())}
    values = {m: draw(st.floats(0, 100, allow_nan=False)) for m in METRICS if draw(st.booleans())}
    events = {e: draw(st.integers(0, 4)) for e in ("好事", "坏事")}
    return cats, findings, values, events


def score(
    cats: list[Category], findings: dict[str, int], values: dict[str, float], events: dict[str, int]
) -> AssessmentScore:
    facts = [
        Fact(fact="findings", name=k, value=q(v, False), span=sp(900)) for k, v in findings.items()
    ]
    facts += [Fact(fact="value", name=k, value=q(v), span=sp(901)) for k, v in values.items()]
    facts += [
        Fact(fact="event", name=k, value=q(v, False), span=sp(902)) for k, v in events.items() if v
    ]
    assessment = Assessment(
        name="考核",
        span=sp(1),
        applies_to=Level.township,
        categories=tuple(cats),
        rules=(
            BonusRule(event="好事", points=5, each=True, span=sp(990)),
            PenaltyRule(event="坏事", points=20, each=True, span=sp(991)),
        ),
    )
    district = Jurisdiction(
        name="区", span=sp(1), file="mem.ow", level=Level.district, assessments=(assessment,)
    )
    town = Jurisdiction(
        name="镇",
        span=sp(2),
        file="mem.ow",
        level=Level.township,
        parent=Ref(name="区", span=sp(2)),
        facts=(Facts(as_of=AS_OF, facts=tuple(facts), span=sp(3)),),
    )
    ws, _ = resolve("mem", {"mem.ow": SourceFile(path="mem.ow", jurisdictions=(district, town))})
    resolver = MetricResolver(ws, REGISTRY, FactsIndex.from_workspace(ws), AS_OF)
    card = Scorer(ws, REGISTRY, resolver).scorecard("镇")
    (a,) = card.assessments
    return a


def evaluate(arithmetic: str) -> tuple[float, float]:
    """(left side as displayed, right side) of `a + b - c = t`."""
    left, right = arithmetic.rsplit(" = ", 1)
    tokens = left.split(" ")
    total = float(tokens[0])
    for sign, number in zip(tokens[1::2], tokens[2::2], strict=True):
        total += float(number) if sign == "+" else -float(number)
    return total, float(right)


@settings(max_examples=150, deadline=None)
@given(setups())
def test_a_category_stays_within_its_floor_and_cap(setup) -> None:
    a = score(*setup)
    for c in a.categories:
        assert c.floor - 1e-9 <= c.points <= c.max + 1e-9


@settings(max_examples=150, deadline=None)
@given(setups(), st.integers(0, 10), st.data())
def test_more_findings_never_raise_a_score(setup, extra: int, data: st.DataObject) -> None:
    cats, findings, values, events = setup
    name = data.draw(st.sampled_from([c.name for c in cats]))
    before = score(cats, findings, values, events)
    more = dict(findings)
    more[name] = more.get(name, 0) + extra
    after = score(cats, more, values, events)
    assert after.total <= before.total + 1e-9
    for b, c in zip(before.categories, after.categories, strict=True):
        assert c.points <= b.points + 1e-9


@settings(max_examples=150, deadline=None)
@given(setups())
def test_explanation_arithmetic_sums_to_the_total(setup) -> None:
    a = score(*setup)
    assert (
        abs(a.total - sum(c.points for c in a.categories) - sum(i.points for i in a.items)) < 1e-9
    )
    shown, total = evaluate(a.arithmetic)
    assert total == float(fmt(a.total))
    assert abs(shown - a.total) <= 0.005 * (len(a.categories) + len(a.items) + 1)
    for c in a.categories:
        assert abs(c.raw - c.max - sum(i.points for i in c.items)) < 1e-9
        assert abs(c.points - min(c.max, max(c.floor, c.raw))) < 1e-12
        assert abs(c.max + sum(i.points for i in c.items) + c.adjustment - c.points) < 1e-9
        if any(i.points for i in c.items):
            shown, raw = evaluate(c.arithmetic.split(" → ")[0])
            assert raw == float(fmt(c.raw))
            assert abs(shown - c.raw) <= 0.005 * (len(c.items) + 1)


@settings(max_examples=100, deadline=None)
@given(setups())
def test_every_item_explains_itself(setup) -> None:
    a = score(*setup)
    for c in a.categories:
        for i in c.items:
            e = i.explanation
            assert e.rule and e.arithmetic and e.span is not None
            assert e.inputs, "every built-in rule reads at least one input"
            assert i.missing == any(x.value is None for x in e.inputs)
            if i.missing:
                assert e.note  # the worst case is said in words
