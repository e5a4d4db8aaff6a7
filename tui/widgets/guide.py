"""The service guide (办事指南) of a matter or chain, as a two-column table of its elements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.table import Table
from rich.text import Text

from onewindow.dsl.model import Chain, Limit, Matter, StepGroup, StepRef
from onewindow.dsl.resolve import Workspace
from onewindow.engine.dated import limit_on
from onewindow.tui.widgets import format as fmt

MATERIAL_SOURCES = {
    "applicant": "from the applicant",
    "shared": "fetched by data sharing (数据共享)",
    "elicence": "e-licence (电子证照)",
    "matter": "issued by matter",
}


def limits_text(limits: tuple[Limit, ...], kind: str, as_of: dt.date | None) -> str:
    """The limit of a kind in force on `as_of`, or every dated limit of it when no day is set."""
    if as_of is not None:
        found = limit_on(limits, kind, as_of)
        return fmt.limit(found) if found is not None else "—"
    return fmt.join((fmt.limit(x) for x in limits if x.kind.value == kind), "—").replace(", ", "; ")


def steps_text(steps: StepRef | StepGroup | None) -> str:
    """Chain steps as written: `a -> (b & c)`."""
    if steps is None:
        return "—"
    if isinstance(steps, StepRef):
        return steps.matter.name
    sep = " & " if steps.op == "parallel" else " -> "
    parts = [
        f"({steps_text(i)})" if isinstance(i, StepGroup) and len(i.items) > 1 else steps_text(i)
        for i in steps.items
    ]
    return sep.join(parts)


def _table(title: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, expand=True, box=None)
    table.add_column("element", style="bold", no_wrap=True, min_width=12)
    table.add_column("value", ratio=1)
    return table


def matter_guide(
    ws: Workspace,
    jurisdiction: str,
    matter: Matter,
    as_of: dt.date | None,
    show: Callable[[str], str],
    owner: str | None = None,
) -> Table:
    """Every element of a matter as staff read it at the window, plus where it is handled."""
    table = _table(f"办事指南 · {matter.name}")
    owner = owner or jurisdiction
    departments = ws.departments(owner)

    def row(label: str, value: object) -> None:
        table.add_row(label, value if isinstance(value, Text) else Text(str(value)))

    row("code", matter.code or "—")
    row("type", matter.type.value if matter.type else "—")
    row("basis", matter.basis or "—")
    row("level", matter.level.value if matter.level else "—")
    row("conditions", matter.conditions or "—")
    row("serves", fmt.join(s.value for s in matter.serves))
    if matter.department is not None:
        dept = departments.get(matter.department.name)
        title = f" ({dept.title})" if dept is not None and dept.title else ""
        row("department", f"{matter.department.name}{title}")
    else:
        row("department", "—")
    row("domain", matter.domain.name if matter.domain else "—")
    materials = Text()
    for i, m in enumerate(matter.materials):
        if i:
            materials.append("\n")
        materials.append(f"{i + 1}. {m.name}", style="bold")
        source = MATERIAL_SOURCES[m.source.value]
        if m.source_matter is not None:
            source = f"{source} {m.source_matter.name}"
        materials.append(f" — {source}")
        if m.deferrable:
            materials.append(" · deferrable (容缺受理)", style="italic")
    row("materials", materials if matter.materials else "none listed")
    row("legal limit", limits_text(matter.limits, "legal", as_of))
    row("promised limit", limits_text(matter.limits, "promised", as_of))
    if matter.fee is None:
        fee = "—"
    elif matter.fee.text:
        fee = matter.fee.text
    elif matter.fee.amount:
        fee = f"{matter.fee.amount:g} yuan"
    else:
        fee = "none (不收费)"
    row("fee", fee)
    row("handling", matter.handling.value if matter.handling else "—")
    row("online", matter.online.value if matter.online else "—")
    row("trips", "—" if matter.trips is None else str(matter.trips))
    row("volume", "—" if matter.volume is None else f"{matter.volume:g} per year")
    row(
        "service time", "—" if matter.service_minutes is None else f"{matter.service_minutes:g} min"
    )
    row("delivery", fmt.join(d.value for d in matter.delivery))
    for s in matter.settings:
        value = f"{s.value:g}" if isinstance(s.value, float) else str(s.value)
        row(f"set {s.key}", value)
    if owner != jurisdiction:
        row("delegated by", owner)
    out = ws.delegated_out(owner, as_of).get(matter.name)
    if out:
        row("delegated to", fmt.join(sorted(out)))
    row("source", f"{show(matter.span.file)}:{matter.span.line}")
    return table


def chain_guide(
    ws: Workspace,
    jurisdiction: str,
    chain: Chain,
    as_of: dt.date | None,
    show: Callable[[str], str],
) -> Table:
    """A one-thing chain (一件事): lead department, steps, one set of materials, one form."""
    table = _table(f"一件事 · {chain.name}")
    table.add_row("lead", chain.lead.name if chain.lead else "—")
    table.add_row("steps", Text(steps_text(chain.steps)))
    table.add_row("materials", Text(fmt.join([m.name for m in chain.materials], "none listed")))
    table.add_row("form", chain.form or "—")
    table.add_row("promised limit", limits_text(chain.limits, "promised", as_of))
    table.add_row("legal limit", limits_text(chain.limits, "legal", as_of))
    table.add_row("volume", "—" if chain.volume is None else f"{chain.volume:g} per year")
    table.add_row("domain", chain.domain.name if chain.domain else "—")
    table.add_row("source", f"{show(chain.span.file)}:{chain.span.line}")
    return table
