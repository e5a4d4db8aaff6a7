"""Read a `--facts FILE`: top-level `facts NAME as of DATE { … }` blocks (事实), checked.

The file is written in the same language as the tree (same keywords, formatter and
diagnostics). A file inside the tree's folder is already part of the tree, so nothing
extra is read from it. Outside the tree, only facts blocks that name their jurisdiction
may appear; they are checked against the tree (jurisdiction and metric names, shares
within 0–100%) and come after the tree's own blocks (on the same date, they win).
"""

from __future__ import annotations

from pathlib import Path

from onewindow.dsl.build import Stmt
from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.load import LoadError, display_path
from onewindow.dsl.model import Facts
from onewindow.dsl.parse import parse_items
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.registry import Registry


def _check(block: Facts, ws: Workspace, registry: Registry) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if block.jurisdiction is None:
        out.append(
            error(
                "OW105",
                block.span,
                "a facts block in a --facts file does not say which jurisdiction it is about",
                "write: facts NAME as of YYYY-MM-DD { … }",
            )
        )
    elif block.jurisdiction.name not in ws.jurisdictions:
        out.append(
            error(
                "OW105",
                block.jurisdiction.span,
                f"unknown jurisdiction '{block.jurisdiction.name}'",
                did_you_mean(block.jurisdiction.name, ws.jurisdictions),
            )
        )
    for f in block.facts:
        if f.fact == "value" and f.name not in registry.metrics:
            out.append(
                error(
                    "OW106",
                    f.span,
                    f"unknown metric '{f.name}'",
                    did_you_mean(f.name, registry.metrics)
                    or "run 'onewindow plugins --metrics' to list the metrics you can use",
                )
            )
        if f.value.percent and not 0 <= f.value.value <= 100:
            out.append(
                error(
                    "OW121",
                    f.value.span,
                    f"value of '{f.name}' {f.value.value:g}% is outside 0–100%",
                    "a share is between 0% and 100%",
                )
            )
    return out


def load_facts_file(
    path: str, ws: Workspace, registry: Registry
) -> tuple[list[Facts], list[Diagnostic]]:
    """The facts blocks of `path` and the diagnostics found in it.

    :raises LoadError: the file does not exist or cannot be read.
    """
    p = Path(path)
    if not p.is_file():
        raise LoadError(f"no such facts file: {path}", "pass a .ow file of facts blocks")
    shown = display_path(p.resolve())
    if shown in ws.files:
        return [], []  # part of the tree: its blocks are already in the workspace
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise LoadError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise LoadError(f"{path} is not UTF-8 text", "save the facts file as UTF-8") from None
    items, diagnostics = parse_items(text, shown)
    blocks: list[Facts] = []
    if items is None:
        return blocks, diagnostics
    for item in items:
        if isinstance(item, Stmt) and item.key == "facts":
            blocks.append(item.value)
            diagnostics.extend(_check(item.value, ws, registry))
        else:
            what = item.key if isinstance(item, Stmt) else "jurisdiction"
            diagnostics.append(
                error(
                    "OW145",
                    item.span,
                    f"a --facts file holds only facts blocks; '{what}' found",
                    "write: facts NAME as of YYYY-MM-DD { metric … findings … event … }",
                )
            )
    return blocks, diagnostics
