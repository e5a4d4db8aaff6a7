"""`onewindow plugins`: what is loaded, from where, which hooks, and what each provides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.table import Table

from onewindow.dsl.load import LoadError
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    EXIT_OK,
    JsonOpt,
    PluginOpt,
    UserError,
    console,
    err_console,
    print_json,
    report_user_error,
)
from onewindow.plugins.manager import LoadedPlugin, PluginLoadError
from onewindow.plugins.registry import PluginError, Registry

#: Hook names without the common prefix, for narrow tables.
PREFIX = "onewindow_"


@dataclass(frozen=True)
class Failure:
    """A plugin that was asked for (installed entry point, or a file's `plugins` line) but
    could not be loaded."""

    name: str
    where: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "where": self.where, "reason": self.reason}


@dataclass
class Listing:
    """Everything `onewindow plugins` shows, gathered once."""

    registry: Registry
    plugins: list[LoadedPlugin]
    failures: list[Failure]
    file_uses: dict[str, str]  # plugin name → first `plugins` line naming it (file:line:col)


def gather(paths: list[str], plugins: list[str]) -> Listing:
    """Load the plugins (and those named by the files under `paths`); never prints."""
    if paths:
        from onewindow.dsl.check import check

        result = check(paths, plugins=plugins)
        registry = result.registry
        uses: dict[str, str] = {}
        ws = result.workspace
        named = [u for f in ws.files.values() for u in f.plugins]
        named += [u for j in ws.jurisdictions.values() for u in j.plugins]
        for u in sorted(named, key=lambda u: (u.span.file, u.span.line, u.span.column)):
            uses.setdefault(u.name, str(u.span))
    else:
        registry = Registry.build(plugins)
        uses = {}
    failures = [Failure(f.name, str(f.origin), f.reason) for f in registry.failures]
    entry_names: set[str] = set()
    for f in registry.failures:
        for n in (f.name, f.origin.module, f.origin.distribution or ""):
            entry_names |= {n, n.replace("-", "_"), n.replace("_", "-")}
    for name, reason in registry.load_errors.items():
        if name in uses and name not in entry_names:
            failures.append(Failure(name, f'plugins "{name}" at {uses[name]}', reason))
    return Listing(registry, registry.describe(), failures, uses)


def _hooks_text(p: LoadedPlugin) -> str:
    parts = []
    for hook, order in p.ordering:
        short = hook.removeprefix(PREFIX)
        parts.append(f"{short} ({order})" if order else short)
    return "\n".join(parts) or "—"


def _provides_text(reg: Registry, name: str) -> str:
    got = reg.provided_by(name)
    parts = []
    for key, singular in (
        ("metrics", "metric"),
        ("settings", "setting"),
        ("rule_kinds", "rule kind"),
        ("lint_rules", "lint rule"),
    ):
        n = len(got[key])
        if n:
            parts.append(f"{n} {singular}{'' if n == 1 else 's'}")
    return ", ".join(parts) or "—"


def _origin_text(p: LoadedPlugin, uses: dict[str, str]) -> str:
    if p.kind == "file":
        where = uses.get(p.name) or uses.get(p.module)
        return f'plugins "{p.name}"' + (f"\n{where}" if where else "")
    return p.origin


def plugins_table(listing: Listing) -> Table:
    table = Table(title="Plugins", title_justify="left")
    for col in ("plugin", "from", "module", "hooks", "provides"):
        table.add_column(col, overflow="fold")
    for p in listing.plugins:
        table.add_row(
            p.name,
            _origin_text(p, listing.file_uses),
            p.module + (f"\n[dim]{p.path}[/]" if p.path and p.kind != "built-in" else ""),
            _hooks_text(p),
            _provides_text(listing.registry, p.name),
        )
    return table


def metrics_table(reg: Registry) -> Table:
    table = Table(title="Metrics", title_justify="left")
    for col in ("metric", "source", "unit", "plugin", "description"):
        table.add_column(col)
    for name in sorted(reg.metrics):
        m = reg.metrics[name]
        unit = "%" if m.percent else m.unit
        table.add_row(name, m.source, unit, reg.metric_owner[name], m.description)
    return table


def settings_table(reg: Registry) -> Table:
    table = Table(title="Settings (set KEY = VALUE)", title_justify="left")
    for col in ("key", "where", "read by", "description"):
        table.add_column(col)
    for key in sorted(reg.settings):
        s = reg.settings[key]
        owners = ", ".join(reg.setting_owners.get(key, ()))
        table.add_row(key, ", ".join(s.where), owners, s.description)
    return table


def rule_kinds_table(reg: Registry) -> Table:
    table = Table(title="Scoring rule kinds (rule KIND { … })", title_justify="left")
    for col in ("kind", "parameters", "plugin", "description"):
        table.add_column(col)
    for name in sorted(reg.rule_kinds):
        k = reg.rule_kinds[name]
        params = ", ".join(f"{p}*" if p in k.required else p for p in k.params) or "—"
        table.add_row(name, params, reg.rule_kind_owner[name], k.description)
    return table


def lint_rules_table(reg: Registry) -> Table:
    table = Table(title="Lint rules", title_justify="left")
    for col in ("code", "name", "severity", "plugin", "summary"):
        table.add_column(col)
    for r in sorted(reg.lint_rules, key=lambda r: r.code):
        table.add_row(r.code, r.name, r.severity, reg.lint_rule_owner[r.code], r.summary)
    return table


def as_json(listing: Listing) -> dict[str, Any]:
    reg = listing.registry
    plugins = []
    for p in listing.plugins:
        row = p.as_dict()
        row["provides"] = reg.provided_by(p.name)
        if p.kind == "file":
            row["named_at"] = listing.file_uses.get(p.name) or listing.file_uses.get(p.module)
        plugins.append(row)
    return {
        "plugins": plugins,
        "failures": [f.as_dict() for f in listing.failures],
        "metrics": [
            {
                "name": name,
                "source": m.source,
                "unit": m.unit,
                "percent": m.percent,
                "plugin": reg.metric_owner[name],
                "description": m.description,
            }
            for name, m in sorted(reg.metrics.items())
        ],
        "settings": [
            {
                "key": key,
                "where": list(s.where),
                "plugins": list(reg.setting_owners.get(key, ())),
                "description": s.description,
            }
            for key, s in sorted(reg.settings.items())
        ],
        "rule_kinds": [
            {
                "name": name,
                "params": list(k.params),
                "required": list(k.required),
                "plugin": reg.rule_kind_owner[name],
                "description": k.description,
            }
            for name, k in sorted(reg.rule_kinds.items())
        ],
        "lint_rules": [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity,
                "plugin": reg.lint_rule_owner[r.code],
                "summary": r.summary,
            }
            for r in sorted(reg.lint_rules, key=lambda r: r.code)
        ],
    }


def print_failures(failures: list[Failure]) -> None:
    for f in failures:
        err_console.print(
            f"[bold red]error:[/] plugin '{f.name}' ({f.where}) could not be loaded: {f.reason}"
        )
    if failures:
        err_console.print(
            "  [cyan]hint:[/] fix or reinstall the plugin, or uninstall it "
            "(pip uninstall …); ONEWINDOW_DISABLE_PLUGIN_AUTOLOAD=1 skips entry points"
        )


def register(app: typer.Typer) -> None:
    """Add the `plugins` command to `app`."""

    @app.command("plugins")
    def plugins_command(
        paths: Annotated[
            list[str] | None,
            typer.Argument(help="Jurisdiction files or folders: also load their `plugins` lines."),
        ] = None,
        plugin: PluginOpt = None,
        metrics: Annotated[
            bool, typer.Option("--metrics", help="List every metric, its source and plugin.")
        ] = False,
        settings: Annotated[
            bool, typer.Option("--settings", help="List every `set` key and who reads it.")
        ] = False,
        rule_kinds: Annotated[
            bool, typer.Option("--rule-kinds", help="List the scoring rule kinds.")
        ] = False,
        lint_rules: Annotated[
            bool, typer.Option("--lint-rules", help="List the lint rules.")
        ] = False,
        as_json_flag: JsonOpt = False,
    ) -> None:
        """List loaded plugins: where each came from and which hooks it implements.

        Exit 1 when an installed plugin (or one a file names) cannot be loaded. With --json,
        everything (plugins, failures, metrics, settings, rule kinds, lint rules) is printed.
        """
        try:
            listing = gather(paths or [], plugin or [])
        except PluginLoadError as exc:
            report_user_error(UserError(str(exc), exc.hint))
        except PluginError as exc:
            report_user_error(
                UserError(str(exc), "fix or uninstall the plugin, or leave out --plugin")
            )
        except LoadError as exc:
            report_user_error(UserError(exc.message, exc.hint))
        code = EXIT_FILE_ERRORS if listing.failures else EXIT_OK
        if as_json_flag:
            print_json(as_json(listing))
            raise typer.Exit(code)
        reg = listing.registry
        console.print(plugins_table(listing))
        for wanted, make in (
            (metrics, metrics_table),
            (settings, settings_table),
            (rule_kinds, rule_kinds_table),
            (lint_rules, lint_rules_table),
        ):
            if wanted:
                console.print(make(reg))
        print_failures(listing.failures)
        raise typer.Exit(code)
