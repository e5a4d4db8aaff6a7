"""Explorer: the jurisdiction tree (province → … → village) and what each jurisdiction holds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane, Tree

from onewindow.dsl.check import CheckResult
from onewindow.dsl.model import Chain, Matter
from onewindow.dsl.resolve import Workspace
from onewindow.engine.dated import in_force
from onewindow.tui.screens.base import BaseScreen
from onewindow.tui.session import Checked
from onewindow.tui.widgets import format as fmt
from onewindow.tui.widgets.guide import chain_guide, limits_text, matter_guide
from onewindow.tui.widgets.tables import fill

#: The detail tabs: (id, title, key).
TABS = (
    ("matters", "Matters", "m"),
    ("windows", "Windows", "w"),
    ("delegations", "Delegations", "d"),
    ("targets", "Targets", "t"),
    ("assessments", "Assessments", "a"),
)


def tab_label(title: str, key: str) -> str:
    """The tab's title with its key letter underlined (`[u]M[/u]atters`)."""
    at = title.lower().index(key)
    return f"{title[:at]}[u]{title[at]}[/u]{title[at + 1 :]}"


class GuideScreen(ModalScreen[None]):
    """The full service guide of one matter or chain; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close"),
    ]

    def __init__(self, guide: object) -> None:
        super().__init__()
        self._guide = guide

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="guide"):
            yield Static(self._guide, id="guide-body")
        yield Footer()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


class ExplorerScreen(BaseScreen):
    """Tree of jurisdictions on the left, the selected one's tables on the right."""

    AUTO_FOCUS = "#jurisdictions"
    TITLE_TEXT = "Explorer"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"tab('{tab}')", title, show=False) for tab, title, key in TABS),
        Binding("g", "guide", "Guide"),
        Binding("escape", "focus_tree", "Tree", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._result: CheckResult | None = None
        self._selected: str | None = None
        self._outline: tuple[tuple[str, int], ...] = ()  # what the tree shows

    def body(self) -> ComposeResult:
        with Horizontal(id="explorer"):
            yield Tree("jurisdictions", id="jurisdictions")
            with Vertical(id="detail"):
                yield Static("checking …", id="jur-head")
                with TabbedContent(id="tabs"):
                    for tab, title, key in TABS:
                        with TabPane(tab_label(title, key), id=f"tab-{tab}"):
                            yield DataTable(
                                id=f"table-{tab}", cursor_type="row", zebra_stripes=True
                            )

    def on_mount(self) -> None:
        tree = self.query_one("#jurisdictions", Tree)
        tree.show_root = False
        tree.guide_depth = 2
        super().on_mount()

    # ---------------------------------------------------------------- the tree

    def show_checked(self, checked: Checked) -> None:
        tree = self.query_one("#jurisdictions", Tree)
        head = self.query_one("#jur-head", Static)
        self._result = checked.result
        if checked.result is None:
            tree.clear()
            self._outline = ()
            head.update(Text(f"{checked.problem}\n{checked.hint or ''}", style="bold red"))
            self._show(None)
            return
        ws = checked.result.workspace
        if checked.outline == self._outline and tree.root.children:
            # the same jurisdictions under the same parents (an edit inside a file): keep
            # the tree as it is, folded nodes and cursor included; only the detail changes
            self._show(self._selected)
            return
        tree.clear()
        self._outline = checked.outline
        rows = checked.outline
        stack = [tree.root]
        cursor_line = 0
        for i, (name, depth) in enumerate(rows):
            del stack[depth + 1 :]
            label = Text(name)
            has_children = i + 1 < len(rows) and rows[i + 1][1] > depth
            parent = stack[-1]
            node = (
                parent.add(label, data=name, expand=True)
                if has_children
                else parent.add_leaf(label, data=name)
            )
            stack.append(node)
            if name == self._selected:
                cursor_line = i
        if self._selected not in ws.jurisdictions:
            self._selected = rows[0][0] if rows else None
        tree.cursor_line = cursor_line
        self._show(self._selected)

    @on(Tree.NodeHighlighted, "#jurisdictions")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        name = event.node.data
        if isinstance(name, str) and name != self._selected:
            self._selected = name
            self._show(name)

    # ---------------------------------------------------------------- the detail

    def _show(self, name: str | None) -> None:
        result = self._result
        if result is None or name is None or name not in result.workspace.jurisdictions:
            for tab, _, _ in TABS:
                self.query_one(f"#table-{tab}", DataTable).clear(columns=True)
            return
        ws = result.workspace
        self.query_one("#jur-head", Static).update(self._head(ws, name, result))
        self._matters(ws, name)
        self._windows(ws, name)
        self._delegations(ws, name)
        self._targets(ws, name)
        self._assessments(ws, name)

    def _head(self, ws: Workspace, name: str, result: CheckResult) -> Text:
        j = ws.jurisdictions[name]
        text = Text(name, style="bold")
        text.append(f"  {j.level.value if j.level else 'level ?'}", style="dim")
        if j.parent is not None:
            text.append(f"  ↑ {j.parent.name}")
        text.append(f"  calendar {ws.calendar_name(name)}")
        text.append(f"  {self.session.show(j.span.file)}:{j.span.line}", style="dim")
        depts = ws.departments(name)
        if depts:
            text.append("\ndepartments ", style="dim")
            text.append(", ".join(f"{d.name}" for d in depts.values()))
        if result.errors:
            text.append(
                f"\n{len(result.errors)} error(s) in the tree — see Diagnostics (2)",
                style="bold red",
            )
        return text

    def _matters(self, ws: Workspace, name: str) -> None:
        as_of = self.session.as_of
        origin = {d.matter.name: d.owner for d in ws.delegated_in(name, as_of)}
        rows: list[tuple[str, list[object]]] = []
        for m in ws.handled_matters(name, as_of).values():
            where = f"← {origin[m.name]}" if m.name in origin else "own"
            rows.append(
                (
                    f"m:{m.name}",
                    [
                        m.name,
                        where,
                        m.type.value if m.type else "—",
                        m.handling.value if m.handling else "—",
                        limits_text(m.limits, "promised", as_of),
                        limits_text(m.limits, "legal", as_of),
                        m.online.value if m.online else "—",
                        m.department.name if m.department else "—",
                    ],
                )
            )
        for c in ws.chains(name).values():
            rows.append(
                (
                    f"c:{c.name}",
                    [
                        c.name,
                        "一件事",
                        "chain",
                        "—",
                        limits_text(c.limits, "promised", as_of),
                        limits_text(c.limits, "legal", as_of),
                        "—",
                        c.lead.name if c.lead else "—",
                    ],
                )
            )
        columns = ("matter", "origin", "type", "handling", "promised", "legal", "online", "dept")
        fill(self.query_one("#table-matters", DataTable), columns, rows)

    def _windows(self, ws: Workspace, name: str) -> None:
        rows: list[tuple[str, list[object]]] = []
        for hall in ws.jurisdictions[name].halls:
            hours = ", ".join(f"{h.start:%H:%M}–{h.end:%H:%M}" for h in hall.hours) or "—"
            ordered = sorted(hall.windows, key=lambda w: w.zone.name if w.zone else "")
            for w in ordered:
                serves = [d.name for d in w.domains] + [m.name for m in w.matters]
                rows.append(
                    (
                        f"{hall.name}/{w.name}",
                        [
                            hall.name,
                            w.zone.name if w.zone else "—",
                            w.name,
                            w.kind_of.value if w.kind_of else "—",
                            w.staff,
                            fmt.join(serves, "any"),
                            hours,
                        ],
                    )
                )
        columns = ("hall", "zone", "window", "kind", "staff", "serves", "hours")
        fill(self.query_one("#table-windows", DataTable), columns, rows)

    def _delegations(self, ws: Workspace, name: str) -> None:
        as_of = self.session.as_of
        rows: list[tuple[str, list[object]]] = []
        for i, d in enumerate(ws.delegated_in(name, as_of)):
            seal = "—" if d.delegation.seal is None else f"No. {d.delegation.seal}"
            rows.append(
                (
                    f"in:{i}",
                    ["in ←", d.matter.name, d.owner, seal, fmt.dated(d.delegation) or "always"],
                )
            )
        for i, d in enumerate(ws.jurisdictions[name].delegations):
            if as_of is not None and not in_force(d, as_of):
                continue
            seal = "—" if d.seal is None else f"No. {d.seal}"
            to = fmt.join(t.name for t in d.to)
            for m in d.matters:
                rows.append(
                    (f"out:{i}:{m.name}", ["out →", m.name, to, seal, fmt.dated(d) or "always"])
                )
        columns = ("direction", "matter", "from / to", "seal", "in force")
        fill(self.query_one("#table-delegations", DataTable), columns, rows)

    def _targets(self, ws: Workspace, name: str) -> None:
        rows: list[tuple[str, list[object]]] = []
        for i, t in enumerate(ws.jurisdictions[name].targets):
            rows.append(
                (
                    str(i),
                    [
                        t.metric.name,
                        t.subject.name if t.subject else "—",
                        f"{t.op.value} {fmt.quantity(t.value)}",
                        fmt.dated(t) or "—",
                        t.note or "",
                    ],
                )
            )
        columns = ("metric", "of", "target", "when", "note")
        fill(self.query_one("#table-targets", DataTable), columns, rows)

    def _assessments(self, ws: Workspace, name: str) -> None:
        rows: list[tuple[str, list[object]]] = []
        for a_name, (owner, a) in ws.assessments(name).items():
            cats = fmt.join(f"{c.name} ≤{c.max:g}" for c in a.categories)
            ranking = "—"
            if a.ranking is not None:
                ranking = f"bottom {a.ranking.bottom}" + (
                    f": {a.ranking.action}" if a.ranking.action else ""
                )
            rows.append(
                (
                    a_name,
                    [
                        a_name,
                        "own" if owner == name else owner,
                        a.applies_to.value if a.applies_to else "—",
                        a.folds_into.name if a.folds_into else "—",
                        fmt.quantity(a.weight),
                        cats,
                        ranking,
                    ],
                )
            )
        columns = ("assessment", "defined in", "assesses", "folds into", "weight", "categories")
        fill(self.query_one("#table-assessments", DataTable), (*columns, "ranking"), rows)

    # ---------------------------------------------------------------- actions

    def action_focus_tree(self) -> None:
        self.query_one("#jurisdictions", Tree).focus()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = f"tab-{tab}"
        self.query_one(f"#table-{tab}", DataTable).focus()

    @on(DataTable.RowSelected, "#table-matters")
    def _matter_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key is not None:
            self.open_guide(key)

    def action_guide(self) -> None:
        table = self.query_one("#table-matters", DataTable)
        if table.row_count == 0:
            self.notify("this jurisdiction handles no matter", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self.open_guide(key)

    def open_guide(self, key: str) -> None:
        """Show the service guide of the matter (`m:NAME`) or chain (`c:NAME`) of the table."""
        result, name = self._result, self._selected
        if result is None or name is None:
            return
        ws = result.workspace
        kind, _, item = key.partition(":")
        as_of = self.session.as_of
        guide: object
        if kind == "c":
            chain: Chain = ws.chains(name)[item]
            guide = chain_guide(ws, name, chain, as_of, self.session.show)
        else:
            owners = {d.matter.name: d.owner for d in ws.delegated_in(name, as_of)}
            matter: Matter = ws.handled_matters(name, as_of)[item]
            owner = name if item in ws.own_matters(name) else owners.get(item, name)
            guide = matter_guide(ws, name, matter, as_of, self.session.show, owner)
        self.app.push_screen(GuideScreen(guide))

    def palette_commands(self) -> Iterable[SystemCommand]:
        for tab, title, key in TABS:
            yield SystemCommand(
                f"Explorer: {title}",
                f"Show the {title.lower()} table (key {key})",
                lambda t=tab: self.action_tab(t),
            )
        yield SystemCommand(
            "Explorer: service guide",
            "Full guide of the highlighted matter (key g)",
            self.action_guide,
        )
