"""What a checked tree contains, per jurisdiction: the data behind `onewindow summary`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from onewindow.dsl.resolve import Workspace


@dataclass(frozen=True)
class JurisdictionSummary:
    name: str
    level: str
    parent: str | None
    depth: int
    matters: int
    delegated_in: int
    chains: int
    halls: int
    windows: int
    delegated_out: int
    targets: int
    assessments: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def outline(ws: Workspace) -> list[tuple[str, int]]:
    """Every jurisdiction reachable from a root, as (name, depth), in tree order.

    Roots and siblings are in name order, parents before their children.
    """
    out: list[tuple[str, int]] = []
    stack = [(root, 0) for root in sorted(ws.roots, reverse=True)]
    while stack:
        name, depth = stack.pop()
        out.append((name, depth))
        stack.extend((c, depth + 1) for c in sorted(ws.children.get(name, ()), reverse=True))
    return out


def summarize(ws: Workspace, as_of: dt.date | None = None) -> list[JurisdictionSummary]:
    """One row per jurisdiction, in tree order (parents before children)."""
    rows: list[JurisdictionSummary] = []
    for name, depth in outline(ws):
        j = ws.jurisdictions[name]
        rows.append(
            JurisdictionSummary(
                name=name,
                level=j.level.value if j.level else "?",
                parent=j.parent.name if j.parent else None,
                depth=depth,
                matters=len(j.matters),
                delegated_in=len({i.matter.name for i in ws.delegated_in(name, as_of)}),
                chains=len(j.chains),
                halls=len(j.halls),
                windows=sum(len(h.windows) for h in j.halls),
                delegated_out=len(ws.delegated_out(name, as_of)),
                targets=len(j.targets),
                assessments=len(j.assessments),
            )
        )
    return rows
