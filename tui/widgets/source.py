"""A diagnostic as the one renderer writes it, then the source lines around it (read-only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Group
from rich.text import Text

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.model import Span
from onewindow.dsl.render import SourceLines, render_text

#: Lines shown above and below the line a diagnostic or explanation points at.
CONTEXT = 4


def _reader(root: Path) -> Callable[[str], list[str] | None]:
    def read(path: str) -> list[str] | None:
        try:
            return (root / path).read_text(encoding="utf-8-sig", errors="replace").split("\n")
        except OSError:
            return None

    return read


def shown_span(span: Span, show: Callable[[str], str]) -> Span:
    return span.model_copy(update={"file": show(span.file)})


def shown_diagnostic(d: Diagnostic, show: Callable[[str], str]) -> Diagnostic:
    """The diagnostic with its paths as shown on screen (relative to the tree's root)."""
    related = tuple((shown_span(s, show), note) for s, note in d.related)
    return d.model_copy(update={"span": shown_span(d.span, show), "related": related})


def excerpt(span: Span, sources: SourceLines, context: int = CONTEXT) -> Text:
    """Numbered source lines around `span`, its own lines marked and highlighted."""
    out = Text()
    first = max(1, span.line - context)
    last = span.end_line + context
    width = len(str(last))
    for number in range(first, last + 1):
        line = sources.line(span.file, number)
        if line is None:
            break
        inside = span.line <= number <= span.end_line
        out.append("▶ " if inside else "  ", style="bold" if inside else "")
        out.append(f"{number:>{width}} │ ", style="bold" if inside else "dim")
        out.append(line + "\n", style="reverse" if inside and number == span.line else "")
    out.rstrip()
    return out


class SourceBlock:
    """Reads source files below the tree's root for diagnostics and explanations."""

    def __init__(self, root: Path, show: Callable[[str], str]) -> None:
        self.show = show
        self.sources = SourceLines(_reader(root))

    def diagnostic(self, d: Diagnostic) -> Group:
        shown = shown_diagnostic(d, self.show)
        head = Text.from_markup(render_text(shown, self.sources))
        title = Text(f"\n{shown.span.file}", style="bold underline")
        return Group(head, title, excerpt(shown.span, self.sources))

    def span(self, span: Span, title: str = "") -> Group:
        shown = shown_span(span, self.show)
        head = Text(f"{title}{shown.file}:{shown.line}:{shown.column}", style="bold underline")
        return Group(head, excerpt(shown, self.sources))
