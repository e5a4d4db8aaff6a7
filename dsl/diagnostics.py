"""Diagnostics as values: what every stage returns instead of raising for user mistakes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from onewindow.dsl.model import Span


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class Diagnostic(BaseModel):
    """One finding about a source file: stable code, severity, where, what, and how to fix it."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    span: Span
    message: str
    hint: str | None = None
    related: tuple[tuple[Span, str], ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.file, self.span.line, self.span.column, self.code)


def error(code: str, span: Span, message: str, hint: str | None = None, **kw) -> Diagnostic:
    return Diagnostic(
        code=code, severity=Severity.error, span=span, message=message, hint=hint, **kw
    )


def warning(code: str, span: Span, message: str, hint: str | None = None, **kw) -> Diagnostic:
    return Diagnostic(
        code=code, severity=Severity.warning, span=span, message=message, hint=hint, **kw
    )


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A `did you mean 'x'?` hint for a misspelt name, or None when nothing is close."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not close:
        close = [c for c in pool if name and (name in c or c in name)][:1]
    return f"did you mean '{close[0]}'?" if close else None


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.error for d in diagnostics)
