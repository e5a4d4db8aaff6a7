"""Overlays (reforms, 改革方案): a file that changes some values of a tree, like an OpenFisca reform.

An overlay is an ordinary `.ow` file whose `jurisdiction NAME { … }` blocks name jurisdictions
of the base tree. Each statement in such a block is merged into the base jurisdiction:

- single statements (`level`, `parent`, `calendar`, `source`, `seals`) replace the base one;
- named blocks (`matter`, `chain`, `hall`, `department`, `assessment`) replace the base block
  of the same name entirely, or are added when the base has none;
- everything else (`delegate`, `target`, `open`, `closed`, `set`, `lint`, `facts`, `test`,
  `domains`, `plugins`) is added.

The merged model keeps the overlay's spans, so diagnostics and explanations point into the
overlay file for what it changed.
"""

from __future__ import annotations

from onewindow.dsl.build import RawJurisdiction, Stmt

SINGLE = frozenset({"level", "parent", "calendar", "source", "seals"})
NAMED = frozenset({"matter", "chain", "hall", "department", "assessment"})


def _name(stmt: Stmt) -> str | None:
    return getattr(stmt.value, "name", None)


def merge(base: RawJurisdiction, overlay: RawJurisdiction) -> RawJurisdiction:
    """The base jurisdiction with the overlay's statements applied (see the module docstring)."""
    body = list(base.body)
    for stmt in overlay.body:
        if stmt.key == "include":
            continue
        index = None
        if stmt.key in SINGLE:
            index = next((i for i, s in enumerate(body) if s.key == stmt.key), None)
        elif stmt.key in NAMED:
            name = _name(stmt)
            index = next(
                (i for i, s in enumerate(body) if s.key == stmt.key and _name(s) == name), None
            )
        if index is None:
            body.append(stmt)
        else:
            body[index] = stmt
    return RawJurisdiction(base.name, base.span, base.path, body)
