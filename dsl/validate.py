"""Validate: semantic errors of a resolved workspace (references, limits, delegations, seals)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error, warning
from onewindow.dsl.model import (
    Assessment,
    Fact,
    Jurisdiction,
    LimitKind,
    Matter,
    Quantity,
    Ref,
    Setting,
    ShortfallRule,
    SourceFile,
    StepGroup,
    StepRef,
    ThresholdRule,
)
from onewindow.dsl.resolve import Workspace


@dataclass(frozen=True)
class Vocabulary:
    """Names defined outside the files: metrics, setting keys, calendars (from plugins)."""

    metrics: frozenset[str] = frozenset()
    settings: frozenset[str] = frozenset()
    calendars: frozenset[str] = frozenset({"cn"})
    plugins: frozenset[str] = frozenset()
    rule_kinds: frozenset[str] = frozenset()
    unavailable_plugins: dict[str, str] = field(default_factory=dict)


def validate(ws: Workspace, vocab: Vocabulary) -> list[Diagnostic]:
    """Every semantic error of the workspace, in file order."""
    out: list[Diagnostic] = []
    for j in ws.jurisdictions.values():
        out.extend(validate_jurisdiction(ws, j, vocab))
    for f in ws.files.values():
        out.extend(validate_file(ws, f, vocab))
    return out


def inherited_view(j: Jurisdiction) -> tuple:
    """What validating a descendant of `j` reads of it: its level and the names it passes down.

    Descendants are checked against names only (matters, departments, domains, assessments,
    what is delegated to whom), never against spans or matter details, so an edit that
    keeps this view leaves their diagnostics as they were (dsl/incremental.py relies on it).
    """
    return (
        j.level,
        tuple(m.name for m in j.matters),
        tuple(d.name for d in j.departments),
        tuple(d.name for d in j.domains),
        tuple(a.name for a in j.assessments),
        tuple(
            (tuple(m.name for m in d.matters), tuple(t.name for t in d.to)) for d in j.delegations
        ),
    )


def validate_file(ws: Workspace, f: SourceFile, vocab: Vocabulary) -> list[Diagnostic]:
    """Errors of a file's top-level facts, tests and plugin lines (not its jurisdictions)."""
    out: list[Diagnostic] = []
    for facts in f.facts:
        if facts.jurisdiction is not None:
            out.extend(_unknown_jurisdiction(ws, facts.jurisdiction))
        out.extend(_facts(facts.facts, vocab))
    for t in f.tests:
        if t.jurisdiction is None:
            out.append(
                error(
                    "OW105",
                    t.span,
                    f"test '{t.name}' outside a jurisdiction does not say which one it tests",
                    "add: jurisdiction NAME",
                )
            )
        else:
            out.extend(_unknown_jurisdiction(ws, t.jurisdiction))
        out.extend(_facts(t.facts, vocab))
    for use in f.plugins:
        out.extend(_plugin(use.name, use.span, vocab))
    return out


def _unknown_jurisdiction(ws: Workspace, ref: Ref) -> list[Diagnostic]:
    if ref.name in ws.jurisdictions:
        return []
    return [
        error(
            "OW105",
            ref.span,
            f"unknown jurisdiction '{ref.name}'",
            did_you_mean(ref.name, ws.jurisdictions),
        )
    ]


def _plugin(name: str, span, vocab: Vocabulary) -> list[Diagnostic]:
    if name in vocab.plugins:
        return []
    reason = vocab.unavailable_plugins.get(name, "it is not installed")
    if reason.startswith("No module named"):
        reason = "it is not installed"
    return [
        error(
            "OW150",
            span,
            f"plugin '{name}' is not available: {reason}",
            f"install it (pip install {name.replace('_', '-')}) or pass --plugin with its module path",
        )
    ]


def _duplicates(items: Iterable[tuple[str, object]], what: str, where: str) -> Iterator[Diagnostic]:
    seen: dict[str, object] = {}
    for name, node in items:
        if name in seen:
            first = seen[name].span  # type: ignore[attr-defined]
            yield error(
                "OW110",
                node.span,  # type: ignore[attr-defined]
                f"{what} '{name}' is declared twice in {where}",
                f"rename or remove one; the first is at line {first.line}",
                related=((first, "first declared here"),),
            )
        else:
            seen[name] = node


def _percent(q: Quantity | None, what: str) -> list[Diagnostic]:
    if q is not None and q.percent and not 0 <= q.value <= 100:
        return [
            error(
                "OW121",
                q.span,
                f"{what} {q.value:g}% is outside 0–100%",
                "a share is between 0% and 100%",
            )
        ]
    return []


def _metric(ref: Ref, vocab: Vocabulary) -> list[Diagnostic]:
    if ref.name in vocab.metrics:
        return []
    return [
        error(
            "OW106",
            ref.span,
            f"unknown metric '{ref.name}'",
            did_you_mean(ref.name, vocab.metrics)
            or "run 'onewindow plugins --metrics' to list the metrics you can use",
        )
    ]


def _facts(facts: Iterable[Fact], vocab: Vocabulary) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for f in facts:
        if f.fact == "value":
            out.extend(_metric(Ref(name=f.name, span=f.span), vocab))
        out.extend(_percent(f.value, f"value of '{f.name}'"))
    return out


def _settings(settings: Iterable[Setting], vocab: Vocabulary) -> list[Diagnostic]:
    return [
        warning(
            "OW151",
            s.span,
            f"no loaded plugin reads the setting '{s.key}'",
            did_you_mean(s.key, vocab.settings) or "check the plugin that should read it is loaded",
        )
        for s in settings
        if s.key not in vocab.settings
    ]


def validate_jurisdiction(ws: Workspace, j: Jurisdiction, vocab: Vocabulary) -> list[Diagnostic]:
    """Errors of one jurisdiction block, read against what it inherits from its ancestors."""
    out: list[Diagnostic] = []
    where = f"jurisdiction '{j.name}'"
    if j.level is None and j.level_span is None:  # a misspelt level is OW101 already
        out.append(
            error(
                "OW113",
                j.span,
                f"jurisdiction '{j.name}' does not say its level",
                "add: level province | city | district | township | village",
            )
        )
    parent = ws.parent_of(j.name)
    if parent is not None and parent.level and j.level and parent.level.rank >= j.level.rank:
        out.append(
            error(
                "OW144",
                j.level_span or j.span,
                f"a {j.level.value} cannot sit under the {parent.level.value} '{parent.name}'",
                "a child's level must be below its parent's (province > city > district > "
                "township > village)",
            )
        )
    if j.calendar is not None and j.calendar.name not in vocab.calendars:
        out.append(
            error(
                "OW107",
                j.calendar.span,
                f"unknown calendar '{j.calendar.name}'",
                did_you_mean(j.calendar.name, vocab.calendars)
                or "calendars come from plugins; 'cn' is the built-in one",
            )
        )
    for use in j.plugins:
        out.extend(_plugin(use.name, use.span, vocab))
    out.extend(_settings(j.settings, vocab))
    out.extend(_duplicates(((d.name, d) for d in j.departments), "department", where))
    out.extend(_duplicates(((d.name, d) for d in j.domains), "domain", where))
    out.extend(
        _duplicates(((m.name, m) for m in (*j.matters, *j.chains)), "matter or chain", where)
    )
    out.extend(_duplicates(((h.name, h) for h in j.halls), "hall", where))
    out.extend(_duplicates(((a.name, a) for a in j.assessments), "assessment", where))
    first_code: dict[str, Matter] = {}
    for m in j.matters:
        if not m.code:
            continue
        if m.code in first_code:
            other = first_code[m.code]
            out.append(
                error(
                    "OW111",
                    m.span,
                    f"matter code '{m.code}' is already used by matter '{other.name}' in {where}",
                    f"each matter has its own catalogue code (编码); '{other.name}' uses it at "
                    f"line {other.span.line}",
                    related=((other.span, "code first used here"),),
                )
            )
        else:
            first_code[m.code] = m
    held = ws.handled_matters(j.name)
    lineage_matters = {m.name for a in ws.lineage(j.name)[1:] for m in a.matters}
    for m in j.matters:
        out.extend(_matter(ws, j, m, held, lineage_matters, vocab))
    for c in j.chains:
        out.extend(_dept(ws, j, c.lead))
        if c.domain is not None:
            out.extend(_domain(ws, j, c.domain))
        out.extend(_settings(c.settings, vocab))
        if c.steps is not None:
            for step in _steps(c.steps):
                out.extend(_matter_ref(ws, j, step.matter, held, lineage_matters))
    for h in j.halls:
        out.extend(_duplicates(((w.name, w) for w in h.windows), "window", f"hall '{h.name}'"))
        out.extend(_duplicates(((z.name, z) for z in h.zones), "zone", f"hall '{h.name}'"))
        out.extend(_settings(h.settings, vocab))
        for w in h.windows:
            out.extend(_settings(w.settings, vocab))
            for d in w.domains:
                out.extend(_domain(ws, j, d))
            for m in w.matters:
                if m.name not in ws.chains(j.name):  # a window may take a chain (一件事)
                    out.extend(_matter_ref(ws, j, m, held, lineage_matters))
    out.extend(_delegations(ws, j))
    for t in j.targets:
        out.extend(_metric(t.metric, vocab))
        out.extend(_percent(t.value, "target"))
        if (
            t.subject is not None
            and t.subject.name not in held
            and t.subject.name not in ws.chains(j.name)
        ):
            out.append(
                error(
                    "OW103",
                    t.subject.span,
                    f"unknown matter or chain '{t.subject.name}' in target",
                    did_you_mean(t.subject.name, [*held, *ws.chains(j.name)]),
                )
            )
    for a in j.assessments:
        out.extend(_assessment(ws, j, a, vocab))
    for facts in j.facts:
        out.extend(_facts(facts.facts, vocab))
    for t in j.tests:
        if t.jurisdiction is not None:
            out.extend(_unknown_jurisdiction(ws, t.jurisdiction))
        out.extend(_facts(t.facts, vocab))
    return out


def _steps(node: StepRef | StepGroup) -> Iterator[StepRef]:
    if isinstance(node, StepRef):
        yield node
    else:
        for item in node.items:
            yield from _steps(item)


def _dept(ws: Workspace, j: Jurisdiction, ref: Ref | None) -> list[Diagnostic]:
    if ref is None:
        return []
    known = ws.departments(j.name)
    if ref.name in known:
        return []
    return [
        error(
            "OW102",
            ref.span,
            f"unknown department '{ref.name}'",
            did_you_mean(ref.name, known)
            or f'declare it: department {ref.name} "full name" (here or in a parent)',
        )
    ]


def _domain(ws: Workspace, j: Jurisdiction, ref: Ref) -> list[Diagnostic]:
    known = ws.domains(j.name)
    if ref.name in known:
        return []
    return [
        error(
            "OW104",
            ref.span,
            f"unknown service domain '{ref.name}'",
            did_you_mean(ref.name, known)
            or f"declare it: domains {ref.name} (here or in a parent)",
        )
    ]


def _matter_ref(
    ws: Workspace, j: Jurisdiction, ref: Ref, held: dict[str, Matter], lineage: set[str]
) -> list[Diagnostic]:
    if ref.name in held:
        return []
    if ref.name in lineage:
        owner = next(
            a.name for a in ws.lineage(j.name)[1:] if any(m.name == ref.name for m in a.matters)
        )
        return [
            error(
                "OW132",
                ref.span,
                f"'{j.name}' handles '{ref.name}' of '{owner}' without a delegation",
                f"add to {owner}: delegate {ref.name} to {j.name} (不得越权)",
            )
        ]
    return [
        error(
            "OW103",
            ref.span,
            f"unknown matter '{ref.name}'",
            did_you_mean(ref.name, held)
            or "declare it with 'matter', or have a parent delegate it",
        )
    ]


def _matter(
    ws: Workspace,
    j: Jurisdiction,
    m: Matter,
    held: dict[str, Matter],
    lineage: set[str],
    vocab: Vocabulary,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    out.extend(_dept(ws, j, m.department))
    if m.domain is not None:
        out.extend(_domain(ws, j, m.domain))
    out.extend(_settings(m.settings, vocab))
    if m.level is not None and j.level is not None and m.level.rank < j.level.rank:
        out.append(
            error(
                "OW132",
                m.span,
                f"'{j.name}' ({j.level.value}) declares '{m.name}' exercised at {m.level.value} level",
                f"declare the matter in the {m.level.value} that holds it and delegate it here",
            )
        )
    for mat in m.materials:
        if mat.source_matter is not None and mat.source_matter.name not in held | dict.fromkeys(
            lineage
        ):
            out.append(
                error(
                    "OW103",
                    mat.source_matter.span,
                    f"unknown matter '{mat.source_matter.name}' issuing material '{mat.name}'",
                    did_you_mean(mat.source_matter.name, [*held, *lineage]),
                )
            )
    legal = [lim for lim in m.limits if lim.kind is LimitKind.legal]
    for p in (lim for lim in m.limits if lim.kind is LimitKind.promised):
        same_unit = [lim for lim in legal if lim.unit == p.unit]
        if same_unit and all(p.amount > lim.amount for lim in same_unit):
            shortest = min(same_unit, key=lambda lim: lim.amount)
            out.append(
                error(
                    "OW120",
                    p.span,
                    f"promised limit {p.amount:g} {p.unit.value} is longer than the legal limit "
                    f"{shortest.amount:g} {shortest.unit.value}",
                    "the promised limit (承诺时限) must not exceed the legal one (法定时限)",
                    related=((shortest.span, "legal limit"),),
                )
            )
    return out


def _delegations(ws: Workspace, j: Jurisdiction) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    children = set(ws.children.get(j.name, ()))
    held = ws.held_matters_static(j.name)
    seal_owner: dict[int, tuple[str, object]] = {}
    rng = j.seal_range
    if rng is not None and rng.low > rng.high:
        out.append(
            error(
                "OW125",
                rng.span,
                f"seal range {rng.low}..{rng.high} is empty",
                "write the lower number first",
            )
        )
    for d in j.delegations:
        for m in d.matters:
            if m.name not in held:
                out.append(
                    error(
                        "OW131",
                        m.span,
                        f"'{j.name}' delegates '{m.name}', which it does not hold",
                        did_you_mean(m.name, held)
                        or "only matters declared here or delegated here can be delegated on",
                    )
                )
        for t in d.to:
            if t.name in children:
                continue
            if t.name in ws.jurisdictions:
                out.append(
                    error(
                        "OW130",
                        t.span,
                        f"'{t.name}' is not a child of '{j.name}'",
                        f"matters are delegated to direct children; '{t.name}' has parent "
                        f"'{ws.jurisdictions[t.name].parent.name if ws.jurisdictions[t.name].parent else 'none'}'",
                    )
                )
            else:
                out.extend(_unknown_jurisdiction(ws, t))
        if d.seal is not None:
            span = d.seal_span or d.span
            if rng is not None and rng.low <= rng.high and not rng.low <= d.seal <= rng.high:
                out.append(
                    error(
                        "OW134",
                        span,
                        f"seal {d.seal} is outside the declared range {rng.low}..{rng.high}",
                        f"use a seal between {rng.low} and {rng.high}",
                        related=((rng.span, "range declared here"),),
                    )
                )
            towns = frozenset(t.name for t in d.to)
            if d.seal in seal_owner and seal_owner[d.seal][0] != towns:
                first = seal_owner[d.seal][1]
                out.append(
                    error(
                        "OW133",
                        span,
                        f"seal {d.seal} is already used for {', '.join(sorted(seal_owner[d.seal][0]))}",
                        "each township exercising delegated powers gets its own numbered seal",
                        related=((first, "first used here"),),
                    )
                )
            else:
                seal_owner.setdefault(d.seal, (towns, span))
    return out


def _assessment(
    ws: Workspace, j: Jurisdiction, a: Assessment, vocab: Vocabulary
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    out.extend(
        _duplicates(((c.name, c) for c in a.categories), "category", f"assessment '{a.name}'")
    )
    if a.folds_into is not None:
        known = {x.name for anc in ws.lineage(j.name) for x in anc.assessments if x.name != a.name}
        if a.folds_into.name not in known:
            out.append(
                error(
                    "OW160",
                    a.folds_into.span,
                    f"unknown assessment '{a.folds_into.name}' to fold into",
                    did_you_mean(a.folds_into.name, known)
                    or f"declare it here or in a parent: assessment {a.folds_into.name} {{ … }}",
                )
            )
    out.extend(_percent(a.weight, "weight"))
    rules = [*a.rules, *(r for c in a.categories for r in c.rules)]
    for c in a.categories:
        if c.floor > c.max:
            out.append(
                error(
                    "OW125",
                    c.span,
                    f"category '{c.name}' has floor {c.floor:g} above its max {c.max:g}",
                )
            )
    for r in rules:
        if isinstance(r, ShortfallRule):
            out.extend(_metric(r.metric, vocab))
            out.extend(_percent(r.below, "shortfall level"))
        elif isinstance(r, ThresholdRule):
            out.extend(_metric(r.metric, vocab))
            out.extend(_percent(r.value, "threshold"))
        elif r.rule == "plugin" and r.kind_name.name not in vocab.rule_kinds:
            out.append(
                error(
                    "OW152",
                    r.kind_name.span,
                    f"unknown rule kind '{r.kind_name.name}'",
                    did_you_mean(r.kind_name.name, vocab.rule_kinds)
                    or "rule kinds come from plugins; is the plugin loaded?",
                )
            )
    return out
