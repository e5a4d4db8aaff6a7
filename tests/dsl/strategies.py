"""Hypothesis strategies: valid `Jurisdiction` models and valid source texts of the language.

`jurisdictions()` draws models the language can express (every construct: matters with
materials and dated limits, chains with nested steps, halls with zones, delegations,
targets, assessments with every rule kind, facts, tests), with Unicode names (CJK, names
that need quotes, names equal to keywords). `source_texts()` prints such a model and then
scrambles its surface without changing its meaning: keywords in random languages token by
token, random whitespace and line breaks, comments, quoted bare names, `15.0` and `015`,
`≥`, `→`, `～`, `，`, `、`.
"""

from __future__ import annotations

import datetime as dt
import random
import string

from hypothesis import strategies as st

from onewindow.dsl.model import (
    Assessment,
    BonusRule,
    CalendarOverride,
    Category,
    Chain,
    Comparison,
    Declared,
    DeductRule,
    Delegation,
    Delivery,
    Department,
    Expectation,
    Fact,
    Facts,
    Fee,
    Hall,
    Handling,
    Hours,
    Jurisdiction,
    Level,
    Limit,
    LimitKind,
    LintSetting,
    Material,
    MaterialSource,
    Matter,
    MatterType,
    OnlineDepth,
    PenaltyRule,
    PluginRule,
    PluginUse,
    Quantity,
    Ranking,
    Ref,
    SealRange,
    ServiceObject,
    Setting,
    ShortfallRule,
    SourceFile,
    Span,
    StepGroup,
    StepRef,
    Target,
    TestCase,
    ThresholdRule,
    TimeUnit,
    Window,
    WindowKind,
)
from onewindow.dsl.parse import grammar
from onewindow.dsl.printer import Lang, print_source_file
from onewindow.dsl.vocab import FEE_NONE

SPAN = Span(file="<generated>", line=1, column=1, end_line=1, end_column=1)
MAX_INT = 2**53  # integers the builder reads through float() without loss

# ---------------------------------------------------------------- atoms

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_NAME_CHARS = st.one_of(
    _CJK,
    st.sampled_from(string.ascii_letters + string.digits + "_-·"),
    st.sampled_from("（）() .,:#\"\\'/&{}=%+"),
    st.characters(blacklist_categories=("Cs", "Cc")),
)


def _keyword_words() -> list[str]:
    words = [w for spellings in grammar().keywords.values() for w in spellings]
    return [*words, "legal", "法定", "promised", "承诺", "each", "once", "as", "per", "事项-甲"]


#: Names: mostly CJK or ASCII words, sometimes needing quotes, sometimes keywords.
names = st.one_of(
    st.text(_CJK, min_size=1, max_size=6),
    st.text(string.ascii_letters + "_", min_size=1, max_size=8),
    st.text(_NAME_CHARS, min_size=1, max_size=8),
    st.sampled_from(_keyword_words()),
)
#: Quoted texts: anything but a line break or NUL.
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00"), max_size=16
)
refs = names.map(lambda n: Ref(name=n, span=SPAN))
counts = st.integers(min_value=0, max_value=MAX_INT)
small_counts = st.integers(min_value=0, max_value=10_000)
amounts = st.one_of(
    st.integers(min_value=0, max_value=100_000).map(float),
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
)
signed_amounts = st.one_of(amounts, amounts.map(lambda x: -x))
dates = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))
quantities = st.builds(Quantity, value=amounts, percent=st.booleans(), span=st.just(SPAN))
plain_quantities = st.builds(Quantity, value=amounts, percent=st.just(False), span=st.just(SPAN))
comparisons = st.sampled_from(list(Comparison))


def _opt(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def _tuple(strategy: st.SearchStrategy, max_size: int = 2, min_size: int = 0):
    return st.lists(strategy, min_size=min_size, max_size=max_size).map(tuple)


@st.composite
def dated(draw) -> dict:
    return {"valid_from": draw(_opt(dates)), "due_by": draw(_opt(dates))}


settings_values = st.one_of(names, amounts)
settings = st.builds(Setting, key=names, value=settings_values, span=st.just(SPAN))

# ---------------------------------------------------------------- matters and chains


@st.composite
def materials(draw) -> Material:
    source = draw(st.sampled_from(list(MaterialSource)))
    return Material(
        name=draw(texts),
        source=source,
        source_matter=draw(refs) if source is MaterialSource.matter else None,
        deferrable=draw(st.booleans()),
        span=SPAN,
    )


@st.composite
def limits(draw) -> Limit:
    return Limit(
        kind=draw(st.sampled_from(list(LimitKind))),
        amount=draw(amounts),
        unit=draw(st.sampled_from(list(TimeUnit))),
        span=SPAN,
        **draw(dated()),
    )


fees = st.one_of(
    st.just(Fee(amount=0, span=SPAN)),
    amounts.filter(lambda x: x > 0).map(lambda x: Fee(amount=x, span=SPAN)),
    names.filter(lambda n: n not in FEE_NONE).map(lambda n: Fee(text=n, span=SPAN)),
)


@st.composite
def matters(draw) -> Matter:
    mats = draw(_tuple(materials(), 3))
    return Matter(
        name=draw(names),
        span=SPAN,
        code=draw(_opt(texts)),
        type=draw(_opt(st.sampled_from(list(MatterType)))),
        basis=draw(_opt(texts)),
        level=draw(_opt(st.sampled_from(list(Level)))),
        conditions=draw(_opt(texts)),
        serves=draw(_tuple(st.sampled_from(list(ServiceObject)), 3)),
        department=draw(_opt(refs)),
        domain=draw(_opt(refs)),
        materials=mats,
        materials_span=SPAN if mats else draw(_opt(st.just(SPAN))),
        limits=draw(_tuple(limits())),
        fee=draw(_opt(fees)),
        handling=draw(_opt(st.sampled_from(list(Handling)))),
        online=draw(_opt(st.sampled_from(list(OnlineDepth)))),
        trips=draw(_opt(small_counts)),
        volume=draw(_opt(amounts)),
        service_minutes=draw(_opt(amounts)),
        delivery=draw(_tuple(st.sampled_from(list(Delivery)), 3)),
        settings=draw(_tuple(settings)),
    )


def _group(op: str, children: st.SearchStrategy) -> st.SearchStrategy:
    """A group whose items are steps or groups of the other operator (the builder's shape)."""
    item = children.filter(lambda c: not (isinstance(c, StepGroup) and c.op == op))
    return st.lists(item, min_size=2, max_size=3).map(
        lambda items: StepGroup(op=op, items=tuple(items))
    )


steps = st.recursive(
    refs.map(lambda r: StepRef(matter=r)),
    lambda children: _group("serial", children) | _group("parallel", children),
    max_leaves=6,
)


@st.composite
def chains(draw) -> Chain:
    return Chain(
        name=draw(names),
        span=SPAN,
        lead=draw(_opt(refs)),
        steps=draw(_opt(steps)),
        materials=draw(_tuple(materials())),
        form=draw(_opt(texts)),
        limits=draw(_tuple(limits())),
        volume=draw(_opt(amounts)),
        domain=draw(_opt(refs)),
        settings=draw(_tuple(settings, 1)),
    )


# ---------------------------------------------------------------- halls


@st.composite
def hours(draw) -> Hours:
    minutes = draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=2, max_size=2, unique=True))
    a, b = sorted(minutes)
    return Hours(start=dt.time(a // 60, a % 60), end=dt.time(b // 60, b % 60), span=SPAN)


@st.composite
def windows(draw, zone: Ref | None = None) -> Window:
    return Window(
        name=draw(names),
        span=SPAN,
        kind_of=draw(_opt(st.sampled_from(list(WindowKind)))),
        domains=draw(_tuple(refs)),
        matters=draw(_tuple(refs)),
        staff=draw(small_counts),
        zone=zone,
        settings=draw(_tuple(settings, 1)),
    )


@st.composite
def halls(draw) -> Hall:
    """Windows and zones in a random order; each zone's windows sit together."""
    zone_names = draw(st.lists(names, max_size=2, unique=True))
    entries: list[Window | Ref] = list(draw(st.lists(windows(), max_size=2)))
    entries += [Ref(name=z, span=SPAN) for z in zone_names]
    order = draw(st.permutations(entries))
    all_windows: list[Window] = []
    zones: list[Ref] = []
    for entry in order:
        if isinstance(entry, Ref):
            zones.append(entry)
            all_windows += draw(st.lists(windows(zone=entry), max_size=2))
        else:
            all_windows.append(entry)
    return Hall(
        name=draw(names),
        span=SPAN,
        hours=draw(_tuple(hours())),
        zones=tuple(zones),
        windows=tuple(all_windows),
        settings=draw(_tuple(settings, 1)),
    )


# ---------------------------------------------------------------- delegation, targets, calendar


@st.composite
def delegations(draw) -> Delegation:
    seal = draw(_opt(small_counts))
    return Delegation(
        matters=draw(_tuple(refs, 2, 1)),
        to=draw(_tuple(refs, 2, 1)),
        seal=seal,
        seal_span=SPAN if seal is not None else None,
        span=SPAN,
        **draw(dated()),
    )


@st.composite
def targets(draw) -> Target:
    return Target(
        metric=draw(refs),
        subject=draw(_opt(refs)),
        op=draw(comparisons),
        value=draw(quantities),
        note=draw(_opt(texts)),
        span=SPAN,
        **draw(dated()),
    )


@st.composite
def overrides(draw) -> CalendarOverride:
    a, b = sorted(draw(st.lists(dates, min_size=2, max_size=2)))
    return CalendarOverride(
        open=draw(st.booleans()), start=a, end=b, note=draw(_opt(texts)), span=SPAN
    )


# ---------------------------------------------------------------- assessment


rules = st.one_of(
    st.builds(DeductRule, points=amounts, fact=_opt(names), span=st.just(SPAN)),
    st.builds(ShortfallRule, metric=refs, below=quantities, points=amounts, span=st.just(SPAN)),
    st.builds(
        ThresholdRule,
        metric=refs,
        op=comparisons,
        value=quantities,
        points=signed_amounts,
        span=st.just(SPAN),
    ),
    st.builds(
        BonusRule,
        event=names,
        points=amounts,
        each=st.booleans(),
        note=_opt(texts),
        span=st.just(SPAN),
    ),
    st.builds(
        PenaltyRule,
        event=names,
        points=amounts,
        each=st.booleans(),
        note=_opt(texts),
        span=st.just(SPAN),
    ),
    st.builds(PluginRule, kind_name=refs, params=_tuple(settings), span=st.just(SPAN)),
)
categories = st.builds(
    Category,
    name=names,
    max=amounts,
    floor=st.just(0.0) | signed_amounts,
    rules=_tuple(rules),
    span=st.just(SPAN),
)


@st.composite
def assessments(draw) -> Assessment:
    folds = draw(_opt(refs))
    return Assessment(
        name=draw(names),
        span=SPAN,
        folds_into=folds,
        weight=draw(_opt(quantities)) if folds is not None else None,
        applies_to=draw(_opt(st.sampled_from(list(Level)))),
        categories=draw(_tuple(categories)),
        rules=draw(_tuple(rules)),
        ranking=draw(
            _opt(st.builds(Ranking, bottom=small_counts, action=_opt(texts), span=st.just(SPAN)))
        ),
    )


# ---------------------------------------------------------------- facts and tests


facts_items = st.one_of(
    st.builds(Fact, fact=st.just("value"), name=names, value=quantities, span=st.just(SPAN)),
    st.builds(
        Fact,
        fact=st.sampled_from(["findings", "event"]),
        name=names,
        value=plain_quantities,
        span=st.just(SPAN),
    ),
)
facts_blocks = st.builds(
    Facts, jurisdiction=_opt(refs), as_of=dates, facts=_tuple(facts_items, 3), span=st.just(SPAN)
)
expectations = st.one_of(
    st.builds(Expectation, path=_tuple(names, 3, 1), value=quantities, span=st.just(SPAN)),
    st.builds(
        Expectation,
        path=names.map(lambda n: ("target", n)),
        due_by=_opt(dates),
        status=st.sampled_from(["met", "missed", "pending"]),
        span=st.just(SPAN),
    ),
)
tests = st.builds(
    TestCase,
    name=texts,
    jurisdiction=_opt(refs),
    as_of=dates,
    facts=_tuple(facts_items),
    expectations=_tuple(expectations),
    span=st.just(SPAN),
)


# ---------------------------------------------------------------- jurisdictions

lint_settings = st.builds(
    LintSetting,
    rule=st.sampled_from(["OW201", "OW305", "unused_department"]) | names,
    severity=st.sampled_from(["error", "warning", "info", "off"]),
    span=st.just(SPAN),
)


@st.composite
def jurisdictions(draw) -> Jurisdiction:
    """A jurisdiction model the language can express, with every kind of construct."""
    level = draw(_opt(st.sampled_from(list(Level))))
    seals = draw(_opt(st.tuples(small_counts, small_counts)))
    return Jurisdiction(
        name=draw(names),
        span=SPAN,
        file="<generated>",
        level=level,
        level_span=SPAN if level is not None else None,
        parent=draw(_opt(refs)),
        calendar=draw(_opt(refs)),
        source=draw(_opt(texts)),
        departments=draw(
            _tuple(st.builds(Department, name=names, title=_opt(texts), span=st.just(SPAN)))
        ),
        domains=draw(_tuple(st.builds(Declared, name=names, span=st.just(SPAN)), 3)),
        matters=draw(_tuple(matters())),
        chains=draw(_tuple(chains(), 1)),
        halls=draw(_tuple(halls(), 1)),
        delegations=draw(_tuple(delegations())),
        seal_range=SealRange(low=seals[0], high=seals[1], span=SPAN) if seals else None,
        targets=draw(_tuple(targets())),
        assessments=draw(_tuple(assessments(), 1)),
        overrides=draw(_tuple(overrides())),
        facts=draw(_tuple(facts_blocks, 1)),
        tests=draw(_tuple(tests, 1)),
        plugins=draw(_tuple(texts.map(lambda t: PluginUse(name=t, span=SPAN)))),
        settings=draw(_tuple(settings)),
        lint=draw(_tuple(lint_settings)),
    )


# ---------------------------------------------------------------- source texts

_LITERAL_SWAPS = {
    "legal": "法定",
    "promised": "承诺",
    "workdays": "工作日",
    "days": "自然日",
    "each": "每次",
    "once": "一次",
    ">=": "≥",
    "<=": "≤",
    "->": "→",
    "..": "～",
}
_LITERAL_SWAPS |= {v: k for k, v in _LITERAL_SWAPS.items()}
_SEPARATORS = [" ", "  ", "\t", "\n", "\n\n", "\n\n\n", " \u3000", "\r\n"]
_COMMENT_CHARS = "注释 comment #:;{}\"'()（）-→≥～，、。0123456789abcXYZ\u00e9\u3000\t"


def _comment(rnd: random.Random) -> str:
    return "#" + "".join(rnd.choice(_COMMENT_CHARS) for _ in range(rnd.randrange(12))).rstrip()


def scramble(text: str, rnd: random.Random) -> str:
    """The same statements as `text` with another surface: spellings, spaces, comments.

    Keywords take a random language token by token, literal words and punctuation their
    other spelling, some bare names get quotes, some numbers a leading zero or a `.0`, and
    comments and blank lines appear between tokens.
    """
    g = grammar()
    tokens = g.lark.parse_interactive(text).exhaust_lexer()
    out: list[str] = []
    if rnd.random() < 0.5:
        out.append(_comment(rnd) + "\n")
    for tok in tokens:
        word = str(tok)
        if tok.type in g.keywords and rnd.random() < 0.5:
            word = rnd.choice(g.keywords[tok.type])
        elif tok.type != "NAME" and word in _LITERAL_SWAPS and rnd.random() < 0.5:
            word = _LITERAL_SWAPS[word]
        elif tok.type == "NAME" and rnd.random() < 0.25:
            word = f'"{word}"'
        elif tok.type == "NUMBER" and rnd.random() < 0.25:
            word = rnd.choice(["0" + word, word + ".0" if "." not in word else word + "0"])
        elif tok.type == "COMMA":
            word = rnd.choice([",", "，", "、"])
        out.append(word)
        choice = rnd.randrange(10)
        if choice == 0:
            out.append(" " + _comment(rnd) + "\n")
        elif choice == 1:
            out.append("\n" + _comment(rnd) + "\n")
        else:
            out.append(rnd.choice(_SEPARATORS))
    if rnd.random() < 0.5:
        out.append(_comment(rnd))
    return "".join(out)


@st.composite
def source_texts(draw, lang: Lang | None = None) -> str:
    """A valid source text, scrambled: a random jurisdiction, maybe with an `include` line,
    top-level facts, tests and plugins after it (as in a facts file)."""
    model = draw(jurisdictions())
    extra = draw(
        st.builds(
            SourceFile,
            path=st.just("<generated>"),
            jurisdictions=st.just((model,)),
            facts=_tuple(facts_blocks, 1),
            tests=_tuple(tests, 1),
            plugins=_tuple(texts.map(lambda t: PluginUse(name=t, span=SPAN)), 1),
        )
    )
    printed = print_source_file(extra, lang or draw(st.sampled_from(["en", "zh"])))
    if printed.split("\n", 1)[0].endswith("{") and draw(st.booleans()):  # not `{}`
        include = draw(st.sampled_from(['include "common/甲.ow"', '引用 "乙.ow"']))
        printed = printed.replace("{\n", "{\n  " + include + "\n", 1)
    return scramble(printed, draw(st.randoms(use_true_random=False)))
