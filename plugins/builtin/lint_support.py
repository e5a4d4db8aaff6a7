"""Workspace questions several built-in lint rules ask: who holds a matter, which window takes it.

Not a plugin (it implements no hook): the rule modules `lint_*.py` import it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from onewindow.dsl.model import (
    Hall,
    Jurisdiction,
    Level,
    Matter,
    StepGroup,
    StepRef,
    Window,
    WindowKind,
)
from onewindow.dsl.resolve import Workspace

#: Window kinds that take a matter in by its service domain when they list no matters
#: (the same rule as the simulation's routing, `onewindow.engine.sim.plan.eligible`).
DOMAIN_KINDS = (WindowKind.comprehensive, WindowKind.online_agency)


def jurisdictions(ws: Workspace) -> list[Jurisdiction]:
    """Every jurisdiction, by name, so rules report in a stable order."""
    return [ws.jurisdictions[n] for n in sorted(ws.jurisdictions)]


def own_matters(ws: Workspace) -> Iterator[tuple[Jurisdiction, Matter]]:
    """(jurisdiction, matter) for every matter declared in a jurisdiction (fragments too)."""
    for j in jurisdictions(ws):
        for m in j.matters:
            yield j, m


def accepting(hall: Hall, matter: Matter) -> list[Window]:
    """Windows of `hall` that take `matter` in.

    A window listing the matter by name; else a comprehensive or online-agency window that
    lists no matters and covers the matter's domain; else, when no window does, any
    all-round (全能) window of the hall.
    """
    named = [w for w in hall.windows if any(r.name == matter.name for r in w.matters)]
    domain = matter.domain.name if matter.domain is not None else None
    by_domain = [
        w
        for w in hall.windows
        if w.kind_of in DOMAIN_KINDS
        and not w.matters  # a window with a `matters` line is never among `named` here
        and domain is not None
        and any(d.name == domain for d in w.domains)
    ]
    if named or by_domain:
        return named + by_domain
    return [w for w in hall.windows if w.kind_of is WindowKind.all_round]


def accepted_at(j: Jurisdiction, matter: Matter) -> list[tuple[Hall, Window]]:
    """Every (hall, window) of jurisdiction `j` that takes `matter` in."""
    return [(h, w) for h in j.halls for w in accepting(h, matter)]


def is_township(j: Jurisdiction) -> bool:
    return j.level is Level.township


def above_township(j: Jurisdiction) -> bool:
    return j.level is not None and j.level.rank < Level.township.rank


def townships_under(ws: Workspace, name: str) -> list[str]:
    """Names of the township-level descendants of `name`, sorted."""
    return sorted(d.name for d in ws.descendants(name) if is_township(d))


def path_down(ws: Workspace, top: str, bottom: str) -> list[str]:
    """Names from `top` down to `bottom` (both included); empty if `top` is not above it."""
    names = [j.name for j in ws.lineage(bottom)]
    if top not in names:
        return []
    return list(reversed(names[: names.index(top) + 1]))


def holds(ws: Workspace, name: str, matter: str, as_of: dt.date | None) -> bool:
    """True when jurisdiction `name` handles `matter` on `as_of` (own or delegated in)."""
    return matter in ws.handled_matters(name, as_of)


def steps(node: StepRef | StepGroup | None) -> Iterator[StepRef]:
    """The matters of a chain's steps, in written order."""
    if node is None:
        return
    if isinstance(node, StepRef):
        yield node
        return
    for item in node.items:
        yield from steps(item)


def setting(ws: Workspace, name: str, key: str) -> str | float | bool | None:
    """A `set KEY = VALUE` in force for a jurisdiction: its own, else the nearest ancestor's."""
    for j in ws.lineage(name):
        for s in reversed(j.settings):
            if s.key == key:
                return s.value
    return None


def quoted(names: list[str], limit: int = 4) -> str:
    """'A', 'B', 'C' and 2 more."""
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    rest = len(names) - limit
    return shown + (f" and {rest} more" if rest > 0 else "")
