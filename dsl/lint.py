"""The lint pass: run every registered lint rule in isolation, then apply the files' severities.

Rules are `onewindow.plugins.api.LintRule` values collected from the `onewindow_lint_rules`
hook (built-in rules are plugins too). The pass:

1. runs the rules in code order, each inside `isolated()`: a rule that raises, yields
   something that is not a `Diagnostic`, or yields another code, contributes nothing and is
   reported as a `PluginError` naming its plugin — the other rules still run;
2. gives each finding the severity the files ask for: the nearest `lint CODE-OR-NAME
   error|warning|info|off` line of the finding's jurisdiction or of an ancestor (检查级别;
   `off` drops the finding), else the rule's own default severity;
3. merges findings reported once per jurisdiction for shared text (an included fragment) and
   sorts them by place, so the output is the same on every run.

A rule says which jurisdiction a finding is about with `finding(...)`; a plain `Diagnostic`
is placed by its span (the jurisdiction block containing it, or every jurisdiction that
includes the fragment it sits in). Rules that depend on a date read `as_of()`, the day the
pass was asked for (`--as-of`), None meaning "every dated item in force".
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from onewindow.dsl.diagnostics import Diagnostic, Severity, did_you_mean, warning
from onewindow.dsl.model import Span
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.registry import PluginError

HOOK = "onewindow_lint_rules"

#: Code of the lint pass's own warning: a `lint` line naming no loaded rule.
UNKNOWN_RULE = "OW200"

_RANK = {Severity.info: 0, Severity.warning: 1, Severity.error: 2}

_AS_OF: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar(
    "onewindow_lint_as_of", default=None
)


def as_of() -> dt.date | None:
    """The day the running lint pass is for (`--as-of`); None: every dated item in force."""
    return _AS_OF.get()


class Finding(Diagnostic):
    """A lint diagnostic that names the jurisdiction it is about (whose `lint` lines apply)."""

    jurisdiction: str | None = None


def finding(
    code: str,
    jurisdiction: str | None,
    span: Span,
    message: str,
    hint: str | None = None,
    related: Iterable[tuple[Span, str]] = (),
) -> Finding:
    """A lint finding about `jurisdiction`; the pass sets its final severity."""
    return Finding(
        code=code,
        severity=Severity.warning,
        span=span,
        message=message,
        hint=hint,
        related=tuple(related),
        jurisdiction=jurisdiction,
    )


@dataclass
class LintResult:
    """Findings with their final severities, in place order, and the rules that failed."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    failures: list[PluginError] = field(default_factory=list)


# ---------------------------------------------------------------- severities


def _matches(name: str, rule: LintRule) -> bool:
    return name.upper() == rule.code.upper() or name == rule.name


def severity_for(ws: Workspace, jurisdiction: str | None, rule: LintRule) -> str:
    """The severity of `rule` in `jurisdiction`: its nearest `lint` line, else the default.

    Within one jurisdiction the last matching line wins; a child's line beats its parent's.
    Returns ``"error"``, ``"warning"``, ``"info"`` or ``"off"``.
    """
    if jurisdiction is not None and jurisdiction in ws.jurisdictions:
        for j in ws.lineage(jurisdiction):
            for s in reversed(j.lint):
                if _matches(s.rule, rule):
                    return s.severity
    return rule.severity


def promoted_to_error(ws: Workspace, rule: LintRule) -> bool:
    """True when some `lint` line makes `rule` an error (then plain `check` must run it)."""
    return any(
        s.severity == "error" and _matches(s.rule, rule)
        for j in ws.jurisdictions.values()
        for s in j.lint
    )


# ---------------------------------------------------------------- placing plain diagnostics


def _span_files(node: Any, out: set[str]) -> None:
    if isinstance(node, Span):
        out.add(node.file)
    elif isinstance(node, BaseModel):
        for value in node.__dict__.values():
            _span_files(value, out)
    elif isinstance(node, tuple):
        for value in node:
            _span_files(value, out)


class _Places:
    """Which jurisdiction(s) a span belongs to: its own block, or the blocks including it."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._included: dict[str, list[str]] | None = None

    def of(self, span: Span) -> list[str]:
        for j in self._ws.jurisdictions.values():
            if j.file == span.file and j.span.line <= span.line <= j.span.end_line:
                return [j.name]
        if self._included is None:
            self._included = {}
            for j in self._ws.jurisdictions.values():
                files: set[str] = set()
                _span_files(j, files)
                for f in sorted(files - {j.file}):
                    self._included.setdefault(f, []).append(j.name)
        return self._included.get(span.file, [])


# ---------------------------------------------------------------- running rules


def isolated(
    rule: LintRule, owner: str, ws: Workspace
) -> tuple[list[Diagnostic], PluginError | None]:
    """Run one rule; on any misbehaviour return no findings and a `PluginError` naming `owner`."""

    def failed(problem: str) -> tuple[list[Diagnostic], PluginError]:
        return [], PluginError(owner, HOOK, f"lint rule {rule.code}: {problem}")

    try:
        found = list(rule.check(ws) or ())
    except PluginError as exc:
        return [], exc
    except Exception as exc:  # isolate: a plugin's bug is named, other rules still run
        return failed(f"check raised {type(exc).__name__}: {exc}")
    for d in found:
        if not isinstance(d, Diagnostic):
            text = repr(d)
            return failed(f"check yielded {text[:77] + '...' if len(text) > 80 else text}, "
                          "expected a Diagnostic")  # fmt: skip
        if d.code != rule.code:
            return failed(
                f"check yielded a diagnostic with code {d.code!r}; a rule yields only its own code"
            )
    return found, None


def _final(d: Diagnostic, severity: Severity) -> Diagnostic:
    return Diagnostic(
        code=d.code,
        severity=severity,
        span=d.span,
        message=d.message,
        hint=d.hint,
        related=d.related,
    )


def _placed(
    ws: Workspace, places: _Places, rule: LintRule, found: list[Diagnostic]
) -> Iterator[Diagnostic]:
    for d in found:
        names = [d.jurisdiction] if isinstance(d, Finding) else places.of(d.span)
        levels = [severity_for(ws, n, rule) for n in names] or [rule.severity]
        kept = [Severity(s) for s in levels if s != "off"]
        if kept:
            yield _final(d, max(kept, key=_RANK.__getitem__))


def _merge(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per (code, place, text): the most severe copy wins."""
    best: dict[tuple[Any, ...], Diagnostic] = {}
    for d in diagnostics:
        key = (d.code, d.span, d.message, d.hint, d.related)
        old = best.get(key)
        if old is None or _RANK[d.severity] > _RANK[old.severity]:
            best[key] = d
    return sorted(best.values(), key=lambda d: (*d.sort_key, d.message))


def unknown_rule_lines(ws: Workspace, rules: Iterable[LintRule]) -> list[Diagnostic]:
    """OW200 for every `lint` line that names no loaded rule (by code or by name)."""
    rules = list(rules)
    known = [r.code for r in rules] + [r.name for r in rules]
    out: list[Diagnostic] = []
    seen: set[Span] = set()
    for j in ws.jurisdictions.values():
        for s in j.lint:
            if s.span in seen or any(_matches(s.rule, r) for r in rules):
                continue
            seen.add(s.span)
            out.append(
                warning(
                    UNKNOWN_RULE,
                    s.span,
                    f"no loaded lint rule is called '{s.rule}'",
                    did_you_mean(s.rule, known)
                    or "`onewindow lint` lists rules by code and name in docs/lint.md; "
                    "load the plugin that provides the rule with --plugin",
                )
            )
    return out


def run_lint(
    ws: Workspace,
    rules: Iterable[LintRule],
    owners: dict[str, str] | None = None,
    *,
    as_of: dt.date | None = None,
    errors_only: bool = False,
) -> LintResult:
    """Run `rules` over the workspace and apply the files' `lint` lines.

    :param owners: rule code → plugin name, for naming a failing rule's plugin.
    :param as_of: the day the rules judge dated items for (read by rules via `as_of()`).
    :param errors_only: run only rules some `lint` line makes an error, keep only errors
        (what plain `onewindow check` reports), and skip the unknown-rule warnings.
    """
    owners = owners or {}
    chosen = sorted(rules, key=lambda r: r.code)
    if errors_only:
        chosen = [r for r in chosen if promoted_to_error(ws, r)]
    result = LintResult()
    places = _Places(ws)
    found_all: list[Diagnostic] = []
    token = _AS_OF.set(as_of)
    try:
        for rule in chosen:
            found, failure = isolated(rule, owners.get(rule.code, "unknown plugin"), ws)
            if failure is not None:
                result.failures.append(failure)
                continue
            found_all.extend(_placed(ws, places, rule, found))
    finally:
        _AS_OF.reset(token)
    if errors_only:
        found_all = [d for d in found_all if d.severity is Severity.error]
    else:
        found_all.extend(unknown_rule_lines(ws, chosen))
    result.diagnostics = _merge(found_all)
    return result
