"""OW211 `delegation-coverage`: for a township, no level or two levels take a matter in.

## What it does

For every matter declared above township level (district, city, province) and every township
below it, works out on `--as-of` which levels take the matter in for that township's people:
a level counts when it holds the matter (its own, or delegated down to it, 下放) and a
window of its halls takes it in. Exactly one level should. The rule reports

- a **gap**: no level takes the matter in — the level holding it has no window for it and
  it is not delegated further down; reported at the matter, naming each township;
- an **overlap**: a higher level still takes the matter in although it is delegated down and
  the lower level takes it in too; reported at the higher level's window, naming each
  township and the lower window.

A township that holds the matter but does not take it in is OW206 (`pushed-up-matter`), not
a gap. A window takes a matter in as in the simulation: listed by name, covered by the
domain of a comprehensive window without a `matters` line, or by an all-round window.

## Why

> 区级下放事项均在镇级便民服务中心办理
>
> — seed 004, 兰山区关于进一步提升基层便民服务体系标准化信息化质量的工作方案（临兰营商办发〔2019〕5号）

> 各镇街道经开区负责镇级便民服务中心管理运行 … 对授权范围内的审批服务事项开展受理、审核、批准、签章、发文、发件等工作。
>
> — seed 004 (same document)

A delegated matter is handled at the town center, and only there: with a gap an applicant
finds no window; with an overlap two offices decide the same case under two seals, and the
one-window shares and waits the simulation reports count the matter twice.

## Example

```ow
delegate 个体工商户设立登记 to 山城街道                  # in 山亭区
hall 政务服务大厅 { window 综合受理 { kind comprehensive  domains 商事登记 } }   # 山亭区
hall 便民服务中心 { window 综合受理 { kind comprehensive  domains 商事登记 } }   # 山城街道
```

## Use instead

```ow
hall 政务服务大厅 { window 综合受理 { kind comprehensive  domains 社会事务 } }  # 山亭区
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import as_of, finding
from onewindow.dsl.model import Hall, Jurisdiction, Matter, Span, Window
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import (
    above_township,
    accepted_at,
    jurisdictions,
    path_down,
    quoted,
    townships_under,
)

CODE = "OW211"
NAME = "delegation-coverage"


@dataclass
class _Overlap:
    hall: Hall
    window: Window
    towns: list[str] = field(default_factory=list)
    lower: list[tuple[str, str, Span]] = field(default_factory=list)  # (town, place, window span)


def _when(day: dt.date | None) -> str:
    return f" as of {day.isoformat()}" if day is not None else ""


def _delegation_spans(ws: Workspace, upper: str, matter: str) -> list[tuple[Span, str]]:
    out: list[tuple[Span, str]] = []
    for d in ws.jurisdictions[upper].delegations:
        for r in d.matters:
            if r.name == matter:
                out.append((r.span, f"'{upper}' delegates '{matter}' here"))
    return out[:1]


def _matter(
    ws: Workspace,
    day: dt.date | None,
    owner: Jurisdiction,
    m: Matter,
    towns: list[str],
    handled: Callable[[str], dict[str, Matter]],
    paths: dict[str, list[str]],
) -> Iterator[Diagnostic]:
    gaps: list[tuple[str, str]] = []  # (township, level holding the matter)
    overlaps: dict[str, _Overlap] = {}
    for town in towns:
        handlers: list[tuple[str, list[tuple[Hall, Window]]]] = []
        deepest = owner.name
        if town not in paths:
            paths[town] = path_down(ws, owner.name, town)
        for name in paths[town]:
            held = handled(name).get(m.name)
            if held is None:
                continue
            deepest = name
            places = accepted_at(ws.jurisdictions[name], held)
            if places:
                handlers.append((name, places))
        if deepest == town and (not handlers or handlers[-1][0] != town):
            continue  # the township holds it and does not take it in: OW206
        if not handlers:
            gaps.append((town, deepest))
            continue
        lower_name, lower_places = handlers[-1]
        for upper_name, upper_places in handlers[:-1]:
            hall, window = upper_places[0]
            o = overlaps.setdefault(upper_name, _Overlap(hall, window))
            o.towns.append(town)
            lh, lw = lower_places[0]
            where = f"window '{lw.name}' of '{lh.name}'"
            if lower_name != town:
                where = f"'{lower_name}' ({where})"
            o.lower.append((town, where, lw.span))
    when = _when(day)
    if gaps:
        towns = [t for t, _ in gaps]
        yield finding(
            CODE,
            owner.name,
            m.span,
            f"no level takes in '{m.name}' for {len(towns)} township(s){when}: {quoted(towns)}",
            f"delegate it to the townships and take it in at their centers, or give "
            f"'{owner.name}' a window for it — 区级下放事项均在镇级便民服务中心办理 (seed 004)",
            related=tuple(
                (ws.jurisdictions[t].span, f"'{t}': held by '{h}', no window takes it in")
                for t, h in gaps
            ),
        )
    for upper_name in sorted(overlaps):
        o = overlaps[upper_name]
        yield finding(
            CODE,
            upper_name,
            o.window.span,
            f"'{m.name}' is taken in at two levels for {len(o.towns)} township(s){when} "
            f"({quoted(o.towns)}): at '{upper_name}' (window '{o.window.name}') and again "
            "below, where it is delegated",
            f"stop taking '{m.name}' in at '{upper_name}' for the townships it is delegated to "
            "(list the other matters on the window instead of its domain), or do not delegate "
            "it — 区级下放事项均在镇级便民服务中心办理 (seed 004)",
            related=(
                *_delegation_spans(ws, upper_name, m.name),
                *((span, f"'{t}' takes it in at {place}") for t, place, span in o.lower),
            ),
        )


def check(ws: Workspace) -> Iterator[Diagnostic]:
    day = as_of()
    cache: dict[str, dict[str, Matter]] = {}

    def handled(name: str) -> dict[str, Matter]:
        if name not in cache:
            cache[name] = ws.handled_matters(name, day)
        return cache[name]

    for owner in jurisdictions(ws):
        if not above_township(owner):
            continue
        towns = townships_under(ws, owner.name)
        paths: dict[str, list[str]] = {}
        for m in owner.matters:
            yield from _matter(ws, day, owner, m, towns, handled, paths)


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="For a township, no level or two levels take a delegated or higher-level matter in.",
    check=check,
    doc=__doc__ or "",
)
