"""Render diagnostics in one place: compiler-style text with source and carets, or JSON data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from onewindow.dsl.diagnostics import Diagnostic, Severity


def _read_lines(path: str) -> list[str] | None:
    try:
        return Path(path).read_text(encoding="utf-8-sig", errors="replace").split("\n")
    except OSError:
        return None


class SourceLines:
    """Lines of source files, read once, for quoting in diagnostics."""

    def __init__(self, reader: Callable[[str], list[str] | None] = _read_lines) -> None:
        self._reader = reader
        self._cache: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self._cache:
            self._cache[path] = self._reader(path)
        lines = self._cache[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1].rstrip("\r")


#: Longest source line quoted whole; longer ones are cut to CONTEXT characters around the span.
MAX_SHOWN = 160
CONTEXT = 60

_STYLE = {Severity.error: "bold red", Severity.warning: "bold yellow", Severity.info: "bold blue"}


def render_text(d: Diagnostic, sources: SourceLines, markup: bool = True) -> str:
    """`path:line:col: error OW102: message`, the source line, carets, then the hint."""

    def style(text: str, s: str) -> str:
        return f"[{s}]{text}[/]" if markup else text

    def esc(text: str) -> str:
        return text.replace("[", r"\[") if markup else text

    sp = d.span
    head = (
        f"{style(f'{sp.file}:{sp.line}:{sp.column}:', 'bold')} "
        f"{style(f'{d.severity.value} {d.code}:', _STYLE[d.severity])} {esc(d.message)}"
    )
    out = [head]
    src = sources.line(sp.file, sp.line)
    if src is not None:
        gutter = str(sp.line)
        pad = " " * len(gutter)
        start = max(0, sp.column - 1)
        end = sp.end_column - 1 if sp.end_line == sp.line else len(src)
        end = max(end, start + 1)
        if len(src) > MAX_SHOWN:  # a huge line: show a window around the span, not all of it
            left = max(0, start - CONTEXT)
            right = min(len(src), max(end, start + 1) + CONTEXT, left + MAX_SHOWN)
            end = min(end, right)
            src = ("…" if left else "") + src[left:right] + ("…" if right < len(src) else "")
            shift = left - (1 if left else 0)
            start, end = start - shift, end - shift
        lead = cell_len(src[:start].expandtabs(4))
        width = max(1, cell_len(src[:end].expandtabs(4)) - lead)
        src = src.expandtabs(4)
        out.append(f"{pad} {style('|', 'blue')}")
        out.append(f"{style(gutter, 'blue')} {style('|', 'blue')} {esc(src)}")
        out.append(
            f"{pad} {style('|', 'blue')} {' ' * lead}{style('^' * width, _STYLE[d.severity])}"
        )
    for span, note in d.related:
        out.append(
            f"  {style('note:', 'bold')} {esc(note)} at {span.file}:{span.line}:{span.column}"
        )
    if d.hint:
        out.append(f"  {style('hint:', 'cyan')} {esc(d.hint)}")
    return "\n".join(out)


def to_json(d: Diagnostic) -> dict[str, Any]:
    """The JSON form of a diagnostic (stable keys for machines and the TUI)."""
    return {
        "code": d.code,
        "severity": d.severity.value,
        "file": d.span.file,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "message": d.message,
        "hint": d.hint,
        "related": [
            {"file": s.file, "line": s.line, "column": s.column, "note": n} for s, n in d.related
        ],
    }


def summary(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    ds = list(diagnostics)
    return (
        sum(d.severity is Severity.error for d in ds),
        sum(d.severity is Severity.warning for d in ds),
    )
