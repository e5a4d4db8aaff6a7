"""Resolve: link jurisdictions into one tree, inherit what children inherit, index delegations."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property

from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.model import (
    Assessment,
    CalendarOverride,
    Chain,
    Declared,
    Delegation,
    Department,
    Facts,
    Jurisdiction,
    Matter,
    SourceFile,
    TestCase,
)

DEFAULT_CALENDAR = "cn"


@dataclass(frozen=True)
class DelegatedMatter:
    """A matter a jurisdiction may handle because an ancestor delegated it (下放)."""

    matter: Matter
    owner: str
    delegation: Delegation


@dataclass
class Workspace:
    """The resolved jurisdictions of one folder tree: what the engine consumes.

    Built once by `resolve()`; the models inside are frozen, the indexes are read-only by
    convention. Names are unique across the tree, so a jurisdiction is found by its name.
    """

    root: str
    files: dict[str, SourceFile] = field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    requested: frozenset[str] = frozenset()
    _held: dict[str, dict[str, Matter]] = field(default_factory=dict, repr=False)
    #: parent → child → names of the matters the parent delegates to that child (cached)
    _down: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False)
    _lineages: dict[str, tuple[Jurisdiction, ...]] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ tree

    def parent_of(self, name: str) -> Jurisdiction | None:
        j = self.jurisdictions[name]
        if j.parent is None:
            return None
        return self.jurisdictions.get(j.parent.name)

    def lineage(self, name: str) -> list[Jurisdiction]:
        """The jurisdiction itself, then its parent, up to the top (cycles cut; cached)."""
        found = self._lineages.get(name)
        if found is None:
            jurisdictions = self.jurisdictions
            out: list[Jurisdiction] = []
            seen: set[str] = set()
            cur: Jurisdiction | None = jurisdictions.get(name)
            while cur is not None and cur.name not in seen:
                out.append(cur)
                seen.add(cur.name)
                cur = jurisdictions.get(cur.parent.name) if cur.parent is not None else None
            found = self._lineages[name] = tuple(out)
        return list(found)

    def descendants(self, name: str) -> Iterator[Jurisdiction]:
        stack = list(self.children.get(name, ()))
        seen: set[str] = set()
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            yield self.jurisdictions[n]
            stack.extend(self.children.get(n, ()))

    @cached_property
    def _position(self) -> dict[str, int]:
        """Each jurisdiction's place in declaration order."""
        return {name: i for i, name in enumerate(self.jurisdictions)}

    @cached_property
    def digest(self) -> str:
        """SHA-256 over the files' models (path and content, in path order), once per workspace.

        What a stored run records as its source hash. The models carry their source spans,
        so whatever moves a statement to another line or column (a comment line added above
        it, say) changes the digest; a comment at the end of a line does not.
        """
        sha = hashlib.sha256()
        for path in sorted(self.files):
            sha.update(path.encode())
            sha.update(self.files[path].model_dump_json(exclude_none=True).encode())
        return sha.hexdigest()

    @cached_property
    def roots(self) -> tuple[str, ...]:
        return tuple(
            n
            for n, j in self.jurisdictions.items()
            if j.parent is None or j.parent.name not in self.jurisdictions
        )

    def same_shape(self, old: SourceFile, new: SourceFile) -> bool:
        """True when `new` declares the same jurisdictions, in order, under the same parents.

        Then `patched` can swap it in without re-linking the tree.
        """

        def shape(f: SourceFile) -> list[tuple[str, str | None]]:
            return [(j.name, j.parent.name if j.parent else None) for j in f.jurisdictions]

        return shape(old) == shape(new) and all(
            self.jurisdictions.get(j.name) is j for j in old.jurisdictions
        )

    def patched(self, files: Iterable[SourceFile]) -> Workspace:
        """A copy with `files` swapped in (each `same_shape` as the one it replaces).

        The jurisdictions declared in the files and all their descendants (which inherit
        matters, departments, delegations) lose their cached views; the others keep theirs.
        """
        new_files = dict(self.files)
        new_jurisdictions = dict(self.jurisdictions)
        changed: list[str] = []
        for f in files:
            new_files[f.path] = f
            for j in f.jurisdictions:
                new_jurisdictions[j.name] = j
                changed.append(j.name)
        affected = set(changed)
        for name in changed:
            affected.update(d.name for d in self.descendants(name))
        held = dict(self._held)
        down = dict(self._down)
        lineages = dict(self._lineages)
        for name in affected:  # their lineages hold the replaced models
            held.pop(name, None)
            down.pop(name, None)
            lineages.pop(name, None)
        ws = replace(
            self,
            files=new_files,
            jurisdictions=new_jurisdictions,
            _held=held,
            _down=down,
            _lineages=lineages,
        )
        for shared in ("roots", "_position"):  # names and parents are unchanged
            if shared in self.__dict__:
                ws.__dict__[shared] = self.__dict__[shared]
        if "_delegated_in" in self.__dict__:
            ws.__dict__["_delegated_in"] = ws._patched_delegated_in(self, affected)
        return ws

    def _patched_delegated_in(
        self, old: Workspace, owners: set[str]
    ) -> dict[str, list[DelegatedMatter]]:
        """`old`'s delegation index with the entries of `owners` computed again."""
        index = {k: [i for i in v if i.owner not in owners] for k, v in old._delegated_in.items()}
        for owner in owners:
            for d in self.jurisdictions[owner].delegations:
                held = self.held_matters_static(owner)
                for m_ref in d.matters:
                    matter = held.get(m_ref.name)
                    if matter is None:
                        continue
                    for to in d.to:
                        index.setdefault(to.name, []).append(DelegatedMatter(matter, owner, d))
        order = self._position
        touched = {t.name for o in owners for d in self.jurisdictions[o].delegations for t in d.to}
        touched |= {t.name for o in owners for d in old.jurisdictions[o].delegations for t in d.to}
        for name in touched:
            items = index.get(name)
            if items is not None:
                # a full build lists owners in declaration order: keep that order
                items.sort(key=lambda i: order.get(i.owner, -1))
                if not items:
                    del index[name]
        return index

    # ------------------------------------------------------------ inheritance

    def calendar_name(self, name: str) -> str:
        """Calendar of a jurisdiction: its own `calendar`, else the nearest ancestor's, else cn."""
        for j in self.lineage(name):
            if j.calendar is not None:
                return j.calendar.name
        return DEFAULT_CALENDAR

    def calendar_overrides(self, name: str) -> list[CalendarOverride]:
        """Extra open/closed days of the jurisdiction and its ancestors (ancestors first)."""
        out: list[CalendarOverride] = []
        for j in reversed(self.lineage(name)):
            out.extend(j.overrides)
        return out

    def departments(self, name: str) -> dict[str, Department]:
        """Departments visible in a jurisdiction: its own override inherited ones of that name."""
        out: dict[str, Department] = {}
        for j in reversed(self.lineage(name)):
            for d in j.departments:
                out[d.name] = d
        return out

    def domains(self, name: str) -> dict[str, Declared]:
        out: dict[str, Declared] = {}
        for j in reversed(self.lineage(name)):
            for d in j.domains:
                out[d.name] = d
        return out

    def assessments(self, name: str) -> dict[str, tuple[str, Assessment]]:
        """Assessments in force: own and inherited (nearest wins), as (owner, assessment)."""
        out: dict[str, tuple[str, Assessment]] = {}
        for j in reversed(self.lineage(name)):
            for a in j.assessments:
                out[a.name] = (j.name, a)
        return out

    # ------------------------------------------------------------ matters

    def own_matters(self, name: str) -> dict[str, Matter]:
        return {m.name: m for m in self.jurisdictions[name].matters}

    def chains(self, name: str) -> dict[str, Chain]:
        return {c.name: c for c in self.jurisdictions[name].chains}

    @cached_property
    def _delegated_in(self) -> dict[str, list[DelegatedMatter]]:
        index: dict[str, list[DelegatedMatter]] = {}
        for owner in self.jurisdictions.values():
            held = self.held_matters_static(owner.name)
            for d in owner.delegations:
                for m_ref in d.matters:
                    matter = held.get(m_ref.name)
                    if matter is None:
                        continue
                    for to in d.to:
                        index.setdefault(to.name, []).append(DelegatedMatter(matter, owner.name, d))
        return index

    def _delegated_down(self, parent: str) -> dict[str, list[str]]:
        """child → names of the matters `parent` delegates to it, in declaration order."""
        found = self._down.get(parent)
        if found is None:
            found = {}
            for d in self.jurisdictions[parent].delegations:
                names = [m.name for m in d.matters]
                for t in d.to:
                    found.setdefault(t.name, []).extend(names)
            self._down[parent] = found
        return found

    def held_matters_static(self, name: str) -> dict[str, Matter]:
        """Own matters plus those delegated down the parent chain (dates ignored; cached)."""
        cached = self._held.get(name)
        if cached is not None:
            return dict(cached)
        lineage = self.lineage(name)
        if not lineage:
            return {}  # not a jurisdiction of this tree
        top = lineage[-1].parent
        # in a chain up to a root each ancestor's own result is a step of this one: reuse
        # and keep them; a chain cut by a parent cycle is computed from its own top
        clean = top is None or top.name not in self.jurisdictions
        held: dict[str, Matter] = {}
        above: Jurisdiction | None = None
        for j in reversed(lineage):
            known = self._held.get(j.name) if clean else None
            if known is None:
                known = self.own_matters(j.name)
                if above is not None:
                    for m in self._delegated_down(above.name).get(j.name, ()):
                        if m in held and m not in known:
                            known[m] = held[m]
                if clean:
                    self._held[j.name] = known
            held, above = known, j
        self._held[name] = held
        return dict(held)

    def delegated_in(self, name: str, as_of: dt.date | None = None) -> list[DelegatedMatter]:
        """Matters delegated to this jurisdiction, in force on `as_of` (all when None)."""
        items = self._delegated_in.get(name, [])
        if as_of is None:
            return list(items)
        return [i for i in items if _starts_by(i.delegation, as_of)]

    def handled_matters(self, name: str, as_of: dt.date | None = None) -> dict[str, Matter]:
        """Matters this jurisdiction handles on `as_of`: its own plus delegated-in ones."""
        out = {m.name: m for m in (i.matter for i in self.delegated_in(name, as_of))}
        out.update(self.own_matters(name))
        return out

    def delegated_out(self, name: str, as_of: dt.date | None = None) -> dict[str, set[str]]:
        """matter name → children it is delegated to, on `as_of`."""
        out: dict[str, set[str]] = {}
        for d in self.jurisdictions[name].delegations:
            if as_of is not None and not _starts_by(d, as_of):
                continue
            for m in d.matters:
                out.setdefault(m.name, set()).update(t.name for t in d.to)
        return out

    # ------------------------------------------------------------ facts and tests

    def facts_for(self, name: str) -> list[Facts]:
        """Facts blocks about a jurisdiction: inside its block or top-level naming it."""
        out = list(self.jurisdictions[name].facts) if name in self.jurisdictions else []
        for f in self.files.values():
            out.extend(
                x for x in f.facts if x.jurisdiction is not None and x.jurisdiction.name == name
            )
        return out

    def tests(self) -> list[tuple[str | None, TestCase]]:
        """Every in-file test with the jurisdiction it sits in (None at top level)."""
        out: list[tuple[str | None, TestCase]] = []
        for j in self.jurisdictions.values():
            out.extend((j.name, t) for t in j.tests)
        for f in self.files.values():
            out.extend((None, t) for t in f.tests)
        return out


def _starts_by(item: Delegation, as_of: dt.date) -> bool:
    """A dated item holds from its `from` date, else from its `by` date (engine/dated.py)."""
    start = item.valid_from if item.valid_from is not None else item.due_by
    return start is None or start <= as_of


def resolve(root: str, files: dict[str, SourceFile]) -> tuple[Workspace, list[Diagnostic]]:
    """Index jurisdictions by name and link parents to children; report duplicates and cycles."""
    diagnostics: list[Diagnostic] = []
    ws = Workspace(root=root, files=files)
    for f in files.values():
        for j in f.jurisdictions:
            if j.name in ws.jurisdictions:
                first = ws.jurisdictions[j.name]
                diagnostics.append(
                    error(
                        "OW110",
                        j.span,
                        f"jurisdiction '{j.name}' is declared twice",
                        f"rename one or merge them; the other is at {first.span}",
                        related=((first.span, "also declared here"),),
                    )
                )
                continue
            ws.jurisdictions[j.name] = j
    children: dict[str, list[str]] = {}
    for j in ws.jurisdictions.values():
        if j.parent is None:
            continue
        if j.parent.name not in ws.jurisdictions:
            diagnostics.append(
                error(
                    "OW105",
                    j.parent.span,
                    f"unknown parent jurisdiction '{j.parent.name}'",
                    did_you_mean(j.parent.name, ws.jurisdictions)
                    or "declare it in a file of this folder tree (under the jurisdictions root)",
                )
            )
            continue
        children.setdefault(j.parent.name, []).append(j.name)
    ws.children = {k: tuple(v) for k, v in children.items()}
    diagnostics.extend(_parent_cycles(ws))
    return ws, diagnostics


def _parent_cycles(ws: Workspace) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    reported: set[str] = set()
    for name in ws.jurisdictions:
        path: list[str] = []
        cur: str | None = name
        while cur is not None and cur in ws.jurisdictions and cur not in path:
            path.append(cur)
            p = ws.jurisdictions[cur].parent
            cur = p.name if p else None
        if cur is not None and cur in path:
            cycle = path[path.index(cur) :]
            if reported.isdisjoint(cycle):
                reported.update(cycle)
                j = ws.jurisdictions[cur]
                assert j.parent is not None
                out.append(
                    error(
                        "OW140",
                        j.parent.span,
                        "parents form a cycle: " + " → ".join([*cycle, cur]),
                        "a jurisdiction cannot be its own ancestor; fix one 'parent' line",
                    )
                )
    return out
